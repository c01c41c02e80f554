"""Hold timer and over-stretch warning debouncer: state machines stepped by
``(t_ms, verdict)``. They never read a clock, so a video, a camera and a
synthetic stream all behave the same.

Hold semantics (what the reported numbers count)
------------------------------------------------
* A frame is *good* when the verdict says ``form_ok`` (in the pose, every
  form rule met, no limit crossed).
* **Settle**: a hold starts once frames have been good for ``settle_s``
  without being *seen* out of form (a gap shorter than ``grace_s`` in which
  the form cannot be judged does not restart it). Its ``start`` is then
  back-dated to the first good frame.
* **Grace**: a break (frames that are not good) shorter than ``grace_s`` does
  not end the hold. A break of ``grace_s`` or more ends it; its ``end`` is the
  last good frame before the break.
* **Duration** (``duration_ms``, the timer) counts the time between good
  frames, minus the parts of breaks in which the person was *seen* out of form
  (out of range or past a limit). Short gaps where the form could not be judged
  (no person detected, needed landmarks hidden) are credited when the good form
  resumes within the grace period: the person was most likely still holding.
  So ``end - start`` >= ``duration`` and the timer runs only on good form.
* ``completed``: the duration reached the spec's ``hold_seconds``.
* A sided pose that switches side ends the hold; the new side settles afresh.

Warning semantics
-----------------
* A limit rule that is over-stretched on consecutive frames for
  ``warn_debounce_s`` fires a warning (``kind = "overstretch"``).
* While it stays crossed it is repeated (``kind = "repeat"``) no sooner than
  ``warn_cooldown_s`` after the same cue was last given.
* Frames where the limit is unseen neither fire nor clear a warning.
* A limit counts while the person is in the pose and, on a stream, for
  ``limit_context_s`` after leaving it (and for as long as an over-stretch
  begun then lasts): see ``Evaluator.step``. A deep fold that carries the body
  out of the pose's ranges is still warned.
"""

from __future__ import annotations

from dataclasses import dataclass

from .evaluate import HIGH, LOW, OVER, UNSEEN, Verdict
from .specs import PoseSpec


@dataclass(frozen=True)
class Hold:
    start_ms: float
    end_ms: float
    duration_ms: float  # time in good form (see module doc)
    side: str | None
    completed: bool


@dataclass(frozen=True)
class HoldEvent:
    t_ms: float
    kind: str  # "started" | "target_reached" | "ended"
    side: str | None
    hold: Hold | None = None  # for "ended"


@dataclass(frozen=True)
class HoldState:
    phase: str  # "idle" | "settling" | "holding" | "break"
    timer_ms: float  # the current hold's duration so far (0 when none)
    target_ms: float
    side: str | None
    start_ms: float | None

    @property
    def holding(self) -> bool:
        return self.phase in ("holding", "break")


@dataclass(frozen=True)
class Warning:
    t_ms: float  # when the warning fired
    onset_ms: float  # when the limit was first seen crossed in this episode
    rule: str
    kind: str  # "overstretch" | "repeat"
    cue: str
    value: float | None


# Frame times are floats (index * 1000 / fps), so six 30 fps frames after an
# onset can be 199.99999999997 ms later; without a tolerance a 200 ms span
# would sometimes need a seventh frame.
_TIME_EPS_MS = 1e-6


def _reached(elapsed_ms: float, span_ms: float) -> bool:
    return elapsed_ms >= span_ms - _TIME_EPS_MS


def _seen_bad(verdict: Verdict) -> bool:
    """The person is visible and we *saw* the form was wrong (not just unseen)."""
    if not verdict.person:
        return False
    return verdict.overstretch or any(
        r.status in (LOW, HIGH, OVER) for r in verdict.results if r.rule.kind in ("pose", "form"))


class HoldTimer:
    def __init__(self, spec: PoseSpec):
        self.settle_ms = spec.timing.settle_s * 1000
        self.grace_ms = spec.timing.grace_s * 1000
        self.target_ms = spec.hold_seconds * 1000
        self.holds: list[Hold] = []
        self._phase = "idle"
        self._start = self._last_good = self._last_t = None
        self._credited = 0.0
        self._bad_in_break = 0.0
        self._side: str | None = None
        self._target_announced = False

    def state(self) -> HoldState:
        return HoldState(self._phase, self._credited if self._phase in ("holding", "break") else 0.0,
                         self.target_ms, self._side, self._start)

    def _end(self, events: list[HoldEvent]) -> None:
        hold = Hold(self._start, self._last_good, self._credited, self._side,
                    self._credited >= self.target_ms)
        self.holds.append(hold)
        events.append(HoldEvent(self._last_good, "ended", self._side, hold))
        self._phase = "idle"
        self._credited = 0.0
        self._target_announced = False

    def step(self, t_ms: float, verdict: Verdict) -> tuple[HoldState, list[HoldEvent]]:
        events: list[HoldEvent] = []
        good = verdict.form_ok
        dt = 0.0 if self._last_t is None else max(0.0, t_ms - self._last_t)
        if self._phase in ("holding", "break") and good and verdict.side != self._side:
            self._end(events)  # switched side: a new hold must settle
        if self._phase == "idle":
            if good:
                self._phase, self._start, self._last_good, self._side = "settling", t_ms, t_ms, verdict.side
        elif self._phase == "settling":
            if not good:
                # Seen out of form: start again. Unseen (a dropout, a hidden
                # limb) only pauses, as in a hold: otherwise one 150 ms dropout
                # in the first second would cut up to settle_s off the hold.
                if _seen_bad(verdict) or _reached(t_ms - self._last_good, self.grace_ms):
                    self._phase = "idle"
            else:
                self._last_good = t_ms
                if _reached(t_ms - self._start, self.settle_ms):
                    self._phase = "holding"
                    self._credited = t_ms - self._start
                    events.append(HoldEvent(self._start, "started", self._side))
        elif self._phase == "holding":
            if good:
                self._credited += dt
                self._last_good = t_ms
            else:
                self._phase = "break"
                self._bad_in_break = dt if _seen_bad(verdict) else 0.0
        elif self._phase == "break":
            if good:
                self._credited += (t_ms - self._last_good) - self._bad_in_break
                self._phase, self._last_good = "holding", t_ms
            else:
                if _seen_bad(verdict):
                    self._bad_in_break += dt
                if _reached(t_ms - self._last_good, self.grace_ms):
                    self._end(events)
        if self._phase == "holding" and not self._target_announced and self._credited >= self.target_ms:
            self._target_announced = True
            events.append(HoldEvent(t_ms, "target_reached", self._side))
        self._last_t = t_ms
        return self.state(), events

    def finish(self) -> list[HoldEvent]:
        """End of the stream: close a running hold at its last good frame."""
        events: list[HoldEvent] = []
        if self._phase in ("holding", "break"):
            self._end(events)
        self._phase = "idle"
        return events


class TimeInForm:
    """All time in good form over a run, in holds or not: the time between
    consecutive good frames."""

    def __init__(self) -> None:
        self.ms = 0.0
        self._last_good: float | None = None

    def step(self, t_ms: float, form_ok: bool) -> None:
        if form_ok:
            if self._last_good is not None:
                self.ms += t_ms - self._last_good
            self._last_good = t_ms
        else:
            self._last_good = None


class WarningDebouncer:
    def __init__(self, spec: PoseSpec):
        self.debounce_ms = spec.timing.warn_debounce_s * 1000
        self.cooldown_ms = spec.timing.warn_cooldown_s * 1000
        self.warnings: list[Warning] = []
        self._onset: dict[str, float] = {}  # rule id -> start of the crossing
        self._warned_in_episode: set[str] = set()
        self._last_cue_t: dict[str, float] = {}

    def step(self, t_ms: float, verdict: Verdict) -> list[Warning]:
        fired: list[Warning] = []
        for r in verdict.of_kind("limit"):
            rid = r.rule.id
            over = verdict.overstretch and r.status == OVER
            if r.status == UNSEEN or (not verdict.person):
                continue  # unknown: neither fire nor clear
            if not over:
                self._onset.pop(rid, None)
                self._warned_in_episode.discard(rid)
                continue
            onset = self._onset.setdefault(rid, t_ms)
            cue = r.rule.cue or r.rule.id
            last = self._last_cue_t.get(cue)
            if _reached(t_ms - onset, self.debounce_ms) and (last is None or _reached(t_ms - last, self.cooldown_ms)):
                kind = "repeat" if rid in self._warned_in_episode else "overstretch"
                w = Warning(t_ms, onset, rid, kind, cue, r.value)
                self._warned_in_episode.add(rid)
                self._last_cue_t[cue] = t_ms
                self.warnings.append(w)
                fired.append(w)
        return fired
