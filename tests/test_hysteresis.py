"""Hysteresis in evaluate: a value sitting on a range edge or a limit does not flicker."""

from __future__ import annotations

import numpy as np

from formcheck.evaluate import HIGH, LOW, OK, OVER, Evaluator, judge_limit, judge_range
from formcheck.features import Measurement
from formcheck.specs import parse_spec


def spec(hysteresis: float = 3.0):
    return parse_spec({
        "name": "h", "hysteresis": hysteresis,
        "pose": [{"feature": "trunk_incline", "range": [0, 80]}],
        "form": [{"feature": "knee", "side": "both", "range": [158, 180]}],
        "limit": [{"feature": "trunk_incline", "above": 45, "cue": "up"}],
    }, "h.toml", "h")


def features(knee: float, trunk: float = 10.0, right_knee: float = 170.0):
    return {"knee.left": Measurement(knee, 0.9), "knee.right": Measurement(right_knee, 0.9),
            "trunk_incline": Measurement(trunk, 0.9)}


def statuses(ev: Evaluator, knees=None, trunks=None):
    out = []
    n = len(knees if knees is not None else trunks)
    for i in range(n):
        v = ev.step(features(knees[i] if knees is not None else 170.0,
                             trunks[i] if trunks is not None else 10.0))
        rule = "form:knee.both" if knees is not None else "limit:trunk_incline"
        out.append(next(r.status for r in v.results if r.rule.id == rule))
    return out


def flips(seq):
    return sum(a != b for a, b in zip(seq, seq[1:]))


EDGE_WOBBLE = 158 + 1.2 * np.sin(np.arange(120) * 1.3)  # +-1.2 deg about the edge


def test_judge_range_edges():
    assert judge_range(157.0, 158, 180, was_ok=True, hysteresis=3) == OK  # inside the slack
    assert judge_range(154.9, 158, 180, was_ok=True, hysteresis=3) == LOW
    assert judge_range(157.0, 158, 180, was_ok=False, hysteresis=3) == LOW  # must come back in
    assert judge_range(158.0, 158, 180, was_ok=False, hysteresis=3) == OK
    assert judge_range(182.0, 158, 180, was_ok=True, hysteresis=3) == OK
    assert judge_range(183.1, 158, 180, was_ok=True, hysteresis=3) == HIGH


def test_judge_limit_edges():
    assert judge_limit(45.0, 45, None, was_over=False, hysteresis=3) == OK  # at the limit: not past it
    assert judge_limit(45.1, 45, None, was_over=False, hysteresis=3) == OVER
    assert judge_limit(42.5, 45, None, was_over=True, hysteresis=3) == OVER  # stays over in the slack
    assert judge_limit(41.9, 45, None, was_over=True, hysteresis=3) == OK
    assert judge_limit(8.0, None, 10, was_over=True, hysteresis=3) == OVER
    assert judge_limit(13.1, None, 10, was_over=True, hysteresis=3) == OK


def test_value_wobbling_on_range_edge_from_inside_stays_ok():
    ev = Evaluator(spec())
    seq = statuses(ev, knees=[170.0] + list(EDGE_WOBBLE))
    assert set(seq) == {OK}


def test_value_wobbling_on_range_edge_from_outside_settles_ok_once():
    ev = Evaluator(spec())
    seq = statuses(ev, knees=[140.0] + list(EDGE_WOBBLE))
    assert seq[0] == LOW and flips(seq) == 1  # enters once at the first touch, then stays


def test_leaving_needs_the_full_hysteresis():
    ev = Evaluator(spec())
    seq = statuses(ev, knees=[170, 156, 155.5, 154.9, 157, 157.9, 158.0, 157])
    assert seq == [OK, OK, OK, LOW, LOW, LOW, OK, OK]


def test_limit_wobbling_on_its_edge_does_not_flicker():
    ev = Evaluator(spec())
    trunks = [10.0] + list(45 + 1.2 * np.sin(np.arange(120) * 1.3))
    seq = statuses(ev, trunks=trunks)
    assert flips(seq) == 1 and seq[-1] == OVER


def test_hysteresis_is_per_side():
    """Each side keeps its own history: the rule was LOW (right knee bent) while
    the left was fine, so the left may sit in its slack once the right recovers."""
    ev = Evaluator(spec())
    v = ev.step(features(170.0, right_knee=140.0))
    assert next(r for r in v.results if r.rule.id == "form:knee.both").status == LOW
    v = ev.step(features(156.0, right_knee=170.0))
    assert next(r for r in v.results if r.rule.id == "form:knee.both").status == OK


def test_without_hysteresis_the_same_wobble_flickers():
    """The control: it is the hysteresis that stops the flicker above."""
    ev = Evaluator(spec(hysteresis=0.0))
    seq = statuses(ev, knees=[170.0] + list(EDGE_WOBBLE))
    assert flips(seq) > 20
