"""formcheck video: review a recorded video (or a landmark recording)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import FormcheckError
from ..outputs import check_writable, write_atomic
from ..recording import is_recording_path
from ..report import session_report, to_json
from ..runner import AnnotatedVideo, LandmarkRecorder, RunOutcome, run
from ..sources import open_source
from .common import add_pose_arg, load_pose, say


def register(sub) -> None:
    p = sub.add_parser(
        "video", help="review a recorded video",
        description="Run a video (or a landmark recording, *.jsonl[.gz]) through the pose checks: "
                    "timed holds, over-stretch warnings, optional annotated video and JSON report.")
    p.add_argument("file", metavar="FILE", help="video file, or a landmark recording (.jsonl / .jsonl.gz)")
    add_pose_arg(p)
    p.add_argument("--out", metavar="FILE.mp4", help="write an annotated video")
    p.add_argument("--report", metavar="FILE.json", help="write the JSON report")
    p.add_argument("--save-landmarks", metavar="FILE.jsonl.gz",
                   help="save the landmarks so the run can be replayed without the model")
    p.add_argument("--start", type=float, default=0.0, metavar="S", help="start at S seconds")
    p.add_argument("--end", type=float, default=None, metavar="S", help="stop at S seconds")
    p.add_argument("--stride", type=int, default=1, metavar="N", help="use every Nth frame")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=run_command)


def summary_lines(report: dict) -> list[str]:
    lines = [f"{report['source']}: {report['title']}, {report['frames']} frames, {report['duration_s']:.1f}s"
             + ("" if report["complete"] else f" (INCOMPLETE: {report['problem']})")]
    for h in report["holds"]:
        side = f" {h['side']}" if h["side"] else ""
        done = "target reached" if h["completed"] else f"short of {report['hold_target_s']:g}s"
        lines.append(f"  hold{side}: {h['start_s']:.1f}-{h['end_s']:.1f}s, {h['duration_s']:.1f}s in form ({done})")
    if not report["holds"]:
        lines.append("  no hold in good form")
    for w in report["warnings"]:
        lines.append(f"  warning at {w['t_s']:.1f}s ({w['rule']}): {w['cue']}")
    lines.append(f"  time in good form {report['time_in_form_s']:.1f}s, longest hold {report['longest_hold_s']:.1f}s")
    for c in report.get("counts", []):  # [[count]] rules, e.g. pedals per side
        target = f" (target {c['target']} each)" if c["target"] else ""
        lines.append(f"  {c['label']}: " + ", ".join(f"{k} {v}" for k, v in c["sides"].items()) + target)
    return lines


def process_video(path: str, spec, out: str | None = None, report_path: str | None = None,
                  landmarks: str | None = None, start: float = 0.0, end: float | None = None,
                  stride: int = 1) -> tuple[dict, RunOutcome]:
    """Runs one input through the pipeline and writes the requested outputs."""
    for target, what in ((out, "annotated video"), (report_path, "report"), (landmarks, "landmark recording")):
        if target:
            check_writable(target, what)
    source = open_source(path, start, end, stride)
    sinks = []
    estimator = None
    outcome: RunOutcome | None = None
    try:
        if not is_recording_path(path):
            from ..estimator import MODEL_NAME, PoseEstimator

            estimator = PoseEstimator(static=False)
            if landmarks:
                sinks.append(LandmarkRecorder(landmarks, source, MODEL_NAME))
        elif landmarks:
            raise FormcheckError("--save-landmarks needs a video; the input is already a landmark recording")
        if out:
            fps = source.info.fps / max(1, stride)
            sinks.append(AnnotatedVideo(out, spec, fps, (source.info.width, source.info.height)))
        outcome = run(source, spec, estimator, sinks)
    finally:
        for sink in sinks:
            if isinstance(sink, LandmarkRecorder):
                sink.close(complete=outcome is not None and outcome.complete)
            else:
                sink.close()
        if estimator is not None:
            estimator.close()
        source.close()
    report = session_report(outcome.session, source.info.name, source.info.fps / max(1, stride),
                            outcome.complete, outcome.problem)
    if report_path:
        write_atomic(report_path, to_json(report))
    return report, outcome


def run_command(args) -> int:
    if args.pose == "auto":  # follow the pose over time: see formcheck/auto.py
        from ..auto import run_command as run_auto
        return run_auto(args)
    spec = load_pose(args)
    report, outcome = process_video(args.file, spec, args.out, args.report, args.save_landmarks,
                                    args.start, args.end, args.stride)
    for line in summary_lines(report):
        say(line, args.quiet)
    for target, what in ((args.out, "annotated video"), (args.report, "report"),
                         (args.save_landmarks, "landmarks")):
        if target:
            say(f"  {what}: {Path(target)}", args.quiet)
    if not outcome.complete:
        print(f"formcheck: {args.file}: {outcome.problem}; the outputs cover the part before that",
              file=sys.stderr)
        return 2
    return 0
