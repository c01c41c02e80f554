"""What issue 3 added to the spec language and the features: aliases,
variant_of, [[count]]; shin_elevation, twist_amount, reach_lean; the rep
counter; recognition ranking; the --pose auto label smoother."""

from __future__ import annotations


import numpy as np
import pytest

from formcheck import features as feats
from formcheck.auto import LabelSmoother
from formcheck.count import RepCounter
from formcheck.evaluate import Verdict, evaluate_once
from formcheck.features import Measurement
from formcheck.recognize import best_pose, fit_score, pose_margin

from .routine_fixtures import STANDING, base_pose, standing_twist_pose
from .conftest import parse_spec_text, spec_problems

BASE = """
name = "t"
[[pose]]
feature = "knee"
side = "both"
range = [90, 180]
"""


parse = parse_spec_text
problems = spec_problems


# --- spec language -----------------------------------------------------------

def test_aliases_variant_and_count_parse():
    spec = parse('aliases = ["low_lunge", "kneeling_lunge"]\nvariant_of = "downward_dog"\n' + BASE + """
[[count]]
id = "pedal"
label = "pedals"
feature = "knee"
dip_below = 150
return_above = 162
target = 8
""")
    assert spec.aliases == ("low_lunge", "kneeling_lunge") and spec.variant_of == "downward_dog"
    (c,) = spec.counts
    assert (c.id, c.label, c.feature, c.sides, c.dip_below, c.return_above, c.target) == \
        ("pedal", "pedals", "knee", ("left", "right"), 150.0, 162.0, 8)
    assert "knee" in spec.features


def test_count_defaults_and_whole_body_feature():
    spec = parse(BASE + '[[count]]\nfeature = "twist_amount"\ndip_below = 5\nreturn_above = 20\n')
    (c,) = spec.counts
    assert (c.id, c.sides, c.target, c.label) == ("count:twist_amount", (None,), None, "repetitions")


@pytest.mark.parametrize("count,words", [
    ('feature = "knee"\ndip_below = 160\nreturn_above = 150', "must be greater"),
    ('feature = "knee"\ndip_below = 150', "needs 'dip_below' and 'return_above'"),
    ('feature = "kne"\ndip_below = 1\nreturn_above = 2', "did you mean 'knee'"),
    ('feature = "knee"\ndip_below = 1\nreturn_above = 2\ntarget = 0', "whole number"),
    ('feature = "knee"\ndip_below = 1\nreturn_above = 2\nside = "working"', "must be one of"),
    ('feature = "twist"\nside = "left"\ndip_below = 1\nreturn_above = 2', "has no side"),
    ('feature = "knee"\ndip_below = 1\nreturn_above = 2\nabove = 3', "unknown field 'above'"),
])
def test_count_problems_are_reported(count, words):
    found = problems(BASE + "[[count]]\n" + count + "\n")
    assert any(words in p and "[[count]] #1" in p for p in found), found


def test_aliases_must_be_a_list_of_names():
    assert any("list of names" in p for p in problems('aliases = "low_lunge"\n' + BASE))


# --- features ------------------------------------------------------------------

def test_twist_amount_is_the_unsigned_twist():
    for deg in (-40, 0, 40):
        f = feats.compute(standing_twist_pose(deg))
        assert f["twist_amount"].value == pytest.approx(abs(f["twist"].value))


def test_shin_elevation_standing_kneeling_and_foot_up():
    f = feats.compute(base_pose(STANDING))
    assert f["shin_elevation.left"].value < 30 and f["shin_elevation.right"].value < 30

    def with_shin(direction):
        pose = base_pose(STANDING)
        w = pose.world.copy()
        from formcheck.landmarks import LANDMARK
        knee = w[LANDMARK["left_knee"]]
        w[LANDMARK["left_ankle"]] = knee + 0.4 * np.asarray(direction, float)
        return feats.compute(type(pose)(pose.image, w, pose.visibility))["shin_elevation.left"].value

    assert with_shin([0, 0, 1]) == pytest.approx(90)  # shin level (kneeling on it)
    assert with_shin([0, -1, 0]) == pytest.approx(180)  # foot straight above the knee (up a wall)


def test_reach_lean_sign_follows_the_feet():
    from formcheck.landmarks import LANDMARK
    pose = base_pose(STANDING)
    w = pose.world.copy()
    toes = (w[LANDMARK["left_foot_index"]] + w[LANDMARK["right_foot_index"]]) / 2
    heels = (w[LANDMARK["left_heel"]] + w[LANDMARK["right_heel"]]) / 2
    fwd = toes - heels
    fwd[1] = 0
    fwd /= np.linalg.norm(fwd)
    mid_sh = (w[LANDMARK["left_shoulder"]] + w[LANDMARK["right_shoulder"]]) / 2
    up = np.array([0.0, -1.0, 0.0])

    def reach(deg_back):
        t = np.radians(deg_back)
        v = w.copy()
        for s in ("left", "right"):
            v[LANDMARK[f"{s}_wrist"]] = mid_sh + 0.6 * (np.cos(t) * up - np.sin(t) * fwd)
        return feats.compute(type(pose)(pose.image, v, pose.visibility))["reach_lean"].value

    assert reach(0) == pytest.approx(0, abs=0.5)
    assert reach(30) == pytest.approx(-30, abs=0.5)  # hands behind the head
    assert reach(-20) == pytest.approx(20, abs=0.5)  # reaching forward


def test_new_features_are_registered_with_descriptions():
    for name in ("shin_elevation", "twist_amount", "reach_lean"):
        assert name in feats.FEATURES and feats.FEATURES[name].description


# --- repetition counter ----------------------------------------------------------

SPEC = parse(BASE + '[[count]]\nid = "pedal"\nfeature = "knee"\ndip_below = 150\nreturn_above = 162\n')


def _v(in_pose=True, person=True):
    return Verdict("t", person, None, in_pose, in_pose, False, ())


def _f(left, right=175.0, vis=0.9):
    return {"knee.left": Measurement(left, vis), "knee.right": Measurement(right, vis)}


# (t_ms, in_pose, left knee or None for no person, expected left count after the step)
COUNT_TABLE = [
    (0, True, 175, 0),  # armed
    (100, True, 155, 0),  # between the thresholds: nothing yet
    (200, True, 140, 0),  # dipped
    (300, True, 158, 0),  # not back above 162 yet
    (400, True, 165, 1),  # counted on the return
    (500, True, 149, 1),  # dips again
    (600, True, 151, 1),  # jitter around dip_below does not count
    (700, True, 149, 1),
    (800, True, 170, 2),
    (900, False, 120, 2),  # out of the pose: disarmed
    (1000, True, 120, 2),  # back in the pose already bent: not armed, no dip
    (1100, True, 170, 2),  # so straightening does not count
    (1200, True, 130, 2),
    (1300, None, None, 2),  # no person: nothing changes
    (1400, True, 170, 3),
]


def test_rep_counter_table():
    c = RepCounter(SPEC)
    for t, in_pose, left, expected in COUNT_TABLE:
        if in_pose is None:
            c.step(t, _v(False, person=False), None)
        else:
            c.step(t, _v(in_pose), _f(left))
        assert c.totals()["pedal"]["left"] == expected, t
    assert c.totals()["pedal"]["right"] == 0
    assert [r.t_ms for r in c.reps] == [400, 800, 1400]


def test_rep_counter_ignores_unseen_frames():
    c = RepCounter(SPEC)
    c.step(0, _v(), _f(175))
    c.step(100, _v(), _f(120, vis=0.1))  # hidden: not a dip
    c.step(200, _v(), _f(175))
    assert c.totals()["pedal"]["left"] == 0


# --- recognition -----------------------------------------------------------------

def test_recognition_prefers_the_fit_nearer_the_middle_of_its_ranges():
    narrow = parse('name = "narrow"\n[[pose]]\nfeature = "knee"\nrange = [150, 180]\n')
    wide = parse('name = "wide"\n[[pose]]\nfeature = "knee"\nrange = [60, 180]\n')
    f = _f(170, 170)
    vs = [evaluate_once(narrow, f), evaluate_once(wide, f)]
    assert pose_margin(vs[0]) == pytest.approx(10 / 15) and pose_margin(vs[1]) == pytest.approx(10 / 60)
    assert best_pose(vs) == "narrow"
    f = _f(100, 100)
    assert best_pose([evaluate_once(narrow, f), evaluate_once(wide, f)]) == "wide"
    assert best_pose([evaluate_once(narrow, _f(40, 40))]) is None
    assert fit_score(evaluate_once(narrow, _f(40, 40))) == 0.0


def test_recognition_names_the_base_not_the_variant():
    base = parse('name = "dog"\n[[pose]]\nfeature = "knee"\nrange = [100, 180]\n')
    variant = parse('name = "walk"\nvariant_of = "dog"\n[[pose]]\nfeature = "knee"\nrange = [150, 180]\n')
    vs = [evaluate_once(base, _f(170, 170)), evaluate_once(variant, _f(170, 170))]
    assert best_pose(vs, {"walk": "dog"}) == "dog"


# --- the --pose auto label smoother -------------------------------------------------

def test_label_smoother_ignores_flicker_and_backdates_switches():
    s = LabelSmoother(switch_s=1.0)
    labels = ["a"] * 20 + ["b"] * 3 + ["a"] * 10 + ["b"] * 15 + [None] * 15
    out = [s.step(i * 100.0, lab) for i, lab in enumerate(labels)]
    segs = s.finish()
    assert out[22] == "a" and out[30] == "a"  # three frames of b do not switch
    assert out[43] == "b"  # ten frames (1.0 s) of b do
    assert [(g.pose, g.start_ms, g.end_ms) for g in segs] == [
        ("a", 0.0, 3300.0), ("b", 3300.0, 4800.0), (None, 4800.0, 6200.0)]


def test_spec_show_mentions_counts_variants_and_aliases():
    from .conftest import run_cli
    out = run_cli("spec", "show", "walk_your_dog").stdout
    assert "pedals per side: knee dips below 150 and comes back above 162, aiming for 8" in out
    assert "this is a downward_dog" in out
    assert "also filed as: low_lunge" in run_cli("spec", "show", "wall_psoas").stdout
