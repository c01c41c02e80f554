"""formcheck image: judge still images against one spec or all of them."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .. import features as feats
from ..errors import FormcheckError
from ..evaluate import evaluate_once
from ..recognize import best_pose, variant_map
from ..report import verdict_dict
from .common import add_pose_arg, load_poses


def register(sub) -> None:
    p = sub.add_parser(
        "image", help="check still images",
        description="Check photos against a pose spec (--pose) or against every spec, naming the "
                    "pose that fits best. With --json: one JSON object per file and line.")
    p.add_argument("files", nargs="+", metavar="FILE", help="image files (JPEG, PNG, ...)")
    add_pose_arg(p, required=False)
    p.add_argument("--json", action="store_true", help="one JSON object per line and file")
    p.set_defaults(func=run)


def read_image(path: str):
    import cv2

    from ..quiet import quiet_stderr

    f = Path(path)
    if not f.is_file():
        raise FormcheckError(f"{path}: image not found; check the path")
    with quiet_stderr():
        img = cv2.imread(str(f), cv2.IMREAD_COLOR)
    if img is None:
        raise FormcheckError(f"{path}: not an image OpenCV can read (corrupt, or an unsupported "
                             "format); use JPEG or PNG")
    return img


def judge_image(path: str, specs, estimator) -> dict:
    """The ``image --json`` object for one file. Raises FormcheckError for a bad file."""
    pose = estimator(read_image(path))
    features = feats.compute(pose) if pose is not None else None
    verdicts = [evaluate_once(spec, features) for spec in specs]
    return {"file": path, "person": pose is not None,
            "best": best_pose(verdicts, variant_map(specs)) if pose is not None else None,
            "poses": [verdict_dict(v) for v in verdicts]}


def _print_human(result: dict) -> None:
    print(f"{result['file']}: " + ("no person found" if not result["person"] else
                                    f"best fit: {result['best'] or 'none of the poses'}"))
    if not result["person"]:
        return
    for entry in result["poses"]:
        if not entry["in_pose"] and len(result["poses"]) > 1:
            continue
        state = "over-stretch" if entry["overstretch"] else ("good form" if entry["form_ok"] else
                                                            ("in pose" if entry["in_pose"] else "not in pose"))
        side = f" ({entry['side']} side)" if entry["side"] else ""
        print(f"  {entry['pose']}{side}: {state}")
        for issue in entry["issues"]:
            value = "unseen" if issue["value"] is None else f"{issue['value']:g}"
            cue = f" - {issue['cue']}" if issue["cue"] else ""
            print(f"    {issue['rule']}: {issue['status']} ({value}){cue}")


def run(args) -> int:
    specs = load_poses(args)
    from ..estimator import PoseEstimator

    failed = 0
    with PoseEstimator(static=True) as estimator:
        for path in args.files:
            try:
                result = judge_image(path, specs, estimator)
            except FormcheckError as e:
                print(f"formcheck: {e}", file=sys.stderr)
                failed += 1
                continue
            if args.json:
                print(json.dumps(result), flush=True)
            else:
                _print_human(result)
            if not result["person"]:
                print(f"formcheck: {path}: no person found; use a photo where the whole body is in view",
                      file=sys.stderr)
                failed += 1
    return 2 if failed else 0
