"""The numbers for 'formcheck tune' on the shared footage (landmark recordings of its videos).

A spec tuned on one video of a pose must accept at least 95% of the frames of
that video's hold, and at most 5% of the frames of each video of another pose.
Hold times are the MANIFEST's.
"""

from __future__ import annotations

import csv
import tomllib
from functools import lru_cache
from pathlib import Path

import pytest

from formcheck.commands.tune import reference_verdicts
from formcheck.levels import limits_not_looser
from formcheck.runner import run
from formcheck.sources import open_source
from formcheck.spec_overlay import load_overlay
from formcheck.specs import resolve_spec
from formcheck.tune import collect, overlay_toml, tune

from .conftest import DATA, footage, video_recording

# pose, clip, hold window in seconds (from MANIFEST.tsv's notes)
CASES = [("downward_dog", "downward_dog_hold_man", 17.0, 47.0),
         ("staff", "staff_hold_talking_then_fold_woman", 0.0, 24.5),
         ("low_cobra", "low_cobra_from_tabletop", 6.0, 12.8)]


def manifest_poses() -> dict[str, str]:
    """clip stem -> pose slug, for the videos."""
    with open(footage("MANIFEST.tsv"), newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return {Path(r["file"]).name.removesuffix(".mp4"): r["pose_slug"] for r in rows
                if r["file"].startswith("videos/")}


@lru_cache(maxsize=None)
def tuned(pose: str, clip: str):
    """The overlay tuned on the whole recording of ``clip`` (as a person would run it)."""
    base = resolve_spec(pose)
    reference = collect(base, reference_verdicts([str(video_recording(clip))], base))
    text = overlay_toml(pose, f"tuned_{clip}", tune(base, reference), [clip], None, reference)
    return load_overlay(tomllib.loads(text), Path(f"tuned_{clip}.toml"))


def verdicts(spec, clip: str, start: float = 0.0, end: float | None = None) -> list:
    out: list = []
    source = open_source(video_recording(clip), start, end)
    run(source, spec, None, on_result=lambda r: out.append(r.verdict))
    source.close()
    return out


def accept_rate(vs) -> float:
    return sum(v.form_ok for v in vs) / len(vs)


@pytest.mark.parametrize("pose,clip,start,end", CASES, ids=[c[1] for c in CASES])
def test_tuned_spec_accepts_its_own_hold(pose, clip, start, end):
    spec = tuned(pose, clip)
    assert limits_not_looser(spec, resolve_spec(pose)) == []
    rate = accept_rate(verdicts(spec, clip, start, end))
    assert rate >= 0.95, f"{clip}: tuned {pose} accepts {rate:.1%} of the hold"


@pytest.mark.parametrize("pose,clip,start,end", CASES, ids=[c[1] for c in CASES])
def test_tuned_spec_rejects_other_poses(pose, clip, start, end):
    spec = tuned(pose, clip)
    poses = manifest_poses()
    others = [c for c, slug in poses.items() if slug != pose
              and (DATA / "videos" / f"{c}.landmarks.jsonl.gz").exists()]
    assert others, "no recording of another pose to compare with"
    for other in others:
        rate = accept_rate(verdicts(spec, other))
        assert rate <= 0.05, f"tuned {pose} accepts {rate:.1%} of {other}"


@pytest.mark.parametrize("pose,clip,start,end", CASES, ids=[c[1] for c in CASES])
def test_tuned_spec_never_accepts_what_the_base_flags(pose, clip, start, end):
    """Tuning may change ranges, never safety: a frame the base spec flags as an
    over-stretch is never good form under the tuned spec."""
    base_v = verdicts(resolve_spec(pose), clip, start, end)
    tuned_v = verdicts(tuned(pose, clip), clip, start, end)
    assert not any(t.form_ok for b, t in zip(base_v, tuned_v) if b.overstretch)
