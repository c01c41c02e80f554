"""Features + spec -> Verdict, one frame at a time.

Each rule gets a status: ok / low / high (outside the good range),
overstretch (past a limit) or unseen (the landmarks it needs are not visible
enough, or there is no person). Unseen is never a failure and never a guess.

Hysteresis: a value that is *in* a range stays in until it passes the edge by
the rule's hysteresis; a value that is *out* must come back inside the edge.
So someone sitting right on a boundary does not flicker. That needs the
previous statuses, which ``Evaluator`` keeps; ``judge_range`` and
``judge_limit`` are the pure pieces.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .features import FEATURES, Measurement, feature_key
from .landmarks import other_side
from .specs import PoseSpec, Rule

OK, LOW, HIGH, OVER, UNSEEN = "ok", "low", "high", "overstretch", "unseen"


def judge_range(value: float, low: float, high: float, was_ok: bool, hysteresis: float) -> str:
    if was_ok:
        low, high = low - hysteresis, high + hysteresis
    if value < low:
        return LOW
    if value > high:
        return HIGH
    return OK


def judge_limit(value: float, above: float | None, below: float | None, was_over: bool,
                hysteresis: float) -> str:
    slack = hysteresis if was_over else 0.0
    if above is not None and value > above - slack:
        return OVER
    if below is not None and value < below + slack:
        return OVER
    return OK


@dataclass(frozen=True)
class SideResult:
    side: str | None  # anatomical side of the measurement, None for whole-body
    value: float | None
    status: str


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    status: str
    value: float | None  # the value that decided the status
    sides: tuple[SideResult, ...]

    @property
    def cue(self) -> str | None:
        return self.rule.cue_for(self.status)

    def distance(self) -> float:
        """How far the deciding value is outside the rule's range (0 when ok)."""
        r, v = self.rule, self.value
        if v is None or self.status in (OK, UNSEEN):
            return 0.0
        if r.kind == "limit":
            return max(v - r.above if r.above is not None else 0.0,
                       r.below - v if r.below is not None else 0.0)
        return r.low - v if v < r.low else v - r.high


@dataclass(frozen=True)
class Verdict:
    spec: str
    person: bool
    side: str | None  # the working side for a sided spec, else None
    in_pose: bool
    form_ok: bool
    overstretch: bool
    results: tuple[RuleResult, ...]

    def of_kind(self, kind: str) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if r.rule.kind == kind)

    @property
    def fit(self) -> float:
        """0..1, how well the body matches the pose rules (for recognition)."""
        pose = self.of_kind("pose")
        if not self.person or not pose:
            return 0.0
        return sum(r.status == OK for r in pose) / len(pose)

    def cues(self) -> list[tuple[RuleResult, str]]:
        """Cues that apply now, most important first: over-stretch, then form."""
        out = []
        if self.overstretch:
            out.extend((r, r.cue) for r in self.of_kind("limit") if r.status == OVER and r.cue)
        if not self.in_pose:
            return out
        form = sorted((r for r in self.of_kind("form") if r.status in (LOW, HIGH) and r.cue),
                      key=lambda r: -r.distance())
        out.extend((r, r.cue) for r in form)
        return out


def _anatomical(rule_side: str | None, working: str | None) -> tuple[str, ...]:
    if rule_side is None:
        return ()
    if rule_side == "working":
        return (working,)
    if rule_side == "other":
        return (other_side(working),)
    if rule_side in ("both", "either"):
        return ("left", "right")
    return (rule_side,)


_BAD_ORDER = {OVER: 4, HIGH: 3, LOW: 3, UNSEEN: 1, OK: 0}


class Evaluator:
    """Stateful (for hysteresis) evaluator of one spec; feed it frames in order."""

    def __init__(self, spec: PoseSpec, working_side: str | None = None):
        """``working_side`` pins a sided spec to one side (a routine step for the
        left leg must not time the right); None lets the body decide."""
        self.spec = spec
        self.working_side = working_side
        self._assignments: tuple[str | None, ...] = (
            ((working_side,) if working_side else ("left", "right")) if spec.sided else (None,))
        self._prev: dict[tuple, str] = {}
        self._side: str | None = self._assignments[0]
        self._kinds = {r.id: r.kind for r in spec.rules}
        self._last_in_pose_ms: float | None = None
        self._was_over = False

    def reset(self) -> None:
        self._prev.clear()

    def continued(self, spec: PoseSpec) -> "Evaluator":
        """An evaluator for ``spec`` (an edited version of this one's) that keeps the
        hysteresis state and working side of the rules both share, so a reload
        does not make values sitting near an edge flicker."""
        new = Evaluator(spec, self.working_side)
        kinds = {r.id: r.kind for r in spec.rules}
        new._prev = {k: v for k, v in self._prev.items()
                     if kinds.get(k[1]) is not None and kinds[k[1]] == self._kinds.get(k[1])}
        if self._side in new._assignments:
            new._side = self._side
        new._last_in_pose_ms, new._was_over = self._last_in_pose_ms, self._was_over
        return new

    def _judge_side(self, rule: Rule, side: str | None, working: str | None,
                    features: dict[str, Measurement] | None) -> SideResult:
        key = feature_key(rule.feature, side)
        m = features.get(key) if features is not None else None
        if m is None or not math.isfinite(m.value) or m.visibility < self.spec.min_visibility:
            return SideResult(side, None if m is None or not math.isfinite(m.value) else m.value, UNSEEN)
        state_key = (working, rule.id, side)
        prev = self._prev.get(state_key)
        if rule.kind == "limit":
            status = judge_limit(m.value, rule.above, rule.below, prev == OVER, rule.hysteresis)
        else:
            status = judge_range(m.value, rule.low, rule.high, prev == OK, rule.hysteresis)
        return SideResult(side, m.value, status)

    def _judge_rule(self, rule: Rule, working: str | None,
                    features: dict[str, Measurement] | None) -> RuleResult:
        sides = tuple(self._judge_side(rule, s, working, features)
                      for s in (_anatomical(rule.side, working) or (None,)))
        seen = [s for s in sides if s.status != UNSEEN]
        if not seen:
            decider = sides[0]
            status = UNSEEN
        elif rule.side == "either":
            decider = min(seen, key=lambda s: (_BAD_ORDER[s.status], 0))
            status = decider.status
        else:  # all listed sides must be fine; judge on those that are seen
            decider = max(seen, key=lambda s: _BAD_ORDER[s.status])
            status = decider.status
        return RuleResult(rule, status, decider.value, sides)

    def _verdict(self, working: str | None, features: dict[str, Measurement] | None,
                 engaged: bool = False) -> Verdict:
        results = tuple(self._judge_rule(r, working, features) for r in self.spec.rules)
        person = features is not None

        def satisfied(kind: str) -> bool:
            rs = [r for r in results if r.rule.kind == kind]
            return all(r.status == OK or (r.status == UNSEEN and not r.rule.required) for r in rs)

        pose_seen = any(r.status == OK for r in results if r.rule.kind == "pose")
        in_pose = person and pose_seen and satisfied("pose")
        crossed = person and any(r.status == OVER for r in results if r.rule.kind == "limit")
        over = crossed and (in_pose or engaged)
        # An over-stretch is never good form: the hold timer must not run on it.
        form_ok = in_pose and satisfied("form") and not over
        return Verdict(self.spec.name, person, working, in_pose, form_ok, over, results)

    def step(self, features: dict[str, Measurement] | None, t_ms: float | None = None) -> Verdict:
        """Judge one frame's features (None: no person in the frame).

        With ``t_ms`` (a stream), limits count as an over-stretch not only in the
        pose but also for ``limit_context_s`` after leaving it, and for as long as
        an over-stretch that began then goes on: pushing too far often carries the
        body out of the pose's own ranges. Without it (a still image) only in the
        pose.
        """
        engaged = t_ms is not None and (self._was_over or (
            self._last_in_pose_ms is not None
            and t_ms - self._last_in_pose_ms <= self.spec.timing.limit_context_s * 1000))
        candidates = [self._verdict(w, features, engaged) for w in self._assignments]

        def score(v: Verdict) -> tuple:
            n_ok = sum(r.status == OK for r in v.results if r.rule.kind != "limit")
            return (v.in_pose, v.form_ok, n_ok, v.side == self._side)

        best = max(candidates, key=score)
        self._side = best.side
        if t_ms is not None:
            if best.in_pose:
                self._last_in_pose_ms = t_ms
            # An over-stretch episode lasts while its limit stays crossed; frames
            # without a person neither end nor extend it.
            if best.person:
                self._was_over = best.overstretch
        # Remember every candidate's statuses so hysteresis is kept per side.
        for v in candidates:
            for r in v.results:
                for s in r.sides:
                    if s.status != UNSEEN:
                        self._prev[(v.side, r.rule.id, s.side)] = s.status
        return best


def evaluate_once(spec: PoseSpec, features: dict[str, Measurement] | None) -> Verdict:
    """A single, history-free judgement (for still images)."""
    return Evaluator(spec).step(features)


__all__ = ["Evaluator", "Verdict", "RuleResult", "SideResult", "evaluate_once", "judge_range",
           "judge_limit", "OK", "LOW", "HIGH", "OVER", "UNSEEN", "FEATURES"]
