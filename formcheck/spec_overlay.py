"""Personal overlays: a small TOML file that changes a few rules of another spec.

An overlay is any spec file with a top-level ``base`` field (the format is
documented in ``pose_specs/TUNING.md``)::

    base = "staff"                 # a spec name, or a path relative to this file
    level = "gentle"               # optional: apply a level to the base first

    [[form]]
    id = "form:knee.both"          # a form rule of the base ('formcheck spec show staff')
    range = [150, 180]

    [[limit]]
    id = "limit:trunk_incline"
    above = 35                     # limits may only get stricter

What an overlay may not do, so that a personal spec is never less safe than
its base: change or add pose rules (they decide which pose this is), move a
limit past the base's, drop a limit, or widen a good-form range into a limit
(the merged rules pass the same checks as a full spec).
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

from .errors import FormcheckError
from .levels import LEVELS, apply_level
from .specs import (PoseSpec, SpecError, _number, _Problems, _text, _unknown_keys,
                    consistency_problems, load_spec_file, resolve_spec)

MAX_DEPTH = 4  # overlays of overlays; more is almost surely a loop of 'base' references
TOP_KEYS = {"base", "name", "title", "description", "level", "hold_seconds", "form", "limit"}
FORM_KEYS = {"id", "range"}
LIMIT_KEYS = {"id", "above", "below"}


def is_path_ref(ref: str) -> bool:
    return ref.endswith(".toml") or "/" in ref


def load_base(ref: str, overlay_path: Path, depth: int) -> PoseSpec:
    """The spec an overlay names: a bundled name, or a path relative to the overlay."""
    if depth >= MAX_DEPTH:
        raise FormcheckError(f"{overlay_path}: overlays nest more than {MAX_DEPTH} deep; "
                             "check the 'base' fields for a loop")
    try:
        if is_path_ref(ref):
            path = Path(ref) if Path(ref).is_absolute() else overlay_path.parent / ref
            return load_spec_file(path, depth + 1)
        return resolve_spec(ref)
    except SpecError:
        raise
    except FormcheckError as e:
        raise FormcheckError(f"{overlay_path}: base = {ref!r}: {e}")


def _rule_table(p: _Problems, kind: str, n: int, table, keys: set[str], rules: dict):
    where = f"[[{kind}]] #{n}"
    if not isinstance(table, dict):
        p.add(where, "must be a table of fields")
        return None
    _unknown_keys(p, where, table, keys)
    rid = table.get("id")
    if not isinstance(rid, str):
        p.add(where, "field 'id' is missing: the id of the base rule to change "
                     "(see 'formcheck spec show BASE')")
        return None
    rule = rules.get(rid)
    if rule is None:
        ids = ", ".join(r for r, x in rules.items() if x.kind == kind) or "none"
        p.add(f"{where} ({rid})", f"the base has no rule '{rid}'; its {kind} rules are: {ids}")
        return None
    if rule.kind != kind:
        p.add(f"{where} ({rid})", f"'{rid}' is a {rule.kind} rule, not a {kind} rule"
              + ("; pose rules cannot be changed by an overlay" if rule.kind == "pose" else ""))
        return None
    return rule


def _form_change(p: _Problems, n: int, table, rules: dict):
    rule = _rule_table(p, "form", n, table, FORM_KEYS, rules)
    if rule is None:
        return None
    rng = table.get("range")
    where = f"[[form]] #{n} ({rule.id})"
    if (not isinstance(rng, list) or len(rng) != 2
            or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in rng)):
        p.add(where, f"field 'range' must be two numbers [low, high], got {rng!r}")
        return None
    if rng[0] >= rng[1]:
        p.add(where, f"field 'range' = {rng} is inverted or empty: write it as [low, high] with low < high")
        return None
    return replace(rule, low=float(rng[0]), high=float(rng[1]))


def _limit_change(p: _Problems, n: int, table, rules: dict):
    rule = _rule_table(p, "limit", n, table, LIMIT_KEYS, rules)
    if rule is None:
        return None
    where = f"[[limit]] #{n} ({rule.id})"
    above = _number(p, where, table, "above", rule.above)
    below = _number(p, where, table, "below", rule.below)
    ok = True
    for key, new, old, looser in (("above", above, rule.above, lambda a, b: a > b),
                                  ("below", below, rule.below, lambda a, b: a < b)):
        if key in table and old is None:
            p.add(where, f"the base has no '{key}' bound here; an overlay only moves existing limits")
            ok = False
        elif new is not None and old is not None and looser(new, old):
            p.add(where, f"'{key}' = {new:g} is past the base's limit {old:g}; "
                         "an overlay may only make a limit stricter")
            ok = False
    return replace(rule, above=above, below=below) if ok else None


def load_overlay(data: dict, path: str | Path, depth: int = 0) -> PoseSpec:
    """Validate an overlay and merge it into its base. Raises SpecError listing every problem."""
    path = Path(path)
    p = _Problems(str(path))
    if "pose" in data:
        p.add("[[pose]]", "an overlay cannot change pose rules: they decide which pose this is; "
                          "change [[form]] ranges or make [[limit]]s stricter instead")
    _unknown_keys(p, "top level", {k: v for k, v in data.items() if k != "pose"}, TOP_KEYS)
    ref = data.get("base")
    if not isinstance(ref, str) or not ref.strip():
        raise SpecError(f"{path}: bad overlay", [f"{path}: top level: field 'base' must name a spec, "
                                                 "e.g. base = \"staff\""])
    base = load_base(ref, path, depth)
    level = _text(p, "top level", data, "level", None, LEVELS)
    if level is not None:
        base = apply_level(base, level)
    rules = {r.id: r for r in base.rules}
    changed: dict[str, object] = {}
    for kind, change in (("form", _form_change), ("limit", _limit_change)):
        tables = data.get(kind, [])
        if not isinstance(tables, list):
            p.add(f"[[{kind}]]", f"must be an array of tables: write each change under its own [[{kind}]] line")
            continue
        for n, table in enumerate(tables, 1):
            new = change(p, n, table, rules)
            if new is None:
                continue
            if new.id in changed:
                p.add(f"[[{kind}]] #{n} ({new.id})", "changed twice in this overlay; keep one entry")
            changed[new.id] = new
    merged = tuple(changed.get(r.id, r) for r in base.rules)
    if not p.items:
        p.items.extend(consistency_problems(merged, str(path)))
    hold = _number(p, "top level", data, "hold_seconds", base.hold_seconds, 1, 3600)
    name = _text(p, "top level", data, "name", path.stem) or path.stem
    title = _text(p, "top level", data, "title", None) or f"{base.title} (personal)"
    description = _text(p, "top level", data, "description", base.description) or base.description
    if p.items:
        raise SpecError(f"{path}: {len(p.items)} problem(s) in the overlay; fix them and try again", p.items)
    return replace(base, name=name, title=title, description=description, hold_seconds=hold,
                   rules=merged, path=str(path), based_on=base)
