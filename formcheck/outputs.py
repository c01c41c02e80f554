"""Output files: checked before any work starts, written atomically.

A report is written to a temporary file beside its target and renamed into
place, so a half-written file never replaces a good one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import FormcheckError


def check_writable(path: str | Path, what: str) -> Path:
    """Fail early (before minutes of work) if ``path`` cannot be written."""
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise FormcheckError(f"{what} {path} is a folder; give a file name")
    if not parent.is_dir():
        raise FormcheckError(f"cannot write {what} {path}: folder {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise FormcheckError(f"cannot write {what} {path}: permission denied; choose another location")
    return path


def write_atomic(path: str | Path, data: str | bytes) -> None:
    path = Path(path)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual mode
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
