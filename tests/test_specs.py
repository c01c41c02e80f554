"""The spec language: bundled specs load; every problem is reported at once."""

from __future__ import annotations


import pytest

from formcheck.errors import FormcheckError
from formcheck.specs import available_specs, load_spec_file, resolve_spec

from .conftest import assert_one_line_error, parse_spec_text, run_cli, spec_problems

GOOD = """
name = "t"
view = "side"
hold_seconds = 10
[[pose]]
feature = "hip"
side = "both"
range = [60, 120]
[[form]]
feature = "knee"
range = [160, 180]
cue_low = "Straighten"
[[limit]]
feature = "trunk_incline"
above = 40
cue = "Ease off"
[[pose]]
feature = "trunk_incline"
range = [0, 60]
"""


parse = parse_spec_text
problems = spec_problems


def test_bundled_specs_all_load():
    specs = available_specs()
    assert {"staff", "low_cobra", "downward_dog"} <= set(specs)
    for name, path in specs.items():
        spec = load_spec_file(path)
        assert spec.name == name
        assert spec.of_kind("pose"), name


def test_good_spec_parses_with_defaults():
    spec = parse(GOOD)
    knee = spec.of_kind("form")[0]
    assert (knee.side, knee.low, knee.high, knee.hysteresis) == ("both", 160.0, 180.0, 3.0)
    assert spec.min_visibility == 0.5 and spec.timing.grace_s == 1.5
    assert spec.of_kind("limit")[0].side is None


def test_inverted_range_says_how_to_fix():
    (p,) = problems(GOOD.replace("[160, 180]", "[180, 160]"))
    assert "[[form]] #1 (knee)" in p and "inverted" in p and "[160, 180]" in p


def test_unknown_feature_suggests_nearest():
    (p,) = problems(GOOD.replace('feature = "knee"', 'feature = "kneee"'))
    assert "unknown feature 'kneee'" in p and "'knee'" in p


def test_wrong_type_and_unknown_field():
    ps = problems(GOOD.replace("hold_seconds = 10", 'hold_seconds = "ten"\nhold_secs = 3'))
    assert any("'hold_seconds' must be a number" in p for p in ps)
    assert any("unknown field 'hold_secs'" in p and "hold_seconds" in p for p in ps)


def test_every_problem_reported_at_once():
    bad = (GOOD.replace("[160, 180]", "[180, 160]")
           .replace('feature = "hip"', 'feature = "hips"')
           .replace("above = 40", "above = 'x'")
           .replace('view = "side"', 'view = "top"'))
    ps = problems(bad)
    assert len(ps) >= 4, ps
    assert all(p.startswith("t.toml: ") for p in ps)


def test_limit_inside_good_range_is_inconsistent():
    ps = problems(GOOD.replace("above = 40", "above = 170").replace('"trunk_incline"\nabove', '"knee"\nabove'))
    assert any("inside the good-form range" in p for p in ps)


def test_limit_outside_pose_range_can_never_fire():
    ps = problems(GOOD.replace("range = [0, 60]", "range = [0, 30]"))
    assert any("can never fire" in p for p in ps)


def test_spec_without_pose_rules_is_refused():
    text = "\n".join(line for line in GOOD.splitlines())
    text = text.replace("[[pose]]", "[[form]]").replace('side = "both"\nrange = [60, 120]', 'range = [60, 120]')
    assert any("at least one [[pose]] rule" in p for p in problems(text))


def test_working_side_needs_sided_spec():
    ps = problems(GOOD.replace('range = [160, 180]', 'range = [160, 180]\nside = "working"'))
    assert any("sided = true" in p for p in ps)


def test_whole_body_feature_rejects_side():
    ps = problems(GOOD.replace('above = 40', 'above = 40\nside = "left"'))
    assert any("has no side" in p for p in ps)


def test_resolve_unknown_name_suggests():
    with pytest.raises(FormcheckError, match="did you mean staff"):
        resolve_spec("staf")


def test_bad_spec_on_the_command_line_is_one_line(tmp_path):
    f = tmp_path / "broken.toml"
    f.write_text(GOOD.replace("[160, 180]", "[180, 160]"))
    proc = run_cli("image", "nothing.jpg", "--pose", str(f))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "broken.toml" in proc.stderr and "inverted" in proc.stderr


def test_toml_syntax_error_is_reported(tmp_path):
    f = tmp_path / "syntax.toml"
    f.write_text("name = \n")
    proc = run_cli("video", "x.mp4", "--pose", str(f))
    assert proc.returncode == 2 and "not valid TOML" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_spec_file(tmp_path):
    assert_one_line_error(run_cli("video", "x.mp4", "--pose", str(tmp_path / "none.toml")), "not found")
