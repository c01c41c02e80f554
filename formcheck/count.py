"""Repetition counter for ``[[count]]`` rules (e.g. pedals in walk your dog).

A state machine per (rule, side), stepped by ``(t_ms, verdict, features)``
like the hold timer; it never reads a clock.

Semantics: while the person is in the pose (``verdict.in_pose``), a side is
*armed* once its value is seen above ``return_above``; it *dips* when the
value then goes below ``dip_below``; the repetition is counted when the value
comes back above ``return_above``. Leaving the pose disarms every side, so a
knee bent while walking into or out of the pose never counts. Frames where the
feature is unseen change nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .evaluate import Verdict
from .features import Measurement, feature_key
from .specs import CountRule, PoseSpec


@dataclass(frozen=True)
class Rep:
    rule: str
    side: str | None
    t_ms: float  # when it was counted (the return)
    dip_ms: float  # when the dip began


class RepCounter:
    def __init__(self, spec: PoseSpec):
        self.rules: tuple[CountRule, ...] = spec.counts
        self.min_visibility = spec.min_visibility
        self.reps: list[Rep] = []
        self._state: dict[tuple[str, str | None], str] = {}  # "idle" | "armed" | "dipped"
        self._dip_t: dict[tuple[str, str | None], float] = {}

    def step(self, t_ms: float, verdict: Verdict,
             features: dict[str, Measurement] | None) -> list[Rep]:
        counted: list[Rep] = []
        for rule in self.rules:
            for side in rule.sides:
                key = (rule.id, side)
                if not verdict.in_pose or features is None:
                    if verdict.person:  # seen out of the pose: start afresh
                        self._state[key] = "idle"
                    continue
                m = features.get(feature_key(rule.feature, side))
                if m is None or not math.isfinite(m.value) or m.visibility < self.min_visibility:
                    continue
                state = self._state.get(key, "idle")
                if m.value > rule.return_above:
                    if state == "dipped":
                        rep = Rep(rule.id, side, t_ms, self._dip_t[key])
                        self.reps.append(rep)
                        counted.append(rep)
                    self._state[key] = "armed"
                elif m.value < rule.dip_below and state == "armed":
                    self._state[key] = "dipped"
                    self._dip_t[key] = t_ms
        return counted

    def totals(self) -> dict[str, dict[str, int]]:
        """rule id -> side ("left"/"right", or "all" for a whole-body feature) -> count."""
        out: dict[str, dict[str, int]] = {}
        for rule in self.rules:
            out[rule.id] = {(s or "all"): 0 for s in rule.sides}
        for rep in self.reps:
            out[rep.rule][rep.side or "all"] += 1
        return out
