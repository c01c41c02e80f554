"""The routine's specs, proven on the shared footage (issue 3).

The numbers come from tests/data/footage_images.jsonl.gz (landmarks the
project's estimator extracted from ../shared/footage) through the same code
as ``formcheck spec test`` minus the model; one test runs the real command
with the model on a few real images.
"""

from __future__ import annotations

import csv
import json
import re

import pytest

from formcheck import features as feats
from formcheck.specs import bundled_spec_dir, load_all_specs
from formcheck.spectest import Item, run_spec_test

from .conftest import DATA, FOOTAGE, cached_image_poses, run_cli

ROUTINE = ("downward_dog", "walk_your_dog", "pyramid", "childs_pose", "wide_child_pose", "seated_twist",
           "standing_twist", "bridge", "hip_flexor_prone", "hip_flexor_standing", "low_cobra",
           "wall_psoas", "hamstring_stretch", "staff", "legs_up_the_wall", "savasana", "standing_stretch")

# Images whose extracted landmarks are visibly wrong (drawn over the photo:
# the model laid the legs along the back of a kneeling child's pose, and
# folded the legs of a cobra seen from behind into the pelvis). No spec can
# accept them without accepting nonsense; they are left out of the per-pose
# acceptance number, and a test below fails when that stops being true so the
# list cannot go stale.
MODEL_MISSES = {
    "images/childs_pose/child_luca04.jpg": "legs placed along the back",
    "images/low_cobra/cobra_mannu78.jpg": "3/4 back view; knees put at the pelvis",
}


def test_every_routine_spec_is_bundled_with_its_comments():
    names = {s.name for s in load_all_specs()}
    assert set(ROUTINE) <= names
    for name in ROUTINE:
        text = (bundled_spec_dir() / f"{name}.toml").read_text()
        assert "What it checks" in text and "cannot see" in text, name


def test_cues_are_short_and_kind():
    for spec in load_all_specs():
        cues = [c for r in spec.rules for c in (r.cue, r.cue_low, r.cue_high) if c]
        for cue in cues:
            assert len(cue.split()) <= 16, (spec.name, cue)
            assert not re.search(r"\b(wrong|bad|never|don't|stop)\b", cue, re.IGNORECASE), (spec.name, cue)
        for r in spec.of_kind("limit"):
            assert r.cue.startswith("Ease off"), (spec.name, r.cue)


def _manifest_notes() -> dict[str, str]:
    path = FOOTAGE / "MANIFEST.tsv"
    if not path.exists():
        pytest.skip(f"shared footage not available at {FOOTAGE}")
    with path.open(newline="", encoding="utf-8") as f:
        return {r["file"]: r["note"] for r in csv.DictReader(f, delimiter="\t")}


@pytest.fixture(scope="module")
def footage_result():
    notes = _manifest_notes()
    items = [Item(rel, rel.split("/")[1], notes.get(rel, ""),
                  feats.compute(pose) if pose is not None else None)
             for rel, pose in cached_image_poses().items()]
    return run_spec_test(items, load_all_specs())


def test_own_spec_accepts_at_least_95_percent_of_each_pose(footage_result):
    res = footage_result
    low = {}
    for name, st in res.poses.items():
        if not st.images:
            continue
        misses = sum(1 for j in res.judged if j.label == name and j.item.file in MODEL_MISSES)
        accepted = st.accepted  # misses are never accepted (checked below)
        rate = accepted / (st.images - misses)
        if rate < 0.95:
            low[name] = f"{accepted}/{st.images - misses}"
    assert not low, low


def test_model_misses_are_still_misses(footage_result):
    for j in footage_result.judged:
        if j.item.file in MODEL_MISSES:
            assert not j.verdicts[j.label].in_pose, f"{j.item.file} is accepted now; drop it from MODEL_MISSES"


def test_false_accepts_at_most_3_percent(footage_result):
    t = footage_result.totals()
    assert t["false_accept_checks"] > 1000
    assert t["false_accept_rate"] <= 0.03, t


def test_top1_recognition_at_least_95_percent_and_negatives_unnamed(footage_result):
    t = footage_result.totals()
    assert t["top1_rate"] >= 0.95, t
    assert t["negatives"] >= 10 and t["negatives_named"] == 0, t


def test_overstretch_examples_flagged_and_clean_images_not(footage_result):
    res = footage_result
    t = res.totals()
    assert t["overstretch_examples"] == 7  # 4 full cobras, 3 backbend standing stretches
    flagged = {j.item.file for j in res.judged if j.label and j.verdicts[j.label].overstretch}
    examples = {j.item.file for j in res.judged if j.overstretch_example}
    assert examples <= flagged
    assert res.poses["low_cobra"].clean_flagged == 0 and res.poses["standing_stretch"].clean_flagged == 0
    assert res.poses["low_cobra"].clean_images >= 4 and res.poses["standing_stretch"].clean_images >= 9


def test_low_lunge_folder_counts_for_wall_psoas(footage_result):
    st = footage_result.poses["wall_psoas"]
    assert st.folders == ["low_lunge"] and st.images == 3 and st.accepted == 3


def test_walk_your_dog_is_not_a_false_accept_of_downward_dog_images(footage_result):
    res = footage_result
    dogs = [j for j in res.judged if j.label == "downward_dog"]
    assert all(j.verdicts["walk_your_dog"].in_pose for j in dogs)  # a still dog is the variant's shape
    assert all(j.best == "downward_dog" for j in dogs)  # but it is named as the base pose
    assert res.poses["walk_your_dog"].false_accepts == 0


def test_spec_test_command_on_landmarks_json():
    if not (FOOTAGE / "MANIFEST.tsv").exists():
        pytest.skip(f"shared footage not available at {FOOTAGE}")
    proc = run_cli("spec", "test", str(FOOTAGE), "--landmarks", str(DATA / "footage_images.jsonl.gz"), "--json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["poses"]["staff"]["images"] == 12
    assert d["totals"]["top1_rate"] >= 0.95
    assert "other" in d["labels"] and d["confusion"]["other"].get("none") == d["totals"]["negatives"]


def test_spec_test_human_output_names_the_columns():
    if not (FOOTAGE / "MANIFEST.tsv").exists():
        pytest.skip(f"shared footage not available at {FOOTAGE}")
    proc = run_cli("spec", "test", str(FOOTAGE), "--landmarks", str(DATA / "footage_images.jsonl.gz"))
    assert proc.returncode == 0, proc.stderr
    for words in ("own accepted", "wrongly accepts", "top-1", "over-stretch", "confusion"):
        assert words in proc.stdout


def test_spec_test_runs_the_model_on_a_labelled_folder(tmp_path):
    picks = {"staff": "staff_sax_03.jpg", "low_cobra": "cobra_saraswathi_full.jpg",
             "other": "other_warrior2_yihuan.jpg"}
    for pose, name in picks.items():
        src = FOOTAGE / "images" / pose / name
        if not src.exists():
            pytest.skip(f"shared footage not available at {FOOTAGE}")
        (tmp_path / "images" / pose).mkdir(parents=True)
        (tmp_path / "images" / pose / name).symlink_to(src)  # read in place, never copied
    (tmp_path / "MANIFEST.tsv").write_text(
        "file\tnote\nimages/low_cobra/cobra_saraswathi_full.jpg\tfull cobra: over-extension\n")
    proc = run_cli("spec", "test", str(tmp_path), "--json")
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["poses"]["staff"]["accepted"] == 1 and d["poses"]["low_cobra"]["accepted"] == 1
    assert d["poses"]["low_cobra"]["overstretch_flagged"] == 1
    assert d["totals"]["negatives_named"] == 0 and d["totals"]["top1"] == 2


@pytest.mark.parametrize("args,words", [
    (("spec", "test", "/nonexistent/footage"), ("not a folder",)),
    (("spec", "test", "."), ("no 'images' folder",)),
])
def test_spec_test_bad_input_is_one_line(args, words):
    from .conftest import assert_one_line_error
    assert_one_line_error(run_cli(*args), *words)


def test_spec_test_bad_landmarks_file(tmp_path):
    from .conftest import assert_one_line_error
    (tmp_path / "images" / "staff").mkdir(parents=True)
    (tmp_path / "images" / "staff" / "a.jpg").write_bytes(b"x")
    bad = tmp_path / "l.jsonl"
    bad.write_text("not json\n")
    assert_one_line_error(run_cli("spec", "test", str(tmp_path), "--landmarks", str(bad)), "not a landmarks file")


def test_spec_test_leaves_out_an_unreadable_image_and_says_so(tmp_path):
    src = FOOTAGE / "images" / "staff" / "staff_sax_03.jpg"
    if not src.exists():
        pytest.skip(f"shared footage not available at {FOOTAGE}")
    (tmp_path / "images" / "staff").mkdir(parents=True)
    (tmp_path / "images" / "staff" / "good.jpg").symlink_to(src)
    (tmp_path / "images" / "staff" / "broken.jpg").write_bytes(b"not a jpeg")
    proc = run_cli("spec", "test", str(tmp_path), "--json")
    assert proc.returncode == 2
    d = json.loads(proc.stdout)
    assert d["poses"]["staff"]["images"] == 1 and d["poses"]["staff"]["accepted"] == 1
    assert len(d["unreadable"]) == 1 and "broken.jpg" in d["unreadable"][0]
    assert "broken.jpg" in proc.stderr and "Traceback" not in proc.stderr
