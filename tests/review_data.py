"""Landmark recordings with known events, for the review tests.

Built from a real staff-pose photo's landmarks (``footage_images.jsonl.gz``):
upright it is good staff form; the upper body turned forward about the hips
by 40 degrees (a fold to a trunk incline of about 45) crosses the staff
spec's over-stretch limit (40). A script of (seconds, fold angle) pieces
gives a recording whose holds and warnings are known in advance.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

from formcheck.pose import Pose
from formcheck.recording import RecordingHeader, RecordingWriter

DATA = Path(__file__).parent / "data"
FOOTAGE = Path(__file__).resolve().parents[1].parent / "shared" / "footage"
GOOD_STAFF = "images/staff/staff_sax_01.jpg"
FOLD_OVER = -40.0  # degrees: trunk incline about 44.5, past the staff limit of 40


def staff_pose() -> Pose:
    with gzip.open(DATA / "footage_images.jsonl.gz", "rt") as f:
        for line in f:
            rec = json.loads(line)
            if rec["file"] == GOOD_STAFF:
                p = rec["pose"]
                return Pose(np.array(p["img"]).reshape(33, 3), np.array(p["wld"]).reshape(33, 3),
                            np.array(p["vis"]))
    raise LookupError(GOOD_STAFF)


def folded(pose: Pose, degrees: float) -> Pose:
    """The upper body (landmarks 0-22) turned about the hips' left-right axis."""
    w = pose.world.copy()
    mid = (w[23] + w[24]) / 2
    axis = (w[23] - w[24]) / np.linalg.norm(w[23] - w[24])
    th = np.radians(degrees)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    rot = np.eye(3) + np.sin(th) * k + (1 - np.cos(th)) * k @ k
    w[:23] = (w[:23] - mid) @ rot.T + mid
    img = pose.image.copy()
    c, s = np.cos(-th), np.sin(-th)
    mi = (img[23, :2] + img[24, :2]) / 2
    d = img[:23, :2] - mi
    img[:23, :2] = mi + d @ np.array([[c, -s], [s, c]]).T
    return Pose(img, w, pose.visibility)


def write_recording(path: Path, script: list[tuple[float, float | None]], fps: float = 15.0,
                    complete: bool = True, size: tuple[int, int] = (640, 480)) -> int:
    """script: (seconds, fold degrees or None for no person). Returns the frame count."""
    base = staff_pose()
    writer = RecordingWriter(path, RecordingHeader("synthetic staff", fps, size[0], size[1], "test"))
    i = 0
    for seconds, fold in script:
        pose = None if fold is None else (base if fold == 0 else folded(base, fold))
        for _ in range(int(round(seconds * fps))):
            writer.write(i, i * 1000.0 / fps, pose)
            i += 1
    writer.close(complete=complete)
    return i


# Good form 32 s (the 30 s target is reached), a fold past the limit for 3 s
# (one warning), then good form again for 5 s.
STANDARD = [(32.0, 0.0), (3.0, FOLD_OVER), (5.0, 0.0)]
