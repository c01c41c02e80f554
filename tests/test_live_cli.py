"""formcheck live end to end: headless runs on a real clip standing in for
the camera (paced in real time, so the clip is short), faults, Ctrl-C."""

import os
import signal
import sqlite3
import subprocess
import sys
import wave

import numpy as np
import pytest

from formcheck.cli import main
from formcheck.sources import Frame, SourceInfo
from formcheck.specs import resolve_spec
from .live_fixtures import FOOTAGE, ROUTINES, find_pose

CLIP = FOOTAGE / "videos" / "downward_dog_tabletop_transitions_woman.mp4"  # 13.8 s, dog held ~3.5-7.5 s
ROUTINE = ROUTINES / "dog-then-cobra.toml"
needs_clip = pytest.mark.skipif(not CLIP.exists(), reason=f"footage clip not found: {CLIP}")


@pytest.fixture(autouse=True)
def _python_stderr(monkeypatch):
    """In-process runs of main(): keep sys.stderr as pytest's capture (the CLI
    would otherwise swap it to silence native logs)."""
    monkeypatch.setenv("FORMCHECK_NATIVE_LOGS", "1")


def live_args(db, wav, *extra):
    return [sys.executable, "-m", "formcheck.cli", "live", "--camera", str(CLIP), "--headless", "--routine",
            str(ROUTINE), "--db", str(db), "--audio-out", str(wav), "--feeling-before", "4",
            "--feeling-after", "7", *extra]


@needs_clip
def test_headless_routine_end_to_end(tmp_path):
    db, wav = tmp_path / "h.sqlite", tmp_path / "a.wav"
    run = subprocess.run(live_args(db, wav), capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert out.splitlines()[0].startswith("formcheck guides your practice")
    assert "hold target reached" in out and "step 2: Low cobra" in out
    con = sqlite3.connect(db)
    status, before, after, duration = con.execute(
        "SELECT status, feeling_before, feeling_after, duration_s FROM sessions").fetchone()
    assert (status, before, after) == ("source_ended", 4, 7) and 12 < duration < 15
    poses = con.execute("SELECT pose, status, best_hold_s FROM poses ORDER BY step").fetchall()
    assert poses[0][:2] == ("downward_dog", "completed") and 3.0 <= poses[0][2] < 3.3
    assert poses[1][:2] == ("low_cobra", "source_ended")
    start_s, duration_s, completed = con.execute(
        "SELECT start_s, duration_s, completed FROM holds WHERE pose = 'downward_dog'").fetchone()
    assert completed == 1 and 2.0 < start_s < 6.0  # the clip's dog starts at ~3.5 s
    with wave.open(str(wav)) as w:
        rate = w.getframerate()
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768.0
    assert 10 < len(pcm) / rate < 20
    loud = np.abs(pcm) > 0.05
    # The hold's chime: a hold is confirmed after the settle time and back-dated to
    # its first good frame (the printed time), so the chime starts within 0.6 s of
    # the confirmation, i.e. settle + 0.6 s after the printed start. An onset
    # (silence -> sound) is required, not the tail of an earlier announcement.
    hold_line = next(l for l in out.splitlines() if l.strip().endswith("hold started"))
    t_hold = float(hold_line.split("s")[0])
    settle_s = resolve_spec("downward_dog").timing.settle_s
    onsets = np.flatnonzero(loud[1:] & ~loud[:-1]) / rate
    assert any(t_hold < t <= t_hold + settle_s + 0.6 for t in onsets), (t_hold, onsets[:20])
    # ... and the session is not one continuous noise.
    assert 0.05 < loud.mean() < 0.8


@needs_clip
def test_ctrl_c_saves_the_session(tmp_path):
    db, wav = tmp_path / "h.sqlite", tmp_path / "a.wav"
    proc = subprocess.Popen(live_args(db, wav), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if line.strip().endswith("hold started"):
            proc.send_signal(signal.SIGINT)
            break
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "session interrupted" in out and "Traceback" not in err
    con = sqlite3.connect(db)
    assert con.execute("SELECT status FROM sessions").fetchone() == ("interrupted",)
    assert con.execute("SELECT status FROM poses").fetchone() == ("interrupted",)
    assert con.execute("SELECT COUNT(*) FROM holds").fetchone()[0] == 1  # the running hold, closed
    assert wav.exists()


class _DisconnectingCamera:
    """A camera that delivers a few seconds of a real pose, then stops."""

    def __init__(self, camera, start_s=0.0, **kw):
        self.pose = find_pose("downward_dog", "downward_dog", "form_ok")
        self.info = SourceInfo("camera 0", "camera", 30.0, 640, 480, None)
        self.t0 = 0.0
        self.complete, self.problem = True, None

    def __iter__(self):
        image = np.full((480, 640, 3), 120, np.uint8)
        for i in range(360):  # 12 s: set-up 1 s, countdown 5 s, then holding
            yield Frame(i, i * 1000 / 30, image, self.pose, recorded=True)
        self.complete, self.problem = False, "the camera stopped delivering frames (disconnected?)"

    def close(self):
        pass


def test_camera_lost_mid_session_is_reported_and_saved(tmp_path, monkeypatch, capsys):
    import formcheck.sources as sources

    monkeypatch.setattr(sources, "CameraSource", _DisconnectingCamera)
    db = tmp_path / "h.sqlite"
    code = main(["live", "--camera", "0", "--headless", "--pose", "downward_dog", "--hold", "30", "--db", str(db),
                 "--mute", "--feeling-before", "5"])
    err = capsys.readouterr().err
    assert code == 2 and "disconnected" in err and "saved" in err
    con = sqlite3.connect(db)
    assert con.execute("SELECT status, feeling_before FROM sessions").fetchone() == ("camera_lost", 5)
    assert con.execute("SELECT status FROM poses").fetchone() == ("camera_lost",)
    (duration,) = con.execute("SELECT duration_s FROM holds").fetchone()
    assert duration > 1.0


@pytest.mark.parametrize("argv, needle", [
    (["--camera", "9", "--pose", "staff"], "camera 9 could not be opened"),
    (["--camera", "/no/such.mp4", "--pose", "staff"], "no such camera index or video file"),
    (["--routine", "no-such-routine"], "unknown routine"),
    (["--pose", "staff", "--feeling-before", "11"], "from 0 to 10"),
    ([], "--pose NAME or --routine NAME"),
    (["--routine", "gentle-back", "--hold", "5"], "--hold goes with --pose"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, argv, needle):
    code = main(["live", "--headless", "--db", str(tmp_path / "h.sqlite"), *argv])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and err.count("\n") == 1


def test_routine_with_unknown_pose_names_them(tmp_path, capsys):
    r = tmp_path / "mine.toml"
    r.write_text('[[step]]\npose = "staff"\n[[step]]\npose = "stafff"\n[[step]]\npose = "frog"\n')
    assert main(["live", "--headless", "--routine", str(r), "--db", str(tmp_path / "h.sqlite")]) == 2
    err = capsys.readouterr().err
    assert "unknown pose 'stafff'; did you mean staff?" in err and "unknown pose 'frog'" in err


@needs_clip
def test_window_without_a_display_says_run_headless(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    code = main(["live", "--camera", str(CLIP), "--pose", "staff", "--db", str(tmp_path / "h.sqlite"), "--mute"])
    err = capsys.readouterr().err
    assert code == 2 and "--headless" in err


def _recording(stem):
    from .conftest import video_recording

    return video_recording(stem)


def test_spoken_warning_is_on_the_session_timeline(tmp_path):
    """A real over-stretched low cobra held still: the warning event at t is
    heard in the WAV from t on, and recorded in the history at t."""
    from formcheck.audio import AudioOut, Speech, WavTimeline
    from formcheck.live_loop import run_practice
    from formcheck.live_sinks import HistoryRecorder, VoiceCoach
    from formcheck.practice import Practice
    from formcheck.routine import Routine, Step, plan
    from formcheck.store import HistoryStore
    from formcheck.voice import Voice
    from .live_fixtures import frames, still

    over = find_pose("low_cobra", "low_cobra", "overstretch")
    routine = Routine("t", "t", (Step("low_cobra", None, 20.0, 0.0),), get_ready_seconds=1.0)
    practice = Practice(routine, plan(routine), setup_timeout_s=1.0)
    wav = WavTimeline(tmp_path / "a.wav")
    voice = Voice(AudioOut([wav]), Speech())
    store = HistoryStore.open(tmp_path / "h.sqlite")
    store.begin_session("t", "stills", None)
    warnings = []

    class Collect:
        def on_update(self, u):
            warnings.extend(e for e in u.events if e.kind == "warning")

    class Stills:
        problem = None

        def __iter__(self):
            return (Frame(f.index, f.t_ms, None, pose, recorded=True) for f, pose in frames(still(over, 8)))

    run_practice(Stills(), practice, None, [VoiceCoach(voice, lambda u: u.frame.t_ms / 1000.0)],
                 late_sinks=[HistoryRecorder(store), Collect()])
    wav.close()
    assert warnings
    t = warnings[0].t_ms / 1000
    with wave.open(str(tmp_path / "a.wav")) as w:
        rate = w.getframerate()
        pcm = np.abs(np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768.0)
    assert pcm[int(t * rate): int((t + 0.15) * rate)].max() > 0.05  # it starts at once
    assert (pcm[int(t * rate): int((t + 1.5) * rate)] > 0.02).mean() > 0.2  # and goes on (words or tones)
    assert store.con.execute("SELECT t_s FROM warnings ORDER BY t_s").fetchone()[0] == pytest.approx(t, abs=0.001)


@pytest.mark.skipif(not os.environ.get("DISPLAY") and not __import__("shutil").which("xvfb-run"),
                    reason="no display and no xvfb-run")
def test_window_mode_runs_on_a_screen(tmp_path):
    rec = _recording("downward_dog_tabletop_transitions_woman")
    cmd = [sys.executable, "-m", "formcheck.cli", "live", "--camera", str(rec), "--routine", str(ROUTINE),
           "--db", str(tmp_path / "h.sqlite"), "--mute", "--feeling-before", "3", "--feeling-after", "5"]
    if not os.environ.get("DISPLAY"):
        cmd = ["xvfb-run", "-a", *cmd]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    assert "hold target reached" in run.stdout


def test_feeling_prompt_accepts_0_to_10_and_enter_to_skip(monkeypatch, capsys):
    from formcheck.commands.live import _ask_feeling

    answers = iter(["11", "seven", "7"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert _ask_feeling("now") == 7
    assert capsys.readouterr().out.count("whole number from 0 to 10") == 2
    monkeypatch.setattr("builtins.input", lambda prompt: "")
    assert _ask_feeling("now") is None

    def eof(prompt):
        raise EOFError

    monkeypatch.setattr("builtins.input", eof)
    assert _ask_feeling("now") is None
