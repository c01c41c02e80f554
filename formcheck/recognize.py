"""Which pose fits best: one verdict per spec -> a name or None.

A spec *fits* when the body meets all its pose rules (``in_pose``). Several
can fit at once (a pose rule is coarse on purpose), so the fitting specs are
ranked by how squarely the body sits inside their pose ranges: each pose
rule scores the distance of the value from the nearer edge of its range,
as a fraction of half the range (1 = dead centre, 0 = on the edge), and the
spec scores the mean. Narrow, specific ranges that are met well beat wide
ones met at the edge. Good form adds a small bonus so that, between two
equally central fits, the one the person is doing well wins.

Variants (``variant_of`` in the spec: a still image of walk your dog *is* a
downward dog) are never named; their base pose is.
"""

from __future__ import annotations

import math

from .evaluate import OK, Verdict

FORM_BONUS = 0.25  # weight of the share of form rules met, next to the pose margin (0..1)


def pose_margin(v: Verdict) -> float:
    """Mean over the seen pose rules of how central the value is in its range (0..1)."""
    margins = []
    for r in v.of_kind("pose"):
        if r.status != OK or r.value is None or not math.isfinite(r.value):
            continue
        low, high = r.rule.low, r.rule.high
        margins.append(max(0.0, min(r.value - low, high - r.value)) / ((high - low) / 2))
    return sum(margins) / len(margins) if margins else 0.0


def fit_score(v: Verdict) -> float:
    """How well a verdict fits its pose, for ranking; 0 when not in the pose."""
    if not v.in_pose:
        return 0.0
    form = [r for r in v.of_kind("form") if r.status != "unseen"]
    form_share = sum(r.status == OK for r in form) / len(form) if form else 1.0
    return pose_margin(v) + FORM_BONUS * form_share


def ranked(verdicts: list[Verdict], variants: dict[str, str] | None = None) -> list[tuple[str, float]]:
    """(pose, score) for every fitting non-variant spec, best first."""
    variants = variants or {}
    scores = [(v.spec, fit_score(v)) for v in verdicts if v.in_pose and v.spec not in variants]
    return sorted(scores, key=lambda x: -x[1])


def best_pose(verdicts: list[Verdict], variants: dict[str, str] | None = None) -> str | None:
    """The fitting spec with the best score; None if no spec fits.

    ``variants`` maps a variant spec's name to its base (``variant_map``).
    """
    r = ranked(verdicts, variants)
    return r[0][0] if r else None


def variant_map(specs) -> dict[str, str]:
    return {s.name: s.variant_of for s in specs if s.variant_of}
