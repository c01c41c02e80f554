"""Shared helpers for the live-practice tests: real poses from the footage
landmarks (tests/data/footage_images.jsonl.gz), chosen against the specs as
they are installed, and frame streams built from them."""

from __future__ import annotations

from functools import lru_cache

import pytest

from formcheck import features as F
from formcheck.evaluate import evaluate_once
from formcheck.pose import Pose
from formcheck.sources import Frame
from formcheck.specs import resolve_spec

from .conftest import DATA, FOOTAGE, cached_image_poses  # noqa: F401  (FOOTAGE re-exported)

ROUTINES = DATA / "routines"


@lru_cache(maxsize=None)
def footage_poses() -> dict[str, Pose]:
    return {f: p for f, p in cached_image_poses().items() if p is not None}


def find_pose(spec_name: str, folder: str, want: str) -> Pose:
    """A real pose from ``images/<folder>/`` that the installed spec judges
    ``want`` ("form_ok" or "overstretch"); skips when the spec finds none."""
    spec = resolve_spec(spec_name)
    for file, pose in sorted(footage_poses().items()):
        if f"images/{folder}/" not in file:
            continue
        v = evaluate_once(spec, F.compute(pose, spec.features))
        if getattr(v, want):
            return pose
    pytest.skip(f"no {folder} image is judged {want} by the installed {spec_name} spec")


def frames(poses_per_frame, fps: float = 30.0, start_ms: float = 0.0, image=None):
    """(Frame, pose) pairs at ``fps`` from a list of poses (None: nobody)."""
    for i, pose in enumerate(poses_per_frame):
        yield Frame(i, start_ms + i * 1000.0 / fps, image), pose


def still(pose, seconds: float, fps: float = 30.0) -> list:
    return [pose] * int(round(seconds * fps))
