"""formcheck spec show: a spec's rules in plain words."""

from __future__ import annotations

from ...spec_text import diff_specs, spec_words
from ...levels import LEVELS
from ..common import load_pose


def register(sub) -> None:
    p = sub.add_parser("show", help="a spec's rules in plain words",
                       description="Print what a spec checks, rule by rule, in plain words. NAME is a pose "
                                   "name or a spec file (a personal overlay also lists what it changes).")
    p.add_argument("pose", metavar="NAME", help="a name from 'formcheck poses' or a .toml file")
    p.add_argument("--level", choices=LEVELS, default=None,
                   help="show the spec at this level")
    p.set_defaults(func=run)


def run(args) -> int:
    spec = load_pose(args)
    for line in spec_words(spec):
        print(line)
    if spec.based_on is not None:
        changes = diff_specs(spec.based_on, spec)
        print(f"Changes from {spec.based_on.name}" + (f" ({spec.based_on.path})" if spec.based_on.path else "")
              + ":" + ("" if changes else " none"))
        for line in changes:
            print(f"  {line}")
    return 0
