"""Session history: rows written as they happen, two writers at once, the
progress table and chart."""

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from formcheck.cli import main
from formcheck.store import HistoryStore, connect, default_db_path, progress, session_rows


@pytest.fixture(autouse=True)
def _python_stderr(monkeypatch):
    """In-process runs of main(): keep sys.stderr as pytest's capture (the CLI
    would otherwise swap it to silence native logs)."""
    monkeypatch.setenv("FORMCHECK_NATIVE_LOGS", "1")


def fill(store, pose="staff", best=4.0, warnings=1, feeling=(3, 6)):
    store.begin_session("r", "clip.mp4", feeling[0])
    pid = store.begin_pose(0, pose, None, 30, 0.0)
    store.add_hold(pid, pose, None, 1.0, 1.0 + best, best, best >= 30)
    for i in range(warnings):
        store.add_warning(pid, pose, 2.0 + i, 1.8 + i, "limit:x", "overstretch", "Ease off", 50.0)
    store.end_pose(pid, 9.0, "completed", best, best + 1)
    store.end_session("complete", feeling[1], 9.0)


def test_rows_are_visible_to_another_reader_as_they_happen(tmp_path):
    db = tmp_path / "h.sqlite"
    s = HistoryStore.open(db)
    s.begin_session("gentle-back", "camera 0", 4)
    pid = s.begin_pose(0, "staff", None, 30, 0.0)
    s.add_hold(pid, "staff", None, 1.0, 5.0, 4.0, False)
    # A crash now: nothing more is written. Another connection sees it all.
    other = sqlite3.connect(db)
    assert other.execute("SELECT status, feeling_before FROM sessions").fetchall() == [("running", 4)]
    assert other.execute("SELECT duration_s FROM holds").fetchall() == [(4.0,)]
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = progress(other)
    assert rows[0].best_hold_s == 4.0  # from the hold, though the pose row never ended


def test_progress_per_pose_over_sessions(tmp_path):
    s = HistoryStore.open(tmp_path / "h.sqlite")
    fill(s, best=10, warnings=3)
    fill(s, best=20, warnings=1)
    fill(s, pose="low_cobra", best=5, warnings=0)
    rows = {r.pose: r for r in progress(s.con)}
    staff = rows["staff"]
    assert (staff.sessions, staff.best_hold_s, staff.warnings, staff.warnings_by_session) == (2, 20, 4, (3, 1))
    assert staff.total_form_s == 11 + 21 and staff.best_by_session == (10, 20)
    assert rows["low_cobra"].sessions == 1
    assert [r[4:6] for r in session_rows(s.con)] == [(3, 6)] * 3


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    db = tmp_path / "h.sqlite"
    connect(db).close()
    script = textwrap.dedent(f"""
        import sys
        from formcheck.store import HistoryStore
        s = HistoryStore.open({str(db)!r})
        s.begin_session("r" + sys.argv[1], "x", None)
        pid = s.begin_pose(0, "staff", None, 30, 0.0)
        for i in range(300):
            s.add_hold(pid, "staff", None, i, i + 1, 1.0, False)
            s.add_warning(pid, "staff", i, i, "limit:x", "overstretch", "Ease off", 1.0)
        s.end_pose(pid, 300.0, "completed", 1.0, 300.0)
        s.end_session("complete", None, 300.0)
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script, str(n)]) for n in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM holds").fetchone()[0] == 600
    assert con.execute("SELECT COUNT(*) FROM warnings").fetchone()[0] == 600
    assert con.execute("SELECT COUNT(DISTINCT session_id) FROM holds").fetchone()[0] == 2
    assert con.execute("SELECT status FROM sessions").fetchall() == [("complete",), ("complete",)]


def test_default_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "formcheck" / "history.sqlite"


def test_history_command_table_and_plot(tmp_path, capsys):
    db = tmp_path / "h.sqlite"
    s = HistoryStore.open(db)
    fill(s, best=10, warnings=2)
    fill(s, best=25, warnings=0)
    s.close()
    png = tmp_path / "p.png"
    assert main(["history", "--db", str(db), "--plot", str(png), "--sessions"]) == 0
    out = capsys.readouterr().out
    line = next(l for l in out.splitlines() if l.startswith("staff"))
    assert line.split()[:7] == ["staff", "2", "2", "0", "25.0s", "37.0s", "2"] and line.endswith("2 0")
    assert "3->6" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_history_without_a_database_is_one_clear_line(tmp_path, capsys):
    assert main(["history", "--db", str(tmp_path / "none.sqlite")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no history at" in err
