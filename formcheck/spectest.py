"""Proving specs on labelled footage: the pure part of ``formcheck spec test``.

Input: labelled items (the pose folder an image is filed under, its manifest
note, and its features, or None where no person was found) and the specs.
Output: a ``SpecTestResult`` with, per pose, how many of its own images its
spec accepts, how many images of other poses it wrongly accepts, top-1
recognition, the confusion matrix and over-stretch detection.

Definitions (also in pose_specs/README.md):

* A folder belongs to the spec of the same name, or to a spec that lists the
  folder in ``aliases``. ``other`` (and any folder no spec claims) holds
  negatives.
* *Accepts*: the spec's pose rules are met (``in_pose``), whatever the form.
* *Family*: a spec and its ``variant_of`` base. Accepting an image of the
  same family is not a false accept (a still of walk your dog is a downward
  dog), and naming the base counts as a correct top-1 for a variant.
* Images with no person found cannot be judged; they are listed, and left
  out of every rate.
* Over-stretch examples: images whose manifest note says so (see
  ``OVERSTRETCH_NOTE``). They should be flagged by their own spec
  (``overstretch``); the other images of the same folder should not be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .evaluate import Verdict, evaluate_once
from .features import Measurement
from .recognize import best_pose, variant_map
from .specs import PoseSpec

NEGATIVE = "other"
NONE = "none"  # the confusion-matrix column for "no spec fits"
OVERSTRETCH_NOTE = re.compile(r"over-?stretch|over-?extension|too much extension", re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    file: str
    folder: str  # the pose folder it is filed under
    note: str
    features: dict[str, Measurement] | None  # None: no person found


@dataclass(frozen=True)
class Judged:
    item: Item
    label: str | None  # the spec it belongs to; None for negatives
    verdicts: dict[str, Verdict]
    best: str | None

    @property
    def overstretch_example(self) -> bool:
        return bool(OVERSTRETCH_NOTE.search(self.item.note))


@dataclass
class PoseStats:
    pose: str
    folders: list[str] = field(default_factory=list)
    images: int = 0  # with a person found
    accepted: int = 0
    false_accepts: int = 0  # images of other poses / negatives this spec accepted
    others_seen: int = 0  # how many such images it judged
    top1: int = 0
    overstretch_examples: int = 0
    overstretch_flagged: int = 0
    clean_images: int = 0  # other images of the folder(s) of a pose with over-stretch examples
    clean_flagged: int = 0

    def rate(self, num: int, den: int) -> float | None:
        return None if den == 0 else num / den


@dataclass
class SpecTestResult:
    poses: dict[str, PoseStats]
    judged: list[Judged]
    no_person: list[Item]
    labels: list[str]  # confusion rows: poses with images, then "other"
    confusion: dict[str, dict[str, int]]  # true label -> predicted (pose or "none") -> n
    variants: dict[str, str] = field(default_factory=dict)  # variant spec -> its base

    def same_family(self, a: str, b: str | None) -> bool:
        return b is not None and _family(a, self.variants) == _family(b, self.variants)

    def totals(self) -> dict:
        covered = [s for s in self.poses.values() if s.images]
        fa = sum(s.false_accepts for s in self.poses.values())
        seen = sum(s.others_seen for s in self.poses.values())
        pos = [j for j in self.judged if j.label is not None]
        top1 = sum(s.top1 for s in covered)
        neg = [j for j in self.judged if j.label is None]
        return {
            "images": len(self.judged) + len(self.no_person),
            "no_person": len(self.no_person),
            "positives": len(pos),
            "negatives": len(neg),
            "false_accepts": fa,
            "false_accept_checks": seen,
            "false_accept_rate": fa / seen if seen else None,
            "top1": top1,
            "top1_rate": top1 / len(pos) if pos else None,
            "negatives_named": sum(j.best is not None for j in neg),
            "min_own_acceptance": min((s.accepted / s.images for s in covered), default=None),
            "overstretch_examples": sum(s.overstretch_examples for s in self.poses.values()),
            "overstretch_flagged": sum(s.overstretch_flagged for s in self.poses.values()),
            "clean_images": sum(s.clean_images for s in self.poses.values()),
            "clean_flagged": sum(s.clean_flagged for s in self.poses.values()),
        }


def folder_map(specs: list[PoseSpec]) -> dict[str, str]:
    """Folder name -> spec name (the spec's own name and its aliases)."""
    out: dict[str, str] = {}
    for s in specs:
        for name in (s.name, *s.aliases):
            out.setdefault(name, s.name)
    return out


def _family(spec: str, variants: dict[str, str]) -> str:
    return variants.get(spec, spec)


def run_spec_test(items: list[Item], specs: list[PoseSpec]) -> SpecTestResult:
    folders = folder_map(specs)
    variants = variant_map(specs)
    poses = {s.name: PoseStats(s.name) for s in specs}
    for folder, spec in folders.items():
        if any(i.folder == folder for i in items):
            poses[spec].folders.append(folder)
    judged: list[Judged] = []
    no_person: list[Item] = []
    for item in items:
        if item.features is None:
            no_person.append(item)
            continue
        verdicts = {s.name: evaluate_once(s, item.features) for s in specs}
        best = best_pose(list(verdicts.values()), variants)
        judged.append(Judged(item, folders.get(item.folder) if item.folder != NEGATIVE else None,
                             verdicts, best))
    for j in judged:
        fam = _family(j.label, variants) if j.label else None
        for name, v in j.verdicts.items():
            if j.label is not None and _family(name, variants) == fam:
                continue
            poses[name].others_seen += 1
            poses[name].false_accepts += v.in_pose
        if j.label is None:
            continue
        st = poses[j.label]
        st.images += 1
        st.accepted += j.verdicts[j.label].in_pose
        st.top1 += j.best is not None and _family(j.best, variants) == fam
    with_examples = {j.label for j in judged if j.label and j.overstretch_example}
    for j in judged:
        if j.label not in with_examples:
            continue
        st = poses[j.label]
        flagged = j.verdicts[j.label].overstretch
        if j.overstretch_example:
            st.overstretch_examples += 1
            st.overstretch_flagged += flagged
        else:
            st.clean_images += 1
            st.clean_flagged += flagged
    labels = [p for p in poses if poses[p].images] + ([NEGATIVE] if any(j.label is None for j in judged) else [])
    confusion: dict[str, dict[str, int]] = {lab: {} for lab in labels}
    for j in judged:
        row = confusion[j.label or NEGATIVE]
        col = j.best or NONE
        row[col] = row.get(col, 0) + 1
    return SpecTestResult(poses, judged, no_person, labels, confusion, variants)
