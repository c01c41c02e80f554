"""Which pose fits best: one verdict per spec -> a name or None."""

from __future__ import annotations

from .evaluate import Verdict


def best_pose(verdicts: list[Verdict]) -> str | None:
    """The spec whose pose rules the body meets, with the best fit; None if none does."""
    candidates = [v for v in verdicts if v.in_pose]
    if not candidates:
        return None

    def score(v: Verdict) -> tuple:
        form = v.of_kind("form")
        form_fit = sum(r.status == "ok" for r in form) / len(form) if form else 1.0
        return (v.fit, form_fit)

    return max(candidates, key=score).spec
