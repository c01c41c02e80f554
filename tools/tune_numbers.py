"""Prints the 'formcheck tune' numbers on the shared clips' landmark recordings.

For each case: tune the base spec on the whole recording of one clip, then the
share of frames the tuned spec accepts (form_ok) in that clip's hold (times
from the footage MANIFEST) and in every clip of another pose.

    python tools/tune_numbers.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_tune_footage import CASES, LOW_COBRA, accept_rate, tuned, verdicts  # noqa: E402

from formcheck.specs import resolve_spec  # noqa: E402

POSES = {}
for line in (ROOT.parent / "shared" / "footage" / "MANIFEST.tsv").read_text().splitlines()[1:]:
    f, slug = line.split("\t")[:2]
    if f.startswith("videos/"):
        POSES[Path(f).stem] = slug


def main() -> None:
    for pose, clip, start, end in CASES + [LOW_COBRA]:
        spec, base = tuned(pose, clip), resolve_spec(pose)
        print(f"{pose} tuned on {clip}:")
        for name, s in (("base ", base), ("tuned", spec)):
            print(f"  {name} accepts {accept_rate(verdicts(s, clip, start, end)):6.1%} of the hold "
                  f"{start:g}-{end:g}s")
        worst = max((accept_rate(verdicts(spec, c)), c) for c, slug in POSES.items()
                    if slug != pose and (ROOT / "tests/data/videos" / f"{c}.landmarks.jsonl.gz").exists())
        print(f"  tuned accepts at most {worst[0]:.1%} of any other pose's clip ({worst[1]})")


if __name__ == "__main__":
    main()
