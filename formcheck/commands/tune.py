"""formcheck tune: a personal overlay spec from reference videos, images or recordings."""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from .. import features as feats
from ..errors import FormcheckError
from ..evaluate import evaluate_once
from ..levels import apply_level, limits_not_looser
from ..outputs import check_writable, write_atomic
from ..recording import is_recording_path
from ..runner import run
from ..sources import open_source
from ..spec_overlay import is_path_ref, load_overlay
from ..specs import resolve_spec
from ..tune import MIN_RUN_MS, collect, explain, overlay_toml, tune
from .common import add_pose_arg, say

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"}


def register(sub) -> None:
    p = sub.add_parser(
        "tune", help="derive personal ranges from a reference",
        description="Watch references of you doing a pose well (videos, photos, or landmark recordings "
                    "*.jsonl.gz) and write a personal overlay spec: the base spec with its good-form "
                    "ranges fitted to you. Pose rules and over-stretch limits stay the base's; a range "
                    "never reaches a limit. Use the result anywhere a pose name goes: --pose FILE.toml.")
    p.add_argument("references", nargs="+", metavar="REFERENCE",
                   help="video, image or landmark recording of the pose done well")
    add_pose_arg(p)
    p.add_argument("-o", "--out", required=True, metavar="FILE.toml", help="where to write the overlay")
    p.add_argument("--force", action="store_true", help="overwrite FILE.toml if it exists")
    p.add_argument("--start", type=float, default=0.0, metavar="S",
                   help="use videos and recordings from S seconds on")
    p.add_argument("--end", type=float, default=None, metavar="S", help="... up to S seconds")
    p.set_defaults(func=run_command)


def reference_verdicts(paths: list[str], spec, start: float = 0.0, end: float | None = None) -> list:
    """(t_ms, verdict) of the base spec over every frame of every reference; t_ms is None for
    a still image. The model runs only for pixels."""
    verdicts: list = []
    images = [p for p in paths if Path(p).suffix.lower() in IMAGE_SUFFIXES]
    streams = [p for p in paths if p not in images]
    for path in streams:
        source = open_source(path, start, end, 1)
        estimator = None
        try:
            if not is_recording_path(path):
                from ..estimator import PoseEstimator

                estimator = PoseEstimator(static=False)
            outcome = run(source, spec, estimator, on_result=lambda r: verdicts.append((r.frame.t_ms, r.verdict)))
        finally:
            if estimator is not None:
                estimator.close()
            source.close()
        if outcome.interrupted:
            raise KeyboardInterrupt
        if not outcome.complete:
            print(f"formcheck: {path}: {outcome.problem}; using the frames before that", file=sys.stderr)
    if images:
        from ..estimator import PoseEstimator
        from .image import read_image

        with PoseEstimator(static=True) as estimator:
            for path in images:
                pose = estimator(read_image(path))
                verdicts.append((None, evaluate_once(spec, feats.compute(pose) if pose is not None else None)))
    return verdicts


def base_reference(pose_arg: str, out: Path) -> str:
    """How the overlay names its base: a name as given, a path relative to the overlay."""
    if not is_path_ref(pose_arg):
        return pose_arg
    return os.path.relpath(Path(pose_arg).resolve(), out.resolve().parent)


def run_command(args) -> int:
    out = Path(args.out)
    if out.suffix != ".toml":
        raise FormcheckError(f"--out {out}: give the overlay a .toml name, e.g. my_{args.pose}.toml")
    if out.exists() and not args.force:
        raise FormcheckError(f"{out} exists; pass --force to overwrite it, or choose another name")
    check_writable(out, "overlay")
    base = resolve_spec(args.pose)
    for ref in args.references:  # before minutes of work on the others
        if not Path(ref).is_file():
            raise FormcheckError(f"reference not found: {ref}; give a video, photo or *.jsonl.gz recording")
    spec = apply_level(base, args.level)
    verdicts = reference_verdicts(args.references, spec, args.start, args.end)
    reference = collect(spec, verdicts)
    if reference.in_pose == 0:
        seen = (f"shows it only moving in or out ({reference.unsteady} frame(s))" if reference.unsteady else
                "never shows it")
        raise FormcheckError(f"the reference {seen}: '{spec.name}' needs {MIN_RUN_MS / 1000:g}s held still "
                             f"({reference.frames} frame(s) looked at); check --pose, and film from the "
                             f"{spec.view} as the spec asks")
    proposals = tune(spec, reference)
    text = overlay_toml(base_reference(args.pose, out), out.stem, proposals, args.references,
                        args.level, reference)
    tuned = load_overlay(tomllib.loads(text), out)  # the file must load, and be no less safe
    looser = limits_not_looser(tuned, base)
    if looser:
        raise RuntimeError(f"tuned spec has a looser limit than its base: {looser}")
    say(f"{spec.name}: {reference.in_pose} of {reference.frames} reference frame(s) in the pose"
        + (f", {reference.over} past a limit left out" if reference.over else "")
        + (f", {reference.unsteady} moving in or out left out" if reference.unsteady else ""))
    for p in proposals:
        say(("  changed  " if p.changed else "  kept     ") + explain(p))
    write_atomic(out, text)
    say(f"wrote {out}; use it with --pose {out}")
    return 0
