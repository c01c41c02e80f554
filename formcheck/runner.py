"""Drives a Session over a Source and hands each result to the sinks.

Interruptions keep what was done: Ctrl-C or a source that ends early stop the
loop, the running hold is closed, and the caller still writes its outputs,
marked incomplete.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import cv2

from .errors import FormcheckError
from .outputs import check_writable
from .overlay import Overlay
from .pipeline import FrameResult, Session, with_poses
from .recording import RecordingHeader, RecordingWriter
from .sources import Source
from .specs import PoseSpec


@dataclass
class RunOutcome:
    session: Session
    complete: bool
    problem: str | None
    interrupted: bool


class AnnotatedVideo:
    """Sink: writes the overlay to an MP4, renamed into place when closed.

    Drawing and encoding run on a worker thread (OpenCV releases the GIL
    while it draws and encodes), so they overlap with the model on the
    main thread instead of adding to it. The queue is short: memory stays
    a few frames, and a slow encoder slows the run rather than piling up.
    """

    QUEUE_FRAMES = 4

    def __init__(self, path: str | Path, spec: PoseSpec, fps: float, size: tuple[int, int]):
        self.path = check_writable(path, "annotated video")
        self._tmp = self.path.with_name(f".{self.path.stem}.partial{self.path.suffix or '.mp4'}")
        self.size = size
        self._overlay = Overlay(spec)
        self._writer = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
        if not self._writer.isOpened():
            raise FormcheckError(f"cannot write video {self.path}: OpenCV has no MP4 encoder here; "
                                 "try a .avi file name")
        self._queue: queue.Queue = queue.Queue(maxsize=self.QUEUE_FRAMES)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="annotated-video", daemon=True)
        self._thread.start()

    def _draw(self, result: FrameResult) -> None:
        out = self._overlay.annotate(result.frame.image, result, self.size)
        if (out.shape[1], out.shape[0]) != self.size:
            out = cv2.resize(out, self.size)
        self._writer.write(out)

    def _work(self) -> None:
        while True:
            result = self._queue.get()
            if result is None:
                return
            if self._error is None:
                try:
                    self._draw(result)
                except BaseException as e:  # handed to the main thread at the next frame
                    self._error = e

    def on_frame(self, result: FrameResult) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(result)

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self._writer.release()
        if self._tmp.exists():
            self._tmp.replace(self.path)
        if self._error is not None:
            error, self._error = self._error, None
            raise error


class LandmarkRecorder:
    """Sink: saves the raw (unsmoothed) poses so a run can be replayed."""

    def __init__(self, path: str | Path, source: Source, model: str):
        check_writable(path, "landmark recording")
        i = source.info
        self._writer = RecordingWriter(path, RecordingHeader(i.name, i.fps, i.width, i.height, model))

    def on_frame(self, result: FrameResult) -> None:
        self._writer.write(result.frame.index, result.frame.t_ms, result.raw_pose)

    def close(self, complete: bool = True) -> None:
        self._writer.close(complete)


def run(source: Source, spec: PoseSpec, estimate: Callable | None, sinks: Iterable = (),
        on_result: Callable[[FrameResult], None] | None = None, watcher=None) -> RunOutcome:
    """``watcher`` (a ``reload.SpecWatcher``): re-read the spec when its file changes."""
    session = Session(spec)
    sinks = list(sinks)
    interrupted = False
    try:
        for frame, pose in with_poses(source, estimate):
            new_spec = watcher.check(frame.t_ms) if watcher is not None else None
            if new_spec is not None:
                session.replace_spec(new_spec)
            result = session.step(frame, pose)
            for sink in sinks:
                sink.on_frame(result)
            if on_result is not None:
                on_result(result)
    except KeyboardInterrupt:
        interrupted = True
    session.finish()
    complete = source.complete and not interrupted
    problem = "interrupted (Ctrl-C)" if interrupted else source.problem
    return RunOutcome(session, complete, problem, interrupted)
