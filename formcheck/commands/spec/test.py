"""formcheck spec test: prove the specs on labelled footage.

FOLDER holds ``images/<pose>/<file>`` (``other`` for negatives) and, optionally,
``MANIFEST.tsv`` (columns ``file`` and ``note``; notes mark over-stretch
examples). The images go through the model in still-image mode, unless
``--landmarks`` gives landmarks already extracted from them. The numbers are
defined in ``formcheck/spectest.py`` and ``pose_specs/README.md``.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path

import numpy as np

from ... import features as feats
from ...errors import FormcheckError
from ...pose import Pose
from ...specs import load_all_specs, load_spec_file
from ...spectest import NEGATIVE, NONE, Item, SpecTestResult, run_spec_test

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")


def register(sub) -> None:
    p = sub.add_parser(
        "test", help="test the specs on labelled footage",
        description="Evaluate every spec on labelled images laid out as FOLDER/images/<pose>/... "
                    "(with FOLDER/MANIFEST.tsv for notes; 'other' holds negatives) and print, per "
                    "pose: own images accepted, other images wrongly accepted, top-1 recognition, "
                    "over-stretch detection, and a confusion matrix.")
    p.add_argument("folder", metavar="FOLDER", help="labelled footage folder")
    p.add_argument("--json", action="store_true", help="print the results as one JSON object")
    p.add_argument("--specs", metavar="DIR",
                   help="test the *.toml specs in DIR instead of the bundled ones")
    p.add_argument("--landmarks", metavar="FILE.jsonl.gz",
                   help="use landmarks already extracted from the images (lines of "
                        "{\"file\", \"pose\"} as written by tools/extract_footage.py) instead of "
                        "running the model")
    p.set_defaults(func=run)


# --- reading the folder ------------------------------------------------------

def read_manifest(folder: Path) -> dict[str, str]:
    """file (relative to FOLDER) -> note; empty when there is no manifest."""
    path = folder / "MANIFEST.tsv"
    if not path.is_file():
        return {}
    try:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f, delimiter="\t"))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise FormcheckError(f"{path}: cannot read the manifest ({e}); it should be UTF-8 "
                             "tab-separated with 'file' and 'note' columns")
    if rows and "file" not in rows[0]:
        raise FormcheckError(f"{path}: no 'file' column; the manifest needs 'file' and 'note' columns")
    return {r["file"]: (r.get("note") or "") for r in rows}


def list_images(folder: Path) -> list[tuple[str, str]]:
    """(file relative to FOLDER, pose folder) for every image under FOLDER/images/<pose>/."""
    root = folder / "images"
    if not root.is_dir():
        raise FormcheckError(f"{folder}: no 'images' folder; lay the footage out as "
                             "FOLDER/images/<pose>/<file> (see 'formcheck spec test --help')")
    out = [(str(p.relative_to(folder)), p.parent.name)
           for p in sorted(root.glob("*/*")) if p.suffix.lower() in IMAGE_SUFFIXES]
    if not out:
        raise FormcheckError(f"{root}: no images found in its pose folders (JPEG or PNG expected)")
    return out


def pose_from_json(d: dict | None) -> Pose | None:
    if d is None:
        return None
    return Pose(np.asarray(d["img"], float).reshape(33, 3), np.asarray(d["wld"], float).reshape(33, 3),
                np.asarray(d["vis"], float))


def read_landmarks(path: str) -> dict[str, Pose | None]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        return {r["file"]: pose_from_json(r["pose"]) for r in rows}
    except FileNotFoundError:
        raise FormcheckError(f"landmarks file not found: {path}")
    except (OSError, EOFError, ValueError, KeyError, TypeError) as e:
        raise FormcheckError(f"{path}: not a landmarks file ({e}); write one with tools/extract_footage.py")


def collect_items(folder: Path, landmarks: dict[str, Pose | None] | None, estimator=None,
                  unreadable: list[str] | None = None) -> list[Item]:
    """Features for each labelled image, from the landmarks given or from the model.

    An image the model path cannot read is reported in ``unreadable`` (one
    line each) and left out, so one bad file does not lose the whole run.
    """
    notes = read_manifest(folder)
    items = []
    for rel, pose_folder in list_images(folder):
        if landmarks is not None:
            if rel not in landmarks:
                raise FormcheckError(f"{rel}: not in the landmarks file; re-extract the landmarks "
                                     "for this folder or drop --landmarks")
            pose = landmarks[rel]
        else:
            from ..image import read_image
            try:
                image = read_image(str(folder / rel))
            except FormcheckError as e:
                if unreadable is None:
                    raise
                unreadable.append(str(e))
                continue
            pose = estimator(image)
        items.append(Item(rel, pose_folder, notes.get(rel, ""),
                          feats.compute(pose) if pose is not None else None))
    return items


# --- output ------------------------------------------------------------------

def _pct(num: int, den: int) -> str:
    return "-" if den == 0 else f"{num}/{den} ({100 * num / den:.0f}%)"


def result_dict(res: SpecTestResult) -> dict:
    poses = {}
    for name, s in res.poses.items():
        poses[name] = {"folders": s.folders, "images": s.images, "accepted": s.accepted,
                       "false_accepts": s.false_accepts, "others_judged": s.others_seen,
                       "top1": s.top1, "overstretch_examples": s.overstretch_examples,
                       "overstretch_flagged": s.overstretch_flagged, "clean_images": s.clean_images,
                       "clean_flagged": s.clean_flagged}
    rejected = [{"file": j.item.file, "pose": j.label, "best": j.best}
                for j in res.judged if j.label and not j.verdicts[j.label].in_pose]
    wrong = [{"file": j.item.file, "pose": j.label, "accepted_by": sorted(
        n for n, v in j.verdicts.items() if v.in_pose and n != j.label and
        res.poses[n].others_seen and not res.same_family(n, j.label))}
        for j in res.judged]
    misnamed = [{"file": j.item.file, "pose": j.label or NEGATIVE, "best": j.best}
                for j in res.judged if not _top1_ok(res, j)]
    return {"totals": res.totals(), "poses": poses, "labels": res.labels, "confusion": res.confusion,
            "no_person": [i.file for i in res.no_person], "rejected_by_own_spec": rejected,
            "false_accepts": [w for w in wrong if w["accepted_by"]], "misnamed": misnamed,
            "overstretch": [{"file": j.item.file, "pose": j.label, "example": j.overstretch_example,
                             "flagged": j.verdicts[j.label].overstretch}
                            for j in res.judged if j.label and res.poses[j.label].overstretch_examples]}


def _top1_ok(res: SpecTestResult, j) -> bool:
    if j.label is None:
        return j.best is None
    return j.best is not None and res.same_family(j.best, j.label)


def print_human(res: SpecTestResult, out=sys.stdout) -> None:
    d = result_dict(res)
    t = d["totals"]
    w = max(len(n) for n in res.poses) + 2
    print(f"{'pose':<{w}}{'images':>7}  {'own accepted':<15}{'wrongly accepts':<18}{'top-1':<15}"
          f"{'over-stretch':<14}{'false flags':<12}", file=out)
    for name, s in res.poses.items():
        print(f"{name:<{w}}{s.images:>7}  {_pct(s.accepted, s.images):<15}"
              f"{_pct(s.false_accepts, s.others_seen):<18}{_pct(s.top1, s.images):<15}"
              f"{_pct(s.overstretch_flagged, s.overstretch_examples):<14}"
              f"{_pct(s.clean_flagged, s.clean_images):<12}", file=out)
    print(f"\nimages {t['images']} ({t['no_person']} with no person found, not judged), "
          f"{t['positives']} of covered poses, {t['negatives']} negatives", file=out)
    print(f"false accepts: {_pct(t['false_accepts'], t['false_accept_checks'])} of (spec, image of "
          f"another pose) pairs", file=out)
    print(f"top-1 recognition: {_pct(t['top1'], t['positives'])}; negatives named as a pose: "
          f"{_pct(t['negatives_named'], t['negatives'])}", file=out)
    print(f"over-stretch examples flagged: {_pct(t['overstretch_flagged'], t['overstretch_examples'])}; "
          f"other images of those poses flagged: {_pct(t['clean_flagged'], t['clean_images'])}", file=out)
    print("\nconfusion (rows: labelled pose; columns: recognised, numbered as the rows; "
          "- = no spec fits)", file=out)
    cols = list(res.labels[:-1] if res.labels and res.labels[-1] == NEGATIVE else res.labels)
    cols += [c for c in res.poses if c not in cols and any(c in row for row in res.confusion.values())]
    lw = max(len(x) for x in res.labels + cols) + 5
    print(" " * lw + " ".join(f"{i + 1:>3}" for i in range(len(cols))) + "   -", file=out)
    for i, lab in enumerate(res.labels):
        row = res.confusion[lab]
        num = f"{i + 1:>2}" if lab in cols else "  "
        print(f"{num} {lab:<{lw - 3}}" + " ".join(f"{row.get(c, 0) or '.':>3}" for c in cols)
              + f" {row.get(NONE, 0) or '.':>3}", file=out)
    for key, title in (("rejected_by_own_spec", "rejected by their own spec"),
                       ("false_accepts", "accepted by another pose's spec"),
                       ("misnamed", "recognised wrongly")):
        if d[key]:
            print(f"\n{title}:", file=out)
            for e in d[key]:
                extra = e.get("accepted_by") or e.get("best")
                print(f"  {e['file']} ({e['pose']}): {extra}", file=out)
    flagged_wrong = [e for e in d["overstretch"] if e["example"] != e["flagged"]]
    if flagged_wrong:
        print("\nover-stretch mismatches:", file=out)
        for e in flagged_wrong:
            what = "example not flagged" if e["example"] else "flagged, but not marked as an over-stretch"
            print(f"  {e['file']}: {what}", file=out)
    if d["no_person"]:
        print("\nno person found: " + ", ".join(d["no_person"]), file=out)


def run(args) -> int:
    folder = Path(args.folder)
    if not folder.is_dir():
        raise FormcheckError(f"{folder}: not a folder; give the labelled footage folder "
                             "(with images/<pose>/...)")
    if args.specs:
        spec_dir = Path(args.specs)
        files = sorted(spec_dir.glob("*.toml")) if spec_dir.is_dir() else []
        if not files:
            raise FormcheckError(f"{spec_dir}: no *.toml spec files there")
        specs = [load_spec_file(f) for f in files]
    else:
        specs = load_all_specs()
    unreadable: list[str] = []
    if args.landmarks:
        items = collect_items(folder, read_landmarks(args.landmarks))
    else:
        from ...estimator import PoseEstimator

        with PoseEstimator(static=True) as estimator:
            items = collect_items(folder, None, estimator, unreadable)
    res = run_spec_test(items, specs)
    if args.json:
        print(json.dumps(result_dict(res) | {"unreadable": unreadable}, indent=1))
    else:
        print_human(res)
    for problem in unreadable:
        print(f"formcheck: {problem} (left out of the test)", file=sys.stderr)
    return 2 if unreadable else 0
