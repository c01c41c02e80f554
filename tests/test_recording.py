"""Landmark recordings: round trip, interrupted files, replay as a source."""

from __future__ import annotations

import json

import numpy as np
import pytest

from formcheck.errors import FormcheckError
from formcheck.pose import Pose
from formcheck.recording import RecordingHeader, RecordingReader, RecordingWriter
from formcheck.sources import open_source

from .conftest import run_cli, video_recording


def _pose(seed: int) -> Pose:
    rng = np.random.default_rng(seed)
    return Pose(image=rng.random((33, 3)), world=rng.normal(0, 0.4, (33, 3)), visibility=rng.random(33))


HEADER = RecordingHeader("clip.mp4", 25.0, 640, 360, "test")


@pytest.mark.parametrize("name", ["r.jsonl", "r.jsonl.gz"])
def test_round_trip(tmp_path, name):
    poses = [_pose(i) if i != 2 else None for i in range(5)]
    with RecordingWriter(tmp_path / name, HEADER) as w:
        for i, p in enumerate(poses):
            w.write(i, i * 40.0, p)
    reader = RecordingReader(tmp_path / name)
    assert reader.header == HEADER
    got = list(reader)
    assert reader.complete is True
    assert [g[:2] for g in got] == [(i, i * 40.0) for i in range(5)]
    for (_, _, g), p in zip(got, poses):
        if p is None:
            assert g is None
        else:
            assert np.allclose(g.world, p.world, atol=6e-4)
            assert np.allclose(g.image, p.image, atol=6e-5)
            assert np.allclose(g.visibility, p.visibility, atol=6e-3)


def test_interrupted_writer_keeps_frames(tmp_path):
    target = tmp_path / "r.jsonl.gz"
    with pytest.raises(KeyboardInterrupt):
        with RecordingWriter(target, HEADER) as w:
            w.write(0, 0.0, _pose(0))
            w.write(1, 40.0, _pose(1))
            raise KeyboardInterrupt
    reader = RecordingReader(target)
    assert len(list(reader)) == 2
    assert reader.complete is False and "interrupted" in reader.problem


def test_truncated_gzip_reads_what_is_there(tmp_path):
    target = tmp_path / "r.jsonl.gz"
    with RecordingWriter(target, HEADER) as w:
        for i in range(200):
            w.write(i, i * 40.0, _pose(i))
    data = target.read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    reader = RecordingReader(cut)
    frames = list(reader)
    assert 0 < len(frames) < 200 and reader.complete is False


def test_not_a_recording(tmp_path):
    f = tmp_path / "x.jsonl"
    f.write_text(json.dumps({"hello": 1}) + "\n")
    with pytest.raises(FormcheckError, match="not a formcheck landmark recording"):
        RecordingReader(f)


def test_recording_replays_through_video_command(tmp_path):
    rec = video_recording("downward_dog_hold_man")
    report = tmp_path / "r.json"
    proc = run_cli("video", str(rec), "--pose", "downward_dog", "--report", str(report))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(report.read_text())
    assert data["complete"] is True and data["frames"] > 1000
    assert data["source"] == rec.name


def test_recording_source_start_end_stride():
    src = open_source(video_recording("low_cobra_from_tabletop"), start_s=2.0, end_s=4.0, stride=2)
    frames = list(src)
    assert frames and all(2000 <= f.t_ms < 4000 for f in frames)
    assert len(frames) == pytest.approx(25, abs=2)  # 2 s at 25 fps, every 2nd frame
