"""The set-up check on real poses and on altered copies of them."""

import numpy as np
import pytest

from formcheck.pose import Pose
from formcheck.setup_check import brightness, check_setup, view_yaw
from .live_fixtures import footage_poses, find_pose


def moved(pose, scale=1.0, dx=0.0, dy=0.0):
    img = pose.image.copy()
    centre = img[:, :2].mean(axis=0)
    img[:, :2] = (img[:, :2] - centre) * scale + centre + [dx, dy]
    return Pose(img, pose.world, pose.visibility)


@pytest.fixture(scope="module")
def side_pose():
    return find_pose("downward_dog", "downward_dog", "form_ok")


def keys(report):
    return [p.key for p in report.problems]


def test_a_good_side_view_passes(side_pose):
    rep = check_setup(side_pose, "side", 120.0)
    assert rep.ok and rep.yaw_deg > 60 and rep.extent > 0.35


def test_view_mismatch_says_which_way_to_turn(side_pose):
    rep = check_setup(side_pose, "front", 120.0)
    assert keys(rep) == ["view"] and "Face the camera" in rep.problems[0].message
    assert check_setup(side_pose, "any", 120.0).ok


def test_front_and_side_photos_are_told_apart():
    import csv
    from .live_fixtures import FOOTAGE

    manifest = FOOTAGE / "MANIFEST.tsv"
    if not manifest.exists():
        pytest.skip("footage manifest not found (../shared/footage)")
    notes = {r["file"]: r["note"] for r in csv.DictReader(manifest.open(), delimiter="\t")}
    poses = footage_poses()
    side = [view_yaw(p) for f, p in poses.items() if "side view" in notes.get(f, "")]
    front = [view_yaw(p) for f, p in poses.items() if "front view" in notes.get(f, "")]
    assert len(side) > 20 and front
    assert np.mean(np.array(side) >= 60) > 0.85
    assert np.mean(np.array(front) <= 40) > 0.7


def test_cut_off_far_dark_and_bright(side_pose):
    cut = check_setup(moved(side_pose, dy=0.6), "side", 120.0)
    assert keys(cut)[0].startswith("frame:") and "out of the picture" in cut.problems[0].message
    far = check_setup(moved(side_pose, scale=0.4), "side", 120.0)
    assert keys(far) == ["far"] and "closer" in far.problems[0].message
    assert keys(check_setup(side_pose, "side", 20.0)) == ["dark"]
    assert keys(check_setup(side_pose, "side", 240.0)) == ["bright"]
    nobody = check_setup(None, "side", None)
    assert keys(nobody) == ["no_person"]


def test_brightness_of_frames():
    assert brightness(np.zeros((480, 640, 3), np.uint8)) == 0
    assert brightness(np.full((480, 640, 3), 200, np.uint8)) == pytest.approx(200, abs=0.5)
