"""The live screen: mirroring keeps anatomy, status colours, the warning."""

import numpy as np
import pytest

from formcheck.landmarks import LANDMARK
from formcheck.live_view import RED, LiveView, joint_status
from formcheck.practice import Practice
from formcheck.routine import Routine, Step, plan
from .live_fixtures import find_pose, frames, still


def updates_for(pose, spec="low_cobra", seconds=5.0):
    r = Routine("t", "t", (Step(spec, None, 30.0, 0.0),), get_ready_seconds=1.0)
    p = Practice(r, plan(r), setup_timeout_s=1)
    image = np.full((480, 640, 3), 90, np.uint8)
    return [p.step(f, pz) for f, pz in frames(still(pose, seconds), image=image)]


def test_overstretch_draws_a_red_frame_and_band():
    over = find_pose("low_cobra", "low_cobra", "overstretch")
    u = updates_for(over)[-1]
    assert u.cue_kind == "overstretch"
    img = LiveView().render(u.frame.image, u)
    assert tuple(img[2, 320]) == RED and tuple(img[240, 2]) == RED  # a solid border, all round
    status = joint_status(u)
    assert "overstretch" in status.values()


def test_mirroring_flips_the_picture_not_the_anatomy():
    pose = find_pose("downward_dog", "downward_dog", "form_ok")
    u = updates_for(pose, "downward_dog", 4.0)[-1]
    marked = np.full((480, 640, 3), 90, np.uint8)
    marked[:, :40] = (255, 0, 0)  # a blue stripe on the camera's left edge
    mirrored = LiveView(mirror=True).render(marked, u)
    plain = LiveView(mirror=False).render(marked, u)
    assert tuple(mirrored[300, 630]) == (255, 0, 0) and tuple(plain[300, 10]) == (255, 0, 0)
    # The person's left wrist is drawn where the mirror shows it: at 1 - x.
    x = pose.image[LANDMARK["left_wrist"], 0]
    col = int(round((1 - x) * 640))
    y = int(round(pose.image[LANDMARK["left_wrist"], 1] * 480))
    assert np.abs(mirrored[y - 2:y + 3, col - 2:col + 3].astype(int) - 90).max() > 40


@pytest.mark.parametrize("seconds, phase", [(0.5, "setup"), (1.5, "get_ready"), (4.0, "active")])
def test_every_phase_renders(seconds, phase):
    pose = find_pose("downward_dog", "downward_dog", "form_ok")
    u = updates_for(pose, "downward_dog", seconds)[-1]
    assert u.phase == phase
    img = LiveView(disclaimer="formcheck guides; it does not diagnose.").render(None, u, (640, 480))
    assert img.shape == (480, 640, 3) and img.std() > 5
