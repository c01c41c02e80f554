"""Extract landmarks from the shared footage with formcheck's own estimator.

Writes, inside the project (landmarks only, never the footage itself):
  tests/data/footage_images.jsonl.gz   one line per image: {"file", "pose"}
  tests/data/videos/<clip>.landmarks.jsonl.gz   one recording per video

Tests and spec tuning read these so they run without the model; a golden
test checks that fresh extraction still agrees with them.

    python tools/extract_footage.py [--footage ../shared/footage] [--images] [--videos] [--force]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formcheck.commands.image import read_image  # noqa: E402
from formcheck.estimator import PoseEstimator  # noqa: E402


def pose_json(pose):
    if pose is None:
        return None
    return {"img": [round(float(x), 5) for x in pose.image.ravel()],
            "wld": [round(float(x), 4) for x in pose.world.ravel()],
            "vis": [round(float(x), 3) for x in pose.visibility]}


def extract_images(footage: Path, out: Path) -> None:
    files = sorted(p for p in (footage / "images").rglob("*") if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    with PoseEstimator(static=True) as est, gzip.open(out, "wt", encoding="utf-8") as f:
        for p in files:
            pose = est(read_image(str(p)))
            f.write(json.dumps({"file": str(p.relative_to(footage)), "pose": pose_json(pose)}) + "\n")
            print(p.relative_to(footage), "person" if pose is not None else "NO PERSON", flush=True)


def extract_videos(footage: Path, out_dir: Path, force: bool = False) -> None:
    from formcheck.commands.video import process_video
    from formcheck.specs import resolve_spec

    spec = resolve_spec("staff")  # any spec: only the landmarks are kept
    for clip in sorted((footage / "videos").glob("*.mp4")):
        target = out_dir / f"{clip.stem}.landmarks.jsonl.gz"
        if target.exists() and not force:
            continue
        process_video(str(clip), spec, landmarks=str(target))
        print(clip.name, "->", target.relative_to(ROOT), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--footage", default=str(ROOT.parent / "shared" / "footage"))
    ap.add_argument("--images", action="store_true")
    ap.add_argument("--videos", action="store_true")
    ap.add_argument("--force", action="store_true", help="redo recordings that exist")
    a = ap.parse_args()
    footage = Path(a.footage)
    both = not (a.images or a.videos)
    if a.images or both:
        extract_images(footage, ROOT / "tests" / "data" / "footage_images.jsonl.gz")
    if a.videos or both:
        extract_videos(footage, ROOT / "tests" / "data" / "videos", a.force)


if __name__ == "__main__":
    main()
