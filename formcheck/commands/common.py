"""Pieces the sub-commands share."""

from __future__ import annotations

import argparse
import sys

from ..levels import LEVELS, apply_level
from ..specs import load_all_specs, resolve_spec

DISCLAIMER = ("formcheck guides your practice; it does not diagnose or treat. Stop if anything hurts, "
              "and follow your clinician's advice over this tool's.")


def add_pose_arg(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument("--pose", required=required, metavar="NAME",
                   help="pose spec: a name from 'formcheck poses', or a path to a .toml file "
                        "(a full spec or a personal overlay from 'formcheck tune')")
    p.add_argument("--level", choices=LEVELS, default=None,
                   help="gentle: warn sooner and ask less; deep: ask more, limits unchanged "
                        "(default: the spec as written; see pose_specs/TUNING.md)")


def load_pose(args):
    """The spec that ``--pose`` names, at ``--level``; None when no --pose was given."""
    if not getattr(args, "pose", None):
        return None
    return apply_level(resolve_spec(args.pose), getattr(args, "level", None))


def watch_pose(args, spec):
    """A watcher that reloads ``--pose`` (at ``--level``) when its file is saved."""
    from ..reload import SpecWatcher

    return SpecWatcher(spec, lambda: load_pose(args))


def load_poses(args) -> list:
    """The spec ``--pose`` names, or every bundled spec; each at ``--level``."""
    if getattr(args, "pose", None):
        return [load_pose(args)]
    return [apply_level(s, getattr(args, "level", None)) for s in load_all_specs()]


def say(text: str, quiet: bool = False) -> None:
    if not quiet:
        print(text, file=sys.stdout, flush=True)
