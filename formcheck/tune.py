"""Personal ranges from a reference: verdicts of the base spec -> new form ranges.

Pure: the command (``commands/tune.py``) runs the reference through the base
spec and hands the (time, verdict) pairs here. Only frames where the person is in the pose
(the base's pose rules hold) and not past a limit count: transitions into
and out of the pose, and over-stretched moments, say nothing about good form.

For each form rule, the new range is the reference's ``LOW_PCT``..``HIGH_PCT``
percentiles widened by a margin, then made safe:

* frames in short stretches in the pose, or at the ends of a stretch, are
  left out too (``steady``): that is where the person moves in or out;
* an edge that faces an over-stretch limit stays the rule's hysteresis short
  of it (hysteresis lets a value drift past an edge before it counts as out,
  so the good range must end that far before the limit);
* an edge of the base range at the end of the scale (0 or 180 degrees: "as
  straight as it goes") stays there: doing better than the reference is not
  a fault;
* limits and pose rules are never changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .evaluate import UNSEEN
from .features import FEATURES
from .levels import SCALE_ENDS, facing_limits
from .specs import PoseSpec, Rule

LOW_PCT, HIGH_PCT = 2.0, 98.0
MARGIN = {"deg": 5.0, "ratio": 0.1}
MIN_SAMPLES = 5  # fewer seen values than this: keep the base range
MIN_RUN_MS, TRIM_MS = 2000.0, 500.0  # a steady stretch in the pose, and its moving ends


@dataclass(frozen=True)
class Proposal:
    rule: Rule  # the base rule
    low: float  # the new range (== the base's when unchanged)
    high: float
    samples: int
    percentiles: tuple[float, float, float] | None  # LOW_PCT, 50, HIGH_PCT
    reasons: tuple[str, ...]  # why an edge is where it is, beyond "percentile + margin"

    @property
    def changed(self) -> bool:
        return (self.low, self.high) != (self.rule.low, self.rule.high)


@dataclass(frozen=True)
class Reference:
    """What the reference showed: values per form rule, and how many frames counted."""

    values: dict[str, list[float]]
    frames: int  # frames looked at
    in_pose: int  # frames that counted
    over: int  # in-pose frames past a limit, left out
    unsteady: int = 0  # in-pose frames of short stretches or their ends (transitions), left out


def steady(timed_verdicts, min_run_ms: float = MIN_RUN_MS, trim_ms: float = TRIM_MS) -> list[bool]:
    """Which frames belong to the steady middle of a stretch in the pose.

    ``timed_verdicts``: (t_ms or None, verdict) in order; ``None`` marks a
    still image, which stands alone and counts when in the pose. A stretch of
    consecutive in-pose frames (none past a limit) counts when it lasts at
    least ``min_run_ms``; its first and last ``trim_ms`` are dropped, as the
    person is still moving into or out of the pose there.
    """
    items = list(timed_verdicts)
    keep = [False] * len(items)
    i = 0
    while i < len(items):
        t, v = items[i]
        good = v.in_pose and not v.overstretch
        if t is None or not good:
            keep[i] = t is None and good
            i += 1
            continue
        j = i
        while j + 1 < len(items) and items[j + 1][0] is not None and items[j + 1][1].in_pose \
                and not items[j + 1][1].overstretch:
            j += 1
        t0, t1 = items[i][0], items[j][0]
        if t1 - t0 >= min_run_ms:
            for k in range(i, j + 1):
                keep[k] = t0 + trim_ms <= items[k][0] <= t1 - trim_ms
        i = j + 1
    return keep


def collect(spec: PoseSpec, timed_verdicts) -> Reference:
    """Form-rule values from the steady in-pose frames (see ``steady``)."""
    items = list(timed_verdicts)
    keep = steady(items)
    values: dict[str, list[float]] = {r.id: [] for r in spec.of_kind("form")}
    in_pose = over = unsteady = 0
    for (_, v), counted in zip(items, keep):
        if not v.in_pose:
            continue
        if v.overstretch:
            over += 1
            continue
        if not counted:
            unsteady += 1
            continue
        in_pose += 1
        for r in v.of_kind("form"):
            if r.rule.side == "either":  # one side in range is enough: learn the better one
                if r.status != UNSEEN and r.value is not None:
                    values[r.rule.id].append(r.value)
                continue
            values[r.rule.id].extend(s.value for s in r.sides if s.status != UNSEEN and s.value is not None)
    return Reference(values, len(items), in_pose, over, unsteady)


def _round(x: float, unit: str) -> float:
    return round(x, 0 if unit == "deg" else 2)


def propose(rule: Rule, values: list[float], rules: tuple[Rule, ...]) -> Proposal:
    """The new range of one form rule from the reference values."""
    unit = FEATURES[rule.feature].unit
    if len(values) < MIN_SAMPLES:
        return Proposal(rule, rule.low, rule.high, len(values), None,
                        (f"kept: only {len(values)} reference value(s), need {MIN_SAMPLES}",))
    a = np.asarray(values, dtype=float)
    p_lo, p_mid, p_hi = (float(x) for x in np.percentile(a, [LOW_PCT, 50.0, HIGH_PCT]))
    margin = MARGIN[unit]
    low, high = _round(p_lo - margin, unit), _round(p_hi + margin, unit)
    reasons = []
    below, above = facing_limits(rule, rules)
    if unit == "deg":
        low, high = max(low, -180.0), min(high, 180.0)
        if rule.low in SCALE_ENDS and low > rule.low:
            low = rule.low
            reasons.append(f"low edge kept at {rule.low:g}, the end of the scale")
        if rule.high in SCALE_ENDS and high < rule.high:
            high = rule.high
            reasons.append(f"high edge kept at {rule.high:g}, the end of the scale")
    else:
        low = max(low, 0.0)
    if below is not None and low < below + rule.hysteresis:
        low = below + rule.hysteresis
        reasons.append(f"low edge held {rule.hysteresis:g} above the limit {below:g}")
    if above is not None and high > above - rule.hysteresis:
        high = above - rule.hysteresis
        reasons.append(f"high edge held {rule.hysteresis:g} below the limit {above:g}")
    if low >= high or p_lo > high or p_hi < low:  # the reference lies past a limit: nothing safe to learn
        return Proposal(rule, rule.low, rule.high, len(values), (p_lo, p_mid, p_hi),
                        ("kept: the reference values lie at or past the limit",))
    return Proposal(rule, low, high, len(values), (p_lo, p_mid, p_hi), tuple(reasons))


def tune(spec: PoseSpec, reference: Reference) -> list[Proposal]:
    """One proposal per form rule of ``spec`` (limits and pose rules are not touched)."""
    return [propose(r, reference.values.get(r.id, []), spec.rules) for r in spec.of_kind("form")]


# --- writing the overlay --------------------------------------------------------

def _fmt(x: float) -> str:
    return f"{x:g}" if x != int(x) else f"{int(x)}"


def explain(p: Proposal) -> str:
    """One line: base range, reference percentiles, new range and why."""
    r = p.rule
    base = f"[{_fmt(r.low)}, {_fmt(r.high)}]"
    if p.percentiles is None:
        ref = f"{p.samples} values"
    else:
        lo, mid, hi = p.percentiles
        ref = f"p{LOW_PCT:g} {lo:.1f}, median {mid:.1f}, p{HIGH_PCT:g} {hi:.1f} ({p.samples} values)"
    new = f"[{_fmt(p.low)}, {_fmt(p.high)}]" if p.changed else "unchanged"
    why = ("; " + "; ".join(p.reasons)) if p.reasons else ""
    return f"{r.id}: base {base}; reference {ref} -> {new}{why}"


def overlay_toml(base_ref: str, name: str, proposals: list[Proposal], sources: list[str],
                 level: str | None, reference: Reference) -> str:
    """The overlay file: only the changed form ranges, each with a comment saying why."""
    lines = [
        f"# Personal overlay of '{base_ref}', written by 'formcheck tune'.",
        f"# Reference: {', '.join(sources)}",
        f"# {reference.in_pose} of {reference.frames} frame(s) were in the pose and counted"
        + (f"; {reference.over} past a limit were left out" if reference.over else "")
        + (f"; {reference.unsteady} moving into or out of it were left out" if reference.unsteady else "")
        + ".",
        f"# Ranges: reference p{LOW_PCT:g}..p{HIGH_PCT:g} widened by a margin, never reaching a limit.",
        "# Only form ranges change; pose rules and over-stretch limits stay the base's.",
        "# Edit freely: 'formcheck spec validate' checks it. Format: pose_specs/TUNING.md.",
        f"base = {_toml_str(base_ref)}",
        f"name = {_toml_str(name)}",
    ]
    if level and level != "standard":
        lines.append(f"level = {_toml_str(level)}")
    for p in proposals:
        if not p.changed:
            continue
        lines += ["", f"# {explain(p)}", "[[form]]", f"id = {_toml_str(p.rule.id)}",
                  f"range = [{_fmt(p.low)}, {_fmt(p.high)}]"]
    return "\n".join(lines) + "\n"


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


__all__ = ["Proposal", "Reference", "steady", "collect", "propose", "tune", "explain", "overlay_toml",
           "LOW_PCT", "HIGH_PCT", "MARGIN"]
