"""The progress bar for long runs (frames, speed, time left), through tqdm.

Drawn on stderr only when it is a terminal (never into a log file or a pipe)
and not asked to be quiet. tqdm rate-limits its redraws, so it costs nothing
next to the model. It is a user-interface edge, so it may read the wall
clock; the pipeline never does.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


class Progress:
    """``update(done)`` as work goes on, ``close()`` at the end (clears the line)."""

    def __init__(self, label: str, total: int | None, quiet: bool = False, stream: TextIO | None = None,
                 interval_s: float = 0.25):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.done = 0
        self._bar = tqdm(total=total or None, desc=label, unit="frame", file=self.stream, leave=False,
                         mininterval=interval_s, dynamic_ncols=True, disable=not self.enabled)

    def update(self, done: int) -> None:
        if self.enabled and done > self.done:
            self._bar.update(done - self.done)
        self.done = done

    def message(self, text: str, stream: TextIO | None = None) -> None:
        """Prints a line without tearing the bar."""
        if self.enabled and (stream is None or stream is self.stream):
            self._bar.write(text, file=self.stream)
        else:
            print(text, file=stream or self.stream, flush=True)

    def on_frame(self, _result) -> None:  # also usable as a pipeline sink
        self.update(self.done + 1)

    def close(self) -> None:
        self._bar.close()
        self.enabled = False
