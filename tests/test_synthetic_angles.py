"""The synthetic performer builds the angles it is asked for, as features.py
measures them, and the rest of its output (image landmarks, noise, dropouts,
occlusions, ground truth) is what it says it is."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck import features as feats
from formcheck import synthetic as sy
from formcheck.landmarks import COUNT, LANDMARK
from formcheck.pipeline import Session
from formcheck.pose import Pose
from formcheck.runner import run
from formcheck.specs import resolve_spec

N = 100  # random bodies per view and driver combination


def random_angles(rng: np.random.Generator, n: int, signed_hip: bool, arm_by_elevation: bool):
    """Random but anatomically possible angle combinations (degrees)."""
    a = {
        "trunk_lean": rng.uniform(-60, 160, n), "twist": rng.uniform(-40, 40, n),
        "neck_flexion": rng.uniform(-40, 50, n),
    }
    for side in ("left", "right"):
        if signed_hip:
            # |flexion| >= 15: the sign is ambiguous within a few degrees of 0 when twisted
            mag = rng.uniform(15, 150, n)
            a[f"hip_flexion.{side}"] = np.where(rng.random(n) < 0.3, -np.minimum(mag, 45), mag)
        else:
            a[f"hip.{side}"] = rng.uniform(20, 178, n)
        if arm_by_elevation:
            a[f"arm_elevation.{side}"] = rng.uniform(2, 178, n)
        else:
            a[f"shoulder.{side}"] = rng.uniform(2, 178, n)
        a[f"knee.{side}"] = rng.uniform(30, 180, n)
        a[f"ankle.{side}"] = rng.uniform(50, 170, n)
        a[f"elbow.{side}"] = rng.uniform(30, 180, n)
        a[f"leg_splay.{side}"] = rng.uniform(-20, 60, n)
        a[f"arm_splay.{side}"] = rng.uniform(-20, 80, n)
    return a


def expected(angles: dict[str, np.ndarray], i: int) -> dict[str, float]:
    """Feature key -> the value the performer was asked to build."""
    out = {"trunk_lean": angles["trunk_lean"][i], "trunk_incline": abs(angles["trunk_lean"][i]),
           "twist": angles["twist"][i], "neck_flexion": angles["neck_flexion"][i],
           "chest_facing": abs(90.0 - angles["trunk_lean"][i])}  # no roll: follows from the lean
    for key, values in angles.items():
        name = key.split(".")[0]
        if name not in ("leg_splay", "arm_splay"):
            out[key] = values[i]
    return out


@pytest.mark.parametrize("view", ["side", "front"])
@pytest.mark.parametrize("signed_hip,arm_by_elevation", [(False, False), (True, True)])
def test_features_match_built_angles(view, signed_hip, arm_by_elevation):
    rng = np.random.default_rng({"side": 10, "front": 20}[view] + signed_hip)
    angles = random_angles(rng, N, signed_hip, arm_by_elevation)
    world = sy.build_world(angles, sy.Performer(view=view).yaw_deg)
    worst = 0.0
    for i in range(N):
        got = feats.compute(Pose(np.zeros((COUNT, 3)), world[i], np.ones(COUNT)))
        for key, want in expected(angles, i).items():
            err = abs(got[key].value - want)
            worst = max(worst, err)
            assert err < 1.0, f"{view} body {i}: {key} built {want:.2f}, measured {got[key].value:.2f}"
    print(f"\n{view} view, {N} random bodies ({'hip_flexion' if signed_hip else 'hip'}, "
          f"{'arm_elevation' if arm_by_elevation else 'shoulder'}): worst angle error {worst:.2e} deg")


def test_built_angles_survive_the_pipeline_without_noise():
    """Through Session (smoothing included) a still body reads its built angles."""
    spec = resolve_spec("downward_dog")
    good = sy.POSTURES["downward_dog"]["good"]
    perf = sy.Performer(noise_m=0.0, view="front").perform(sy.Script(((0.0, good),)), 2.0)
    session = Session(spec)
    for frame in perf.frames:
        result = session.step(frame, frame.pose)
    for key, want in (("hip.left", 75), ("knee.right", 165), ("shoulder.left", 162), ("trunk_incline", 130)):
        assert abs(result.features[key].value - want) < 1.0


def test_hip_built_against_shoulder_minus_hip_not_the_trunk_axis():
    """With shoulders wider than hips the two differ by several degrees; the
    feature uses shoulder - hip on the same side, and so must the performer."""
    angles = {k: np.array([v]) for k, v in {"trunk_lean": 0.0, "twist": 0.0, "neck_flexion": 0.0}.items()}
    for s in ("left", "right"):
        for k, v in {"hip": 175.0, "knee": 180.0, "ankle": 90.0, "shoulder": 10.0, "elbow": 170.0,
                     "leg_splay": 0.0, "arm_splay": 0.0}.items():
            angles[f"{k}.{s}"] = np.array([v])
    w = sy.build_world(angles)[0]
    hip, knee, sh = w[LANDMARK["left_hip"]], w[LANDMARK["left_knee"]], w[LANDMARK["left_shoulder"]]
    mid_trunk = (w[LANDMARK["left_shoulder"]] + w[LANDMARK["right_shoulder"]]) / 2
    assert abs(feats.angle_between(mid_trunk, knee - hip) - 175.0) > 3.0  # the trunk axis differs
    assert abs(feats.joint_angle(sh, hip, knee) - 175.0) < 1e-6


def test_views_place_the_body_as_a_camera_would():
    good = sy.POSTURES["staff"]["good"]
    script = sy.Script(((0.0, good),))
    front = sy.Performer(noise_m=0.0, view="front").perform(script, 0).frames[0].pose
    side = sy.Performer(noise_m=0.0, view="side").perform(script, 0).frames[0].pose
    lh, rh = LANDMARK["left_hip"], LANDMARK["right_hip"]
    # Front: the person's left is on the image's right (no mirroring), hips a hand apart.
    assert front.image[lh, 0] - front.image[rh, 0] > 0.03
    # Side: hips nearly on top of each other, the far hip deeper.
    assert abs(side.image[lh, 0] - side.image[rh, 0]) < 0.01
    # Staff, side view, facing image left: the feet are left of the hips, below the shoulders.
    foot = side.image[LANDMARK["left_ankle"]]
    assert foot[0] < side.image[lh, 0] - 0.1
    assert side.image[LANDMARK["left_shoulder"], 1] < side.image[lh, 1]
    for pose in (front, side):
        assert np.all((pose.image[:, :2] > 0) & (pose.image[:, :2] < 1))
        assert np.allclose((pose.world[lh] + pose.world[rh]) / 2, 0.0)  # hip-centred


def test_noise_dropouts_and_occlusions():
    script = sy.hold_script("staff", hold_s=5)
    occl = sy.Occlusion(2.0, 3.0, ("left_ankle", "left_foot_index"))
    perf = sy.Performer(seed=3, dropouts=((1.0, 1.15),), occlusions=(occl,)).perform(script)
    t = perf.t_ms / 1000
    missing = [f.pose is None for f in perf.frames]
    assert missing == list((t >= 1.0) & (t < 1.15))
    assert sum(missing) == 5  # 150 ms at 30 fps: 4.5 frames, 5 frame times fall in it
    noise = np.array([f.pose.world - perf.truth_world[i] for i, f in enumerate(perf.frames) if f.pose])
    assert abs(noise.std() - 0.015) < 0.001 and abs(noise.mean()) < 0.001
    ankle = LANDMARK["left_ankle"]
    vis = np.array([f.pose.visibility[ankle] for f in perf.frames if f.pose])
    vis_t = np.array([ti for ti, f in zip(t, perf.frames) if f.pose])
    assert np.all(vis[(vis_t >= 2) & (vis_t < 3)] == 0.1) and np.all(vis[vis_t < 2] == 0.95)
    # Same seed, same stream; another seed, another stream.
    again = sy.Performer(seed=3, dropouts=((1.0, 1.15),), occlusions=(occl,)).perform(script)
    assert np.array_equal(again.frames[0].pose.world, perf.frames[0].pose.world)
    other = sy.Performer(seed=4).perform(script)
    assert not np.array_equal(other.frames[0].pose.world, perf.frames[0].pose.world)


def test_occluded_landmarks_make_rules_unseen_not_failed():
    spec = resolve_spec("staff")
    occl = sy.Occlusion(0.0, 99.0, ("left_knee", "right_knee"))
    perf = sy.Performer(seed=1, occlusions=(occl,)).perform(sy.hold_script("staff", hold_s=3))
    session = Session(spec)
    statuses = {session.step(f, f.pose).verdict.results[0].rule.id for f in perf.frames[:1]}
    assert statuses
    r = session.step(perf.frames[60], perf.frames[60].pose)
    knee = next(x for x in r.verdict.results if x.rule.id == "form:knee.both")
    assert knee.status == "unseen"


def test_ground_truth_edges_are_exact_on_a_linear_ramp():
    """Knee from 140 to 176 over 3 s, linear: the form rule [158, 180] is met
    from exactly t = 1 + 3 * (158 - 140) / 36 = 2.5 s."""
    spec = resolve_spec("staff")
    good = sy.POSTURES["staff"]["good"]
    script = sy.Script(((0.0, {**good, "knee": 140.0}), (1.0, {}), (4.0, {"knee": 176.0}), (6.0, {})),
                       "linear")
    gt = sy.Performer(noise_m=0.0).perform(script).ground_truth(spec)
    assert len(gt.holds) == 1
    assert gt.holds[0].start_s == pytest.approx(2.5, abs=0.002)
    assert gt.holds[0].end_s == pytest.approx(6.0)


def test_ground_truth_limit_crossing_time():
    """Staff fold from 8 to 47 degrees (smooth ease over 2 s from t=1): the
    limit at 40 is crossed where the ease passes (40 - 8) / (47 - 8)."""
    spec = resolve_spec("staff")
    p = sy.POSTURES["staff"]
    script = sy.sequence([(p["good"], 1.0), (p["over"], 2.0)], transition_s=2.0)
    gt = sy.Performer(noise_m=0.0).perform(script).ground_truth(spec)
    u = (40 - 8) / (47 - 8)
    t_cross = 1.0 + 2.0 * np.arccos(1 - 2 * u) / np.pi
    assert gt.crossings("limit:trunk_lean") == [pytest.approx(t_cross, abs=0.002)]
    assert gt.holds[-1].end_s <= t_cross  # an over-stretch is never good form


def test_runs_through_runner_unchanged():
    spec = resolve_spec("low_cobra")
    perf = sy.Performer(seed=2).perform(sy.hold_script("low_cobra", hold_s=6))
    outcome = run(sy.SyntheticSource(perf), spec, estimate=None)
    assert outcome.complete and outcome.session.frames == len(perf.frames)
    assert len(outcome.session.timer.holds) == 1


def test_script_rejects_unknown_angles_and_mixed_drivers():
    with pytest.raises(ValueError, match="unknown script angle"):
        sy.Script(((0.0, {"kneee": 170}),)).angles_at(np.array([0.0]))
    with pytest.raises(ValueError, match="switches how hip"):
        sy.Script(((0.0, {"hip": 90}), (1.0, {"hip_flexion": 30}))).angles_at(np.array([0.0]))
