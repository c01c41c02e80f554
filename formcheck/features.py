"""Named body features (joint angles, inclines, twist, widths) from a Pose.

Pure numpy. Every angle is computed from the *world* landmarks (metres,
hip-centred, y down), which depend far less on camera distance and tilt than
image points. "Up" is -y: with a level camera that is against gravity.

A feature is addressed by a key: ``"knee.left"`` for a sided feature,
``"trunk_incline"`` for one that belongs to the whole body. Each value comes
with a visibility (the lowest of the landmarks it uses) so that evaluation
can say *unseen* instead of judging a guess.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from .landmarks import LANDMARK, SIDES, other_side
from .pose import Pose

UP = np.array([0.0, -1.0, 0.0])
DOWN = -UP


@dataclass(frozen=True)
class FeatureDef:
    name: str
    sided: bool
    unit: str  # "deg" or "ratio"
    landmark: str  # the body part the overlay labels ("knee"; "hip" for whole-body)
    description: str


@dataclass(frozen=True)
class Measurement:
    value: float
    visibility: float


Features = Mapping[str, Measurement]


def feature_key(name: str, side: str | None) -> str:
    return f"{name}.{side}" if side else name


def _unit(v: np.ndarray) -> np.ndarray:
    n = math.sqrt(float(v @ v))  # np.linalg.norm costs several times more per call
    return v / n if n > 1e-9 else np.zeros(3)


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cross product of two 3-vectors (np.cross is slow on single vectors)."""
    return np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]])


def angle_between(u: np.ndarray, v: np.ndarray) -> float:
    """Unsigned angle in degrees between two vectors (0..180)."""
    cos = float(np.dot(_unit(u), _unit(v)))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


def joint_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """The angle at b between b->a and b->c, degrees."""
    return angle_between(a - b, c - b)


class _Body:
    """Points and axes of one pose, computed once and shared by the features."""

    def __init__(self, pose: Pose):
        self.w = pose.world
        self.vis = pose.visibility
        self.mid_hip = (self.p("left_hip") + self.p("right_hip")) / 2
        self.mid_shoulder = (self.p("left_shoulder") + self.p("right_shoulder")) / 2
        self.trunk_up = self.mid_shoulder - self.mid_hip
        # The person's left, from the hips (the pelvis defines the body frame).
        self.lateral = self.p("left_hip") - self.p("right_hip")
        # Facing direction relative to the trunk: lateral x trunk_up points
        # out of the chest (for someone facing the camera: toward the camera).
        self.forward_trunk = _unit(_cross(self.lateral, self.trunk_up))
        # Facing direction relative to gravity, for leaning forward or back.
        self.forward_body = _unit(_cross(self.lateral, UP))
        # Where the feet point (heel to toes, level part): "forward" for a
        # standing person even in a side view, where the hip line (and so
        # forward_body) is mostly depth, the axis the model guesses worst.
        toes = (self.p("left_foot_index") + self.p("right_foot_index")) / 2
        heels = (self.p("left_heel") + self.p("right_heel")) / 2
        feet = toes - heels
        self.forward_feet = _unit(feet - np.dot(feet, UP) * UP)

    def p(self, name: str) -> np.ndarray:
        return self.w[LANDMARK[name]]

    def s(self, side: str, part: str) -> np.ndarray:
        return self.w[LANDMARK[f"{side}_{part}"]]

    def v(self, *names: str) -> float:
        return float(min(self.vis[LANDMARK[n]] for n in names))

    def v_pairs(self, *parts: str) -> float:
        """Visibility of a feature built from left/right midpoints.

        In a side view the far side is often partly hidden; a midpoint is
        still usable when either side is clearly seen, so each pair counts
        with its better side.
        """
        return float(min(max(self.vis[LANDMARK[f"{s}_{p}"]] for s in SIDES) for p in parts))


def _signed(magnitude: float, direction: float) -> float:
    return magnitude if direction >= 0 else -magnitude


# --- sided features --------------------------------------------------------

def _three_point(a: str, b: str, c: str) -> Callable[[_Body, str], Measurement]:
    def compute(body: _Body, side: str) -> Measurement:
        value = joint_angle(body.s(side, a), body.s(side, b), body.s(side, c))
        return Measurement(value, body.v(f"{side}_{a}", f"{side}_{b}", f"{side}_{c}"))
    return compute


def _hip_flexion(body: _Body, side: str) -> Measurement:
    hip, knee = body.s(side, "hip"), body.s(side, "knee")
    magnitude = 180.0 - joint_angle(body.s(side, "shoulder"), hip, knee)
    value = _signed(magnitude, float(np.dot(knee - hip, body.forward_trunk)))
    return Measurement(value, body.v(f"{side}_shoulder", f"{side}_hip", f"{side}_knee",
                                     "left_hip", "right_hip"))


def _elevation(a: str, b: str) -> Callable[[_Body, str], Measurement]:
    def compute(body: _Body, side: str) -> Measurement:
        value = angle_between(body.s(side, b) - body.s(side, a), DOWN)
        return Measurement(value, body.v(f"{side}_{a}", f"{side}_{b}"))
    return compute


def _shin_elevation(body: _Body, side: str) -> Measurement:
    value = angle_between(body.s(side, "ankle") - body.s(side, "knee"), DOWN)
    return Measurement(value, body.v(f"{side}_knee", f"{side}_ankle"))


# --- whole-body features ---------------------------------------------------

def _trunk_incline(body: _Body) -> Measurement:
    return Measurement(angle_between(body.trunk_up, UP), body.v_pairs("shoulder", "hip"))


def _trunk_lean(body: _Body) -> Measurement:
    t = body.trunk_up
    value = float(np.degrees(np.arctan2(np.dot(t, body.forward_body), np.dot(t, UP))))
    return Measurement(value, body.v_pairs("shoulder", "hip"))


def _twist(body: _Body) -> Measurement:
    axis = _unit(body.trunk_up)
    hips = body.lateral - np.dot(body.lateral, axis) * axis
    shoulders = body.p("left_shoulder") - body.p("right_shoulder")
    shoulders = shoulders - np.dot(shoulders, axis) * axis
    sin = float(np.dot(_cross(_unit(hips), _unit(shoulders)), axis))
    cos = float(np.dot(_unit(hips), _unit(shoulders)))
    # Positive: shoulders turned toward the person's left.
    return Measurement(float(np.degrees(np.arctan2(sin, cos))),
                       body.v("left_shoulder", "right_shoulder", "left_hip", "right_hip"))


def _twist_amount(body: _Body) -> Measurement:
    m = _twist(body)
    return Measurement(abs(m.value), m.visibility)


def _reach_lean(body: _Body) -> Measurement:
    wrists = (body.p("left_wrist") + body.p("right_wrist")) / 2
    reach = wrists - body.mid_shoulder
    value = _signed(angle_between(reach, UP), float(np.dot(reach, body.forward_feet)))
    return Measurement(value, min(body.v_pairs("shoulder", "wrist", "heel", "foot_index"),
                                  body.v_pairs("elbow")))


def _neck_flexion(body: _Body) -> Measurement:
    head = (body.p("left_ear") + body.p("right_ear")) / 2 - body.mid_shoulder
    magnitude = angle_between(head, body.trunk_up)
    value = _signed(magnitude, float(np.dot(head, body.forward_trunk)))
    return Measurement(value, body.v_pairs("ear", "shoulder"))


def _chest_facing(body: _Body) -> Measurement:
    return Measurement(angle_between(body.forward_trunk, DOWN), body.v_pairs("shoulder", "hip"))


def _width(part: str) -> Callable[[_Body], Measurement]:
    def compute(body: _Body) -> Measurement:
        hip_width = float(np.linalg.norm(body.lateral))
        gap = float(np.linalg.norm(body.p(f"left_{part}") - body.p(f"right_{part}")))
        value = gap / hip_width if hip_width > 1e-6 else float("nan")
        return Measurement(value, body.v(f"left_{part}", f"right_{part}", "left_hip", "right_hip"))
    return compute


def _hip_split(body: _Body) -> Measurement:
    value = angle_between(body.p("left_knee") - body.p("left_hip"),
                          body.p("right_knee") - body.p("right_hip"))
    return Measurement(value, body.v("left_hip", "right_hip", "left_knee", "right_knee"))


_SIDED: dict[str, tuple[FeatureDef, Callable[[_Body, str], Measurement]]] = {
    d.name: (d, f) for d, f in (
        (FeatureDef("elbow", True, "deg", "elbow",
                    "shoulder-elbow-wrist angle; 180 = straight arm"), _three_point("shoulder", "elbow", "wrist")),
        (FeatureDef("shoulder", True, "deg", "shoulder",
                    "elbow-shoulder-hip angle; 0 = arm along the body, 180 = arm overhead"),
         _three_point("elbow", "shoulder", "hip")),
        (FeatureDef("hip", True, "deg", "hip",
                    "shoulder-hip-knee angle; 180 = trunk and thigh in line"), _three_point("shoulder", "hip", "knee")),
        (FeatureDef("hip_flexion", True, "deg", "hip",
                    "thigh against the trunk line, signed: + thigh forward (folding), "
                    "- thigh behind (hip extension, arching)"), _hip_flexion),
        (FeatureDef("knee", True, "deg", "knee",
                    "hip-knee-ankle angle; 180 = straight leg"), _three_point("hip", "knee", "ankle")),
        (FeatureDef("ankle", True, "deg", "ankle",
                    "knee-ankle-toe angle; about 90 = toes pulled up"), _three_point("knee", "ankle", "foot_index")),
        (FeatureDef("thigh_elevation", True, "deg", "knee",
                    "thigh (hip to knee) against straight down; 0 hanging, 90 level, 180 pointing up"),
         _elevation("hip", "knee")),
        (FeatureDef("leg_elevation", True, "deg", "ankle",
                    "whole leg (hip to ankle) against straight down; 180 = leg pointing up"),
         _elevation("hip", "ankle")),
        (FeatureDef("shin_elevation", True, "deg", "ankle",
                    "shin (knee to ankle) against straight down; 0 standing, 90 shin level (kneeling "
                    "on it), 180 foot straight above the knee (foot up a wall)"), _shin_elevation),
        (FeatureDef("arm_elevation", True, "deg", "elbow",
                    "upper arm (shoulder to elbow) against straight down; 180 = arm straight up"),
         _elevation("shoulder", "elbow")),
    )
}

_WHOLE: dict[str, tuple[FeatureDef, Callable[[_Body], Measurement]]] = {
    d.name: (d, f) for d, f in (
        (FeatureDef("trunk_incline", False, "deg", "hip",
                    "trunk (mid-hip to mid-shoulder) against straight up; 0 upright, 90 lying, 180 upside down"),
         _trunk_incline),
        (FeatureDef("trunk_lean", False, "deg", "hip",
                    "trunk against straight up, signed by facing: + leaning forward, - leaning back"),
         _trunk_lean),
        (FeatureDef("twist", False, "deg", "shoulder",
                    "shoulder line turned against the hip line about the trunk; + toward the left"), _twist),
        (FeatureDef("twist_amount", False, "deg", "shoulder",
                    "how far the shoulder line is turned against the hip line, either way (|twist|)"),
         _twist_amount),
        (FeatureDef("reach_lean", False, "deg", "wrist",
                    "mid-shoulder to mid-wrist against straight up, signed by where the feet point: "
                    "0 arms straight overhead, - hands reaching back behind the head (leaning back), "
                    "+ reaching forward; 180 arms hanging down"), _reach_lean),
        (FeatureDef("neck_flexion", False, "deg", "nose",
                    "head (mid-shoulder to mid-ear) against the trunk line, signed: + chin forward, "
                    "- head tipped back"), _neck_flexion),
        (FeatureDef("chest_facing", False, "deg", "shoulder",
                    "where the chest faces, against straight down; 0 toward the floor (lying on the "
                    "belly), 90 the horizon (upright), 180 the ceiling (lying on the back)"), _chest_facing),
        (FeatureDef("knee_width", False, "ratio", "knee",
                    "distance between the knees divided by hip width"), _width("knee")),
        (FeatureDef("ankle_width", False, "ratio", "ankle",
                    "distance between the ankles divided by hip width"), _width("ankle")),
        (FeatureDef("hip_split", False, "deg", "hip",
                    "angle between the two thighs; near 0 legs together, large in a lunge or split stance"),
         _hip_split),
    )
}

FEATURES: dict[str, FeatureDef] = {n: d for n, (d, _) in (_SIDED | _WHOLE).items()}


def suggest(name: str) -> str:
    """'did you mean' text for an unknown feature name."""
    close = difflib.get_close_matches(name, FEATURES, n=3, cutoff=0.5)
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close) + "?"
    return "valid features: " + ", ".join(sorted(FEATURES))


def compute(pose: Pose, names: set[str] | None = None) -> dict[str, Measurement]:
    """All features (or the named ones) of a pose, keyed by ``feature_key``."""
    body = _Body(pose)
    out: dict[str, Measurement] = {}
    for name, (_, fn) in _SIDED.items():
        if names is None or name in names:
            for side in SIDES:
                out[feature_key(name, side)] = fn(body, side)
    for name, (_, fn) in _WHOLE.items():
        if names is None or name in names:
            out[name] = fn(body)
    return out


__all__ = ["FEATURES", "FeatureDef", "Measurement", "Features", "compute", "feature_key",
           "suggest", "joint_angle", "angle_between", "other_side"]
