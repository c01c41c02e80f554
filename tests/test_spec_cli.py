"""formcheck spec validate / show / diff / new (the real command line, in a fresh process)."""

from __future__ import annotations

from formcheck.specs import load_spec_file

from .conftest import assert_one_line_error, run_cli

OVERLAY = 'base = "staff"\n[[form]]\nid = "form:knee.both"\nrange = [150, 180]\n'


def test_validate_reports_each_file(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text(OVERLAY)
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[[pose]]\nfeature = "kne"\nrange = [1, 2]\n')
    proc = run_cli("spec", "validate", str(good), str(bad))
    assert proc.returncode == 2
    assert f"ok {good}: good (5 pose, 3 form, 1 limit rules, overlay of staff)" in proc.stdout
    assert "unknown feature 'kne'" in proc.stderr and "did you mean 'knee'" in proc.stderr
    assert run_cli("spec", "validate", str(good)).returncode == 0


def test_show_in_plain_words():
    out = run_cli("spec", "show", "staff").stdout
    assert "knee (both sides) between 158° and 180°" in out
    assert 'when the trunk lean goes above 40°: "Ease off' in out
    out = run_cli("spec", "show", "staff", "--level", "gentle").stdout
    assert "goes above 35°" in out and "limit:trunk_lean: above 40 -> 35  (stricter: warns sooner)" in out


def test_show_an_overlay_lists_its_changes(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text(OVERLAY)
    out = run_cli("spec", "show", str(p)).stdout
    assert "personal overlay of staff" in out and "~ form:knee.both: range [158, 180] -> [150, 180]" in out


def test_diff(tmp_path):
    p = tmp_path / "mine.toml"
    p.write_text(OVERLAY + '[[limit]]\nid = "limit:trunk_lean"\nabove = 30\n')
    proc = run_cli("spec", "diff", "staff", str(p))
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == ["~ form:knee.both: range [158, 180] -> [150, 180]",
                                        "~ limit:trunk_lean: above 40 -> 30  (stricter: warns sooner)"]
    assert "(LOOSER: warns later)" in run_cli("spec", "diff", str(p), "staff").stdout
    assert "judge alike" in run_cli("spec", "diff", "staff", "staff").stdout
    out = run_cli("spec", "diff", "staff", "low_cobra").stdout
    assert "- form:knee.both" in out and "+ form:elbow.both" in out
    assert_one_line_error(run_cli("spec", "diff", "staff", "staf"), "unknown pose 'staf'")


def test_new_scaffolds_validate(tmp_path):
    assert run_cli("spec", "new", "side_bend", cwd=tmp_path).returncode == 0
    spec = load_spec_file(tmp_path / "side_bend.toml")
    assert spec.name == "side_bend" and spec.of_kind("limit")
    assert "# Features" in (tmp_path / "side_bend.toml").read_text()
    assert_one_line_error(run_cli("spec", "new", "side_bend", cwd=tmp_path), "exists", "--force")
    assert run_cli("spec", "new", "my_dog", "--base", "downward_dog", cwd=tmp_path).returncode == 0
    overlay = load_spec_file(tmp_path / "my_dog.toml")
    assert overlay.based_on.name == "downward_dog" and overlay.rules == overlay.based_on.rules
    assert_one_line_error(run_cli("spec", "new", "bad name", cwd=tmp_path), "letters, digits")


def test_spec_without_subcommand_prints_help():
    proc = run_cli("spec")
    assert proc.returncode == 2 and "validate" in proc.stdout
