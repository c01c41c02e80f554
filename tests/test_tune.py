"""formcheck tune: personal ranges from a reference, never reaching a limit."""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass

import numpy as np

from formcheck.levels import apply_level, facing_limits, limits_not_looser
from formcheck.spec_overlay import load_overlay
from formcheck.specs import load_all_specs, load_spec_file, resolve_spec
from formcheck.tune import MARGIN, Reference, overlay_toml, propose, steady, tune

from .conftest import assert_one_line_error, run_cli, video_recording


def rule(spec, rid):
    return next(r for r in spec.rules if r.id == rid)


def test_range_is_reference_percentiles_plus_margin():
    spec = resolve_spec("downward_dog")
    values = list(np.linspace(70, 95, 200))
    p = propose(rule(spec, "form:hip.both"), values, spec.rules)
    lo, _, hi = p.percentiles
    assert (p.low, p.high) == (round(lo - MARGIN["deg"]), round(hi + MARGIN["deg"]))
    assert p.changed and not p.reasons


def test_edge_facing_a_limit_stops_its_hysteresis_short():
    spec = resolve_spec("downward_dog")  # limit: hip below 38; hysteresis 3
    p = propose(rule(spec, "form:hip.both"), list(np.linspace(30, 60, 200)), spec.rules)
    assert p.low == 41 and "limit 38" in p.reasons[0]


def test_scale_end_kept_and_too_few_values_keep_the_base():
    spec = resolve_spec("staff")
    knee = rule(spec, "form:knee.both")
    p = propose(knee, list(np.linspace(150, 165, 100)), spec.rules)
    assert (p.low, p.high) == (round(np.percentile(np.linspace(150, 165, 100), 2) - 5), 180)
    few = propose(knee, [150.0, 151.0], spec.rules)
    assert not few.changed and "only 2" in few.reasons[0]


def test_reference_wholly_past_a_limit_keeps_the_base():
    spec = resolve_spec("downward_dog")  # hip form [45, 105], limit below 38
    p = propose(rule(spec, "form:hip.both"), [30.0] * 50, spec.rules)
    assert not p.changed and "past the limit" in p.reasons[0]


@dataclass
class V:  # the two fields ``steady`` reads
    in_pose: bool
    overstretch: bool = False


def test_steady_drops_short_stretches_and_moving_ends():
    frames = [(t * 100.0, V(2000 <= t * 100 <= 6000)) for t in range(80)]  # in the pose 2..6 s
    frames += [(8000 + t * 100.0, V(True)) for t in range(10)]  # a 0.9 s stretch: too short
    keep = steady(frames)
    kept_t = [t for (t, _), k in zip(frames, keep) if k]
    assert kept_t[0] == 2500 and kept_t[-1] == 5500
    assert not any(k for (t, _), k in zip(frames, keep) if t >= 8000)
    assert steady([(None, V(True)), (None, V(False))]) == [True, False]  # still images stand alone


def test_tuned_limits_never_pass_the_base_property():
    """Random references (including ones deep past the limits), every bundled spec and level."""
    rng = random.Random(606)
    for _ in range(200):
        base = rng.choice(load_all_specs())
        level = rng.choice([None, "gentle", "deep"])
        spec = apply_level(base, level)
        values = {}
        for r in spec.of_kind("form"):
            n = rng.choice([0, 3, 30, 300])
            centre, spread = rng.uniform(-20, 200), rng.uniform(0.5, 60)
            values[r.id] = [rng.gauss(centre, spread) for _ in range(n)]
        proposals = tune(spec, Reference(values, 100, 100, 0))
        text = overlay_toml(base.name, "mine", proposals, ["ref"], level, Reference(values, 100, 100, 0))
        tuned = load_overlay(tomllib.loads(text), "mine.toml")
        assert limits_not_looser(tuned, base) == []
        assert tuned.of_kind("pose") == base.of_kind("pose")
        for r in tuned.of_kind("form"):
            below, above = facing_limits(r, tuned.rules)
            orig = rule(spec, r.id)
            assert above is None or r.high <= max(orig.high, above - r.hysteresis)
            assert below is None or r.low >= min(orig.low, below + r.hysteresis)


def test_tune_command_writes_an_overlay_that_loads(tmp_path):
    rec = video_recording("downward_dog_hold_man")
    out = tmp_path / "my_dog.toml"
    proc = run_cli("tune", "--pose", "downward_dog", str(rec), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "form:hip.both: base [45, 105]; reference p2" in proc.stdout
    spec = load_spec_file(out)
    assert spec.based_on.name == "downward_dog" and spec.name == "my_dog"
    assert limits_not_looser(spec, resolve_spec("downward_dog")) == []
    again = run_cli("tune", "--pose", "downward_dog", str(rec), "-o", str(out))
    assert_one_line_error(again, "exists", "--force")


def test_tune_with_a_level_records_it(tmp_path):
    rec = video_recording("downward_dog_hold_man")
    out = tmp_path / "gentle_dog.toml"
    proc = run_cli("tune", "--pose", "downward_dog", "--level", "gentle", str(rec), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert 'level = "gentle"' in out.read_text()
    spec = load_spec_file(out)
    assert rule(spec, "limit:hip.both").below == 43


def test_tune_on_a_reference_of_another_pose_says_so(tmp_path):
    rec = video_recording("childs_pose_hold_man")
    proc = run_cli("tune", "--pose", "staff", str(rec), "-o", str(tmp_path / "x.toml"))
    assert_one_line_error(proc, "never shows it")
    assert not (tmp_path / "x.toml").exists()


def test_tune_from_photos_runs_the_model(tmp_path):
    """The model path: still images, each counted on its own when in the pose."""
    from .conftest import footage

    photos = [str(footage(f"images/downward_dog/{n}.jpg")) for n in ("dd_luca00", "dd_luca11", "dd_luca19",
                                                                      "dd_luca42", "dd_luca51")]
    out = tmp_path / "photo_dog.toml"
    proc = run_cli("tune", "--pose", "downward_dog", *photos, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "reference frame(s) in the pose" in proc.stdout
    assert load_spec_file(out).based_on.name == "downward_dog"


def test_tune_bad_input_is_one_line(tmp_path):
    assert_one_line_error(run_cli("tune", "--pose", "staff", str(tmp_path / "none.mp4"), "-o",
                                  str(tmp_path / "a.toml")), "reference not found")
    assert_one_line_error(run_cli("tune", "--pose", "staff", "x.mp4", "-o", str(tmp_path / "a.txt")), ".toml")
    assert_one_line_error(run_cli("tune", "--pose", "staf", "x.mp4", "-o", str(tmp_path / "a.toml")),
                          "unknown pose")
    assert not list(tmp_path.iterdir())
