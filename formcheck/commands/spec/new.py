"""formcheck spec new: write a commented scaffold that validates as it is."""

from __future__ import annotations

import re
from pathlib import Path

from ...errors import FormcheckError
from ...features import FEATURES
from ...outputs import check_writable, write_atomic
from ...specs import load_spec_file, resolve_spec
from ...spec_text import rule_words


def register(sub) -> None:
    p = sub.add_parser("new", help="start a new spec file from a commented scaffold",
                       description="Write NAME.toml: a commented scaffold that validates as it is, to edit "
                                   "into a new pose. With --base POSE: a personal overlay of that pose "
                                   "instead, listing its form ranges and limits to change.")
    p.add_argument("name", metavar="NAME", help="the spec's name (letters, digits, _)")
    p.add_argument("--base", metavar="POSE", help="write an overlay of this pose instead of a full spec")
    p.add_argument("-o", "--out", metavar="FILE.toml", help="where to write it (default: ./NAME.toml)")
    p.add_argument("--force", action="store_true", help="overwrite the file if it exists")
    p.set_defaults(func=run)


def _feature_list() -> str:
    return "\n".join(f"#   {n:16s} ({'ratio' if d.unit == 'ratio' else 'degrees'}) {d.description}"
                     for n, d in sorted(FEATURES.items()))


def full_scaffold(name: str) -> str:
    return f'''# {name}: a new pose spec. Replace the example rules (a seated pose with
# straight legs) with your pose's; 'formcheck spec validate {name}.toml' checks it
# and 'formcheck spec show {name}.toml' reads it back in plain words.
# The language is described in pose_specs/README.md.
name = "{name}"
title = "{name.replace('_', ' ').capitalize()}"
view = "side"            # where the camera should be: side | front | any
hold_seconds = 30        # the hold target
min_visibility = 0.5     # landmarks seen less than this make a rule "unseen", never a failure
description = "One line saying what the pose is."

# [[pose]] rules decide whether the person is in this pose at all: keep them
# wide (every body that does the pose, well or not) but exclusive (no other pose).
[[pose]]
feature = "trunk_incline"
range = [0, 55]

[[pose]]
feature = "knee"
side = "both"            # left | right | both | either (| working | other with sided = true)
range = [125, 180]

# [[form]] rules are good form: the hold timer runs only while all of them hold.
# cue_low / cue_high are said when the value is below / above the range.
[[form]]
feature = "knee"
side = "both"
range = [158, 180]
cue_low = "Let your knees lengthen"

[[form]]
feature = "trunk_incline"
range = [0, 22]
cue_high = "Sit up tall"

# [[limit]] rules warn before an over-stretch: 'above' or 'below' is the value
# past which it warns. A limit must lie outside every form range of its
# feature and inside the pose range (or it could never fire).
[[limit]]
feature = "trunk_incline"
above = 40
cue = "Ease off and come back up"

# Features (all angles from the world landmarks):
{_feature_list()}
'''


def overlay_scaffold(name: str, base_ref: str) -> str:
    base = resolve_spec(base_ref)
    lines = [f"# {name}: a personal overlay of '{base.name}'. Uncomment and edit what should",
             "# change; everything else stays the base's. Pose rules cannot change, and limits",
             "# may only get stricter. Format: pose_specs/TUNING.md.",
             f'base = "{base_ref}"', f'name = "{name}"',
             '# level = "gentle"        # gentle | standard | deep, applied to the base first',
             f"# hold_seconds = {base.hold_seconds:g}"]
    for r in base.of_kind("form"):
        lines += ["", f"# base: {rule_words(r)}", "# [[form]]", f'# id = "{r.id}"',
                  f"# range = [{r.low:g}, {r.high:g}]"]
    for r in base.of_kind("limit"):
        bound = "above" if r.above is not None else "below"
        lines += ["", f"# base: {rule_words(r)}", "# [[limit]]", f'# id = "{r.id}"',
                  f"# {bound} = {getattr(r, bound):g}   # stricter only"]
    return "\n".join(lines) + "\n"


def run(args) -> int:
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", args.name):
        raise FormcheckError(f"spec name {args.name!r}: use letters, digits and _, starting with a letter")
    out = Path(args.out or f"{args.name}.toml")
    if out.exists() and not args.force:
        raise FormcheckError(f"{out} exists; pass --force to overwrite it, or choose another name")
    check_writable(out, "spec")
    text = overlay_scaffold(args.name, args.base) if args.base else full_scaffold(args.name)
    write_atomic(out, text)
    load_spec_file(out)  # the scaffold must validate as written
    print(f"wrote {out}; edit it, then 'formcheck spec validate {out}'")
    return 0
