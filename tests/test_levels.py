"""Levels: gentle / standard / deep never make a spec less safe than the one they change."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from formcheck.errors import FormcheckError
from formcheck.levels import LEVELS, apply_level, facing_limits, limits_not_looser
from formcheck.specs import Rule, consistency_problems, load_all_specs, resolve_spec


def _limit(spec, rid):
    return next(r for r in spec.rules if r.id == rid)


def test_gentle_warns_sooner_and_asks_less_on_staff():
    base = resolve_spec("staff")
    gentle = apply_level(base, "gentle")
    assert _limit(gentle, "limit:trunk_lean").above == 35  # 40 - 5: the warning comes sooner
    knee = _limit(gentle, "form:knee.both")
    assert (knee.low, knee.high) == (153, 180)  # less straight knees are good form; 180 stays
    assert gentle.level == "gentle" and gentle.based_on is base


def test_deep_keeps_limits_and_stops_short_of_them():
    base = resolve_spec("downward_dog")
    deep = apply_level(base, "deep")
    assert _limit(deep, "limit:hip.both").below == 38  # unchanged
    hip = _limit(deep, "form:hip.both")
    # the edge facing the limit moves toward it but stays its hysteresis short (38 + 3)
    assert hip.low == 41 and hip.high == 100
    knee = _limit(deep, "form:knee.both")
    assert (knee.low, knee.high) == (135, 180)  # more is asked


def test_gentle_pulls_a_range_edge_back_from_a_tightened_limit():
    gentle = apply_level(resolve_spec("downward_dog"), "gentle")
    assert _limit(gentle, "limit:hip.both").below == 43
    assert _limit(gentle, "form:hip.both").low == 46  # 43 + hysteresis 3


@pytest.mark.parametrize("level", LEVELS)
def test_every_bundled_spec_at_every_level_is_valid_and_no_looser(level):
    for spec in load_all_specs():
        out = apply_level(spec, level)
        assert consistency_problems(out.rules) == []
        assert limits_not_looser(out, spec) == []
        assert out.of_kind("pose") == spec.of_kind("pose")


def test_standard_and_the_same_level_change_nothing():
    base = resolve_spec("staff")
    assert apply_level(base, None) is base
    assert apply_level(base, "standard") is base
    gentle = apply_level(base, "gentle")
    assert apply_level(gentle, "gentle") is gentle


def test_a_second_different_level_is_refused():
    gentle = apply_level(resolve_spec("staff"), "gentle")
    with pytest.raises(FormcheckError, match="already at level 'gentle'"):
        apply_level(gentle, "deep")


def test_unknown_level_is_refused():
    with pytest.raises(FormcheckError, match="unknown level"):
        apply_level(resolve_spec("staff"), "extreme")


# --- property test over random specs (seeded, so failures reproduce) --------------

def _random_spec(rng: random.Random, base):
    """A random but valid rule set on one feature: a form range and limits outside it."""
    for _ in range(100):
        low = rng.uniform(0, 150)
        high = rng.uniform(low + 1, 180)
        hyst = rng.choice([0.0, 1.0, 3.0, 6.0])
        rules = [Rule("pose", "pose:knee.both", "knee", "both", low=0, high=180, hysteresis=hyst),
                 Rule("form", "form:knee.both", "knee", "both", low=low, high=high, hysteresis=hyst)]
        above = rng.uniform(high + 0.1, 179.9) if high < 179 and rng.random() < 0.6 else None
        below = rng.uniform(0.1, low - 0.1) if low > 1 and rng.random() < 0.6 else None
        if above is None and below is None:
            continue
        rules.append(Rule("limit", "limit:knee.both", "knee", "both", above=above, below=below,
                          hysteresis=hyst, cue="Ease off"))
        if not consistency_problems(rules):
            return replace(base, rules=tuple(rules))
    raise AssertionError("could not draw a valid spec")


def test_levels_never_loosen_a_limit_or_reach_it_property():
    rng = random.Random(6)
    base = resolve_spec("staff")
    for _ in range(500):
        spec = _random_spec(rng, base)
        for level in ("gentle", "deep"):
            try:
                out = apply_level(spec, level)
            except FormcheckError:
                continue  # a spec too tight for the level is refused, never made unsafe
            assert limits_not_looser(out, spec) == []
            assert consistency_problems(out.rules) == []
            form = out.of_kind("form")[0]
            below, above = facing_limits(form, out.rules)
            orig = spec.of_kind("form")[0]
            if level == "deep":
                assert out.of_kind("limit") == spec.of_kind("limit")
            if above is not None:  # never closer to a limit than the spec itself was
                assert form.high <= max(orig.high, above - form.hysteresis)
            if below is not None:
                assert form.low >= min(orig.low, below + form.hysteresis)
