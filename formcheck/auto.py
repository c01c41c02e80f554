"""``formcheck video --pose auto``: follow which pose the person is in.

Every frame is judged against every spec (features are computed once). The
frame's *raw* label is the best fitting pose (``recognize.ranked``), or none.
The *stable* label changes only when a different raw label has held for
``switch_s`` without a break, and the change is back-dated to when that run
began; so a frame or two of a neighbouring pose (a pyramid that looks like a
hamstring stretch for a moment) does not split a segment, and the segment
edges still fall where the person actually changed pose.

Each spec keeps its own hold timer, warning debouncer and repetition counter.
They see that spec's verdicts only while the stable label is the spec's
family (the spec itself, its ``variant_of`` base, or its variants: during a
downward dog segment walk your dog also runs and counts pedals), or while
the family is the candidate about to take over; at other
times they see "person seen, not in this pose", so a hold ends after its
grace period when the person moves on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from . import features as feats
from .count import RepCounter
from .evaluate import Evaluator, Verdict
from .hold import HoldTimer, TimeInForm, WarningDebouncer
from .pose import Pose
from .recognize import ranked, variant_map
from .report import counts_list, hold_dict, warning_dict
from .smoothing import OneEuroParams, PoseSmoother
from .specs import PoseSpec

SWITCH_S = 1.0  # a new label must be the raw best this long to take over
_NO_CANDIDATE = object()  # (None is a real label: "no spec fits")


@dataclass(frozen=True)
class Segment:
    pose: str | None  # None: no spec fits
    start_ms: float
    end_ms: float


class LabelSmoother:
    """Raw per-frame labels -> a stable label with back-dated switches."""

    def __init__(self, switch_s: float = SWITCH_S):
        self.switch_ms = switch_s * 1000
        self.label: str | None = None
        self._since: float | None = None  # when the current stable label began
        self._cand: object = _NO_CANDIDATE
        self._cand_since: float = 0.0
        self._last_t: float | None = None
        self.segments: list[Segment] = []

    def step(self, t_ms: float, raw: str | None) -> str | None:
        if self._since is None:
            self._since = t_ms
        if raw == self.label:
            self._cand = _NO_CANDIDATE
        else:
            if raw != self._cand:
                self._cand, self._cand_since = raw, t_ms
            if t_ms - self._cand_since >= self.switch_ms:
                self.segments.append(Segment(self.label, self._since, self._cand_since))
                self.label, self._since = raw, self._cand_since
                self._cand = _NO_CANDIDATE
        self._last_t = t_ms
        return self.label

    @property
    def candidate(self) -> str | None:
        """The label waiting to take over, if any."""
        return None if self._cand is _NO_CANDIDATE else self._cand  # type: ignore[return-value]

    def finish(self) -> list[Segment]:
        if self._since is not None and self._last_t is not None:
            self.segments.append(Segment(self.label, self._since, self._last_t))
            self._since = None
        return [s for s in self.segments if s.end_ms > s.start_ms or s.pose is not None]


def _absent(spec: PoseSpec, person: bool) -> Verdict:
    return Verdict(spec.name, person, None, False, False, False, ())


class _PoseTrack:
    def __init__(self, spec: PoseSpec):
        self.spec = spec
        self.evaluator = Evaluator(spec)
        self.timer = HoldTimer(spec)
        self.debouncer = WarningDebouncer(spec)
        self.counter = RepCounter(spec)
        self.in_form = TimeInForm()

    def step(self, t: float, verdict: Verdict, active: bool, features) -> None:
        v = verdict if active else _absent(self.spec, verdict.person)
        self.timer.step(t, v)
        self.debouncer.step(t, v)
        self.counter.step(t, v, features if active else None)
        self.in_form.step(t, v.form_ok)


class AutoSession:
    """Steps every spec on each frame and follows the stable label."""

    def __init__(self, specs: list[PoseSpec], switch_s: float = SWITCH_S,
                 smoothing: OneEuroParams | None = None):
        self.specs = specs
        self.variants = variant_map(specs)
        self.smoother = PoseSmoother(smoothing or OneEuroParams())
        self.labels = LabelSmoother(switch_s)
        self.tracks = {s.name: _PoseTrack(s) for s in specs}
        self.frames = 0
        self.first_t: float | None = None
        self.last_t: float | None = None

    def family(self, name: str) -> str:
        return self.variants.get(name, name)

    def step(self, t_ms: float, raw_pose: Pose | None) -> str | None:
        pose = self.smoother(raw_pose, t_ms)
        features = feats.compute(pose) if pose is not None else None
        verdicts = [track.evaluator.step(features, t_ms) for track in self.tracks.values()]
        best = ranked(verdicts, self.variants)
        label = self.labels.step(t_ms, best[0][0] if best else None)
        # The pose taking over is live before the switch is confirmed, so its
        # hold starts when the person got there, not SWITCH_S later.
        live = {self.family(x) for x in (label, self.labels.candidate) if x is not None}
        for track, v in zip(self.tracks.values(), verdicts):
            active = self.family(track.spec.name) in live
            track.step(t_ms, v, active, features)
        self.frames += 1
        self.first_t = t_ms if self.first_t is None else self.first_t
        self.last_t = t_ms
        return label

    def finish(self) -> list[Segment]:
        for track in self.tracks.values():
            track.timer.finish()
        return self.labels.finish()


def run_auto(frames: Iterable[tuple[float, Pose | None]], specs: list[PoseSpec],
             switch_s: float = SWITCH_S, on_label: Callable | None = None) -> AutoSession:
    """Feeds (t_ms, pose) pairs through an AutoSession; returns it finished."""
    session = AutoSession(specs, switch_s)
    try:
        for t_ms, pose in frames:
            label = session.step(t_ms, pose)
            if on_label is not None:
                on_label(t_ms, label)
    finally:
        session.segments = session.finish()
    return session


def _s(ms: float) -> float:
    return round(ms / 1000.0, 3)


def auto_report(session: AutoSession, source: str, fps: float, complete: bool = True,
                problem: str | None = None) -> dict:
    """The ``--pose auto`` report: segments, then per-pose results for the poses seen.

    ``segments``: each ``pose`` (null: no spec fits), ``start_s``, ``end_s``.
    ``poses``: for each pose whose family had a segment, the single-pose report
    fields ``holds``, ``warnings``, ``time_in_form_s``, ``longest_hold_s``,
    ``hold_target_s`` and ``counts``.
    """
    from . import __version__

    seen = {session.family(s.pose) for s in session.segments if s.pose}
    poses = {}
    for name, track in session.tracks.items():
        if session.family(name) not in seen:
            continue
        holds = track.timer.holds
        poses[name] = {
            "title": track.spec.title,
            "hold_target_s": track.spec.hold_seconds,
            "holds": [hold_dict(h) for h in holds],
            "warnings": [warning_dict(w) for w in track.debouncer.warnings],
            "time_in_form_s": _s(track.in_form.ms),
            "longest_hold_s": _s(max((h.duration_ms for h in holds), default=0.0)),
            "counts": counts_list(track.counter),
        }
    span = (session.last_t - session.first_t) if session.frames else 0.0
    return {
        "formcheck": __version__, "pose": "auto", "source": source, "frames": session.frames,
        "fps": round(fps, 3), "duration_s": _s(span + (1000.0 / fps if session.frames else 0.0)),
        "complete": complete, "problem": problem,
        "segments": [{"pose": s.pose, "start_s": _s(s.start_ms), "end_s": _s(s.end_ms)}
                     for s in session.segments],
        "poses": poses,
    }


def summary_lines(report: dict) -> list[str]:
    lines = [f"{report['source']}: poses followed automatically, {report['frames']} frames, "
             f"{report['duration_s']:.1f}s" + ("" if report["complete"] else
                                               f" (INCOMPLETE: {report['problem']})")]
    for s in report["segments"]:
        lines.append(f"  {s['start_s']:.1f}-{s['end_s']:.1f}s: {s['pose'] or 'no known pose'}")
    for name, p in report["poses"].items():
        for h in p["holds"]:
            side = f" {h['side']}" if h["side"] else ""
            done = "target reached" if h["completed"] else f"short of {p['hold_target_s']:g}s"
            lines.append(f"  {name} hold{side}: {h['start_s']:.1f}-{h['end_s']:.1f}s, "
                         f"{h['duration_s']:.1f}s in form ({done})")
        for w in p["warnings"]:
            lines.append(f"  {name} warning at {w['t_s']:.1f}s ({w['rule']}): {w['cue']}")
        for c in p["counts"]:
            per_side = ", ".join(f"{k} {v}" for k, v in c["sides"].items())
            lines.append(f"  {name} {c['label']}: {per_side}")
    return lines


def run_command(args) -> int:
    """The ``video --pose auto`` command (called from commands/video.py)."""
    import sys

    from .errors import FormcheckError
    from .levels import apply_level
    from .outputs import check_writable, write_atomic
    from .pipeline import with_poses
    from .recording import is_recording_path
    from .report import to_json
    from .sources import open_source
    from .specs import load_all_specs

    if args.out or args.save_landmarks:
        raise FormcheckError("--pose auto writes the report and summary only; for --out or "
                             "--save-landmarks name one pose with --pose NAME")
    if args.report:
        check_writable(args.report, "report")
    specs = [apply_level(s, getattr(args, "level", None)) for s in load_all_specs()]
    source = open_source(args.file, args.start, args.end, args.stride)
    estimator = None
    interrupted = False
    try:
        if not is_recording_path(args.file):
            from .estimator import PoseEstimator
            estimator = PoseEstimator(static=False)
        session = AutoSession(specs)
        try:
            for frame, pose in with_poses(source, estimator):
                session.step(frame.t_ms, pose)
        except KeyboardInterrupt:
            interrupted = True
        session.segments = session.finish()
    finally:
        if estimator is not None:
            estimator.close()
        source.close()
    complete = source.complete and not interrupted
    problem = "interrupted (Ctrl-C)" if interrupted else source.problem
    report = auto_report(session, source.info.name, source.info.fps / max(1, args.stride), complete, problem)
    if args.report:
        write_atomic(args.report, to_json(report))
    if not args.quiet:
        for line in summary_lines(report):
            print(line, flush=True)
        if args.report:
            print(f"  report: {args.report}")
    if not complete:
        print(f"formcheck: {args.file}: {problem}; the outputs cover the part before that", file=sys.stderr)
        return 2
    return 0
