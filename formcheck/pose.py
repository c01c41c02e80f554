"""The estimator's output for one frame, as a frozen, validated value."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .landmarks import COUNT


def _frozen(array: np.ndarray, shape: tuple[int, ...], name: str) -> np.ndarray:
    a = np.array(array, dtype=np.float64)  # a private copy we can lock
    if a.shape != shape:
        raise ValueError(f"Pose.{name} must have shape {shape}, got {a.shape}")
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class Pose:
    """One person's landmarks in one frame.

    image: (33, 3) x, y normalised to the frame (0..1, y down), z relative depth.
        Used for drawing and for judging the camera view.
    world: (33, 3) metres, origin between the hips, y pointing down (toward
        gravity when the camera is level). Used for every angle.
    visibility: (33,) 0..1, the model's belief that each landmark is in view.
    """

    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "image", _frozen(self.image, (COUNT, 3), "image"))
        object.__setattr__(self, "world", _frozen(self.world, (COUNT, 3), "world"))
        vis = _frozen(self.visibility, (COUNT,), "visibility")
        object.__setattr__(self, "visibility", vis)
        if not (np.all(np.isfinite(self.image)) and np.all(np.isfinite(self.world))):
            raise ValueError("Pose landmarks must be finite numbers")
