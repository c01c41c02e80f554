"""formcheck spec validate: check spec files and overlays, listing every problem."""

from __future__ import annotations

import sys

from ...errors import FormcheckError
from ...specs import load_spec_file


def register(sub) -> None:
    p = sub.add_parser("validate", help="check spec files",
                       description="Load each spec file (full spec or personal overlay) and list every "
                                   "problem in it. Exit code 2 if any file has a problem.")
    p.add_argument("files", nargs="+", metavar="FILE", help="spec .toml files")
    p.set_defaults(func=run)


def run(args) -> int:
    failed = 0
    for path in args.files:
        try:
            spec = load_spec_file(path)
        except FormcheckError as e:
            failed += 1
            print(f"formcheck: {e}", file=sys.stderr)
            continue
        counts = ", ".join(f"{len(spec.of_kind(k))} {k}" for k in ("pose", "form", "limit"))
        base = f", overlay of {spec.based_on.name}" if spec.based_on is not None else ""
        print(f"ok {path}: {spec.name} ({counts} rules{base})")
    return 2 if failed else 0
