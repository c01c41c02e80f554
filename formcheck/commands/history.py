"""formcheck history: progress per pose from the session history."""

from __future__ import annotations

from ..outputs import check_writable
from .common import say


def register(sub) -> None:
    p = sub.add_parser(
        "history", help="show progress per pose from past live sessions",
        description="Progress per pose over the recorded live sessions: sessions, best hold, total time "
                    "in good form, over-stretch warnings per session (oldest first), and how you felt "
                    "before and after each session.")
    p.add_argument("--db", metavar="FILE.sqlite", help="the history database (default: "
                                                       "$XDG_DATA_HOME/formcheck/history.sqlite)")
    p.add_argument("--plot", metavar="FILE.png", help="also draw the progress as a chart")
    p.add_argument("--sessions", action="store_true", help="also list every session")
    p.set_defaults(func=run_command)


def table_lines(rows) -> list[str]:
    head = f"{'pose':<20} {'sessions':>8} {'holds':>6} {'done':>5} {'best hold':>10} {'in form':>9} " \
           f"{'warnings':>8}  warnings per session"
    lines = [head, "-" * len(head)]
    for r in rows:
        trend = " ".join(str(n) for n in r.warnings_by_session[-10:])
        lines.append(f"{r.pose:<20} {r.sessions:>8} {r.holds:>6} {r.completed_holds:>5} {r.best_hold_s:>9.1f}s "
                     f"{r.total_form_s:>8.1f}s {r.warnings:>8}  {trend}")
    return lines


def session_lines(sessions) -> list[str]:
    lines = [f"{'#':>4} {'started (UTC)':<26} {'routine':<18} {'status':<13} {'feeling':>9} {'length':>8}"]
    for sid, started, routine, status, before, after, dur in sessions:
        feel = f"{'-' if before is None else before}->{'-' if after is None else after}"
        lines.append(f"{sid:>4} {started:<26} {routine[:18]:<18} {status:<13} {feel:>9} {(dur or 0) / 60:>6.1f}m")
    return lines


def plot(con, rows, sessions, path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only; never needs a display
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, 1, figsize=(9, 10), constrained_layout=True)
    per_pose = con.execute("""
        SELECT p.pose, s.id, COALESCE(MAX(p.best_hold_s), 0),
               (SELECT COUNT(*) FROM warnings w WHERE w.session_id = s.id AND w.pose = p.pose)
        FROM poses p JOIN sessions s ON s.id = p.session_id GROUP BY p.pose, s.id ORDER BY s.id""").fetchall()
    order = {sid: i + 1 for i, (sid, *_rest) in enumerate(sessions)}
    for r in rows:
        pts = [(order[sid], best, warns) for pose, sid, best, warns in per_pose if pose == r.pose]
        xs = [p[0] for p in pts]
        axes[0].plot(xs, [p[1] for p in pts], marker="o", label=r.pose)
        axes[1].plot(xs, [p[2] for p in pts], marker="o", label=r.pose)
    axes[0].set(title="Best hold in good form, per session", xlabel="session", ylabel="seconds")
    axes[1].set(title="Over-stretch warnings, per session", xlabel="session", ylabel="warnings")
    xs = [order[s[0]] for s in sessions]
    axes[2].plot(xs, [s[4] for s in sessions], marker="o", label="before")
    axes[2].plot(xs, [s[5] for s in sessions], marker="s", label="after")
    axes[2].set(title="How you felt (0 very bad - 10 very good)", xlabel="session", ylim=(-0.5, 10.5))
    from matplotlib.ticker import MaxNLocator

    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize="small", ncol=3)
        ax.grid(alpha=0.3)
    fig.savefig(str(path), dpi=100)
    plt.close(fig)


def run_command(args) -> int:
    from ..store import connect, default_db_path, progress, session_rows

    path = args.db or default_db_path()
    if args.plot:
        check_writable(args.plot, "chart")
    con = connect(path, create=False)
    try:
        rows = progress(con)
        sessions = session_rows(con)
        say(f"{path}: {len(sessions)} session(s)")
        for line in table_lines(rows):
            say(line)
        if args.sessions:
            say("")
            for line in session_lines(sessions):
                say(line)
        if args.plot:
            plot(con, rows, sessions, args.plot)
            say(f"chart: {args.plot}")
    finally:
        con.close()
    return 0
