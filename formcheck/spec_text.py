"""Specs in plain words, and the differences between two specs (pure text)."""

from __future__ import annotations

from .features import FEATURES
from .specs import PoseSpec, Rule

_SIDE_WORDS = {None: "", "left": "left ", "right": "right ", "both": "both ", "either": "either ",
               "working": "working-side ", "other": "other-side "}
_KIND_HEAD = {"pose": "Is this the pose? All of these must hold:",
              "form": "Good form (the hold timer runs only while all of these hold):",
              "limit": "Over-stretch warnings:"}


def _unit(rule: Rule) -> str:
    return "" if FEATURES[rule.feature].unit == "ratio" else "°"


def _subject(rule: Rule) -> str:
    name = rule.feature.replace("_", " ")
    if rule.side in ("both",):
        return f"{name} (both sides)"
    if rule.side == "either":
        return f"{name} (at least one side)"
    return f"{_SIDE_WORDS[rule.side]}{name}".strip()


def rule_words(rule: Rule) -> str:
    """One rule as a sentence, e.g. 'knee (both sides) between 158° and 180°'."""
    u = _unit(rule)
    if rule.kind == "limit":
        parts = []
        if rule.above is not None:
            parts.append(f"goes above {rule.above:g}{u}")
        if rule.below is not None:
            parts.append(f"goes below {rule.below:g}{u}")
        text = f"when the {_subject(rule)} {' or '.join(parts)}: \"{rule.cue}\""
    else:
        text = f"{_subject(rule)} between {rule.low:g}{u} and {rule.high:g}{u}"
        if not rule.required:
            text += " (only judged when seen)"
        cues = [f"below: \"{rule.cue_low}\"" if rule.cue_low else "",
                f"above: \"{rule.cue_high}\"" if rule.cue_high else ""]
        cues = [c for c in cues if c]
        if cues:
            text += "; cue " + ", ".join(cues)
    return text


def spec_words(spec: PoseSpec) -> list[str]:
    """The whole spec as lines a person can read."""
    lines = [f"{spec.title} ({spec.name})"]
    if spec.description:
        lines.append(f"  {spec.description}")
    lines.append(f"  camera: {spec.view} view; hold target {spec.hold_seconds:g}s"
                 + ("; one side at a time" if spec.sided else "")
                 + f"; landmarks used only when visibility >= {spec.min_visibility:g}")
    if spec.level != "standard":
        lines.append(f"  level: {spec.level}")
    if spec.based_on is not None and spec.based_on.path != spec.path:
        lines.append(f"  personal overlay of {spec.based_on.name} ({spec.based_on.path})")
    t = spec.timing
    lines.append(f"  timing: a hold starts after {t.settle_s:g}s of good form, survives breaks shorter "
                 f"than {t.grace_s:g}s; a limit must be crossed {t.warn_debounce_s:g}s to warn, "
                 f"the same cue waits {t.warn_cooldown_s:g}s")
    for kind in ("pose", "form", "limit"):
        rules = spec.of_kind(kind)
        if not rules:
            continue
        lines.append(_KIND_HEAD[kind])
        for r in rules:
            lines.append(f"  - {rule_words(r)}   [{r.id}]")
            lines.append(f"      {r.feature}: {FEATURES[r.feature].description}")
    if spec.variant_of:
        lines.append(f"  in a still image this is a {spec.variant_of}; recognition names that pose")
    if spec.aliases:
        lines.append("  also filed as: " + ", ".join(spec.aliases))
    if spec.counts:
        lines.append("Counted while in the pose:")
        for c in spec.counts:
            where = " per side" if c.sides != (None,) else ""
            target = f", aiming for {c.target}" if c.target else ""
            lines.append(f"  - {c.label}{where}: {c.feature} dips below {c.dip_below:g} and comes back "
                         f"above {c.return_above:g}{target}   [{c.id}]")
    return lines


def _rule_fields(r: Rule) -> dict:
    return {"range": None if r.kind == "limit" else (r.low, r.high),
            "above": r.above, "below": r.below, "hysteresis": r.hysteresis,
            "required": r.required if r.kind != "limit" else None,
            "cue": r.cue, "cue_low": r.cue_low, "cue_high": r.cue_high}


def _fmt(v) -> str:
    if isinstance(v, tuple):
        return "[" + ", ".join(f"{x:g}" for x in v) + "]"
    if isinstance(v, float):
        return f"{v:g}"
    return repr(v)


def diff_specs(a: PoseSpec, b: PoseSpec) -> list[str]:
    """What changes from ``a`` to ``b``, one line each (empty: they judge alike)."""
    out = []
    for field in ("view", "hold_seconds", "min_visibility", "sided", "level"):
        va, vb = getattr(a, field), getattr(b, field)
        if va != vb:
            out.append(f"{field}: {_fmt(va)} -> {_fmt(vb)}")
    for field in ("settle_s", "grace_s", "warn_debounce_s", "warn_cooldown_s"):
        va, vb = getattr(a.timing, field), getattr(b.timing, field)
        if va != vb:
            out.append(f"timing.{field}: {va:g} -> {vb:g}")
    ra, rb = {r.id: r for r in a.rules}, {r.id: r for r in b.rules}
    for rid in ra.keys() - rb.keys():
        out.append(f"- {rid}: {rule_words(ra[rid])}")
    for rid in sorted(rb.keys() - ra.keys()):
        out.append(f"+ {rid}: {rule_words(rb[rid])}")
    for rid in (r.id for r in a.rules if r.id in rb):
        fa, fb = _rule_fields(ra[rid]), _rule_fields(rb[rid])
        changes = [f"{k} {_fmt(fa[k])} -> {_fmt(fb[k])}" for k in fa if fa[k] != fb[k]]
        if changes:
            out.append(f"~ {rid}: " + "; ".join(changes) + _safety_note(ra[rid], rb[rid]))
    return out


def _safety_note(a: Rule, b: Rule) -> str:
    if a.kind != "limit":
        return ""
    looser = ((a.above is not None and (b.above is None or b.above > a.above))
              or (a.below is not None and (b.below is None or b.below < a.below)))
    return "  (LOOSER: warns later)" if looser else "  (stricter: warns sooner)"
