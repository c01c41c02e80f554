"""Bad input: one line on stderr saying what and how to fix it, exit 2, no traceback."""

from __future__ import annotations

import cv2
import numpy as np

from .conftest import assert_one_line_error, footage, run_cli


def test_missing_video():
    assert_one_line_error(run_cli("video", "no/such/clip.mp4", "--pose", "staff"), "not found")


def test_not_a_video(tmp_path):
    f = tmp_path / "notes.mp4"
    f.write_text("this is text, not a video\n" * 50)
    assert_one_line_error(run_cli("video", str(f), "--pose", "staff"), "cannot open", "not a video")


def test_unreadable_video(tmp_path):
    f = tmp_path / "locked.mp4"
    f.write_bytes(b"\0" * 100)
    f.chmod(0)
    import os
    if os.access(f, os.R_OK):  # root can read anything: nothing to test then
        f.chmod(0o644)
        f.write_bytes(b"")
    proc = run_cli("video", str(f), "--pose", "staff")
    assert_one_line_error(proc)


def test_truncated_video(tmp_path):
    clip = footage("videos/low_cobra_from_tabletop.mp4")
    f = tmp_path / "cut.mp4"
    f.write_bytes(clip.read_bytes()[: clip.stat().st_size // 3])
    proc = run_cli("video", str(f), "--pose", "low_cobra", "--report", str(tmp_path / "r.json"))
    assert_one_line_error(proc)
    assert any(w in proc.stderr for w in ("truncated", "corrupt"))


def test_video_with_no_frames(tmp_path):
    f = tmp_path / "empty.avi"
    w = cv2.VideoWriter(str(f), cv2.VideoWriter_fourcc(*"MJPG"), 25, (64, 48))
    w.release()
    assert_one_line_error(run_cli("video", str(f), "--pose", "staff"))


def test_image_with_no_person(tmp_path):
    f = tmp_path / "wall.png"
    img = np.full((480, 640, 3), 200, np.uint8)
    cv2.rectangle(img, (100, 100), (300, 200), (40, 90, 160), -1)
    cv2.imwrite(str(f), img)
    proc = run_cli("image", str(f), "--pose", "staff", "--json")
    assert_one_line_error(proc, "no person")
    import json
    line = json.loads(proc.stdout.strip())
    assert line["person"] is False and line["best"] is None


def test_image_that_is_not_an_image(tmp_path):
    f = tmp_path / "photo.jpg"
    f.write_bytes(b"GIF89a not really")
    assert_one_line_error(run_cli("image", str(f)), "not an image")


def test_camera_that_does_not_open():
    assert_one_line_error(run_cli("live", "--camera", "9", "--pose", "staff", "--headless"), "camera 9")


def test_unknown_pose_name():
    assert_one_line_error(run_cli("video", "x.mp4", "--pose", "stafff"), "unknown pose", "staff")


def test_bad_arguments_are_one_line():
    assert_one_line_error(run_cli("video", "--pose"), "--help")


def test_unwritable_report_fails_before_work(tmp_path):
    proc = run_cli("video", str(footage("videos/low_cobra_from_tabletop.mp4")), "--pose", "low_cobra",
                   "--report", str(tmp_path / "no" / "dir" / "r.json"))
    assert_one_line_error(proc, "does not exist")
