"""A guided routine as a state machine, stepped by frames.

Each step of a routine goes through phases::

    setup -> get_ready -> active -> rest -> (next step's setup) ... -> done

* **setup**: the set-up check (``setup_check``) must pass for ``setup_ok_s``
  in a row; it gives up after ``setup_timeout_s`` and starts anyway, saying so.
* **get_ready**: a countdown of the routine's ``get_ready_seconds``.
* **active**: a fresh ``Session`` for the step's spec (pinned to the step's
  side, target set to the step's hold) times holds and raises warnings. The
  step ends when a hold reaches its target (auto-advance), when nobody
  settles into the pose within ``step_timeout_seconds``, or on a command.
* **rest**: the step's ``rest_seconds``, then the next step.

Commands (keys in the window): pause/resume, skip (the step, or the rest),
repeat (the step again; during a rest, the step just done), quit, and
continue (skip a set-up check that keeps failing).

Time: the frame's ``t_ms``; while paused nothing advances, and the session
clock that the hold timer sees has the pauses taken out, so a pause never
counts as holding. Nothing here reads a clock or touches I/O: each call
returns an ``Update`` with the events for the sinks (window, voice, history).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .hold import Hold, Warning
from .pipeline import FrameResult, Session
from .pose import Pose
from .routine import PlannedStep, Routine
from .specs import PoseSpec
from .setup_check import SetupReport, brightness, check_setup
from .sources import Frame

SETUP, GET_READY, ACTIVE, REST, DONE = "setup", "get_ready", "active", "rest", "done"
COMMANDS = ("pause", "skip", "repeat", "quit", "continue")


@dataclass(frozen=True)
class Event:
    kind: str  # see Practice docstring and _EVENT_KINDS
    t_ms: float  # session clock (pauses removed)
    step: PlannedStep | None = None
    text: str = ""
    hold: Hold | None = None
    warning: Warning | None = None
    status: str = ""  # step_ended: completed | skipped | timed_out | repeated | quit | interrupted
    summary: "StepSummary | None" = None


_EVENT_KINDS = ("step_started", "setup_ok", "setup_skipped", "countdown", "go", "hold_started",
                "target_reached", "hold_ended", "warning", "step_ended", "rest", "paused", "resumed",
                "routine_done")


@dataclass(frozen=True)
class StepSummary:
    best_hold_s: float
    time_in_form_s: float
    holds: int
    warnings: int
    completed: bool


@dataclass(frozen=True, eq=False)
class Update:
    frame: Frame
    pose: Pose | None  # as estimated, unsmoothed (for drawing outside the active phase)
    t_ms: float  # session clock (pauses removed)
    phase: str
    paused: bool
    step: PlannedStep | None
    step_number: int  # 1-based; 0 when done
    steps_total: int
    phase_left_s: float | None  # countdown or rest remaining
    result: FrameResult | None  # the spec's verdict and hold (active phase)
    setup: SetupReport | None  # set-up phase
    cue: str | None  # the single most important thing to tell the person now
    cue_kind: str | None  # "overstretch" | "form" | "setup" | "pose"
    events: tuple[Event, ...]


@dataclass
class _StepState:
    planned: PlannedStep
    session: Session | None = None
    best_hold_ms: float = 0.0
    holds: int = 0
    warnings: int = 0
    completed: bool = False
    not_in_pose_since: float | None = None


class Practice:
    def __init__(self, routine: Routine, steps: tuple[PlannedStep, ...], setup_ok_s: float = 1.0,
                 setup_timeout_s: float = 20.0, check_setup_each_step: bool = True):
        if not steps:
            raise ValueError("a practice needs at least one step")
        self.routine, self.steps = routine, steps
        self.setup_ok_s, self.setup_timeout_s = setup_ok_s, setup_timeout_s
        self.check_setup_each_step = check_setup_each_step
        self.finished = False
        self.sessions: list[tuple[PlannedStep, Session]] = []  # every active step's session
        self._commands: list[str] = []
        self._paused_since: float | None = None
        self._paused_total = 0.0
        self._index = -1
        self._phase = SETUP
        self._phase_start = 0.0
        self._setup_ok_since: float | None = None
        self._state: _StepState | None = None
        self._counted: set[int] = set()
        self._events: list[Event] = []
        self._started = False

    # --- control -------------------------------------------------------------
    def command(self, name: str) -> None:
        if name not in COMMANDS:
            raise ValueError(f"unknown command {name!r}")
        self._commands.append(name)

    @property
    def current(self) -> PlannedStep | None:
        return self.steps[self._index] if 0 <= self._index < len(self.steps) else None

    def replace_spec(self, old: PoseSpec, new: PoseSpec) -> None:
        """A spec file was edited and reloaded: every step using ``old`` uses
        ``new`` from now on, and a running step's session carries on with it."""
        self.steps = tuple(PlannedStep(p.index, p.step, new) if p.spec is old else p for p in self.steps)
        st = self._state
        if st is not None and st.planned.spec is old:
            st.planned = self.steps[self._index]
            if st.session is not None:
                st.session.replace_spec(dataclasses.replace(new, hold_seconds=st.planned.target_s))

    # --- transitions -----------------------------------------------------------
    def _emit(self, kind: str, t: float, **kw) -> None:
        self._events.append(Event(kind, t, kw.pop("step", self.current), **kw))

    def _enter(self, phase: str, t: float) -> None:
        self._phase, self._phase_start = phase, t
        self._counted: set[int] = set()

    def _start_step(self, index: int, t: float) -> None:
        if index >= len(self.steps):
            self._index = len(self.steps)
            self._enter(DONE, t)
            self._emit("routine_done", t, step=None, text="That is the end of the routine.")
            self.finished = True
            return
        previous = self.current
        self._index = index
        p = self.steps[index]
        self._state = _StepState(p)
        self._emit("step_started", t, text=f"{'First' if index == 0 else 'Next'}: {p.label}."
                   + (f" {p.step.note}" if p.step.note else ""))
        view_changed = previous is None or previous.spec.view != p.spec.view
        self._setup_ok_since = None
        self._enter(SETUP if (self.check_setup_each_step or view_changed) else GET_READY, t)

    def _end_step(self, t: float, status: str) -> None:
        st = self._state
        if st is None or self._phase == DONE:
            return
        if st.session is not None:
            self._collect(st, st.session.finish(), (), t)
        summary = StepSummary(st.best_hold_ms / 1000.0,
                              (st.session.time_in_form_ms if st.session else 0.0) / 1000.0,
                              st.holds, st.warnings, st.completed)
        self._emit("step_ended", t, status=status, summary=summary)
        self._state = None

    def _after_step(self, t: float) -> None:
        p = self.current
        if p is not None and p.step.rest_seconds > 0 and self._index + 1 < len(self.steps):
            self._enter(REST, t)
            nxt = self.steps[self._index + 1]
            self._emit("rest", t, text=f"Rest for {p.step.rest_seconds:g} second{'' if p.step.rest_seconds == 1 else 's'}. Next: {nxt.label}.")
        else:
            self._start_step(self._index + 1, t)

    def _collect(self, st: _StepState, hold_events, warnings, t: float) -> None:
        for e in hold_events:
            if e.kind == "started":
                self._emit("hold_started", e.t_ms)
            elif e.kind == "target_reached":
                st.completed = True
                self._emit("target_reached", t, text="Well held. Release gently.")
            elif e.kind == "ended" and e.hold is not None:
                st.holds += 1
                st.best_hold_ms = max(st.best_hold_ms, e.hold.duration_ms)
                self._emit("hold_ended", e.t_ms, hold=e.hold)
        for w in warnings:
            st.warnings += 1
            self._emit("warning", w.t_ms, warning=w, text=w.cue)

    def finish(self, t_ms: float | None, status: str = "interrupted") -> tuple[Event, ...]:
        """Close a running step (Ctrl-C, camera lost, end of the stand-in clip)."""
        self._events = []
        if not self.finished:
            t = self._eff(t_ms) if t_ms is not None else self._phase_start
            self._end_step(t, status)
            self.finished = True
        return tuple(self._events)

    def _eff(self, t_ms: float) -> float:
        paused = self._paused_total + (t_ms - self._paused_since if self._paused_since is not None else 0.0)
        return t_ms - paused

    def _apply(self, cmd: str, t: float, t_raw: float) -> None:
        if cmd == "pause":
            if self._paused_since is None:
                self._paused_since = t_raw
                self._emit("paused", t, text="Paused.")
            else:
                self._paused_total += t_raw - self._paused_since
                self._paused_since = None
                self._emit("resumed", self._eff(t_raw), text="Carry on.")
            return
        if self._paused_since is not None and cmd != "quit":
            self._apply("pause", t, t_raw)  # any other key resumes first
            t = self._eff(t_raw)
        if cmd == "quit":
            self._end_step(t, "quit")
            self._enter(DONE, t)
            self.finished = True
        elif cmd == "continue" and self._phase == SETUP:
            self._emit("setup_skipped", t, text="Starting without a confirmed set-up.")
            self._enter(GET_READY, t)
        elif cmd == "skip":
            if self._phase == REST:
                self._start_step(self._index + 1, t)
            else:
                self._end_step(t, "skipped")
                self._start_step(self._index + 1, t)
        elif cmd == "repeat":
            if self._phase == REST:
                self._start_step(self._index, t)
            else:
                self._end_step(t, "repeated")
                self._start_step(self._index, t)

    # --- the frame loop --------------------------------------------------------------
    def step(self, frame: Frame, pose: Pose | None) -> Update:
        self._events = []
        t_raw = frame.t_ms
        if not self._started:
            self._started = True
            self._start_step(0, self._eff(t_raw))
        for cmd in self._commands:
            if not self.finished:
                self._apply(cmd, self._eff(t_raw), t_raw)
        self._commands.clear()
        t = self._eff(t_raw)
        result = setup = None
        cue = cue_kind = None
        left = None
        if self._paused_since is None and not self.finished:
            result, setup, cue, cue_kind, left = self._advance(frame, pose, t)
        p = self.current
        return Update(frame, pose, t, self._phase, self._paused_since is not None, p,
                      self._index + 1 if p else 0, len(self.steps), left, result, setup, cue, cue_kind,
                      tuple(self._events))

    def _advance(self, frame: Frame, pose: Pose | None, t: float):
        p, elapsed = self.current, t - self._phase_start
        result = setup = cue = cue_kind = left = None
        if self._phase == SETUP:
            light = brightness(frame.image) if frame.image is not None else None
            setup = check_setup(pose, p.spec.view, light)
            if setup.ok:
                self._setup_ok_since = t if self._setup_ok_since is None else self._setup_ok_since
                if t - self._setup_ok_since >= self.setup_ok_s * 1000:
                    self._emit("setup_ok", t, text="Set-up looks good.")
                    self._enter(GET_READY, t)
            else:
                self._setup_ok_since = None
                cue, cue_kind = setup.problems[0].message, "setup"
                if elapsed >= self.setup_timeout_s * 1000:
                    self._emit("setup_skipped", t, text="Starting anyway; the set-up could not be confirmed.")
                    self._enter(GET_READY, t)
        elif self._phase == GET_READY:
            total = self.routine.get_ready_seconds * 1000
            left = max(0.0, (total - elapsed) / 1000)
            for n in (3, 2, 1):  # say each number as its second begins
                if left <= n and n * 1000 <= total and n not in self._counted:
                    self._counted.add(n)
                    self._emit("countdown", t, text=str(n))
            if elapsed >= total:
                self._emit("go", t, text="Begin.")
                self._enter(ACTIVE, t)
                st = self._state
                spec = dataclasses.replace(p.spec, hold_seconds=p.target_s)
                side = p.step.side if p.spec.sided else None
                st.session = Session(spec, working_side=side)
                self.sessions.append((p, st.session))
        elif self._phase == ACTIVE:
            st = self._state
            result = st.session.step(dataclasses.replace(frame, t_ms=t), pose)
            self._collect(st, result.hold_events, result.warnings, t)
            cues = result.verdict.cues()
            if cues:
                r, cue = cues[0]
                cue_kind = "overstretch" if r.status == "overstretch" else "form"
            if result.verdict.in_pose or not result.verdict.person:
                st.not_in_pose_since = None
            else:
                st.not_in_pose_since = st.not_in_pose_since if st.not_in_pose_since is not None else t
                if cue is None and t - st.not_in_pose_since > 4000:
                    cue, cue_kind = f"Move into {p.spec.title.lower()}. {p.spec.description}".strip(), "pose"
            if st.completed:
                self._end_step(t, "completed")
                self._after_step(t)
            elif elapsed >= self.routine.step_timeout_seconds * 1000 and not result.hold.holding:
                self._end_step(t, "timed_out")
                self._after_step(t)
        elif self._phase == REST:
            left = max(0.0, (p.step.rest_seconds * 1000 - elapsed) / 1000)
            if left <= 0:
                self._start_step(self._index + 1, t)
        return result, setup, cue, cue_kind, left
