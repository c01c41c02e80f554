"""Routine files: parsing, side expansion, validation of names, resolving."""

import pytest

from formcheck.errors import FormcheckError
from formcheck.routine import (SpecError, available_routines, load_routine_file, missing_poses, parse_routine,
                               plan, resolve_routine, single_pose_routine)
from formcheck.specs import available_specs
from .live_fixtures import ROUTINES

SEED_POSES = {"downward_dog", "walk_your_dog", "pyramid", "childs_pose", "wide_child_pose", "seated_twist",
              "standing_twist", "bridge", "hip_flexor_prone", "hip_flexor_standing", "low_cobra", "wall_psoas",
              "hamstring_stretch", "staff", "legs_up_the_wall", "savasana", "standing_stretch"}


def test_gentle_back_is_bundled_and_covers_the_seed():
    r = resolve_routine("gentle-back")
    names = {s.pose for s in r.steps}
    assert names <= SEED_POSES
    # The seed's 15 stretches: the twist and the hip-flexor stretch may be either variant.
    assert len(names - {"standing_twist", "hip_flexor_standing"}) >= 14
    assert r.steps[-1].pose == "savasana" and r.steps[-1].rest_seconds == 0
    sided = [s for s in r.steps if s.side]
    assert sided and all(s.hold_seconds for s in r.steps)
    # Each sided stretch is done on both sides, left then right.
    for a, b in zip(sided[::2], sided[1::2]):
        assert (a.pose, a.side, b.pose, b.side) == (a.pose, "left", a.pose, "right")


def test_missing_specs_are_named_all_at_once():
    r = resolve_routine("gentle-back")
    missing = missing_poses(r)
    assert set(missing) == {s.pose for s in r.steps} - set(available_specs())
    if not missing:
        assert len(plan(r)) == len(r.steps)
        return
    with pytest.raises(SpecError) as e:
        plan(r)
    for name in missing:
        assert f"unknown pose '{name}'" in str(e.value)


def test_sides_expand_and_defaults_apply():
    r = parse_routine({"rest_seconds": 4, "step": [{"pose": "staff"},
                                                    {"pose": "low_cobra", "sides": ["left", "right"],
                                                     "hold_seconds": 12, "rest_seconds": 0}]}, "t.toml", "t")
    assert [(s.pose, s.side, s.hold_seconds, s.rest_seconds) for s in r.steps] == [
        ("staff", None, None, 4.0), ("low_cobra", "left", 12.0, 0.0), ("low_cobra", "right", 12.0, 0.0)]
    steps = plan(r)
    assert steps[0].target_s == steps[0].spec.hold_seconds and steps[1].target_s == 12.0


@pytest.mark.parametrize("data, needle", [
    ({"step": []}, "at least one [[step]]"),
    ({"step": [{"pose": "staff", "sides": ["left", "middle"]}]}, "sides must be"),
    ({"step": [{"pose": "staff", "hold_secs": 3}]}, "did you mean 'hold_seconds'"),
    ({"step": [{"pose": "staff", "hold_seconds": -1}]}, "'hold_seconds' must be a number"),
    ({"step": [{"side": "left"}]}, "'pose' is missing"),
    ({"step": [{"pose": "staff", "side": "left", "sides": ["left"]}]}, "not both"),
])
def test_bad_routines_say_what_is_wrong(data, needle):
    with pytest.raises(SpecError) as e:
        parse_routine(data, "bad.toml", "bad")
    assert needle in str(e.value) and "bad.toml" in str(e.value)


def test_unknown_pose_suggests_the_nearest():
    r = parse_routine({"step": [{"pose": "downward_dgo"}]}, "r.toml", "r")
    with pytest.raises(SpecError, match="did you mean downward_dog"):
        plan(r)


def test_user_routine_by_path_and_unknown_name(tmp_path):
    r = load_routine_file(ROUTINES / "dog-then-cobra.toml")
    assert [p.spec.name for p in plan(r)] == ["downward_dog", "low_cobra"]
    with pytest.raises(FormcheckError, match="unknown routine 'gentle-bak'; did you mean gentle-back"):
        resolve_routine("gentle-bak")
    with pytest.raises(FormcheckError, match="routine file not found"):
        resolve_routine(str(tmp_path / "nope.toml"))
    (tmp_path / "broken.toml").write_text("step = [")
    with pytest.raises(SpecError, match="not valid TOML"):
        resolve_routine(str(tmp_path / "broken.toml"))
    assert "gentle-back" in available_routines()


def test_single_pose_routine():
    steps = plan(single_pose_routine("staff", 7))
    assert len(steps) == 1 and steps[0].target_s == 7


def test_a_users_routine_is_found_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    d = tmp_path / "formcheck" / "routines"
    d.mkdir(parents=True)
    (d / "my-morning.toml").write_text('title = "Mine"\n[[step]]\npose = "staff"\nhold_seconds = 15\n')
    r = resolve_routine("my-morning")
    assert r.title == "Mine" and plan(r)[0].target_s == 15


def test_a_level_applies_to_every_step():
    r = parse_routine({"step": [{"pose": "staff"}, {"pose": "low_cobra"}]}, "r.toml", "r")
    assert {p.spec.level for p in plan(r, "gentle")} == {"gentle"}
    assert {p.spec.level for p in plan(r)} == {"standard"}
