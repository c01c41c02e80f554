"""formcheck spec diff: what differs between two specs."""

from __future__ import annotations

from ...specs import resolve_spec
from ...spec_text import diff_specs


def register(sub) -> None:
    p = sub.add_parser("diff", help="compare two specs",
                       description="List what differs between spec A and spec B (names or files): "
                                   "rules added (+), removed (-) or changed (~), limits marked stricter "
                                   "or LOOSER.")
    p.add_argument("a", metavar="A", help="a pose name or spec file")
    p.add_argument("b", metavar="B", help="a pose name or spec file")
    p.set_defaults(func=run)


def run(args) -> int:
    a, b = resolve_spec(args.a), resolve_spec(args.b)
    lines = diff_specs(a, b)
    for line in lines:
        print(line)
    if not lines:
        print(f"{args.a} and {args.b} judge alike")
    return 0
