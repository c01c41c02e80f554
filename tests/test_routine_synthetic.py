"""Specs with no (or too little) real footage, checked on landmark fixtures
built from real landmarks (see routine_fixtures.py): standing_twist and
walk_your_dog (pedal counting)."""

from __future__ import annotations

import pytest

from formcheck import features as feats
from formcheck.evaluate import evaluate_once
from formcheck.pipeline import Session
from formcheck.report import session_report
from formcheck.specs import load_all_specs, resolve_spec
from formcheck.recognize import best_pose, variant_map

from .routine_fixtures import bend_knee, base_pose, DOG, pedal_frames, standing_twist_pose


def _verdict(spec_name: str, pose):
    return evaluate_once(resolve_spec(spec_name), feats.compute(pose))


def test_fixture_twist_is_what_was_asked():
    base = feats.compute(standing_twist_pose(0))["twist"].value
    for deg in (20, 35, 70):
        got = feats.compute(standing_twist_pose(deg))["twist"].value
        assert got - base == pytest.approx(deg, abs=3)


@pytest.mark.parametrize("deg,in_pose,form_ok,over", [
    (0, False, False, False),  # just standing: not a twist
    (30, True, True, False),  # a gentle turn, either way
    (-30, True, True, False),
    (45, True, True, False),
    (72, True, False, True),  # past the 60-degree limit
    (-72, True, False, True),
])
def test_standing_twist_on_a_turned_real_body(deg, in_pose, form_ok, over):
    v = _verdict("standing_twist", standing_twist_pose(deg))
    assert (v.in_pose, v.form_ok, v.overstretch) == (in_pose, form_ok, over), v


def test_standing_twist_is_recognised_and_not_confused_with_standing_poses():
    specs = load_all_specs()
    f = feats.compute(standing_twist_pose(30))
    verdicts = [evaluate_once(s, f) for s in specs]
    assert best_pose(verdicts, variant_map(specs)) == "standing_twist"
    assert [v.spec for v in verdicts if v.in_pose] == ["standing_twist"]


def test_bend_knee_fixture_reaches_the_angle():
    pose = bend_knee(base_pose(DOG), "left", 120)
    assert feats.compute(pose)["knee.left"].value == pytest.approx(120, abs=0.5)


def test_a_single_pedal_keeps_walk_your_dog_in_form_but_not_downward_dog():
    pose = bend_knee(base_pose(DOG), "left", 125)  # the near (visible) leg of this side view
    wyd = _verdict("walk_your_dog", pose)
    dd = _verdict("downward_dog", pose)
    assert wyd.in_pose and wyd.form_ok
    assert dd.in_pose and not dd.form_ok  # the plain dog asks for long legs


def test_both_knees_bent_breaks_walk_your_dog_form_with_the_pedal_cue():
    pose = bend_knee(bend_knee(base_pose(DOG), "left", 125), "right", 125)
    v = _verdict("walk_your_dog", pose)
    assert v.in_pose and not v.form_ok
    assert any("one heel at a time" in cue for _, cue in v.cues())


@pytest.mark.parametrize("pedals", [3, 6])
def test_pedals_counted_per_side_while_the_hold_runs(pedals):
    # The photo is a side view: the right knee is the far one (visibility
    # about 0.3, as on the shared clips); walk_your_dog still counts it.
    spec = resolve_spec("walk_your_dog")
    session = Session(spec)
    for frame in pedal_frames(pedals):
        session.step(frame, frame.pose)
    session.finish()
    report = session_report(session, "fixture", 30.0)
    (count,) = report["counts"]
    assert count["rule"] == "pedal" and count["label"] == "pedals" and count["target"] == 8
    assert count["sides"] == {"left": pedals, "right": pedals}
    sides = [r["side"] for r in count["reps"]]
    assert sides == ["left", "right"] * pedals  # in the order they were made
    # One hold for the whole exercise: pedalling is good form here.
    assert len(report["holds"]) == 1
    assert report["holds"][0]["duration_s"] >= report["duration_s"] - 1.2


def test_shallow_knee_wobble_is_not_a_pedal():
    spec = resolve_spec("walk_your_dog")
    session = Session(spec)
    for frame in pedal_frames(4, depth_deg=158.0):  # never bends past 150
        session.step(frame, frame.pose)
    assert session.counter.totals() == {"pedal": {"left": 0, "right": 0}}


def test_auto_names_the_dog_and_counts_pedals_in_it():
    from formcheck.auto import run_auto
    frames = pedal_frames(3)
    session = run_auto(((f.t_ms, f.pose) for f in frames), load_all_specs())
    named = [s for s in session.segments if s.pose is not None]
    assert [s.pose for s in named] == ["downward_dog"]  # pedalling does not split the segment
    assert session.tracks["walk_your_dog"].counter.totals() == {"pedal": {"left": 3, "right": 3}}
