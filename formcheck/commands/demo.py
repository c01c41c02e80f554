"""formcheck demo: the whole pipeline on a sample that ships with formcheck."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import FormcheckError
from ..specs import resolve_spec
from .common import DISCLAIMER, say
from .video import process_video, summary_lines

SAMPLE = "downward_dog_hold_man.landmarks.jsonl.gz"
SAMPLE_POSE = "downward_dog"


def register(sub) -> None:
    p = sub.add_parser(
        "demo", help="run the pipeline on the bundled sample",
        description="Replays a bundled landmark recording (a man stepping into downward dog and holding "
                    "it) through the pose checks and writes an annotated video, a JSON report and an HTML review.")
    p.add_argument("--out-dir", default="formcheck-demo", metavar="DIR",
                   help="where to write the outputs (default: ./formcheck-demo)")
    p.set_defaults(func=run)


def sample_path() -> Path:
    return Path(str(resources.files("formcheck.samples").joinpath(SAMPLE)))


def run(args) -> int:
    out_dir = Path(args.out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise FormcheckError(f"cannot create {out_dir}: {e.strerror}; pass --out-dir with a folder you can write")
    say(DISCLAIMER)
    spec = resolve_spec(SAMPLE_POSE)
    video, report_path = out_dir / "demo_annotated.mp4", out_dir / "demo_report.json"
    html = out_dir / "demo_review.html"
    report, _ = process_video(str(sample_path()), spec, str(video), str(report_path), html=str(html))
    for line in summary_lines(report):
        say(line)
    say(f"annotated video: {video.resolve()}")
    say(f"report:          {report_path.resolve()}")
    say(f"HTML review:     {html.resolve()}")
    return 0
