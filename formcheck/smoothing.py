"""Landmark smoothing over time: a One Euro filter driven by frame timestamps.

MediaPipe landmarks jitter by a centimetre or two from frame to frame, which
is several degrees on a joint angle. The One Euro filter (Casiez et al., 2012)
smooths hard while the body is still and lets fast movement through with
little lag. Time comes from each frame's ``t_ms`` (never the wall clock), so a
video and a camera behave the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .pose import Pose


@dataclass(frozen=True)
class OneEuroParams:
    min_cutoff_hz: float = 1.0  # cutoff when still: lower = smoother, more lag
    # 1.0 would cut the lag on movement by 13-25 ms for ~4% more jitter when
    # still, but made auto pose recognition flicker on real footage
    # (tests/test_routine_videos.py); the warning debounce was shortened instead.
    beta: float = 0.5  # how fast the cutoff opens with speed (per unit/s)
    d_cutoff_hz: float = 1.0  # cutoff for the speed estimate
    reset_after_ms: float = 500.0  # a gap longer than this starts afresh


def _alpha(cutoff_hz: float, dt_s: float) -> float:
    tau = 1.0 / (2 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class OneEuroFilter:
    """One Euro filter over an array of any shape, element by element."""

    def __init__(self, params: OneEuroParams = OneEuroParams()):
        self.params = params
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t_ms: float | None = None

    def reset(self) -> None:
        self._x = self._dx = self._t_ms = None

    def __call__(self, x: np.ndarray, t_ms: float) -> np.ndarray:
        p = self.params
        if (self._x is None or self._t_ms is None or t_ms <= self._t_ms
                or t_ms - self._t_ms > p.reset_after_ms or self._x.shape != x.shape):
            self._x, self._dx, self._t_ms = x.astype(np.float64), np.zeros_like(x, dtype=np.float64), t_ms
            return self._x
        dt = (t_ms - self._t_ms) / 1000.0
        dx = (x - self._x) / dt
        a_d = _alpha(p.d_cutoff_hz, dt)
        self._dx = a_d * dx + (1 - a_d) * self._dx
        cutoff = p.min_cutoff_hz + p.beta * np.abs(self._dx)
        tau = 1.0 / (2 * np.pi * cutoff)
        a = 1.0 / (1.0 + tau / dt)
        self._x = a * x + (1 - a) * self._x
        self._t_ms = t_ms
        return self._x


class PoseSmoother:
    """Smooths world and image landmarks of a pose stream.

    World landmarks are in metres, so ``beta`` acts on m/s; image landmarks
    are in frame units (0..1), which move at a similar order of magnitude for
    a person filling the frame. Visibility is passed through unfiltered: it
    decides *unseen*, and a filtered visibility would hide a real occlusion.
    """

    def __init__(self, params: OneEuroParams = OneEuroParams()):
        self._world = OneEuroFilter(params)
        self._image = OneEuroFilter(params)

    def reset(self) -> None:
        self._world.reset()
        self._image.reset()

    def __call__(self, pose: Pose | None, t_ms: float) -> Pose | None:
        if pose is None:
            return None  # a gap: the filters reset themselves if it is long
        return Pose(image=self._image(pose.image, t_ms), world=self._world(pose.world, t_ms),
                    visibility=pose.visibility)
