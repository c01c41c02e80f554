"""The 33 BlazePose landmarks by name, and the skeleton drawn between them.

Knowledge lives here as named data so that the rest of the code says
``LANDMARK["left_knee"]`` rather than ``25``.
"""

from __future__ import annotations

NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner", "left_eye", "left_eye_outer",
    "right_eye_inner", "right_eye", "right_eye_outer",
    "left_ear", "right_ear",
    "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow",
    "left_wrist", "right_wrist",
    "left_pinky", "right_pinky",
    "left_index", "right_index",
    "left_thumb", "right_thumb",
    "left_hip", "right_hip",
    "left_knee", "right_knee",
    "left_ankle", "right_ankle",
    "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)
COUNT = len(NAMES)
LANDMARK: dict[str, int] = {name: i for i, name in enumerate(NAMES)}
SIDES: tuple[str, str] = ("left", "right")


def other_side(side: str) -> str:
    return "right" if side == "left" else "left"


def sided(side: str, part: str) -> int:
    """Index of a sided body part: ``sided("left", "knee")`` -> 25."""
    return LANDMARK[f"{side}_{part}"]


# Bones drawn by the overlay, by name. The body part that a joint angle
# belongs to is given by ``features.JOINT_LANDMARK``.
BONES: tuple[tuple[str, str], ...] = tuple(
    (f"{s}_{a}", f"{s}_{b}")
    for s in SIDES
    for a, b in (
        ("shoulder", "elbow"), ("elbow", "wrist"),
        ("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle"),
        ("ankle", "heel"), ("heel", "foot_index"), ("ankle", "foot_index"),
    )
) + (
    ("left_shoulder", "right_shoulder"),
    ("left_hip", "right_hip"),
    ("left_ear", "left_eye"), ("right_ear", "right_eye"),
    ("left_eye", "nose"), ("right_eye", "nose"),
)
