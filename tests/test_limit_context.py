"""Limits stay watched after the pose is left (Timing.limit_context_s).

Pushing past a limit often takes the body out of the pose's own ranges; the
warning must not vanish exactly then. Stepped with hand-made features.
"""

from __future__ import annotations

import tomllib

from formcheck.evaluate import Evaluator, evaluate_once
from formcheck.features import Measurement
from formcheck.hold import WarningDebouncer
from formcheck.specs import parse_spec

SPEC = parse_spec(tomllib.loads("""
name = "fold"
[[pose]]
feature = "trunk_incline"
range = [0, 50]
[[form]]
feature = "trunk_incline"
range = [0, 20]
[[limit]]
feature = "trunk_incline"
above = 40
cue = "Ease off"
"""), "fold.toml", "fold")


def feats(incline: float) -> dict:
    return {"trunk_incline": Measurement(incline, 1.0)}


def run(table):
    ev, deb = Evaluator(SPEC), WarningDebouncer(SPEC)
    out = []
    for t, incline in table:
        v = ev.step(None if incline is None else feats(incline), t)
        out.append((v.in_pose, v.overstretch, bool(deb.step(t, v))))
    return out


def test_fold_out_of_the_pose_is_still_an_overstretch():
    # upright, then a fold past the limit (40) and past the pose range (50), held.
    table = [(0, 10), (500, 10), (1000, 45), (1100, 60), (1200, 70), (5000, 70), (9000, 70)]
    got = run(table)
    assert [g[1] for g in got] == [False, False, True, True, True, True, True]
    assert [g[0] for g in got][3:] == [False] * 4  # out of the pose the whole time
    assert any(g[2] for g in got)  # and a warning fired


def test_an_overstretch_begun_in_the_window_lasts_while_crossed():
    # Straight from the pose to far past the limit (and out of the pose), held 4 s.
    got = run([(0, 10), (500, 90), (1000, 90), (4000, 90), (4600, 90), (4700, 30), (8000, -10),
               (8100, 90)])
    # Back below the limit (30, in the pose again) ends the episode; leaving on the
    # safe side and crossing much later is not an over-stretch of this pose.
    assert [g[1] for g in got] == [False, True, True, True, True, False, False, False]


def test_a_crossing_long_after_leaving_the_pose_is_not_an_overstretch():
    # Out of the pose on the safe side (-10) for longer than the window, then past the limit.
    got = run([(0, 10), (500, -10), (4000, -10), (4100, 60)])
    assert [g[1] for g in got] == [False, False, False, False]
    # The same crossing within the window counts.
    got = run([(0, 10), (500, -10), (2000, -10), (2100, 60)])
    assert [g[1] for g in got] == [False, False, False, True]


def test_still_images_judge_limits_only_in_the_pose():
    assert evaluate_once(SPEC, feats(45)).overstretch is True
    assert evaluate_once(SPEC, feats(60)).overstretch is False
