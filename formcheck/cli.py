"""The ``formcheck`` command line.

Exit codes: 0 done; 2 the user's input was wrong (one line on stderr saying
what and how to fix it, no traceback); 1 an internal fault.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .commands import COMMANDS
from .errors import FormcheckError
from .quiet import silence_native_stderr


class _OneLineErrors(argparse.ArgumentParser):
    """Usage errors as one line that says where to look, not a usage dump."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineErrors(
        prog="formcheck",
        description="Checks gentle stretches against pose specs, times good holds and warns "
                    "before an over-stretch. It guides; it does not diagnose.")
    parser.add_argument("--version", action="version", version=f"formcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_OneLineErrors)
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    silence_native_stderr()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse already printed its one-line usage error
        return 2 if e.code not in (0, None) else 0
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except FormcheckError as e:
        print(f"formcheck: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("formcheck: interrupted", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
