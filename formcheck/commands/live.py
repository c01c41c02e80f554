"""formcheck live: practise in front of a camera (or a video standing in for one)."""

from __future__ import annotations

import sys

from ..errors import FormcheckError
from ..outputs import check_writable, write_atomic
from ..overlay import Overlay
from ..report import session_report, to_json
from ..runner import run
from ..sources import CameraSource
from .common import DISCLAIMER, add_pose_arg, load_pose, say, watch_pose
from .video import summary_lines

WINDOW = "formcheck"


def register(sub) -> None:
    p = sub.add_parser(
        "live", help="practise live in front of a camera",
        description="Watch a camera (or a video file standing in for one), time holds in good form "
                    "and warn before an over-stretch. Press q or Esc in the window to stop.")
    p.add_argument("--camera", default="0", metavar="INDEX_OR_FILE",
                   help="camera number (default 0) or a video file that stands in for a camera")
    add_pose_arg(p)
    p.add_argument("--headless", action="store_true", help="no window; print events instead")
    p.add_argument("--report", metavar="FILE.json", help="write the session report when it ends")
    p.add_argument("--no-mirror", action="store_true", help="show the picture unmirrored")
    p.set_defaults(func=run_command)


class _Window:
    def __init__(self, spec, mirror: bool):
        import cv2

        self.cv2 = cv2
        self.overlay = Overlay(spec, mirror=mirror)
        self.quit = False
        try:
            cv2.namedWindow(WINDOW, cv2.WINDOW_NORMAL)
        except cv2.error:
            raise FormcheckError("cannot open a window (no display?); run with --headless")

    def on_frame(self, result) -> None:
        self.cv2.imshow(WINDOW, self.overlay.annotate(result.frame.image, result))
        if self.cv2.waitKey(1) & 0xFF in (ord("q"), 27):
            raise KeyboardInterrupt

    def close(self) -> None:
        self.cv2.destroyAllWindows()


class _Printer:
    """Headless: events as lines on stdout."""

    def on_frame(self, result) -> None:
        t = result.frame.t_ms / 1000
        for e in result.hold_events:
            if e.kind == "started":
                say(f"{t:6.1f}s hold started" + (f" ({e.side})" if e.side else ""))
            elif e.kind == "target_reached":
                say(f"{t:6.1f}s hold target reached")
            elif e.kind == "ended":
                say(f"{t:6.1f}s hold ended after {e.hold.duration_ms / 1000:.1f}s in form")
        for w in result.warnings:
            say(f"{t:6.1f}s WARNING: {w.cue}")

    def close(self) -> None:
        pass


def run_command(args) -> int:
    spec = load_pose(args)
    if args.report:
        check_writable(args.report, "report")
    say(DISCLAIMER)
    source = CameraSource(args.camera)
    from ..estimator import PoseEstimator

    sink = _Printer() if args.headless else _Window(spec, mirror=not args.no_mirror)
    try:
        with PoseEstimator(static=False) as estimator:
            outcome = run(source, spec, estimator, [sink], watcher=watch_pose(args, spec))
    finally:
        sink.close()
        source.close()
    report = session_report(outcome.session, source.info.name, source.info.fps, outcome.complete,
                            outcome.problem)
    if args.report:
        write_atomic(args.report, to_json(report))
    for line in summary_lines(report):
        say(line)
    if outcome.problem and not outcome.interrupted:
        print(f"formcheck: {outcome.problem}; the session so far was kept", file=sys.stderr)
        return 2
    return 0
