"""formcheck spec: tools for spec authors, one sub-command per module.

Each module in ``SUBCOMMANDS`` has ``register(subparsers)`` like the top-level
commands; add a module to the tuple to add a ``formcheck spec`` sub-command.
"""

from __future__ import annotations

from . import spec_test

SUBCOMMANDS = (spec_test,)


def register(sub) -> None:
    p = sub.add_parser("spec", help="tools for pose-spec authors",
                       description="Tools for writing and checking pose specs.")
    group = p.add_subparsers(dest="spec_command", metavar="SUBCOMMAND", parser_class=type(p))
    for module in SUBCOMMANDS:
        module.register(group)

    def no_subcommand(args) -> int:
        p.print_help()
        return 2

    p.set_defaults(func=no_subcommand)
