"""Personal overlays: small files that change form ranges (and tighten limits) of a base spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from formcheck.errors import FormcheckError
from formcheck.levels import limits_not_looser
from formcheck.specs import SpecError, load_spec_file, resolve_spec

from .conftest import run_cli, video_recording

OVERLAY = """
base = "staff"
[[form]]
id = "form:knee.both"
range = [150, 180]
[[limit]]
id = "limit:trunk_lean"
above = 35
"""


def write(tmp_path: Path, text: str, name: str = "my_staff.toml") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def rule(spec, rid):
    return next(r for r in spec.rules if r.id == rid)


def test_overlay_changes_only_what_it_names(tmp_path):
    spec = resolve_spec(str(write(tmp_path, OVERLAY)))
    base = resolve_spec("staff")
    assert spec.name == "my_staff" and spec.based_on == base
    assert (rule(spec, "form:knee.both").low, rule(spec, "form:knee.both").high) == (150, 180)
    assert rule(spec, "limit:trunk_lean").above == 35
    same = [r for r in spec.rules if r.id not in ("form:knee.both", "limit:trunk_lean")]
    assert same == [r for r in base.rules if r.id not in ("form:knee.both", "limit:trunk_lean")]
    assert spec.files == (str(tmp_path / "my_staff.toml"), base.path)


def test_overlay_problems_are_all_listed(tmp_path):
    bad = write(tmp_path, """
base = "staff"
level = "gentel"
colour = "red"
[[pose]]
feature = "knee"
range = [0, 180]
[[form]]
id = "form:knee.bth"
range = [150, 180]
[[form]]
id = "pose:hip.both"
range = [10, 20]
[[limit]]
id = "limit:trunk_lean"
above = 45
""")
    with pytest.raises(SpecError) as e:
        load_spec_file(bad)
    text = "\n".join(e.value.problems)
    for words in ("cannot change pose rules", "'gentel'", "unknown field 'colour'", "no rule 'form:knee.bth'",
                  "pose rules cannot be changed", "past the base's limit 40"):
        assert words in text, words


def test_overlay_cannot_widen_a_range_into_a_limit(tmp_path):
    bad = write(tmp_path, 'base = "downward_dog"\n[[form]]\nid = "form:hip.both"\nrange = [30, 105]\n')
    with pytest.raises(SpecError, match="good form would count as an over-stretch"):
        load_spec_file(bad)


def test_overlay_base_by_relative_path_and_level(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path, OVERLAY, "base_overlay.toml")
    top = write(tmp_path / "sub", 'base = "../base_overlay.toml"\nlevel = "gentle"\n', "top.toml")
    spec = load_spec_file(top)
    assert spec.level == "gentle"  # so a second, different --level is refused
    assert spec.based_on.level == "gentle" and spec.based_on.based_on.level == "standard"
    assert rule(spec, "limit:trunk_lean").above == 30  # 35, then gentle: 5 sooner
    assert limits_not_looser(spec, resolve_spec("staff")) == []
    assert len(spec.files) == 3


def test_overlay_loop_and_missing_base_are_user_errors(tmp_path):
    write(tmp_path, 'base = "b.toml"\n', "a.toml")
    write(tmp_path, 'base = "a.toml"\n', "b.toml")
    with pytest.raises(FormcheckError, match="nest more than"):
        load_spec_file(tmp_path / "a.toml")
    with pytest.raises(FormcheckError, match="unknown pose 'staf'"):
        load_spec_file(write(tmp_path, 'base = "staf"\n', "c.toml"))
    with pytest.raises(FormcheckError, match="not found"):
        load_spec_file(write(tmp_path, 'base = "nothere.toml"\n', "d.toml"))


def test_overlay_works_where_a_pose_name_does(tmp_path):
    rec = video_recording("downward_dog_hold_man")
    overlay = write(tmp_path, 'base = "downward_dog"\n[[form]]\nid = "form:knee.both"\nrange = [120, 180]\n',
                    "my_dog.toml")
    proc = run_cli("video", str(rec), "--pose", str(overlay), "--level", "gentle", "--end", "20")
    assert proc.returncode == 0, proc.stderr
    assert "Downward dog (personal)" in proc.stdout
