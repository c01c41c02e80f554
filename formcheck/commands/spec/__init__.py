"""formcheck spec: tools for spec authors, one sub-command per module here.

Each module has ``register(subparsers)`` like the top-level commands. To add
one, put its module in this package and its name in ``SUBCOMMANDS``.
"""

from __future__ import annotations

from importlib import import_module

SUBCOMMANDS = ("validate", "show", "diff", "new", "test")


def register(sub) -> None:
    p = sub.add_parser(
        "spec", help="tools for spec authors (validate, show, diff, new, test)",
        description="Check, read, compare and start pose spec files (full specs and personal overlays).")
    spec_sub = p.add_subparsers(dest="spec_command", metavar="SUBCOMMAND", parser_class=type(p))
    for name in SUBCOMMANDS:
        import_module(f"{__name__}.{name}").register(spec_sub)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])
