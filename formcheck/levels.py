"""Levels: gentle / standard / deep, a pure change of a spec's form ranges and limits.

* **standard**: the spec as written.
* **gentle**: every over-stretch limit moves ``STEP`` toward the good range,
  so the warning comes sooner. Good-form edges that face a limit (the "depth"
  side) stay at least the rule's hysteresis short of the new limit (they are
  pulled in if needed: less depth is asked); the other edges widen by
  ``STEP`` (less is asked of straight knees, a long back, ...).
* **deep**: limits never move. Deep is never less safe than the spec as
  written: the limits are the safety line a spec author drew, and a person
  with a sore back gains nothing from a later warning. Good-form edges that
  face a limit extend up to ``STEP`` toward it, but stop the rule's
  hysteresis short of it (a deeper position counts as good form, never one
  that touches the limit); the other edges narrow by ``STEP`` (more is asked),
  never leaving a range narrower than ``MIN_WIDTH``.

Everywhere: pose rules never change (they decide which pose this is), an edge
at the end of the scale (0 or 180 degrees) stays put, and no limit of the
result is past the limit of the spec it came from.
"""

from __future__ import annotations

from dataclasses import replace

from .errors import FormcheckError
from .features import FEATURES
from .specs import PoseSpec, Rule, consistency_problems

LEVELS = ("gentle", "standard", "deep")
STEP = {"deg": 5.0, "ratio": 0.1}  # how far a level moves an edge
MIN_WIDTH = {"deg": 5.0, "ratio": 0.1}  # a narrowed range keeps at least this width
SCALE_ENDS = (0.0, 180.0)  # degree edges here mean "as far as it goes": never moved


def _overlaps(a: Rule, b: Rule) -> bool:
    """Do two rules judge the same measurement (same feature, overlapping sides)?"""
    return a.feature == b.feature and (a.side == b.side or "both" in (a.side, b.side)
                                       or "either" in (a.side, b.side) or a.side is None)


def facing_limits(rule: Rule, rules: tuple[Rule, ...]) -> tuple[float | None, float | None]:
    """The tightest limit below a range's low edge and above its high edge (None: no limit)."""
    below = [lim.below for lim in rules if lim.kind == "limit" and lim.below is not None and _overlaps(rule, lim)]
    above = [lim.above for lim in rules if lim.kind == "limit" and lim.above is not None and _overlaps(rule, lim)]
    return (max(below) if below else None, min(above) if above else None)


def _at_scale_end(rule: Rule, edge: float) -> bool:
    return FEATURES[rule.feature].unit == "deg" and edge in SCALE_ENDS


def _clamp(rule: Rule, value: float) -> float:
    if FEATURES[rule.feature].unit == "deg":
        return max(-180.0, min(180.0, value))
    return max(0.0, value)


def _tighten_limit(lim: Rule, rules: tuple[Rule, ...]) -> Rule:
    """Gentle: move a limit STEP toward the good ranges, leaving each facing range room."""
    unit = FEATURES[lim.feature].unit
    step, width = STEP[unit], MIN_WIDTH[unit]
    ranges = [r for r in rules if r.kind == "form" and _overlaps(r, lim)]
    above, below = lim.above, lim.below
    if above is not None:
        room = max((r.low + width + r.hysteresis for r in ranges), default=above - step)
        above = min(lim.above, max(lim.above - step, room))
    if below is not None:
        room = min((r.high - width - r.hysteresis for r in ranges), default=below + step)
        below = max(lim.below, min(lim.below + step, room))
    if above is not None and below is not None and below >= above:
        above, below = lim.above, lim.below
    return replace(lim, above=above, below=below)


def _gentle_range(rule: Rule, rules: tuple[Rule, ...]) -> Rule:
    step = STEP[FEATURES[rule.feature].unit]
    below, above = facing_limits(rule, rules)
    low, high = rule.low, rule.high
    if below is not None:
        low = max(low, below + rule.hysteresis)
    elif not _at_scale_end(rule, low):
        low = _clamp(rule, low - step)
    if above is not None:
        high = min(high, above - rule.hysteresis)
    elif not _at_scale_end(rule, high):
        high = _clamp(rule, high + step)
    if low >= high:  # no room between the limits: keep the range as written
        low, high = rule.low, rule.high
    return replace(rule, low=low, high=high)


def _deep_range(rule: Rule, rules: tuple[Rule, ...]) -> Rule:
    unit = FEATURES[rule.feature].unit
    step, width = STEP[unit], MIN_WIDTH[unit]
    below, above = facing_limits(rule, rules)
    low, high = rule.low, rule.high
    if below is not None:
        low = min(low, max(low - step, below + rule.hysteresis))
    if above is not None:
        high = max(high, min(high + step, above - rule.hysteresis))
    if below is None and not _at_scale_end(rule, rule.low):
        low = max(rule.low, min(rule.low + step, high - width))
    if above is None and not _at_scale_end(rule, rule.high):
        high = min(rule.high, max(rule.high - step, low + width))
    return replace(rule, low=low, high=high)


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise FormcheckError(f"unknown level '{level}'; use one of {', '.join(LEVELS)}")
    return level


def apply_level(spec: PoseSpec, level: str | None) -> PoseSpec:
    """The spec at ``level`` (None or the spec's own level: unchanged)."""
    if level is None or level == spec.level:
        return spec
    check_level(level)
    if spec.level != "standard":
        raise FormcheckError(f"{spec.name} is already at level '{spec.level}' (set in {spec.path}); "
                             "drop --level or change 'level' in that file")
    if level == "standard":
        return spec
    rules = spec.rules
    if level == "gentle":
        rules = tuple(_tighten_limit(r, rules) if r.kind == "limit" else r for r in rules)
        rules = tuple(_gentle_range(r, rules) if r.kind == "form" else r for r in rules)
    else:
        rules = tuple(_deep_range(r, rules) if r.kind == "form" else r for r in rules)
    problems = consistency_problems(rules, spec.path or spec.name)
    if problems:  # a spec too tight for this level: say so rather than guess
        raise FormcheckError(f"cannot make {spec.name} {level}: " + "; ".join(problems))
    return replace(spec, rules=rules, level=level, based_on=spec)


def limits_not_looser(result: PoseSpec, base: PoseSpec) -> list[str]:
    """Every limit of ``result`` that is past (less strict than) the same limit of ``base``."""
    by_id = {r.id: r for r in base.rules if r.kind == "limit"}
    bad = []
    for r in result.rules:
        b = by_id.get(r.id)
        if r.kind != "limit" or b is None:
            continue
        if b.above is not None and (r.above is None or r.above > b.above):
            bad.append(f"{r.id}: above {r.above} is past the base's {b.above}")
        if b.below is not None and (r.below is None or r.below < b.below):
            bad.append(f"{r.id}: below {r.below} is past the base's {b.below}")
    missing = set(by_id) - {r.id for r in result.rules if r.kind == "limit"}
    bad.extend(f"{rid}: the base's limit is gone" for rid in sorted(missing))
    return bad
