"""Routines: TOML files listing stretches in order -> validated, frozen steps.

A routine names pose specs (by name, or by path relative to the routine file)
with a side, a target hold and a rest after it. A step with
``sides = ["left", "right"]`` becomes one step per side. Loading collects
every problem at once, like spec loading, and checks each pose name against
the specs that exist, so a typo fails before the session starts. The format
is documented in ``routines/README.md``.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import FormcheckError
from .specs import PoseSpec, SpecError, available_specs, resolve_spec

SIDES = ("left", "right")
_TOP_KEYS = {"name", "title", "description", "rest_seconds", "get_ready_seconds", "step_timeout_seconds",
             "step"}
_STEP_KEYS = {"pose", "side", "sides", "hold_seconds", "rest_seconds", "note"}


@dataclass(frozen=True)
class Step:
    pose: str  # a spec name or path
    side: str | None  # "left" | "right" | None
    hold_seconds: float | None  # None: the spec's own target
    rest_seconds: float
    note: str = ""


@dataclass(frozen=True)
class Routine:
    name: str
    title: str
    steps: tuple[Step, ...]
    get_ready_seconds: float = 5.0
    step_timeout_seconds: float = 180.0  # give up on a step nobody gets into
    description: str = ""
    path: str | None = None


@dataclass(frozen=True)
class PlannedStep:
    """A step with its spec loaded: what the practice loop runs."""

    index: int
    step: Step
    spec: PoseSpec

    @property
    def target_s(self) -> float:
        return self.step.hold_seconds if self.step.hold_seconds is not None else self.spec.hold_seconds

    @property
    def label(self) -> str:
        return self.spec.title + (f" ({self.step.side} side)" if self.step.side else "")


def _num(problems: list[str], where: str, table: dict, key: str, default, lo: float, hi: float):
    if key not in table:
        return default
    v = table[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
        problems.append(f"{where}: '{key}' must be a number from {lo:g} to {hi:g}, got {v!r}")
        return default
    return float(v)


def _unknown(problems: list[str], where: str, table: dict, allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            problems.append(f"{where}: unknown field '{key}'" + (f"; did you mean '{close[0]}'?" if close else ""))


def parse_routine(data: dict, source: str, default_name: str) -> Routine:
    """Validate parsed TOML (structure only; ``plan`` checks the pose names)."""
    problems: list[str] = []
    _unknown(problems, "top level", data, _TOP_KEYS)
    rest = _num(problems, "top level", data, "rest_seconds", 10.0, 0, 600)
    steps: list[Step] = []
    tables = data.get("step", [])
    if not isinstance(tables, list) or not tables:
        problems.append("top level: a routine needs at least one [[step]] with a 'pose'")
        tables = []
    for n, t in enumerate(tables, 1):
        where = f"[[step]] #{n}"
        if not isinstance(t, dict):
            problems.append(f"{where}: must be a table of fields")
            continue
        _unknown(problems, where, t, _STEP_KEYS)
        pose = t.get("pose")
        if not isinstance(pose, str) or not pose.strip():
            problems.append(f"{where}: field 'pose' is missing (a pose name from 'formcheck poses')")
            continue
        where = f"[[step]] #{n} ({pose})"
        if "side" in t and "sides" in t:
            problems.append(f"{where}: give 'side' or 'sides', not both")
        sides: list[str | None] = [None]
        if "side" in t:
            sides = [t["side"]]
        elif "sides" in t:
            sides = t["sides"] if isinstance(t["sides"], list) and t["sides"] else [object()]
        bad = [s for s in sides if s is not None and s not in SIDES]
        if bad:
            problems.append(f"{where}: sides must be \"left\" or \"right\", got {t.get('side', t.get('sides'))!r}")
            continue
        hold = _num(problems, where, t, "hold_seconds", None, 1, 3600)
        step_rest = _num(problems, where, t, "rest_seconds", rest, 0, 600)
        note = t.get("note", "")
        if not isinstance(note, str):
            problems.append(f"{where}: 'note' must be a string")
            note = ""
        steps.extend(Step(pose, s, hold, step_rest, note) for s in sides)
    name = data.get("name", default_name)
    title = data.get("title", name)
    for key, v in (("name", name), ("title", title), ("description", data.get("description", ""))):
        if not isinstance(v, str):
            problems.append(f"top level: '{key}' must be a string, got {v!r}")
    routine = Routine(
        name=str(name), title=str(title), steps=tuple(steps),
        get_ready_seconds=_num(problems, "top level", data, "get_ready_seconds", 5.0, 0, 60),
        step_timeout_seconds=_num(problems, "top level", data, "step_timeout_seconds", 180.0, 5, 3600),
        description=str(data.get("description", "")), path=source)
    if problems:
        raise SpecError(f"{source}: {len(problems)} problem(s) in the routine; fix them and try again",
                        [f"{source}: {p}" for p in problems])
    return routine


def load_routine_file(path: str | Path) -> Routine:
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise FormcheckError(f"routine file not found: {path}; check the path or run "
                             "'formcheck live --list-routines'")
    except (OSError, UnicodeDecodeError) as e:
        raise FormcheckError(f"cannot read routine file {path}: {e}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{path}: not valid TOML", [f"{path}: {e}"])
    return parse_routine(data, str(path), path.stem)


def bundled_routine_dir() -> Path:
    return Path(str(resources.files("formcheck.routines")))


def user_routine_dir() -> Path:
    """Where a user's own routines are found by name."""
    import os

    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "formcheck" / "routines"


def available_routines() -> dict[str, Path]:
    """Routine name -> file: the bundled ones, then the user's (which win)."""
    found: dict[str, Path] = {}
    for d in (bundled_routine_dir(), user_routine_dir()):
        if d.is_dir():
            found.update({f.stem: f for f in sorted(d.glob("*.toml"))})
    return found


def resolve_routine(name_or_path: str) -> Routine:
    """A bundled routine by name (``gentle-back``) or a user's file by path."""
    if name_or_path.endswith(".toml") or "/" in name_or_path:
        return load_routine_file(name_or_path)
    known = available_routines()
    if name_or_path not in known:
        close = difflib.get_close_matches(name_or_path, known, n=3, cutoff=0.4)
        hint = ("did you mean " + " or ".join(close) + "?") if close else \
            "known routines: " + (", ".join(known) or "none")
        raise FormcheckError(f"unknown routine '{name_or_path}'; {hint} (or give the path to a .toml file)")
    return load_routine_file(known[name_or_path])


def single_pose_routine(pose: str, hold_seconds: float | None = None) -> Routine:
    """``formcheck live --pose NAME``: a routine of one step."""
    return Routine(name=pose, title=pose, steps=(Step(pose, None, hold_seconds, 0.0),))


def step_spec(routine: Routine, step: Step, level: str | None = None) -> PoseSpec:
    """Load one step's spec (a name, or a path relative to the routine file), at ``level``."""
    from .levels import apply_level

    ref = step.pose
    if ref.endswith(".toml") or "/" in ref:
        p = Path(ref)
        base = Path(routine.path).parent if routine.path else Path(".")
        ref = str(p if p.is_absolute() or p.exists() else base / p)
    return apply_level(resolve_spec(ref), level)


def plan(routine: Routine, level: str | None = None) -> tuple[PlannedStep, ...]:
    """Load every step's spec (at ``level``: gentle, standard, deep; None: as
    written); all unknown names are reported at once."""
    problems: list[str] = []
    known = available_specs()
    loaded: dict[str, PoseSpec] = {}
    out: list[PlannedStep] = []
    for i, step in enumerate(routine.steps):
        ref = step.pose
        if not (ref.endswith(".toml") or "/" in ref) and ref not in known:
            if f"unknown pose '{ref}'" not in " ".join(problems):
                close = difflib.get_close_matches(ref, known, n=2, cutoff=0.5)
                hint = f"did you mean {' or '.join(close)}?" if close else \
                    "no spec by that name is installed (known: " + ", ".join(sorted(known)) + ")"
                problems.append(f"{routine.path or routine.name}: step {i + 1}: unknown pose '{ref}'; {hint}")
            continue
        try:
            spec = loaded[ref] if ref in loaded else step_spec(routine, step, level)
        except FormcheckError as e:
            problems.append(f"{routine.path or routine.name}: step {i + 1}: {str(e).splitlines()[0]}")
            continue
        loaded[ref] = spec
        out.append(PlannedStep(i, step, spec))
    if problems:
        raise SpecError(f"routine '{routine.name}' cannot run: {len(problems)} problem(s)", problems)
    return tuple(out)


def missing_poses(routine: Routine) -> list[str]:
    """Pose names a routine uses that no installed spec provides."""
    known = available_specs()
    return sorted({s.pose for s in routine.steps
                   if not (s.pose.endswith(".toml") or "/" in s.pose) and s.pose not in known})


