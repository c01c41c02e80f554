"""Shared helpers for the live-practice tests: real poses from the footage
landmarks (tests/data/footage_images.jsonl.gz), chosen against the specs as
they are installed, and frame streams built from them."""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

from formcheck import features as F
from formcheck.evaluate import evaluate_once
from formcheck.pose import Pose
from formcheck.sources import Frame
from formcheck.specs import resolve_spec

DATA = Path(__file__).parent / "data"
ROUTINES = DATA / "routines"
FOOTAGE = Path(__file__).parents[1].parent / "shared" / "footage"


@lru_cache(maxsize=None)
def footage_poses() -> dict[str, Pose]:
    out = {}
    with gzip.open(DATA / "footage_images.jsonl.gz", "rt") as f:
        for line in f:
            d = json.loads(line)
            p = d["pose"]
            if p:
                out[d["file"]] = Pose(np.array(p["img"]).reshape(33, 3), np.array(p["wld"]).reshape(33, 3),
                                      np.array(p["vis"]))
    return out


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
