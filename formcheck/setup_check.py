"""The set-up check before a step's timer may run: can the camera see the
whole body, from the side the spec asks for, near enough, in enough light?

Pure: a pose and a brightness in, a report out. Framing and distance come
from the image landmarks (where the body sits in the picture); the viewing
angle from the world landmarks, whose x axis runs across the picture and z
axis toward the camera, so the direction of the hip and shoulder lines says
whether the camera sees the body from the front or the side. On the shared
footage the side-view photos measure 75-89 degrees and the front-view ones
2-41, hence the thresholds below. Messages name body parts, never left or
right of the picture, so a mirrored preview cannot mislead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .landmarks import LANDMARK
from .pose import Pose

DARK, BRIGHT = 45.0, 215.0  # mean grey level (0-255) of the frame
MIN_EXTENT = 0.35  # the body should span at least this share of the picture
SIDE_MIN_DEG, FRONT_MAX_DEG = 60.0, 40.0
_MARGIN = 0.01
_PARTS = {  # what must be inside the picture, by the name the message uses
    "head": ("nose",),
    "hips": ("left_hip", "right_hip"),
    "knees": ("left_knee", "right_knee"),
    "feet": ("left_ankle", "right_ankle"),
    "hands": ("left_wrist", "right_wrist"),
}


@dataclass(frozen=True)
class SetupProblem:
    key: str  # "no_person" | "dark" | "bright" | "frame:<part>" | "far" | "view"
    message: str  # what to change, said out loud and shown


@dataclass(frozen=True)
class SetupReport:
    problems: tuple[SetupProblem, ...]
    brightness: float | None
    extent: float | None  # share of the picture the body spans
    yaw_deg: float | None  # 90: the camera sees the body from the side; 0: from the front

    @property
    def ok(self) -> bool:
        return not self.problems


def brightness(image_bgr: np.ndarray) -> float:
    """Mean grey level of a frame, from a small copy (cheap at any size)."""
    small = image_bgr[:: max(1, image_bgr.shape[0] // 60), :: max(1, image_bgr.shape[1] // 80)]
    grey = small[..., 0] * 0.114 + small[..., 1] * 0.587 + small[..., 2] * 0.299
    return float(grey.mean())


def view_yaw(pose: Pose) -> float:
    """Angle between the body's left-right axis and the picture plane, degrees."""
    w = pose.world
    lateral = (w[LANDMARK["left_hip"]] - w[LANDMARK["right_hip"]]) + \
              (w[LANDMARK["left_shoulder"]] - w[LANDMARK["right_shoulder"]])
    return math.degrees(math.atan2(abs(lateral[2]), abs(lateral[0])))


def _outside(pose: Pose, names: tuple[str, ...]) -> bool:
    pts = pose.image[[LANDMARK[n] for n in names], :2]
    return bool(np.any((pts < -_MARGIN) | (pts > 1 + _MARGIN)))


def check_setup(pose: Pose | None, view: str, light: float | None) -> SetupReport:
    problems: list[SetupProblem] = []
    if light is not None and light < DARK:
        problems.append(SetupProblem("dark", "The room is too dark: switch on a light or face a window"))
    elif light is not None and light > BRIGHT:
        problems.append(SetupProblem("bright", "The picture is washed out: turn the camera away from bright light"))
    if pose is None:
        problems.append(SetupProblem("no_person", "I cannot see you yet: move into the camera's view"))
        return SetupReport(tuple(problems), light, None, None)
    cut = [part for part, names in _PARTS.items() if _outside(pose, names)]
    if cut:
        verb = "is" if cut == ["head"] else "are"
        problems.append(SetupProblem(
            "frame:" + cut[0], f"Your {' and '.join(cut)} {verb} out of the picture: "
                               "move further from the camera so all of you is in view"))
    pts = pose.image[:, :2]
    inside = pts[np.all((pts >= 0) & (pts <= 1), axis=1)]
    extent = float(max(np.ptp(inside[:, 0]), np.ptp(inside[:, 1]))) if len(inside) >= 2 else 0.0
    if not cut and extent < MIN_EXTENT:
        problems.append(SetupProblem("far", "You are small in the picture: come a step or two closer"))
    yaw = view_yaw(pose)
    if view == "side" and yaw < SIDE_MIN_DEG:
        problems.append(SetupProblem("view", "Turn side-on to the camera: this pose is checked from the side"))
    elif view == "front" and yaw > FRONT_MAX_DEG:
        problems.append(SetupProblem("view", "Face the camera: this pose is checked from the front"))
    return SetupReport(tuple(problems), light, extent, yaw)
