"""Decode ahead: a source read on a worker thread, a few frames in advance.

OpenCV releases the GIL while it decodes, so the next frames are decoded on
another core while the model works on this one. The queue is short (memory
stays a few frames) and the wrapper looks like the source it wraps:
``info``, and ``complete``/``problem`` once iteration is over.
"""

from __future__ import annotations

import queue
import threading
from typing import Iterator

from .sources import Frame, Source

_END = object()


class Prefetched(Source):
    def __init__(self, source: Source, depth: int = 4):
        self.source = source
        self.info = source.info
        self.depth = depth
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def complete(self) -> bool:  # type: ignore[override]
        return self.source.complete

    @property
    def problem(self) -> str | None:  # type: ignore[override]
        return self.source.problem

    def _fill(self, q: queue.Queue) -> None:
        try:
            for frame in self.source:
                while not self._stop.is_set():
                    try:
                        q.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if self._stop.is_set():
                    return
            q.put(_END)
        except BaseException as e:  # handed to the reading thread
            q.put(e)

    def __iter__(self) -> Iterator[Frame]:
        q: queue.Queue = queue.Queue(maxsize=self.depth)
        self._stop.clear()
        self._thread = threading.Thread(target=self._fill, args=(q,), name="decode-ahead", daemon=True)
        self._thread.start()
        try:
            while True:
                item = q.get()
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self._halt()

    def _halt(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def close(self) -> None:
        self._halt()
        self.source.close()
