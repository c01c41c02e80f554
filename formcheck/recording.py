"""Landmark recordings: a run's poses on disk, to replay without the model.

Format (version 1): JSON Lines, optionally gzip-compressed (``.jsonl.gz``).

* Line 1, the header::

    {"format": "formcheck-landmarks", "version": 1, "source": "clip.mp4",
     "fps": 24.0, "width": 1280, "height": 720, "model": "...", "created": "..."}

* One line per frame, in order. ``t`` is the frame time in milliseconds.
  A frame with no person has ``"pose": null``. Otherwise ``img`` holds the 33
  image landmarks as x, y, z (x and y normalised to the frame), ``wld`` the 33
  world landmarks as x, y, z in metres (hip-centred, y down) and ``vis`` the 33
  visibilities::

    {"i": 0, "t": 0.0, "pose": {"img": [x0, y0, z0, x1, ...], "wld": [...], "vis": [...]}}

* A last line ``{"end": true, "frames": N}`` marks a complete recording. A
  recording without it (an interrupted run) is still readable; readers flag
  it as incomplete.

World coordinates are rounded to 1 mm, image ones to 1e-4 of the frame,
visibilities to 0.01: all far below the
model's own noise.
"""

from __future__ import annotations

import datetime as _dt
import gzip
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator

import numpy as np

from .errors import FormcheckError
from .landmarks import COUNT
from .pose import Pose

FORMAT = "formcheck-landmarks"
VERSION = 1


@dataclass(frozen=True)
class RecordingHeader:
    source: str
    fps: float
    width: int
    height: int
    model: str


def is_recording_path(path: str | Path) -> bool:
    name = str(path).lower()
    return name.endswith(".jsonl") or name.endswith(".jsonl.gz")


def _open_text(path: Path, mode: str, gz: bool | None = None) -> IO[str]:
    if gz if gz is not None else str(path).lower().endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, mode + "b"), encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def _round(a: np.ndarray, digits: int) -> list[float]:
    return [round(float(x), digits) for x in a.ravel()]


class RecordingWriter:
    """Writes a recording; the file appears under its name only when closed.

    Frames go to ``NAME.partial`` as they come. ``close()`` (also on an error
    or Ctrl-C, through the context manager) renames it into place, so an
    interrupted run still keeps everything recorded so far, and a
    half-written file never replaces a good one mid-run.
    """

    def __init__(self, path: str | Path, header: RecordingHeader):
        self.path = Path(path)
        self._partial = self.path.with_name(self.path.name + ".partial")
        try:
            self._f = _open_text(self._partial, "w", gz=self.path.name.lower().endswith(".gz"))
        except OSError as e:
            raise FormcheckError(f"cannot write landmarks to {self.path}: {e.strerror}; "
                                 "choose a folder you can write to")
        self._frames = 0
        meta = {"format": FORMAT, "version": VERSION, "source": header.source, "fps": header.fps,
                "width": header.width, "height": header.height, "model": header.model,
                "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
        self._f.write(json.dumps(meta) + "\n")

    def write(self, index: int, t_ms: float, pose: Pose | None) -> None:
        rec: dict = {"i": index, "t": round(t_ms, 3), "pose": None}
        if pose is not None:
            rec["pose"] = {"img": _round(pose.image, 4), "wld": _round(pose.world, 3),
                           "vis": _round(pose.visibility, 2)}
        self._f.write(json.dumps(rec, separators=(",", ":")) + "\n")
        self._frames += 1

    def close(self, complete: bool = True) -> None:
        if self._f.closed:
            return
        if complete:
            self._f.write(json.dumps({"end": True, "frames": self._frames}) + "\n")
        self._f.close()
        os.replace(self._partial, self.path)

    def __enter__(self) -> "RecordingWriter":
        return self

    def __exit__(self, exc_type, *_) -> None:
        self.close(complete=exc_type is None)


def _pose_from(rec: dict) -> Pose:
    img = np.asarray(rec["img"], dtype=np.float64).reshape(COUNT, 3)
    wld = np.asarray(rec["wld"], dtype=np.float64).reshape(COUNT, 3)
    vis = np.asarray(rec["vis"], dtype=np.float64).reshape(COUNT)
    return Pose(image=img, world=wld, visibility=vis)


class RecordingReader:
    """Reads a recording lazily; ``complete`` is known after iterating."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise FormcheckError(f"landmark recording not found: {self.path}; check the path")
        try:
            with _open_text(self.path, "r") as f:
                first = f.readline()
            meta = json.loads(first)
        except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError, gzip.BadGzipFile):
            raise FormcheckError(f"{self.path} is not a formcheck landmark recording (unreadable header); "
                                 "record one with 'formcheck video CLIP --save-landmarks FILE.jsonl.gz'")
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise FormcheckError(f"{self.path} is not a formcheck landmark recording (no '{FORMAT}' header)")
        if meta.get("version") != VERSION:
            raise FormcheckError(f"{self.path} is recording format version {meta.get('version')}; "
                                 f"this formcheck reads version {VERSION}")
        try:
            self.header = RecordingHeader(str(meta.get("source", "")), float(meta["fps"]),
                                          int(meta["width"]), int(meta["height"]), str(meta.get("model", "")))
        except (KeyError, TypeError, ValueError):
            raise FormcheckError(f"{self.path}: recording header lacks fps, width or height")
        self.complete: bool | None = None
        self.problem: str | None = None

    def __iter__(self) -> Iterator[tuple[int, float, Pose | None]]:
        lineno = 1
        try:
            with _open_text(self.path, "r") as f:
                f.readline()
                for line in f:
                    lineno += 1
                    if not line.strip():
                        continue
                    try:
                        rec = json.loads(line)
                        if rec.get("end"):
                            self.complete = True
                            return
                        pose = None if rec.get("pose") is None else _pose_from(rec["pose"])
                        yield int(rec["i"]), float(rec["t"]), pose
                    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
                        self.complete = False
                        self.problem = f"line {lineno} is malformed ({e.__class__.__name__})"
                        return
        except (EOFError, OSError, gzip.BadGzipFile, UnicodeDecodeError):
            self.complete = False
            self.problem = f"the file is truncated after line {lineno}"
            return
        if self.complete is None:
            self.complete = False
            self.problem = "the recording has no end marker (the run that wrote it was interrupted)"
