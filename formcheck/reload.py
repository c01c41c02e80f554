"""Live reload of spec files: a saved edit applies at once, a broken one is refused.

``SpecWatcher.check(t_ms)`` is called once per frame with the frame's time;
at most every ``interval_ms`` it compares the files' stamps (modification time
and size) with the last ones it saw. On a change it reloads the spec through
``load`` (the same call that loaded it first: name or path, overlay, level):

* it loads: the new spec is returned and the files to watch are taken from
  it (an overlay may point at a different base now);
* it fails: nothing is returned, the error is kept in ``last_error`` and
  handed to ``notify`` once; the caller keeps the last good spec. The next
  save is tried again.

Frame time rather than a clock keeps it testable and makes a paused stream
cost nothing; the file system is read only through ``stat``.
"""

from __future__ import annotations

import os
import sys
from typing import Callable

from .errors import FormcheckError
from .specs import PoseSpec

Stamp = tuple[int, int] | None  # (mtime_ns, size); None: the file is missing
DEFAULT_INTERVAL_MS = 500.0


def file_stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def due(t_ms: float, last_ms: float | None, interval_ms: float) -> bool:
    """Time to look at the files again? (The first frame always looks.)"""
    return last_ms is None or t_ms - last_ms >= interval_ms or t_ms < last_ms


def _stderr(message: str) -> None:
    print(f"formcheck: {message}", file=sys.stderr, flush=True)


class SpecWatcher:
    def __init__(self, spec: PoseSpec, load: Callable[[], PoseSpec],
                 interval_ms: float = DEFAULT_INTERVAL_MS, stat: Callable[[str], Stamp] = file_stamp,
                 notify: Callable[[str], None] = _stderr):
        self.load, self.interval_ms, self.stat, self.notify = load, interval_ms, stat, notify
        self.spec = spec
        self.files = spec.files
        self._stamps = self._read()
        self._last_check: float | None = None
        self.last_error: str | None = None
        self.reloads = 0

    def _read(self) -> tuple[Stamp, ...]:
        return tuple(self.stat(f) for f in self.files)

    def check(self, t_ms: float) -> PoseSpec | None:
        """The newly loaded spec when a watched file changed and loads; else None."""
        if not self.files or not due(t_ms, self._last_check, self.interval_ms):
            return None
        self._last_check = t_ms
        stamps = self._read()
        if stamps == self._stamps:
            return None
        self._stamps = stamps
        try:
            spec = self.load()
        except FormcheckError as e:
            self.last_error = str(e)
            self.notify(f"spec reload failed, keeping the last good spec: {e}")
            return None
        self.spec, self.last_error = spec, None
        self.files = spec.files
        self._stamps = self._read()
        self.reloads += 1
        self.notify(f"spec reloaded: {spec.name} from {spec.path}")
        return spec
