"""A one-line progress bar for long runs: frames, speed, time left.

Drawn on stderr only when stderr is a terminal (never into a log file or a
pipe) and not asked to be quiet; redrawn at most a few times a second so it
costs nothing next to the model. It is a user-interface edge, so it may read
the wall clock; the pipeline never does.
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def progress_text(label: str, done: int, total: int | None, elapsed_s: float, width: int) -> str:
    """The bar's text for ``done`` of ``total`` frames (total None: unknown)."""
    rate = done / elapsed_s if elapsed_s > 0 else 0.0
    speed = f"{rate:5.1f} fps" if rate else "  -- fps"
    if total:
        frac = min(1.0, done / total)
        left = _clock((total - done) / rate) if rate else "--:--"
        tail = f" {100 * frac:3.0f}% {done}/{total} frames {speed} {left} left"
        bar_w = max(0, width - len(label) - len(tail) - 3)
        bar = ("#" * int(round(bar_w * frac))).ljust(bar_w, ".") if bar_w >= 8 else ""
        text = f"{label} [{bar}]{tail}" if bar else f"{label}{tail}"
    else:
        text = f"{label} {done} frames {speed} {_clock(elapsed_s)} elapsed"
    return text[:width]


class Progress:
    """``update(done)`` as work goes on, ``close()`` at the end (clears the line)."""

    def __init__(self, label: str, total: int | None, quiet: bool = False, stream: TextIO | None = None,
                 interval_s: float = 0.25):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.label, self.total, self.interval_s = label, total, interval_s
        self.done = 0
        self._t0 = time.monotonic()
        self._last_draw = 0.0

    def update(self, done: int) -> None:
        self.done = done
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last_draw >= self.interval_s:
            self._last_draw = now
            width = shutil.get_terminal_size((100, 20)).columns - 1
            self.stream.write("\r" + progress_text(self.label, done, self.total, now - self._t0, width)
                              .ljust(width))
            self.stream.flush()

    def message(self, text: str, stream: TextIO | None = None) -> None:
        """Prints a line without tearing the bar: clear it, print, and let the next update redraw it."""
        if self.enabled:
            width = shutil.get_terminal_size((100, 20)).columns - 1
            self.stream.write("\r" + " " * width + "\r")
            self.stream.flush()
            self._last_draw = 0.0
        print(text, file=stream or self.stream, flush=True)

    def on_frame(self, _result) -> None:  # also usable as a pipeline sink
        self.update(self.done + 1)

    def close(self) -> None:
        if self.enabled:
            width = shutil.get_terminal_size((100, 20)).columns - 1
            self.stream.write("\r" + " " * width + "\r")
            self.stream.flush()
            self.enabled = False
