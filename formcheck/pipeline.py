"""The one loop: frames -> poses -> smoothing -> features -> verdict -> holds
and warnings -> sinks. Every command (video, live, demo) drives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, Protocol

from . import features as feats
from .count import Rep, RepCounter
from .evaluate import Evaluator, Verdict
from .hold import HoldEvent, HoldState, HoldTimer, TimeInForm, Warning, WarningDebouncer
from .pose import Pose
from .smoothing import OneEuroParams, PoseSmoother
from .sources import Frame
from .specs import PoseSpec


@dataclass(frozen=True, eq=False)
class FrameResult:
    frame: Frame
    raw_pose: Pose | None  # as estimated (or recorded)
    pose: Pose | None  # smoothed; what features and drawing use
    features: dict[str, feats.Measurement] | None
    verdict: Verdict
    hold: HoldState
    hold_events: tuple[HoldEvent, ...]
    warnings: tuple[Warning, ...]
    reps: tuple[Rep, ...] = ()  # repetitions counted on this frame ([[count]] rules)


class Sink(Protocol):
    def on_frame(self, result: FrameResult) -> None: ...


@dataclass
class Session:
    """Per-stream state for one spec. ``step`` takes frames in time order."""

    spec: PoseSpec
    smoothing: OneEuroParams = field(default_factory=OneEuroParams)
    working_side: str | None = None  # pin a sided spec to one side (see Evaluator)

    def __post_init__(self) -> None:
        self.smoother = PoseSmoother(self.smoothing)
        self.evaluator = Evaluator(self.spec, self.working_side)
        self.timer = HoldTimer(self.spec)
        self.debouncer = WarningDebouncer(self.spec)
        self.counter = RepCounter(self.spec)
        self.frames = 0
        self.first_t_ms: float | None = None
        self.last_t_ms: float | None = None
        self._in_form = TimeInForm()

    def step(self, frame: Frame, raw_pose: Pose | None) -> FrameResult:
        t = frame.t_ms
        pose = self.smoother(raw_pose, t)
        features = feats.compute(pose, self.spec.features) if pose is not None else None
        verdict = self.evaluator.step(features, t)
        hold, events = self.timer.step(t, verdict)
        warnings = self.debouncer.step(t, verdict)
        reps = self.counter.step(t, verdict, features)
        self._in_form.step(t, verdict.form_ok)
        self.frames += 1
        if self.first_t_ms is None:
            self.first_t_ms = t
        self.last_t_ms = t
        return FrameResult(frame, raw_pose, pose, features, verdict, hold, tuple(events), tuple(warnings),
                           tuple(reps))

    def replace_spec(self, spec: PoseSpec) -> None:
        """Judge the following frames by ``spec`` (live reload of an edited file).

        The hold timer and warning debouncer keep their state and take the new
        timings: a running hold goes on if the new rules still call the form
        good, and otherwise breaks and ends by the usual grace rule. The
        evaluator keeps the hysteresis state of the rules that stay, so values
        near an edge do not flicker. Smoothing works on landmarks and is kept.
        """
        self.spec = spec
        self.evaluator = self.evaluator.continued(spec)
        t, d = spec.timing, self.debouncer
        self.timer.settle_ms, self.timer.grace_ms = t.settle_s * 1000, t.grace_s * 1000
        self.timer.target_ms = spec.hold_seconds * 1000
        d.debounce_ms, d.cooldown_ms = t.warn_debounce_s * 1000, t.warn_cooldown_s * 1000

    def finish(self) -> list[HoldEvent]:
        return self.timer.finish()

    @property
    def time_in_form_ms(self) -> float:
        return self._in_form.ms

    @property
    def duration_ms(self) -> float:
        if self.first_t_ms is None or self.last_t_ms is None:
            return 0.0
        return self.last_t_ms - self.first_t_ms


def with_poses(frames: Iterable[Frame], estimate: Callable | None) -> Iterator[tuple[Frame, Pose | None]]:
    """Attach a pose to each frame: recorded ones as they are, others through the model."""
    for frame in frames:
        if frame.recorded:
            yield frame, frame.pose
        elif estimate is None:
            raise RuntimeError("a frame without a recorded pose needs an estimator")
        else:
            yield frame, estimate(frame.image)
