"""Landmark fixtures for poses with no real footage, made from real landmarks.

The synthetic performer (formcheck/synthetic.py, another branch) was not in
main when these were written. So these fixtures start from landmarks the
project's estimator extracted from real photos and change one thing by
rigid rotation: the upper body turned about the vertical (standing twist),
or one shin swung about the knee (walk-your-dog pedals). Everything else in
the body stays as the model saw it. To move to the performer later, replace
the two builders below; the tests only use ``standing_twist_pose`` and
``pedal_frames``.
"""

from __future__ import annotations

import numpy as np

from formcheck.landmarks import LANDMARK, NAMES
from formcheck.pose import Pose
from formcheck.sources import Frame

from .conftest import cached_image_poses

STANDING = "images/other/other_mountain_armsdown_luca.png"  # tadasana, arms down, front view
DOG = "images/downward_dog/dd_luca00.jpg"  # side view, good form

_UPPER = [n for n in NAMES if not any(p in n for p in ("hip", "knee", "ankle", "heel", "foot"))]
_SHIN = ("ankle", "heel", "foot_index")


def _rotation(axis: np.ndarray, deg: float) -> np.ndarray:
    a = axis / np.linalg.norm(axis)
    t = np.radians(deg)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + np.sin(t) * k + (1 - np.cos(t)) * k @ k


def base_pose(rel: str) -> Pose:
    pose = cached_image_poses()[rel]
    assert pose is not None, rel
    return pose


def standing_twist_pose(twist_deg: float) -> Pose:
    """The standing photo with shoulders, arms and head turned about the vertical
    through the mid-hip by ``twist_deg`` (+ toward the person's left)."""
    pose = base_pose(STANDING)
    w = pose.world.copy()
    mid_hip = (w[LANDMARK["left_hip"]] + w[LANDMARK["right_hip"]]) / 2
    r = _rotation(np.array([0.0, -1.0, 0.0]), twist_deg)
    for n in _UPPER:
        i = LANDMARK[n]
        w[i] = mid_hip + r @ (w[i] - mid_hip)
    return Pose(pose.image, w, pose.visibility)


def bend_knee(pose: Pose, side: str, knee_deg: float) -> Pose:
    """Swing the shin (ankle, heel, toes) about the knee, in the plane of the
    leg, until the hip-knee-ankle angle is ``knee_deg``."""
    w = pose.world.copy()
    hip, knee = w[LANDMARK[f"{side}_hip"]], w[LANDMARK[f"{side}_knee"]]
    lateral = w[LANDMARK["left_hip"]] - w[LANDMARK["right_hip"]]
    thigh = hip - knee

    def angle_after(deg: float) -> float:
        shin = _rotation(lateral, deg) @ (w[LANDMARK[f"{side}_ankle"]] - knee)
        cos = np.dot(thigh, shin) / np.linalg.norm(thigh) / np.linalg.norm(shin)
        return float(np.degrees(np.arccos(np.clip(cos, -1, 1))))

    # The direction that folds the heel toward the buttock closes the angle.
    sign = 1.0 if angle_after(5) < angle_after(-5) else -1.0
    lo, hi = 0.0, 170.0
    for _ in range(40):  # bisection on the swing angle
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if angle_after(sign * mid) > knee_deg else (lo, mid)
    r = _rotation(lateral, sign * (lo + hi) / 2)
    for part in _SHIN:
        i = LANDMARK[f"{side}_{part}"]
        w[i] = knee + r @ (w[i] - knee)
    return Pose(pose.image, w, pose.visibility)


def pedal_frames(pedals_per_side: int, fps: float = 30.0, pedal_s: float = 1.2, pause_s: float = 0.6,
                 depth_deg: float = 125.0, noise_m: float = 0.004, seed: int = 0) -> list[Frame]:
    """A downward dog held 2 s, then pedalling left, right, left, ... with a
    pause between pedals, then 2 s still. Knee angles follow a smooth dip from
    the photo's straight knee to ``depth_deg`` and back; world landmarks get
    Gaussian noise of ``noise_m`` metres (the model's jitter on a still body)."""
    rng = np.random.default_rng(seed)
    base = base_pose(DOG)
    straight = {s: _knee(base, s) for s in ("left", "right")}
    plan: list[tuple[str | None, float]] = [(None, 2.0)]
    for _ in range(pedals_per_side):
        plan += [("left", pedal_s), (None, pause_s), ("right", pedal_s), (None, pause_s)]
    plan.append((None, 2.0))
    frames, t, idx = [], 0.0, 0
    for side, dur in plan:
        n = int(round(dur * fps))
        for k in range(n):
            pose = base
            if side is not None:
                phase = np.sin(np.pi * k / n) ** 2  # 0 -> 1 -> 0
                pose = bend_knee(base, side, straight[side] - phase * (straight[side] - depth_deg))
            noisy = Pose(pose.image, pose.world + rng.normal(0, noise_m, pose.world.shape), pose.visibility)
            frames.append(Frame(idx, t * 1000, None, noisy, True))
            idx += 1
            t += 1 / fps
    return frames


def _knee(pose: Pose, side: str) -> float:
    from formcheck import features as feats
    return feats.compute(pose, {"knee"})[f"knee.{side}"].value
