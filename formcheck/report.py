"""Session -> the JSON report (the contract other tools read) and image results.

Report fields (times in seconds on the input's own clock):

* ``pose``, ``title``, ``source``, ``frames``, ``fps``, ``duration_s``
* ``complete`` (false when the input ended early or the run was interrupted)
  and ``problem`` (why, or null)
* ``hold_target_s``; ``holds``: each ``start_s``, ``end_s``, ``duration_s``
  (time in good form, see ``hold.py``), ``side``, ``completed``
* ``warnings``: each ``t_s`` (when it fired), ``onset_s`` (when the limit was
  first crossed), ``rule``, ``kind`` (``overstretch`` or ``repeat``), ``cue``,
  ``value``
* ``time_in_form_s``: all time in good form, in holds or not;
  ``longest_hold_s``: the longest hold's duration
* ``counts``: one entry per ``[[count]]`` rule of the spec (empty when it has
  none): ``rule``, ``label`` (e.g. "pedals"), ``target`` (per side, or null),
  ``sides`` ({"left": n, "right": n}, or {"all": n} for a whole-body feature)
  and ``reps`` (each ``t_s``, ``side``)
"""

from __future__ import annotations

import json
import math

from . import __version__
from .evaluate import Verdict
from .hold import Hold, Warning
from .pipeline import Session


def _s(ms: float) -> float:
    return round(ms / 1000.0, 3)


def hold_dict(h: Hold) -> dict:
    return {"start_s": _s(h.start_ms), "end_s": _s(h.end_ms), "duration_s": _s(h.duration_ms),
            "side": h.side, "completed": h.completed}


def warning_dict(w: Warning) -> dict:
    value = None if w.value is None or not math.isfinite(w.value) else round(w.value, 1)
    return {"t_s": _s(w.t_ms), "onset_s": _s(w.onset_ms), "rule": w.rule, "kind": w.kind,
            "cue": w.cue, "value": value}


def session_report(session: Session, source: str, fps: float, complete: bool = True,
                   problem: str | None = None) -> dict:
    spec = session.spec
    holds = session.timer.holds
    return {
        "formcheck": __version__,
        "pose": spec.name,
        "title": spec.title,
        "source": source,
        "frames": session.frames,
        "fps": round(fps, 3),
        "duration_s": _s(session.duration_ms + (1000.0 / fps if session.frames else 0.0)),
        "complete": complete,
        "problem": problem,
        "hold_target_s": spec.hold_seconds,
        "holds": [hold_dict(h) for h in holds],
        "warnings": [warning_dict(w) for w in session.debouncer.warnings],
        "time_in_form_s": _s(session.time_in_form_ms),
        "longest_hold_s": _s(max((h.duration_ms for h in holds), default=0.0)),
        "counts": counts_list(session.counter),
    }


def counts_list(counter) -> list[dict]:
    totals = counter.totals()
    return [{"rule": c.id, "label": c.label, "target": c.target, "sides": totals[c.id],
             "reps": [{"t_s": _s(r.t_ms), "side": r.side} for r in counter.reps if r.rule == c.id]}
            for c in counter.rules]


def verdict_dict(v: Verdict) -> dict:
    """One spec's judgement of one still image (the ``image --json`` entry)."""
    issues = []
    for r in v.results:
        if r.status == "ok":
            continue
        value = None if r.value is None or not math.isfinite(r.value) else round(r.value, 1)
        issues.append({"rule": r.rule.id, "status": r.status, "value": value, "cue": r.cue})
    return {"pose": v.spec, "side": v.side, "in_pose": v.in_pose, "form_ok": v.form_ok,
            "overstretch": v.overstretch, "issues": issues}


def to_json(data: dict) -> str:
    return json.dumps(data, indent=2) + "\n"
