"""Where frames come from: a video file, a camera, or a landmark recording.

Every source yields ``Frame`` values with a monotonic ``t_ms``. A video file's
times come from the frame index and its fps; a camera's from a monotonic
clock read once per frame here, at the edge, so the logic downstream never
reads a clock. A recording yields frames that already carry their pose.

After iteration, ``complete`` says whether the source ended normally and
``problem`` says why not (a truncated file, a camera that disconnected).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from .errors import FormcheckError
from .pose import Pose
from .quiet import quiet_stderr
from .recording import RecordingReader, is_recording_path


@dataclass(frozen=True, eq=False)
class Frame:
    index: int
    t_ms: float
    image: np.ndarray | None  # BGR; None for a recording (no pixels kept)
    pose: Pose | None = None  # set by a recording source
    recorded: bool = False  # True: ``pose`` is authoritative, skip the model


@dataclass(frozen=True)
class SourceInfo:
    name: str
    kind: str  # "video" | "camera" | "recording"
    fps: float
    width: int
    height: int
    frame_count: int | None  # None when unknown (a camera)


class Source:
    info: SourceInfo
    complete: bool = True
    problem: str | None = None

    def __iter__(self) -> Iterator[Frame]:
        raise NotImplementedError

    def close(self) -> None:
        pass


def _open_capture(target, what: str):
    import cv2

    with quiet_stderr():
        cap = cv2.VideoCapture(target)
    if not cap.isOpened():
        cap.release()
        raise FormcheckError(what)
    return cap


class VideoFileSource(Source):
    """Decodes a video file; optional start/end (seconds) and stride (every Nth frame)."""

    def __init__(self, path: str | Path, start_s: float = 0.0, end_s: float | None = None, stride: int = 1):
        import cv2

        self.path = Path(path)
        if not self.path.exists():
            raise FormcheckError(f"video not found: {self.path}; check the path")
        if not self.path.is_file():
            raise FormcheckError(f"{self.path} is not a file; give a video file such as clip.mp4")
        try:
            with open(self.path, "rb") as f:
                f.read(1)
        except OSError as e:
            raise FormcheckError(f"cannot read {self.path}: {e.strerror}; check its permissions")
        if stride < 1:
            raise FormcheckError(f"--stride must be 1 or more, got {stride}")
        self._cap = _open_capture(
            str(self.path),
            f"cannot open {self.path} as a video: the file is corrupt, truncated or not a video; "
            "try playing it, or re-export it as MP4 (H.264)")
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        width = int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
        if not fps or not np.isfinite(fps) or fps <= 0 or fps > 1000:
            fps = 30.0  # unknown rate: assume a common one rather than fail
        with quiet_stderr():
            ok, first = self._cap.read()
        if not ok or first is None or width == 0:
            self._cap.release()
            raise FormcheckError(f"{self.path} has no frames that can be decoded; "
                                 "check that it plays, or re-export it")
        self._first = first
        self.info = SourceInfo(self.path.name, "video", float(fps), first.shape[1], first.shape[0],
                               count or None)
        self.start_index = max(0, int(round(start_s * fps)))
        self.end_index = None if end_s is None else int(round(end_s * fps))
        if self.end_index is not None and self.end_index <= self.start_index:
            raise FormcheckError(f"--end ({end_s}s) must come after --start ({start_s}s)")
        if count and self.start_index >= count:
            raise FormcheckError(f"--start {start_s}s is past the end of {self.path.name} "
                                 f"({count / fps:.1f}s long)")
        self.stride = stride

    def __iter__(self) -> Iterator[Frame]:
        cap, fps = self._cap, self.info.fps
        index = 0
        image = self._first
        self.complete, self.problem = True, None
        while True:
            if self.end_index is not None and index >= self.end_index:
                return
            if index >= self.start_index and (index - self.start_index) % self.stride == 0:
                if image is None:
                    ok, image = cap.retrieve()
                    if not ok:
                        break
                yield Frame(index, index * 1000.0 / fps, image)
            index += 1
            image = None
            if not cap.grab():
                break
        expected = self.info.frame_count
        if expected and index < expected * 0.98 - 2:
            self.complete = False
            self.problem = (f"decoding stopped at frame {index} of {expected} "
                            f"({index / fps:.1f}s of {expected / fps:.1f}s): the file looks truncated or corrupt")

    def close(self) -> None:
        self._cap.release()


class CameraSource(Source):
    """A camera through OpenCV, or a video file standing in for one.

    With a file, frames are paced in real time like a camera: when processing
    falls behind, stale frames are skipped (never queued), and ``t_ms`` is the
    monotonic time since the start, just as for a device. A device is read on
    its own thread that keeps only the newest frame (``LatestFrameReader``).
    """

    def __init__(self, camera: str | int, width: int | None = None, height: int | None = None,
                 start_s: float = 0.0):
        import cv2

        self.device = isinstance(camera, int) or (isinstance(camera, str) and camera.isdigit())
        if self.device:
            index = int(camera)
            self._cap = _open_capture(
                index, f"camera {index} could not be opened: check that it is connected and not in use "
                       f"by another program, or pick another with --camera N (or a video file)")
            # Keep at most one frame waiting in the driver: a late loop then
            # sees the newest picture, not a queue of old ones.
            self._cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)
            if width and height:
                self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
                self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
            name = f"camera {index}"
        else:
            path = Path(camera)
            if not path.is_file():
                raise FormcheckError(f"--camera {camera}: no such camera index or video file; "
                                     "give a camera number such as 0, or a video file")
            self._cap = _open_capture(str(path), f"cannot open {path} as a video to stand in for a camera")
            if start_s > 0:  # a stand-in clip may start part-way (keeps tests short)
                self._cap.set(cv2.CAP_PROP_POS_MSEC, start_s * 1000.0)
            name = path.name
        fps = self._cap.get(cv2.CAP_PROP_FPS) or 30.0
        w = int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
        h = int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0)
        self.info = SourceInfo(name, "camera", float(fps), w, h, None)
        self.dropped = 0
        self.t0: float | None = None  # time.monotonic() at t_ms == 0, set when iteration starts

    def __iter__(self) -> Iterator[Frame]:
        cap = self._cap
        t0 = self.t0 = time.monotonic()
        index = 0
        self.complete, self.problem = True, None
        if self.device:
            yield from self._iter_device(t0)
            return
        while True:
            if not self.device:
                # Skip the frames a real camera would have delivered meanwhile.
                due = int((time.monotonic() - t0) * self.info.fps)
                while index < due:
                    if not cap.grab():
                        return
                    index += 1
                    self.dropped += 1
                wait = (index / self.info.fps) - (time.monotonic() - t0)
                if wait > 0:
                    time.sleep(wait)
            ok, image = cap.read()
            now_ms = (time.monotonic() - t0) * 1000.0
            if not ok or image is None:
                if self.device:
                    self.complete = False
                    self.problem = "the camera stopped delivering frames (disconnected?)"
                return
            yield Frame(index, now_ms, image)
            index += 1

    def _iter_device(self, t0: float) -> Iterator[Frame]:
        self._reader = reader = LatestFrameReader(self._cap, t0)
        last = 0
        while True:
            got = reader.next_after(last)
            if got is None:
                self.complete = False
                self.problem = "the camera stopped delivering frames (disconnected?)"
                return
            seq, t_ms, image = got
            self.dropped += seq - last - 1
            last = seq
            yield Frame(seq - 1, t_ms, image)

    def close(self) -> None:
        reader = getattr(self, "_reader", None)
        if reader is not None:
            reader.stop()
        self._cap.release()


class LatestFrameReader:
    """Reads a camera on its own thread and keeps only the newest frame.

    A camera driver queues frames when the reader is slow; reading them in
    turn would show an ever older picture. Here the loop always gets the
    newest frame (older ones are dropped and counted by the caller), and a
    camera that delivers nothing for ``stall_s`` counts as disconnected.
    """

    def __init__(self, cap, t0: float, stall_s: float = 5.0):
        import threading

        self._cap, self._t0, self.stall_s = cap, t0, stall_s
        self._cond = threading.Condition()
        self._latest: tuple[int, float, np.ndarray] | None = None
        self._failed = self._stopping = False
        self._thread = threading.Thread(target=self._run, name="camera-reader", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        seq = 0
        while not self._stopping:
            ok, image = self._cap.read()
            t_ms = (time.monotonic() - self._t0) * 1000.0  # capture time, read once at the edge
            with self._cond:
                if not ok or image is None:
                    self._failed = True
                    self._cond.notify_all()
                    return
                seq += 1
                self._latest = (seq, t_ms, image)
                self._cond.notify_all()

    def next_after(self, seq: int) -> tuple[int, float, np.ndarray] | None:
        """The newest frame after number ``seq``; None when the camera is gone."""
        with self._cond:
            fresh = lambda: self._latest is not None and self._latest[0] > seq  # noqa: E731
            self._cond.wait_for(lambda: fresh() or self._failed, timeout=self.stall_s)
            return self._latest if fresh() else None

    def stop(self) -> None:
        self._stopping = True
        self._thread.join(timeout=2.0)


class RecordingSource(Source):
    """Replays a landmark recording: frames carry their pose, no pixels."""

    def __init__(self, path: str | Path, start_s: float = 0.0, end_s: float | None = None, stride: int = 1):
        self._reader = RecordingReader(path)
        h = self._reader.header
        self.info = SourceInfo(Path(path).name, "recording", h.fps, h.width, h.height, None)
        self.start_ms, self.end_ms, self.stride = start_s * 1000.0, None if end_s is None else end_s * 1000.0, stride

    def __iter__(self) -> Iterator[Frame]:
        n = 0
        for index, t_ms, pose in self._reader:
            if t_ms < self.start_ms:
                continue
            if self.end_ms is not None and t_ms >= self.end_ms:
                break
            if n % self.stride == 0:
                yield Frame(index, t_ms, None, pose, recorded=True)
            n += 1
        self.complete = self._reader.complete is not False
        self.problem = self._reader.problem


def open_source(path: str | Path, start_s: float = 0.0, end_s: float | None = None, stride: int = 1) -> Source:
    """A video file or a landmark recording, judged by the file name."""
    if is_recording_path(path):
        return RecordingSource(path, start_s, end_s, stride)
    return VideoFileSource(path, start_s, end_s, stride)
