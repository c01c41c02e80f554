"""Pieces the sub-commands share."""

from __future__ import annotations

import argparse
import sys

DISCLAIMER = ("formcheck guides your practice; it does not diagnose or treat. Stop if anything hurts, "
              "and follow your clinician's advice over this tool's.")


def add_pose_arg(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--pose", required=required, metavar="NAME",
                   help="pose spec: a name from 'formcheck poses' or a path to a .toml file")


def say(text: str, quiet: bool = False) -> None:
    if not quiet:
        print(text, file=sys.stdout, flush=True)


def fmt_s(seconds: float) -> str:
    return f"{seconds:.1f}s"
