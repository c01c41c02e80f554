"""Session history in SQLite: sessions, the poses done in them, holds and
warnings, and how the person felt before and after.

Every row is written (and committed) as it happens, so a crash or Ctrl-C
keeps everything up to that moment; a session that never reached its end
keeps the status ``running``. WAL journaling plus a busy timeout let a
second formcheck write to the same file at the same time without losing
rows: writers wait for each other instead of failing.

Times inside a session (``*_s`` columns of poses, holds, warnings) are
seconds on the session clock with pauses removed.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import FormcheckError

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,            -- UTC, ISO 8601
    ended_at TEXT,
    routine TEXT NOT NULL,
    source TEXT,
    status TEXT NOT NULL,                -- running | complete | quit | interrupted | camera_lost | source_ended
    feeling_before INTEGER CHECK (feeling_before BETWEEN 0 AND 10),
    feeling_after INTEGER CHECK (feeling_after BETWEEN 0 AND 10),
    duration_s REAL
);
CREATE TABLE IF NOT EXISTS poses (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    step INTEGER NOT NULL,
    pose TEXT NOT NULL,
    side TEXT,
    target_s REAL,
    started_s REAL,
    ended_s REAL,
    status TEXT NOT NULL,                -- running | completed | skipped | timed_out | repeated | quit | interrupted
    best_hold_s REAL,
    time_in_form_s REAL
);
CREATE TABLE IF NOT EXISTS holds (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    pose_id INTEGER REFERENCES poses(id),
    pose TEXT NOT NULL,
    side TEXT,
    start_s REAL, end_s REAL, duration_s REAL NOT NULL,
    completed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS warnings (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    pose_id INTEGER REFERENCES poses(id),
    pose TEXT NOT NULL,
    t_s REAL, onset_s REAL,
    rule TEXT NOT NULL, kind TEXT NOT NULL, cue TEXT, value REAL
);
CREATE INDEX IF NOT EXISTS poses_by_name ON poses(pose);
"""


def default_db_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "formcheck" / "history.sqlite"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def connect(path: str | Path, create: bool = True) -> sqlite3.Connection:
    path = Path(path)
    if not create and not path.exists():
        raise FormcheckError(f"no history at {path} yet: practise with 'formcheck live' first, or give --db FILE")
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)  # autocommit: one row, one commit
        con.execute("PRAGMA busy_timeout = 30000")
        mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() == "wal":
            # Committed rows survive a crash of formcheck; only a power cut may
            # lose the last ones. Saves an fsync per row in the live loop.
            con.execute("PRAGMA synchronous = NORMAL")
        con.execute("PRAGMA foreign_keys = ON")
        if create:
            version = con.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise FormcheckError(f"{path} was written by a newer formcheck (schema {version}); upgrade formcheck")
            con.executescript("BEGIN IMMEDIATE;" + SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        return con
    except (sqlite3.DatabaseError, OSError) as e:
        raise FormcheckError(f"cannot open the history database {path}: {e}; give another file with --db")


@dataclass
class HistoryStore:
    """Writes one session. Each method is one committed statement."""

    con: sqlite3.Connection
    session_id: int | None = None

    @classmethod
    def open(cls, path: str | Path) -> "HistoryStore":
        return cls(connect(path))

    def begin_session(self, routine: str, source: str, feeling_before: int | None) -> int:
        cur = self.con.execute(
            "INSERT INTO sessions (started_at, routine, source, status, feeling_before) VALUES (?,?,?,?,?)",
            (_now(), routine, source, "running", feeling_before))
        self.session_id = cur.lastrowid
        return self.session_id

    def begin_pose(self, step: int, pose: str, side: str | None, target_s: float, started_s: float) -> int:
        cur = self.con.execute(
            "INSERT INTO poses (session_id, step, pose, side, target_s, started_s, status) VALUES (?,?,?,?,?,?,?)",
            (self.session_id, step, pose, side, target_s, started_s, "running"))
        return cur.lastrowid

    def end_pose(self, pose_id: int, ended_s: float, status: str, best_hold_s: float, time_in_form_s: float) -> None:
        self.con.execute("UPDATE poses SET ended_s=?, status=?, best_hold_s=?, time_in_form_s=? WHERE id=?",
                         (ended_s, status, best_hold_s, time_in_form_s, pose_id))

    def add_hold(self, pose_id: int | None, pose: str, side: str | None, start_s: float, end_s: float,
                 duration_s: float, completed: bool) -> None:
        self.con.execute(
            "INSERT INTO holds (session_id, pose_id, pose, side, start_s, end_s, duration_s, completed) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (self.session_id, pose_id, pose, side, start_s, end_s, duration_s, int(completed)))

    def add_warning(self, pose_id: int | None, pose: str, t_s: float, onset_s: float, rule: str, kind: str,
                    cue: str, value: float | None) -> None:
        self.con.execute(
            "INSERT INTO warnings (session_id, pose_id, pose, t_s, onset_s, rule, kind, cue, value) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            (self.session_id, pose_id, pose, t_s, onset_s, rule, kind, cue, value))

    def end_session(self, status: str, feeling_after: int | None, duration_s: float) -> None:
        self.con.execute("UPDATE sessions SET ended_at=?, status=?, feeling_after=?, duration_s=? WHERE id=?",
                         (_now(), status, feeling_after, duration_s, self.session_id))

    def set_feeling_after(self, feeling_after: int | None) -> None:
        self.con.execute("UPDATE sessions SET feeling_after=? WHERE id=?", (feeling_after, self.session_id))

    def close(self) -> None:
        self.con.close()


# --- reading: progress per pose ---------------------------------------------------

@dataclass(frozen=True)
class PoseProgress:
    pose: str
    sessions: int
    holds: int
    completed_holds: int
    best_hold_s: float
    total_form_s: float
    warnings: int
    warnings_by_session: tuple[int, ...]  # oldest first
    best_by_session: tuple[float, ...]  # oldest first
    last_practised: str


def progress(con: sqlite3.Connection) -> list[PoseProgress]:
    rows = con.execute("""
        SELECT p.pose, s.id, s.started_at,
               COALESCE(MAX(p.best_hold_s), 0), COALESCE(SUM(p.time_in_form_s), 0)
        FROM poses p JOIN sessions s ON s.id = p.session_id
        GROUP BY p.pose, s.id ORDER BY p.pose, s.started_at, s.id""").fetchall()
    holds = {(pose, sid): (n, c, best) for pose, sid, n, c, best in con.execute(
        "SELECT pose, session_id, COUNT(*), SUM(completed), MAX(duration_s) FROM holds GROUP BY pose, session_id")}
    warns = {(pose, sid): n for pose, sid, n in con.execute(
        "SELECT pose, session_id, COUNT(*) FROM warnings GROUP BY pose, session_id")}
    out: dict[str, dict] = {}
    for pose, sid, started, best, form in rows:
        d = out.setdefault(pose, {"sessions": [], "last": started})
        n, c, hbest = holds.get((pose, sid), (0, 0, 0.0))
        # A pose row still "running" (crash) has no best yet; its holds do.
        d["sessions"].append((max(best, hbest or 0.0), form, n, c or 0, warns.get((pose, sid), 0)))
        d["last"] = started
    return [PoseProgress(
        pose, len(d["sessions"]), sum(x[2] for x in d["sessions"]), sum(x[3] for x in d["sessions"]),
        max(x[0] for x in d["sessions"]), sum(x[1] for x in d["sessions"]), sum(x[4] for x in d["sessions"]),
        tuple(x[4] for x in d["sessions"]), tuple(x[0] for x in d["sessions"]), d["last"])
        for pose, d in sorted(out.items())]


def session_rows(con: sqlite3.Connection) -> list[tuple]:
    return con.execute("SELECT id, started_at, routine, status, feeling_before, feeling_after, duration_s "
                       "FROM sessions ORDER BY started_at, id").fetchall()
