"""The bundled specs against the performer's ready-made postures, and what the
performer shows about the specs themselves."""

from __future__ import annotations

import pytest

from formcheck import synthetic as sy
from formcheck.evaluate import evaluate_once
from formcheck.pipeline import Session
from formcheck.specs import resolve_spec


@pytest.mark.parametrize("pose", sorted(sy.POSTURES))
@pytest.mark.parametrize("view", ["side", "front"])
def test_ready_made_postures_are_judged_as_named(pose, view):
    """good: form met; out: form broken, no limit (in the pose, except low
    cobra's, which lies flat); over: a limit crossed while in the pose; away:
    not in the pose. If a spec's ranges change, this says which ready-made
    posture no longer fits."""
    spec = resolve_spec(pose)
    for kind, angles in sy.POSTURES[pose].items():
        perf = sy.Performer(noise_m=0.0, view=view).perform(sy.Script(((0.0, angles),)), 0)
        v = evaluate_once(spec, perf.frame_features(0))
        got = (v.in_pose, v.form_ok, v.overstretch)
        want = {"good": (True, True, False), "out": (pose != "low_cobra", False, False),
                "over": (True, False, True), "away": (False, False, False)}[kind]
        assert got == want, f"{pose} {kind}: (in_pose, form_ok, overstretch) = {got}"


# A forward fold in staff pose keeps the thighs on the floor: the hip angle
# closes as the trunk tips (hip ~ 90 - trunk lean). Downward dog past its limit
# closes the hip further. Both leave a *pose* range before or while crossing
# the limit; the evaluator keeps watching limits after the pose is left
# (Timing.limit_context_s), so the held over-stretch must stay flagged.
FOLDS = {
    "staff": {"trunk_lean": 50, "hip": 40, "knee": 172},  # thighs level, trunk 50 deg
    "downward_dog": {"trunk_lean": 150, "hip": 26, "knee": 165, "shoulder": 165},
}


@pytest.mark.parametrize("pose", sorted(FOLDS))
def test_held_overstretch_stays_flagged(pose):
    spec = resolve_spec(pose)
    script = sy.sequence([(sy.POSTURES[pose]["good"], 2.0), (FOLDS[pose], 4.0)], transition_s=1.0)
    perf = sy.Performer(seed=0).perform(script)
    session = Session(spec)
    flagged = [session.step(f, f.pose).verdict.overstretch for f in perf.frames]
    held = [flag for f, flag in zip(perf.frames, flagged) if f.t_ms >= 4000 and f.pose is not None]
    assert session.debouncer.warnings, "no warning at all"
    assert all(held), f"over-stretch flagged on {sum(held)} of {len(held)} frames while held"
