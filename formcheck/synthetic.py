"""A synthetic performer: landmark streams built from joint angles, with the
ground truth that goes with them.

It makes the timing claims measurable without the model. A ``Script`` gives
named angles at key times; the ``Performer`` turns them, by forward
kinematics, into the 33 world landmarks MediaPipe would report (metres, origin
between the hips, y down), projects them to image landmarks for a camera at
the side or in front, adds Gaussian noise, dropouts (no person) and
occlusions (low visibility), and yields ``sources.Frame`` values carrying the
poses, so they go through ``pipeline.Session`` or ``runner.run`` unchanged.
``Performance.ground_truth(spec)`` says, from the *noise-free* body, when the
form rules held and when each limit was crossed, to the millisecond.

The angles are the ones ``features.py`` computes, built so that they come out
exactly: each limb is placed on the cone of directions that makes the wanted
angle against the very vector the feature measures against (for ``hip`` that
is shoulder minus hip on the same side, not the trunk axis, since the
shoulders are wider than the hips). Script keys (degrees):

* whole body: ``trunk_lean`` (signed, + forward; ``trunk_incline`` is the same
  with a forward lean), ``twist``, ``neck_flexion``
* per side (``"knee"`` sets both sides, ``"knee.left"`` one): ``hip`` or
  ``hip_flexion``; ``knee``; ``ankle``; ``shoulder`` or ``arm_elevation``;
  ``elbow``; and two swing directions that are not features: ``leg_splay``
  and ``arm_splay`` (0 = the limb moves in the body's front-back plane,
  90 = straight out to the side).

Every other feature (``thigh_elevation``, ``chest_facing``, ...) follows from
these. Pure numpy: no mediapipe.

Known corner: ``hip_flexion`` is signed by which side of the trunk the knee
lies on; with a twist the shoulder (its reference point) moves forward or
back, so within a few degrees of zero flexion the sign cannot be built as
asked. The unsigned ``hip`` is always exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping, Sequence

import numpy as np

from . import features as feats
from .landmarks import COUNT, LANDMARK, SIDES
from .pose import Pose
from .sources import Frame, Source, SourceInfo
from .specs import PoseSpec, Rule

# --- body measurements (metres), an adult of average build ------------------

HIP_HALF = 0.10
SHOULDER_HALF = 0.18
TRUNK = 0.50  # mid-hip to mid-shoulder
NECK = 0.20  # mid-shoulder to mid-ear
THIGH = 0.43
SHANK = 0.42
FOOT = 0.16  # ankle to toe tip
UPPER_ARM = 0.30
FOREARM = 0.26

NEUTRAL: dict[str, float] = {  # standing at ease
    "trunk_lean": 0.0, "twist": 0.0, "neck_flexion": 0.0,
    "hip_flexion": 0.0, "knee": 180.0, "ankle": 90.0,
    "shoulder": 10.0, "elbow": 170.0, "leg_splay": 0.0, "arm_splay": 0.0,
}
_WHOLE_KEYS = {"trunk_lean", "twist", "neck_flexion"}
_SIDED_KEYS = {"hip", "hip_flexion", "knee", "ankle", "shoulder", "arm_elevation", "elbow",
               "leg_splay", "arm_splay"}
_ALTERNATIVES = ({"hip", "hip_flexion"}, {"shoulder", "arm_elevation"})

UP = np.array([0.0, -1.0, 0.0])
DOWN = -UP


# --- scripts ------------------------------------------------------------------

def _canonical(key: str) -> list[str]:
    """Script key -> the per-side keys it sets ("knee" -> knee.left, knee.right)."""
    if key == "trunk_incline":
        key = "trunk_lean"
    if key in _WHOLE_KEYS:
        return [key]
    name, _, side = key.partition(".")
    if name not in _SIDED_KEYS or (side and side not in SIDES):
        valid = sorted(_WHOLE_KEYS | _SIDED_KEYS | {"trunk_incline"})
        raise ValueError(f"unknown script angle {key!r}; valid: {', '.join(valid)} "
                         "(sided ones optionally with .left or .right)")
    return [f"{name}.{side}"] if side else [f"{name}.{s}" for s in SIDES]


@dataclass(frozen=True)
class Keyframe:
    t_s: float
    angles: Mapping[str, float]


@dataclass(frozen=True)
class Script:
    """Named angles at key times. Between keys each angle moves with a smooth
    (cosine) ease, or linearly; an angle missing from a key keeps its value.
    Before the first key and after the last the body stays still."""

    keys: tuple[Keyframe, ...]
    interpolation: str = "smooth"  # smooth | linear

    def __post_init__(self) -> None:
        keys = tuple(k if isinstance(k, Keyframe) else Keyframe(*k) for k in self.keys)
        object.__setattr__(self, "keys", keys)
        if not keys:
            raise ValueError("a script needs at least one keyframe")
        if any(b.t_s <= a.t_s for a, b in zip(keys, keys[1:])):
            raise ValueError("keyframe times must increase")
        if self.interpolation not in ("smooth", "linear"):
            raise ValueError("interpolation must be 'smooth' or 'linear'")

    @property
    def duration_s(self) -> float:
        return self.keys[-1].t_s

    def _tracks(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per canonical key: (key times, values), with carried-over values."""
        current = {}
        for base, value in NEUTRAL.items():
            for k in _canonical(base):
                current[k] = value
        rows: list[dict[str, float]] = []
        for key in self.keys:
            for name, value in key.angles.items():
                for k in _canonical(name):
                    current[k] = float(value)
                    # Setting one of two alternatives drops the other.
                    stem, _, side = k.partition(".")
                    for alt in _ALTERNATIVES:
                        if stem in alt:
                            for other in alt - {stem}:
                                current.pop(f"{other}.{side}", None)
            rows.append(dict(current))
        times = np.array([k.t_s for k in self.keys])
        tracks = {}
        for name in rows[-1]:
            vals = [row.get(name) for row in rows]
            if any(v is None for v in vals):  # switched between alternatives mid-script
                raise ValueError(f"script switches how {name.partition('.')[0]} is driven "
                                 "between keyframes; use one of hip/hip_flexion and one of "
                                 "shoulder/arm_elevation throughout")
            tracks[name] = (times, np.array(vals, dtype=np.float64))
        return tracks

    def angles_at(self, t_s: np.ndarray) -> dict[str, np.ndarray]:
        t = np.atleast_1d(np.asarray(t_s, dtype=np.float64))
        out = {}
        for name, (times, vals) in self._tracks().items():
            if len(times) == 1:
                out[name] = np.full(t.shape, vals[0])
                continue
            i = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
            u = np.clip((t - times[i]) / (times[i + 1] - times[i]), 0.0, 1.0)
            if self.interpolation == "smooth":
                u = 0.5 - 0.5 * np.cos(np.pi * u)
            out[name] = vals[i] + u * (vals[i + 1] - vals[i])
        return out


def sequence(steps: Sequence[tuple[Mapping[str, float], float]], transition_s: float = 0.5,
             interpolation: str = "smooth") -> Script:
    """A script from (posture, seconds to stay) steps: it starts in the first
    posture and moves to each next one in ``transition_s``. A posture need
    only name the angles it changes."""
    keys = [Keyframe(0.0, dict(steps[0][0]))]
    t = 0.0
    for i, (posture, stay) in enumerate(steps):
        if i > 0:
            t += transition_s
            keys.append(Keyframe(t, dict(posture)))
        if stay > 0:
            t += stay
            keys.append(Keyframe(t, {}))
    return Script(tuple(keys), interpolation)


# --- ready-made postures for the bundled specs --------------------------------
# Each has "good" (centred in every form range), "out" (form clearly broken,
# in the pose where the spec leaves room for it), "over" (past a limit, still
# in the pose) and "away" (standing: not in the pose at all). Values are far from every edge, so 1.5 cm of
# landmark noise cannot flip them.

POSTURES: dict[str, dict[str, dict[str, float]]] = {
    "staff": {  # thighs level: thigh_elevation = 180 - trunk_lean - hip
        "good": {"trunk_lean": 8, "hip": 84, "knee": 172, "ankle": 88, "shoulder": 20, "elbow": 165},
        "out": {"trunk_lean": 8, "hip": 84, "knee": 140, "ankle": 95},  # knees bent
        "over": {"trunk_lean": 47, "hip": 63, "knee": 170},  # folded forward, knees a little low
        "away": {"trunk_lean": 0, "hip": 178, "knee": 178, "ankle": 90},  # standing
    },
    "downward_dog": {
        "good": {"trunk_lean": 130, "hip": 75, "knee": 165, "ankle": 80, "shoulder": 162, "elbow": 172},
        "out": {"trunk_lean": 130, "hip": 75, "knee": 165, "shoulder": 125},  # shoulders closed
        "over": {"trunk_lean": 140, "hip": 33, "knee": 165, "shoulder": 165},  # chest pulled to thighs
        "away": {"trunk_lean": 0, "hip": 178, "knee": 178, "shoulder": 10},
    },
    "low_cobra": {  # legs along the floor: trunk_lean - hip_flexion = 90
        "good": {"trunk_lean": 58, "hip_flexion": -32, "knee": 172, "ankle": 150, "shoulder": 50,
                 "elbow": 100, "neck_flexion": -10},
        # Lowered flat to the mat. This leaves the pose: between the spec's
        # form ranges and its limits there is no corridor wide enough to
        # break form surely and cross nothing, with 1.5 cm of noise.
        "out": {"trunk_lean": 88, "hip_flexion": -2, "knee": 172, "shoulder": 80, "elbow": 80},
        "over": {"trunk_lean": 36, "hip_flexion": -54, "knee": 172, "shoulder": 35, "elbow": 165},
        "away": {"trunk_lean": 0, "hip_flexion": 0, "knee": 178, "shoulder": 10, "elbow": 170},
    },
}


def hold_script(pose: str, hold_s: float, lead_s: float = 2.0, tail_s: float = 2.0,
                breaks: Iterable[tuple[float, float, str]] = (), transition_s: float = 0.4,
                sway_deg: float = 0.0, sway_period_s: float = 7.0,
                good: Mapping[str, float] | None = None) -> Script:
    """Arrive in a ready-made pose, hold it, leave.

    The script stands ("away") for ``lead_s``, moves into the pose, holds it
    for ``hold_s`` and stands again for ``tail_s``; a zero lead or tail starts
    or ends in the pose. ``breaks``: (seconds into the hold, seconds long,
    posture name) during which the posture changes (e.g. ``"out"`` or
    ``"over"``), each entered and left in ``transition_s``. ``sway_deg`` adds a
    slow sine sway to every angle. ``good`` overrides angles of the held posture.
    """
    p = dict(POSTURES[pose])
    p["good"] = {**p["good"], **(good or {})}
    steps: list[tuple[dict, float]] = [(p["away"], lead_s)] if lead_s > 0 else []
    t_in = 0.0
    for at, length, kind in sorted(breaks):
        if at > t_in:
            steps.append((p["good"], at - t_in))
        steps.append((p[kind], length))
        t_in = at + length
    steps.append((p["good"], max(hold_s - t_in, 0.0)))
    if tail_s > 0:
        steps.append((p["away"], tail_s))
    script = sequence(steps, transition_s)
    if sway_deg <= 0:
        return script
    # Add sway: a sine on every angle of the good posture, sampled into keys.
    keys = []
    ts = np.arange(0.0, script.duration_s + 1e-9, sway_period_s / 8)
    ts = np.union1d(ts, [k.t_s for k in script.keys])
    base = script.angles_at(ts)
    phase = {k: 2 * math.pi * i / len(base) for i, k in enumerate(sorted(base))}
    for j, t in enumerate(ts):
        ang = {k: float(v[j]) for k, v in base.items()}
        for k in ang:
            if not k.startswith(("leg_splay", "arm_splay")):
                ang[k] += sway_deg * math.sin(2 * math.pi * t / sway_period_s + phase[k])
        keys.append(Keyframe(float(t), ang))
    return Script(tuple(keys), "smooth")


# --- forward kinematics (vectorised over frames) ----------------------------------

def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 1e-12, n, 1.0)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=-1, keepdims=True)


def _perp(v: np.ndarray, to: np.ndarray) -> np.ndarray:
    """The unit part of v orthogonal to the unit vector ``to``."""
    return _unit(v - _dot(v, to) * to)


def _cone(axis: np.ndarray, angle_deg: np.ndarray, toward: np.ndarray, aside: np.ndarray,
          swing_deg: np.ndarray) -> np.ndarray:
    """Unit vectors at ``angle_deg`` from ``axis``, leaning toward ``toward``,
    swung by ``swing_deg`` toward ``aside`` (both made orthogonal here)."""
    a = _unit(axis)
    p1 = _perp(toward, a)
    p2 = _perp(aside - _dot(aside, p1) * p1, a)
    ang, sw = np.radians(angle_deg)[:, None], np.radians(swing_deg)[:, None]
    return np.cos(ang) * a + np.sin(ang) * (np.cos(sw) * p1 + np.sin(sw) * p2)


def _transport(v: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rotate v by the smallest rotation taking unit a to unit b."""
    c = _dot(a, b)
    w = np.cross(a, b)
    return v * c + np.cross(w, v) + w * _dot(w, v) / np.maximum(1.0 + c, 1e-9)


def _bend(d: np.ndarray, hinge: np.ndarray, angle_deg: np.ndarray, forward: bool) -> np.ndarray:
    """Distal segment making ``angle_deg`` (180 = straight) with segment d at a
    hinge; ``forward`` picks which way it folds."""
    q = np.cross(d, hinge) if forward else np.cross(hinge, d)
    ang = np.radians(angle_deg)[:, None]
    return np.cos(ang) * (-d) + np.sin(ang) * _unit(q)


def build_world(angles: Mapping[str, np.ndarray], yaw_deg: float = 90.0) -> np.ndarray:
    """(N, 33, 3) world landmarks for N frames of canonical angles.

    ``yaw_deg`` turns the body about the vertical: 0 faces the camera (front
    view), 90 shows the body's right side, facing image left (side view).
    """
    n = len(next(iter(angles.values())))
    psi = math.radians(yaw_deg)
    lat = np.tile([math.cos(psi), 0.0, -math.sin(psi)], (n, 1))  # the person's left
    fwd_body = np.cross(lat, UP)
    lean = np.radians(angles["trunk_lean"])[:, None]
    trunk = np.cos(lean) * UP + np.sin(lean) * fwd_body  # unit, mid-hip -> mid-shoulder
    fwd = np.cross(lat, trunk)  # = features' forward_trunk
    tw = np.radians(angles["twist"])[:, None]
    shoulder_line = np.cos(tw) * lat + np.sin(tw) * np.cross(trunk, lat)
    fwd_head = np.cross(shoulder_line, trunk)

    w = np.zeros((n, COUNT, 3))

    def put(name: str, v: np.ndarray) -> None:
        w[:, LANDMARK[name]] = v

    mid_sh = TRUNK * trunk
    for side, sign in (("left", 1.0), ("right", -1.0)):
        hip = sign * HIP_HALF * lat
        sh = mid_sh + sign * SHOULDER_HALF * shoulder_line
        out = sign * lat
        put(f"{side}_hip", hip)
        put(f"{side}_shoulder", sh)
        a = lambda k: angles[f"{k}.{side}"]  # noqa: E731
        # Leg: thigh on the cone about (shoulder - hip) that makes the hip angle.
        to_sh = _unit(sh - hip)
        if f"hip.{side}" in angles:
            hip_angle, fold = a("hip"), np.ones(n)
        else:
            flex = a("hip_flexion")
            hip_angle, fold = 180.0 - np.abs(flex), np.where(flex >= 0, 1.0, -1.0)
        thigh = _cone(to_sh, hip_angle, fold[:, None] * fwd, out, a("leg_splay"))
        hinge = _transport(_perp(lat, -to_sh), -to_sh, thigh)
        knee = hip + THIGH * thigh
        shank = _bend(thigh, hinge, a("knee"), forward=False)
        ankle = knee + SHANK * shank
        foot = _bend(shank, hinge, a("ankle"), forward=True)
        put(f"{side}_knee", knee)
        put(f"{side}_ankle", ankle)
        put(f"{side}_foot_index", ankle + FOOT * foot)
        put(f"{side}_heel", ankle - 0.05 * foot + 0.04 * shank)
        # Arm: upper arm on the cone about (hip - shoulder), or about straight down.
        if f"shoulder.{side}" in angles:
            upper = _cone(hip - sh, a("shoulder"), fwd, out, a("arm_splay"))
            rest = _unit(hip - sh)
        else:
            upper = _cone(np.broadcast_to(DOWN, (n, 3)), a("arm_elevation"), fwd_body, out,
                          a("arm_splay"))
            rest = np.broadcast_to(DOWN, (n, 3))
        arm_hinge = _transport(_perp(lat, rest), rest, upper)
        elbow = sh + UPPER_ARM * upper
        fore = _bend(upper, arm_hinge, a("elbow"), forward=True)
        wrist = elbow + FOREARM * fore
        palm = np.cross(fore, arm_hinge)
        put(f"{side}_elbow", elbow)
        put(f"{side}_wrist", wrist)
        put(f"{side}_index", wrist + 0.08 * fore)
        put(f"{side}_pinky", wrist + 0.07 * fore - 0.02 * sign * arm_hinge)
        put(f"{side}_thumb", wrist + 0.04 * fore + 0.02 * palm)
    # Head: mid-ear placed at the neck flexion from the trunk line, exactly.
    nf = np.radians(angles["neck_flexion"])[:, None]
    neck_dir = np.cos(nf) * trunk + np.sin(nf) * fwd
    mid_ear = mid_sh + NECK * neck_dir
    face = _perp(fwd_head, neck_dir)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        put(f"{side}_ear", mid_ear + sign * 0.075 * shoulder_line)
        eye = mid_ear + 0.08 * face + 0.03 * neck_dir + sign * 0.03 * shoulder_line
        put(f"{side}_eye", eye)
        put(f"{side}_eye_inner", eye - sign * 0.012 * shoulder_line)
        put(f"{side}_eye_outer", eye + sign * 0.012 * shoulder_line)
        put(f"mouth_{side}", mid_ear + 0.08 * face - 0.05 * neck_dir + sign * 0.025 * shoulder_line)
    put("nose", mid_ear + 0.11 * face)
    return w


# --- camera ------------------------------------------------------------------------

@dataclass(frozen=True)
class Camera:
    """A level pinhole camera ``distance_m`` from the hips, ``height_m`` above
    the floor. The body rests on the floor (its lowest landmark touches it)."""

    width: int = 640
    height: int = 480
    focal_px: float = 520.0
    distance_m: float = 3.2
    height_m: float = 0.8

    def project(self, world: np.ndarray) -> np.ndarray:
        """(N, 33, 3) world -> (N, 33, 3) image (x, y in 0..1, z like x)."""
        floor = world[..., 1].max(axis=-1, keepdims=True)
        y_cam = world[..., 1] - floor + self.height_m  # camera at y=0 looking along +z
        depth = world[..., 2] + self.distance_m
        out = np.empty_like(world)
        out[..., 0] = 0.5 + self.focal_px * world[..., 0] / depth / self.width
        out[..., 1] = 0.5 + self.focal_px * y_cam / depth / self.height
        out[..., 2] = self.focal_px * world[..., 2] / self.distance_m / self.width
        return out


# --- the performer -----------------------------------------------------------------

@dataclass(frozen=True)
class Occlusion:
    start_s: float
    end_s: float
    landmarks: tuple[str, ...]
    visibility: float = 0.1

    def __post_init__(self) -> None:
        unknown = [n for n in self.landmarks if n not in LANDMARK]
        if unknown:
            raise ValueError(f"unknown landmark(s) {unknown}")


def random_dropouts(duration_s: float, seed: int, every_s: float = 8.0, length_s: float = 0.15,
                    margin_s: float = 1.0) -> tuple[tuple[float, float], ...]:
    """Dropout spans of ``length_s`` at random times, on average one per ``every_s``."""
    rng = np.random.default_rng(seed)
    spans, t = [], margin_s
    while True:
        t += rng.exponential(every_s)
        if t + length_s > duration_s - margin_s:
            return tuple(spans)
        spans.append((round(t, 3), round(t + length_s, 3)))
        t += length_s


@dataclass(frozen=True)
class Performer:
    """Films a script: ``perform(script)`` -> ``Performance``.

    Frame i is at ``i * 1000 / fps`` ms. Noise is Gaussian, independent per
    coordinate and per frame, added to the world landmarks (the image
    landmarks are the noisy world points projected). Real estimator noise is
    partly correlated in time and has biases this does not model. A frame
    whose time falls in a dropout span has no pose; an occlusion sets the
    visibility of its landmarks (positions stay). The same seed gives the
    same stream.
    """

    fps: float = 30.0
    view: str = "side"  # side | front
    noise_m: float = 0.015  # std dev of Gaussian noise per coordinate, metres
    dropouts: tuple[tuple[float, float], ...] = ()  # [start_s, end_s): no person
    occlusions: tuple[Occlusion, ...] = ()
    visibility: float = 0.95
    seed: int = 0
    camera: Camera = field(default_factory=Camera)

    def __post_init__(self) -> None:
        if self.view not in ("side", "front"):
            raise ValueError("view must be 'side' or 'front'")

    @property
    def yaw_deg(self) -> float:
        return 90.0 if self.view == "side" else 0.0

    def perform(self, script: Script, duration_s: float | None = None) -> "Performance":
        duration = script.duration_s if duration_s is None else duration_s
        n = int(math.floor(duration * self.fps + 1e-9)) + 1
        t_ms = np.arange(n) * 1000.0 / self.fps
        truth = build_world(script.angles_at(t_ms / 1000.0), self.yaw_deg)
        rng = np.random.default_rng(self.seed)
        noisy = truth + rng.normal(0.0, self.noise_m, truth.shape) if self.noise_m > 0 else truth
        image = self.camera.project(noisy)
        vis = np.full((n, COUNT), self.visibility)
        t_s = t_ms / 1000.0
        for occ in self.occlusions:
            rows = (t_s >= occ.start_s) & (t_s < occ.end_s)
            vis[np.ix_(rows, [LANDMARK[k] for k in occ.landmarks])] = occ.visibility
        present = np.ones(n, dtype=bool)
        for a, b in self.dropouts:
            present &= ~((t_s >= a) & (t_s < b))
        frames = tuple(
            Frame(i, float(t_ms[i]), None,
                  Pose(image[i], noisy[i], vis[i]) if present[i] else None, recorded=True)
            for i in range(n))
        return Performance(self, script, t_ms, truth, frames)


@dataclass(frozen=True)
class Interval:
    start_s: float
    end_s: float

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True)
class GroundTruth:
    """What the noise-free body did, judged against a spec without hysteresis.

    ``holds``: the intervals in which the verdict would be ``form_ok`` (in the
    pose, every form rule met, no limit crossed). ``over``: per limit rule id,
    the intervals in which it is crossed while in the pose (when a warning is
    due). ``crossings``: per limit rule id, the times it is crossed (the
    starts of ``over``). Boundaries are found to ``resolution_s``.
    """

    holds: tuple[Interval, ...]
    over: dict[str, tuple[Interval, ...]]  # start: crossed into; end: back out (or pose left)

    def crossings(self, rule_id: str) -> list[float]:
        return [iv.start_s for iv in self.over.get(rule_id, ())]


def _range_ok(rule: Rule, v: float) -> bool:
    return rule.low <= v <= rule.high


def _limit_over(rule: Rule, v: float) -> bool:
    return (rule.above is not None and v > rule.above) or (rule.below is not None and v < rule.below)


def _sides(rule: Rule, working: str | None) -> list[str | None]:
    if rule.side is None:
        return [None]
    if rule.side == "working":
        return [working]
    if rule.side == "other":
        return ["right" if working == "left" else "left"]
    if rule.side in ("both", "either"):
        return list(SIDES)
    return [rule.side]


def truth_state(spec: PoseSpec, f: Mapping[str, feats.Measurement]) -> tuple[bool, frozenset[str]]:
    """(form_ok, ids of crossed limits) for exact features, with the same side
    logic as ``evaluate`` (both: every side; either: the better side) but no
    hysteresis and no visibility."""
    best: tuple[bool, frozenset[str]] | None = None
    for working in (("left", "right") if spec.sided else (None,)):
        def val(rule: Rule, side: str | None) -> float:
            return f[feats.feature_key(rule.feature, side)].value

        def ok(rule: Rule) -> bool:
            res = [_range_ok(rule, val(rule, s)) for s in _sides(rule, working)]
            return any(res) if rule.side == "either" else all(res)

        in_pose = all(ok(r) for r in spec.of_kind("pose"))
        over = set()
        for r in spec.of_kind("limit"):
            res = [_limit_over(r, val(r, s)) for s in _sides(r, working)]
            if in_pose and (all(res) if r.side == "either" else any(res)):
                over.add(r.id)
        form_ok = in_pose and all(ok(r) for r in spec.of_kind("form")) and not over
        state = (form_ok, frozenset(over))
        if best is None or (form_ok and not best[0]):
            best = state
    return best


@dataclass(frozen=True, eq=False)
class Performance:
    performer: Performer
    script: Script
    t_ms: np.ndarray
    truth_world: np.ndarray  # (N, 33, 3), noise-free
    frames: tuple[Frame, ...]

    def true_features(self, t_s: float) -> dict[str, feats.Measurement]:
        """Exact features of the noise-free body at any time (not only frames)."""
        world = build_world(self.script.angles_at(np.array([t_s])), self.performer.yaw_deg)[0]
        return feats.compute(Pose(np.zeros((COUNT, 3)), world, np.ones(COUNT)))

    def frame_features(self, i: int, names: set[str] | None = None) -> dict[str, feats.Measurement]:
        return feats.compute(Pose(np.zeros((COUNT, 3)), self.truth_world[i], np.ones(COUNT)), names)

    def ground_truth(self, spec: PoseSpec, resolution_s: float = 0.001) -> GroundTruth:
        """Judge the noise-free body at every frame, then find each change of
        state between two frames by bisection on the script's continuous time.
        Costs about one feature computation per frame; it does not depend on
        the seed, noise, dropouts or occlusions, so compute it once per script."""
        names = spec.features
        states = [truth_state(spec, self.frame_features(i, names)) for i in range(len(self.frames))]
        t = self.t_ms / 1000.0

        def edge(i: int, pred) -> float:
            """Time of the change between frames i and i+1, by bisection."""
            lo, hi = t[i], t[i + 1]
            while hi - lo > resolution_s:
                mid = 0.5 * (lo + hi)
                if pred(truth_state(spec, self.true_features(mid))) == pred(states[i]):
                    lo = mid
                else:
                    hi = mid
            return 0.5 * (lo + hi)

        def intervals(pred) -> tuple[Interval, ...]:
            out, start = [], None
            for i, s in enumerate(states):
                on = pred(s)
                if on and start is None:
                    start = t[0] if i == 0 else edge(i - 1, pred)
                if start is not None and (i == len(states) - 1 or not pred(states[i + 1])):
                    end = t[i] if i == len(states) - 1 else edge(i, pred)
                    out.append(Interval(float(start), float(end)))
                    start = None
            return tuple(out)

        holds = intervals(lambda s: s[0])
        over = {r.id: intervals(lambda s, rid=r.id: rid in s[1]) for r in spec.of_kind("limit")}
        return GroundTruth(holds, over)


class SyntheticSource(Source):
    """A performance as a ``Source``, for ``runner.run`` (no estimator needed)."""

    def __init__(self, performance: Performance, name: str = "synthetic"):
        self._performance = performance
        cam = performance.performer.camera
        self.info = SourceInfo(name, "recording", performance.performer.fps, cam.width, cam.height,
                               len(performance.frames))

    def __iter__(self) -> Iterator[Frame]:
        self.complete, self.problem = True, None
        yield from self._performance.frames


__all__ = ["Script", "Keyframe", "sequence", "hold_script", "POSTURES", "Performer", "Performance",
           "Occlusion", "Camera", "GroundTruth", "Interval", "SyntheticSource", "random_dropouts",
           "build_world", "truth_state"]
