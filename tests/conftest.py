"""Shared test helpers: where the footage and the extracted landmarks are."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
FOOTAGE = Path(os.environ.get("FORMCHECK_FOOTAGE", ROOT.parent / "shared" / "footage"))


def footage(rel: str) -> Path:
    """A path into ../shared/footage; skips the test when the footage is absent."""
    p = FOOTAGE / rel
    if not p.exists():
        pytest.skip(f"shared footage not available at {p}")
    return p


def cached_image_poses() -> dict[str, object]:
    """Landmarks extracted from the footage images: relative path -> Pose | None."""
    from formcheck.pose import Pose

    out = {}
    with gzip.open(DATA / "footage_images.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            p = rec["pose"]
            out[rec["file"]] = None if p is None else Pose(
                image=np.array(p["img"]).reshape(33, 3), world=np.array(p["wld"]).reshape(33, 3),
                visibility=np.array(p["vis"]))
    return out


def video_recording(stem: str) -> Path:
    p = DATA / "videos" / f"{stem}.landmarks.jsonl.gz"
    if not p.exists():
        pytest.skip(f"no landmark recording {p.name}; run tools/extract_footage.py --videos")
    return p


def run_cli(*args: str, timeout: float = 300, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Runs the real command line in a fresh process (exit code, stdout, stderr)."""
    return subprocess.run([sys.executable, "-m", "formcheck.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd)


def assert_one_line_error(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for w in words:
        assert w.lower() in lines[0].lower(), (w, lines[0])


def parse_spec_text(text: str, name: str = "t"):
    """A spec from TOML text, as if loaded from ``t.toml``."""
    import tomllib

    from formcheck.specs import parse_spec

    return parse_spec(tomllib.loads(text), f"{name}.toml", name)


def spec_problems(text: str) -> list[str]:
    """The problems loading ``text`` reports (the test fails if it loads)."""
    from formcheck.specs import SpecError

    with pytest.raises(SpecError) as e:
        parse_spec_text(text)
    return e.value.problems
