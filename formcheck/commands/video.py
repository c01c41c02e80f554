"""formcheck video: review recorded videos (or landmark recordings).

One input: the outputs go where the options say. Several inputs (or a
folder): each output option is given without a name (or with a ``{stem}``
template) and the files are named ``<out-dir>/<stem>.<kind>``; see
``batch.output_names``. Inputs run in parallel processes, one per core.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..batch import AUTO, expand_inputs, output_names, run_batch, summary_table
from ..errors import FormcheckError
from ..review_run import Outputs, process_input
from ..runner import RunOutcome
from .common import add_pose_arg, load_pose, say


def register(sub) -> None:
    p = sub.add_parser(
        "video", help="review recorded videos",
        description="Run videos (or landmark recordings, *.jsonl[.gz]) through the pose checks: timed holds, "
                    "over-stretch warnings, and optionally an annotated video, a JSON report, a per-frame CSV "
                    "timeline and an HTML review. Several files or a folder run in parallel; give the output "
                    "options without a file name and they are named <out-dir>/<input stem>.<kind>.")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="video files, landmark recordings (.jsonl / .jsonl.gz) or folders of them")
    add_pose_arg(p)
    out = p.add_argument_group("outputs (a file name; or, without one, <out-dir>/<stem>.<kind>)")
    out.add_argument("--out", nargs="?", const=AUTO, metavar="FILE.mp4", help="write an annotated video")
    out.add_argument("--report", nargs="?", const=AUTO, metavar="FILE.json", help="write the JSON report")
    out.add_argument("--timeline", nargs="?", const=AUTO, metavar="FILE.csv",
                     help="write a per-frame CSV timeline (features, rule statuses, hold state)")
    out.add_argument("--html", nargs="?", const=AUTO, metavar="FILE.html",
                     help="write a self-contained HTML review (summary, charts, still frames)")
    out.add_argument("--save-landmarks", nargs="?", const=AUTO, metavar="FILE.jsonl.gz",
                     help="save the landmarks so the run can be replayed without the model")
    out.add_argument("--out-dir", metavar="DIR",
                     help="folder for outputs given without a name (default: the current folder); "
                          "created if missing")
    p.add_argument("--start", type=float, default=0.0, metavar="S", help="start at S seconds")
    p.add_argument("--end", type=float, default=None, metavar="S", help="stop at S seconds")
    p.add_argument("--stride", type=int, default=1, metavar="N", help="use every Nth frame")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help="inputs processed at once (default: one per CPU core)")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors (no progress bar)")
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
                  stride: int = 1, timeline: str | None = None, html: str | None = None,
                  quiet: bool = True) -> tuple[dict, RunOutcome]:
    """Runs one input through the pipeline and writes the requested outputs."""
    return process_input(path, spec, Outputs(out, report_path, timeline, html, landmarks), start, end, stride,
                         quiet=quiet)


def _validate(args) -> None:
    if args.stride < 1:
        raise FormcheckError(f"--stride must be 1 or more, got {args.stride}")
    if args.start < 0:
        raise FormcheckError(f"--start must be 0 or more, got {args.start}")
    if args.end is not None and args.end <= args.start:
        raise FormcheckError(f"--end ({args.end}s) must come after --start ({args.start}s)")
    if args.jobs is not None and args.jobs < 1:
        raise FormcheckError(f"--jobs must be 1 or more, got {args.jobs}")


def _run_auto(args, inputs, names) -> int:
    """``--pose auto`` (formcheck/auto.py) takes one input and writes the report only."""
    from ..auto import run_command as run_auto

    if len(inputs) > 1:
        raise FormcheckError("--pose auto takes one input at a time; give one file, or name the pose "
                             "with --pose NAME for a batch")
    if args.timeline or args.html:
        raise FormcheckError("--pose auto writes the report and summary only; for --timeline or --html "
                             "name one pose with --pose NAME")
    args.file = str(inputs[0])
    args.out, args.report, args.save_landmarks = names[0].out, names[0].report, names[0].landmarks
    return run_auto(args)


def run_command(args) -> int:
    _validate(args)
    inputs = expand_inputs(args.files)
    names = output_names(inputs, args)  # also checks every output path: before any work
    if args.pose == "auto":  # follow the pose over time: see formcheck/auto.py
        return _run_auto(args, inputs, names)
    spec = load_pose(args)  # resolved once: a bad name fails before any work
    if len(inputs) > 1:
        results = run_batch(inputs, names, spec, args.start, args.end, args.stride, args.jobs, args.quiet)
        for line in summary_table(results):
            say(line, args.quiet)
        return max((r.exit_code for r in results), default=0)
    outputs = names[0]
    report, outcome = process_input(str(inputs[0]), spec, outputs, args.start, args.end, args.stride,
                                    quiet=args.quiet)
    for line in summary_lines(report):
        say(line, args.quiet)
    for path, what in outputs.named():
        say(f"  {what}: {Path(path)}", args.quiet)
    if not outcome.complete:
        print(f"formcheck: {inputs[0]}: {outcome.problem}; the outputs cover the part before that",
              file=sys.stderr)
        return 2
    return 0
