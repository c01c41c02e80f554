"""formcheck video as a review tool: timeline CSV, HTML review, overlay,
progress, batch runs, faults. Runs on landmark recordings (no model) except
where the point is decoding a real (truncated) video."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from formcheck.outputs import write_atomic
from formcheck.progress import Progress
from formcheck.review import key_features
from formcheck.specs import resolve_spec
from formcheck.svgplot import envelope, nice_ticks
from formcheck.timeline import timeline_columns

from .review_data import FOOTAGE, STANDARD, write_recording

SPEC_FILE = Path(__file__).parent / "data" / "review_staff.toml"  # frozen: tuning the bundled specs moves nothing here
STAFF = resolve_spec(str(SPEC_FILE))


@pytest.fixture(scope="module")
def standard(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rec") / "standard.landmarks.jsonl.gz"
    write_recording(path, STANDARD)
    return path


def run_cli(args, capsys=None) -> tuple[int, str, str]:
    """The real command line in a fresh process (main() rewires the process's stderr)."""
    res = subprocess.run([sys.executable, "-m", "formcheck.cli", *map(str, args)], capture_output=True,
                         text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    return res.returncode, res.stdout, res.stderr


# --- timeline and report -------------------------------------------------------

def test_timeline_has_every_feature_rule_and_hold_state(standard, tmp_path, capsys):
    code, _, err = run_cli(["video", standard, "--pose", SPEC_FILE, "--timeline", tmp_path / "t.csv",
                            "--report", tmp_path / "r.json", "--quiet"], capsys)
    assert code == 0, err
    report = json.loads((tmp_path / "r.json").read_text())
    with open(tmp_path / "t.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0].keys()) == timeline_columns(STAFF)
    assert {"knee.left", "knee.right", "trunk_incline", "form:knee.both", "limit:trunk_incline",
            "hold_phase", "hold_s", "warning"} <= set(rows[0])
    assert len(rows) == report["frames"] == 600
    # The fold (32-35 s) crosses the limit; the timeline says so, in the rule column and the warning.
    over = [r for r in rows if r["limit:trunk_incline"] == "overstretch"]
    assert over and 32.0 <= float(over[0]["t_s"]) < 33.0 and float(over[-1]["t_s"]) < 35.6
    assert all(float(r["trunk_incline"]) > 35 for r in over)
    fired = [r for r in rows if r["warning"]]
    assert [float(r["t_s"]) for r in fired] == [report["warnings"][0]["t_s"]]
    assert fired[0]["warning"] == report["warnings"][0]["cue"]
    # Hold state: holding in the first stretch, the timer reaching the report's longest hold.
    assert rows[300]["hold_phase"] == "holding" and rows[300]["form_ok"] == "1"
    assert max(float(r["hold_s"]) for r in rows) == pytest.approx(report["longest_hold_s"], abs=0.07)


def test_report_keeps_its_contract(standard, tmp_path, capsys):
    code, out, _ = run_cli(["video", standard, "--pose", SPEC_FILE, "--report", tmp_path / "r.json"], capsys)
    assert code == 0
    report = json.loads((tmp_path / "r.json").read_text())
    for key in ("pose", "frames", "duration_s", "holds", "warnings", "time_in_form_s", "longest_hold_s",
                "complete", "problem", "hold_target_s"):
        assert key in report
    assert report["complete"] is True and report["problem"] is None
    assert [h["completed"] for h in report["holds"]] == [True, False]
    assert set(report["holds"][0]) == {"start_s", "end_s", "duration_s", "side", "completed"}
    assert {"t_s", "rule", "kind", "cue"} <= set(report["warnings"][0])
    assert "hold: 0.0-32.0s" in out


def test_start_end_and_stride_pick_the_frames(standard, tmp_path, capsys):
    code, _, _ = run_cli(["video", standard, "--pose", SPEC_FILE, "--timeline", tmp_path / "t.csv",
                          "--start", 10, "--end", 20, "--stride", 3, "--quiet"], capsys)
    assert code == 0
    with open(tmp_path / "t.csv", newline="") as f:
        times = [float(r["t_s"]) for r in csv.DictReader(f)]
    assert times[0] == pytest.approx(10.0) and times[-1] < 20.0
    assert np.allclose(np.diff(times), 3 / 15.0, atol=1e-3)
    assert len(times) == 50  # 150 frames in 10 s at 15 fps, every third


@pytest.mark.parametrize("args, words", [
    (["--stride", "0"], "--stride"),
    (["--start", "5", "--end", "2"], "--end"),
])
def test_bad_ranges_are_one_line(standard, capsys, args, words):
    code, _, err = run_cli(["video", standard, "--pose", SPEC_FILE, *args], capsys)
    assert code == 2 and err.count("\n") == 1 and words in err


# --- HTML review ---------------------------------------------------------------

def html_of(standard, tmp_path, capsys, *extra) -> tuple[str, dict]:
    code, _, err = run_cli(["video", standard, "--pose", SPEC_FILE, "--html", tmp_path / "r.html",
                            "--report", tmp_path / "r.json", "--quiet", *extra], capsys)
    assert code == 0, err
    return (tmp_path / "r.html").read_text(), json.loads((tmp_path / "r.json").read_text())


def test_html_is_self_contained_with_charts_and_stills(standard, tmp_path, capsys):
    html, report = html_of(standard, tmp_path, capsys)
    # Nothing fetched from anywhere: no scripts, no links, no remote sources.
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:|#)""", html)
    assert not re.search(r"url\((?!data:)", html)
    # One chart per key angle plus the state strip.
    assert html.count("<svg") == len(key_features(STAFF)) + 1
    assert "limit: above 40" in html and "good: 158-180" in html
    # Holds shaded (one span per hold in each chart), the warning marked in each chart.
    assert html.count('class="mark"') == len(key_features(STAFF)) * len(report["warnings"])
    # Still frames: the best hold and each warning, as embedded JPEGs that decode.
    jpegs = re.findall(r'src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(jpegs) == 1 + len(report["warnings"])
    import base64
    for b in jpegs:
        img = cv2.imdecode(np.frombuffer(base64.b64decode(b), np.uint8), cv2.IMREAD_COLOR)
        assert img is not None and img.shape[0] == 360
    assert "Best hold" in html and "reached its 30s target" in html
    assert "32.0s / 30s" in html  # longest hold against its target


def test_envelope_keeps_spikes_and_breaks_on_gaps():
    t = np.arange(10000) / 30.0
    v = np.full(t.size, 10.0)
    v[5000] = 80.0  # one frame spike
    v[7000:7100] = np.nan  # no person for a while
    runs = envelope(t, v, t[0], t[-1], 500)
    assert len(runs) == 2
    assert max(hi for run in runs for _, _, hi in run) == 80.0
    assert sum(len(r) for r in runs) < 500
    assert nice_ticks(0, 100, 4) == [0, 25, 50, 75, 100]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        for d in os.environ.get("PATH", "").split(os.pathsep):
            if os.access(os.path.join(d, name), os.X_OK):
                return os.path.join(d, name)
    return None


def _chrome(page: Path, tmp_path: Path, *args) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile{time.monotonic_ns()}"
    profile.mkdir()
    return subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", *args, page.as_uri()],
        capture_output=True, text=True, timeout=120)


def _page_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line or "Uncaught" in line or "Failed to load resource" in line
            or "net::ERR" in line]


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed (apt-get install chromium)")
def test_html_loads_in_chromium_without_errors_and_shows_the_plots(standard, tmp_path, capsys):
    html_of(standard, tmp_path, capsys)
    page = tmp_path / "r.html"
    dom = _chrome(page, tmp_path, "--dump-dom")
    assert dom.returncode == 0
    assert _page_errors(dom.stderr) == []
    assert dom.stdout.count("<svg") == len(key_features(STAFF)) + 1
    # The detector does catch a broken page (so the check above can fail).
    broken = tmp_path / "broken.html"
    broken.write_text('<html><body><img src="http://192.0.2.1/x.png"><script>nosuch()</script></body></html>')
    assert _page_errors(_chrome(broken, tmp_path, "--dump-dom").stderr)
    shot = tmp_path / "shot.png"
    res = _chrome(page, tmp_path, f"--screenshot={shot}", "--window-size=1100,1400")
    assert res.returncode == 0 and shot.exists(), res.stderr[-2000:]
    img = cv2.imread(str(shot))
    # The charts are drawn: the series line (#1f4e8c), the good band and the state strip's green are there.
    def count(bgr, tol=12):
        return int(np.all(np.abs(img.astype(int) - np.array(bgr)) <= tol, axis=2).sum())
    assert count((0x8c, 0x4e, 0x1f)) > 500  # series lines
    assert count((0x50, 0xaf, 0x4c)) > 5000  # state strip: good form
    assert count((0x3d, 0x26, 0xd7)) > 300  # state strip: the over-stretch


# --- overlay -------------------------------------------------------------------

def _results(path: Path, spec, times: list[float]):
    from formcheck.pipeline import Session, with_poses
    from formcheck.sources import open_source
    session, want, got = Session(spec), sorted(times), {}
    for frame, pose in with_poses(open_source(path), None):
        r = session.step(frame, pose)
        if want and frame.t_ms >= want[0] * 1000:
            got[want.pop(0)] = r
    return got


@pytest.mark.parametrize("size", [(854, 480), (1920, 1080)])
def test_overlay_banner_timer_and_chips_at_480p_and_1080p(standard, size):
    from formcheck.overlay import COLOURS, Overlay
    rs = _results(standard, STAFF, [20.0, 33.5])
    ov = Overlay(STAFF)
    w, h = size
    good, over = ov.annotate(None, rs[20.0], size), ov.annotate(None, rs[33.5], size)
    assert good.shape == over.shape == (h, w, 3)

    def red(img):
        return int(np.all(np.abs(img.astype(int) - np.array(COLOURS["overstretch"])) <= 40, axis=2).sum())
    bottom = slice(int(h * 0.85), h)
    # The over-stretch banner fills the bottom; a frame in good form has none.
    assert red(over[bottom]) > 0.4 * w * (h - int(h * 0.85)) * 0.5
    assert red(good[bottom]) == 0
    # The hold timer bar is green and about 20/30 full at 20 s.
    green = np.all(np.abs(good.astype(int) - np.array(COLOURS["ok"])) <= 30, axis=2)
    top = green[: int(h * 0.25), : int(w * 0.45)]
    assert top.sum() > 0
    # Labels are large enough to read: the chip text is at least 10 px tall at 480p.
    from formcheck.overlay import _size
    scale = max(0.5, 0.62 * max(h, 400) / 720.0)
    assert _size("knee L 170", scale, 1)[1] >= 10


# --- progress ------------------------------------------------------------------

def test_progress_quiet_when_not_a_terminal():
    stream = io.StringIO()  # not a terminal
    p = Progress("x", 10, stream=stream)
    for i in range(10):
        p.update(i)
    p.close()
    assert stream.getvalue() == ""

    class Tty(io.StringIO):
        def isatty(self):
            return True
    tty = Tty()
    p = Progress("x", 10, stream=tty, interval_s=0)
    p.update(5)
    assert "5/10" in tty.getvalue() and "frame" in tty.getvalue()
    quiet = Tty()
    Progress("x", 10, quiet=True, stream=quiet).update(5)
    assert quiet.getvalue() == ""


# --- faults --------------------------------------------------------------------

def test_truncated_recording_writes_an_incomplete_report(tmp_path, capsys):
    rec = tmp_path / "cut.landmarks.jsonl.gz"
    write_recording(rec, STANDARD)
    data = rec.read_bytes()
    rec.write_bytes(data[: len(data) // 2])
    code, _, err = run_cli(["video", rec, "--pose", SPEC_FILE, "--report", tmp_path / "r.json",
                            "--timeline", tmp_path / "t.csv", "--html", tmp_path / "r.html", "--quiet"], capsys)
    assert code == 2 and err.count("\n") == 1 and "truncated" in err
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["complete"] is False and "truncated" in report["problem"]
    assert 0 < report["frames"] < 600
    assert "Incomplete run" in (tmp_path / "r.html").read_text()
    assert sum(1 for _ in open(tmp_path / "t.csv")) == report["frames"] + 1


@pytest.mark.skipif(not (FOOTAGE / "videos").is_dir(), reason="shared footage folder is absent")
def test_truncated_video_mid_run_keeps_what_was_done(tmp_path, capsys):
    # Re-encode the first 2 s of a real clip as AVI (its header states the frame count), then cut it.
    cap = cv2.VideoCapture(str(FOOTAGE / "videos" / "low_cobra_from_tabletop.mp4"))
    fps = cap.get(cv2.CAP_PROP_FPS)
    full = tmp_path / "full.avi"
    writer = cv2.VideoWriter(str(full), cv2.VideoWriter_fourcc(*"MJPG"), fps, (480, 300))
    for _ in range(int(2 * fps)):
        ok, img = cap.read()
        assert ok
        writer.write(cv2.resize(img, (480, 300)))
    writer.release()
    cap.release()
    data = full.read_bytes()
    cut = tmp_path / "cut.avi"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    report_path = tmp_path / "r.json"
    code, _, err = run_cli(["video", cut, "--pose", "low_cobra", "--report", report_path, "--quiet"], capsys)
    assert code == 2 and err.count("\n") == 1 and "truncated" in err, err
    report = json.loads(report_path.read_text())
    assert report["complete"] is False and 0 < report["frames"] < int(2 * fps)


def test_ctrl_c_writes_the_report_so_far(tmp_path):
    rec = tmp_path / "long.landmarks.jsonl.gz"
    write_recording(rec, STANDARD * 40)  # 26 minutes at 15 fps: far longer than the test waits
    report, timeline = tmp_path / "r.json", tmp_path / "t.csv"
    proc = subprocess.Popen([sys.executable, "-m", "formcheck.cli", "video", str(rec), "--pose", SPEC_FILE,
                             "--report", str(report), "--timeline", str(timeline)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until it is mid-run (its timeline is being written)
        if any(p.name.startswith(".t.csv.") and p.stat().st_size > 50_000 for p in tmp_path.iterdir()):
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.count("\n") == 1 and "interrupted" in err, err
    data = json.loads(report.read_text())
    assert data["complete"] is False and data["problem"] == "interrupted (Ctrl-C)"
    assert 0 < data["frames"] < 600 * 40
    assert sum(1 for _ in open(timeline)) == data["frames"] + 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_unwritable_output_is_refused_before_any_work(standard, tmp_path, capsys):
    t0 = time.monotonic()
    code, out, err = run_cli(["video", standard, "--pose", SPEC_FILE, "--timeline", tmp_path / "t.csv",
                              "--report", tmp_path / "missing" / "r.json"], capsys)
    assert code == 2 and err.count("\n") == 1 and "does not exist" in err
    assert not (tmp_path / "t.csv").exists() and out == ""
    code, _, err = run_cli(["video", standard, "--pose", SPEC_FILE, "--html", tmp_path], capsys)
    assert code == 2 and "is a folder" in err
    assert time.monotonic() - t0 < 5


def test_atomic_write_never_leaves_a_half_file(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    target.write_text("GOOD")

    real_fdopen = os.fdopen

    def failing_fdopen(*a, **k):
        f = real_fdopen(*a, **k)
        orig = f.write

        def write(data):
            orig(data[: len(data) // 2])
            raise OSError(28, "No space left on device")
        f.write = write
        return f
    monkeypatch.setattr(os, "fdopen", failing_fdopen)
    with pytest.raises(OSError):
        write_atomic(target, "NEW REPORT " * 100)
    assert target.read_text() == "GOOD"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


# --- batch ---------------------------------------------------------------------

def test_batch_folder_runs_all_skips_a_bad_file_and_names_outputs(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    write_recording(inputs / "a.landmarks.jsonl.gz", STANDARD)
    write_recording(inputs / "b.landmarks.jsonl.gz", [(5.0, 0.0)])
    (inputs / "broken.mp4").write_bytes(b"this is not a video")
    out_dir = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "formcheck.cli", "video", str(inputs), "--pose", SPEC_FILE,
                          "--report", "--timeline", "--html", "--out-dir", str(out_dir), "--jobs", "2"],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert res.returncode == 2
    errors = res.stderr.strip().splitlines()
    assert len(errors) == 1 and "broken.mp4" in errors[0], res.stderr
    for stem in ("a", "b"):
        for suffix in (".report.json", ".timeline.csv", ".html"):
            assert (out_dir / f"{stem}{suffix}").is_file(), stem + suffix
    assert json.loads((out_dir / "a.report.json").read_text())["holds"][0]["completed"] is True
    assert not (out_dir / "broken.report.json").exists()
    table = res.stdout.splitlines()
    assert table[0].split()[:2] == ["file", "frames"]
    rows = {line.split()[0]: line for line in table[1:4]}
    assert rows["a.landmarks.jsonl.gz"].split()[1] == "600" and rows["a.landmarks.jsonl.gz"].endswith("ok")
    assert rows["broken.mp4"].endswith("FAILED")
    assert "2 of 3 inputs done" in table[-1]


def test_batch_naming_rules(standard, tmp_path, capsys):
    other = tmp_path / "x" / standard.name
    other.parent.mkdir()
    other.write_bytes(standard.read_bytes())
    second = tmp_path / "second.landmarks.jsonl.gz"
    second.write_bytes(standard.read_bytes())
    # One file name for several inputs would overwrite: refused, one line.
    code, _, err = run_cli(["video", standard, second, "--pose", SPEC_FILE, "--report", tmp_path / "r.json"], capsys)
    assert code == 2 and err.count("\n") == 1 and "{stem}" in err
    # Two inputs with the same stem: refused before any work.
    code, _, err = run_cli(["video", standard, other, "--pose", SPEC_FILE, "--report", "--out-dir", tmp_path],
                           capsys)
    assert code == 2 and "same name" in err
    # A {stem} template names each one.
    code, out, err = run_cli(["video", standard, second, "--pose", SPEC_FILE, "--jobs", "1", "--quiet",
                              "--report", str(tmp_path / "{stem}-r.json")], capsys)
    assert code == 0, err
    assert (tmp_path / "standard-r.json").is_file() and (tmp_path / "second-r.json").is_file()


def test_prefetched_source_passes_frames_state_and_errors_through():
    from formcheck.prefetch import Prefetched
    from formcheck.sources import Frame, Source, SourceInfo

    class Fake(Source):
        def __init__(self, n, fail_at=None):
            self.info = SourceInfo("fake", "video", 30.0, 4, 4, n)
            self.n, self.fail_at, self.closed = n, fail_at, False

        def __iter__(self):
            self.complete, self.problem = True, None
            for i in range(self.n):
                if i == self.fail_at:
                    raise ValueError("decoder broke")
                yield Frame(i, i * 33.3, None)
            self.complete, self.problem = False, "cut short"

        def close(self):
            self.closed = True

    src = Prefetched(Fake(50), depth=3)
    assert [f.index for f in src] == list(range(50))
    assert src.complete is False and src.problem == "cut short" and src.info.name == "fake"
    src.close()
    assert src.source.closed
    with pytest.raises(ValueError, match="decoder broke"):
        list(Prefetched(Fake(50, fail_at=20)))
    early = Prefetched(Fake(10_000), depth=2)
    for f in early:
        if f.index == 5:
            break
    early.close()  # stops the reading thread (or this would hang)
    assert early._thread is None


def test_a_folder_without_videos_is_one_line(tmp_path):
    (tmp_path / "notes.txt").write_text("no videos here")
    code, _, err = run_cli(["video", tmp_path, "--pose", SPEC_FILE])
    assert code == 2 and err.count("\n") == 1 and "has no videos" in err


def test_batch_ctrl_c_stops_every_worker_and_keeps_their_outputs(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a", "b", "c"):
        write_recording(inputs / f"{name}.landmarks.jsonl.gz", STANDARD * 30)
    out_dir = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "formcheck.cli", "video", str(inputs), "--pose", SPEC_FILE,
                             "--report", "--timeline", "--out-dir", str(out_dir), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # both workers mid-run
        busy = [p for p in out_dir.glob(".*.timeline.csv.*") if p.stat().st_size > 50_000] if out_dir.exists() else []
        if len(busy) >= 2:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)  # to the main process only: it must tell the workers
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    for name in ("a", "b"):
        report = json.loads((out_dir / f"{name}.report.json").read_text())
        assert report["complete"] is False and report["problem"] == "interrupted (Ctrl-C)"
        assert sum(1 for _ in open(out_dir / f"{name}.timeline.csv")) == report["frames"] + 1
    assert not (out_dir / "c.report.json").exists()
    assert "NOT RUN" in out and "Traceback" not in err
    assert len(err.strip().splitlines()) == 3  # one line per input
