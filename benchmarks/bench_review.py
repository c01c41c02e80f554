"""Benchmarks for `formcheck video` as a review tool, each against bare MediaPipe
in the same run. See benchmarks/README.md for the command and the latest figures.

    python benchmarks/bench_review.py all          # everything (about 10 minutes on 2 cores)
    python benchmarks/bench_review.py speed        # fps vs bare MediaPipe
    python benchmarks/bench_review.py memory       # peak RSS, 30 s vs 5 min input
    python benchmarks/bench_review.py html         # 10-minute session: HTML size and render time
    python benchmarks/bench_review.py batch        # 8 clips, --jobs 2 vs one after another

Every measurement runs in a fresh process. Speed rounds interleave bare and
formcheck runs and keep each one's best round, so a burst of load from
another program hurts both sides alike rather than one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOOTAGE = ROOT.parent / "shared" / "footage" / "videos"
CLIP = FOOTAGE / "downward_dog_hold_man.mp4"  # 1280x720, 24 fps, 47.7 s
POSE = "downward_dog"
HTML_CLIP = FOOTAGE / "staff_hold_talking_then_fold_woman.mp4"  # 1920x1080, 30 fps, 46.6 s, folds past the limit
HTML_POSE = "staff"
BATCH_CLIPS = ["downward_dog_hold_man.mp4", "childs_pose_hold_man.mp4", "bridge_wrong_vs_right_way.mp4",
               "savasana_lie_down_and_hold.mp4", "staff_hold_talking_then_fold_woman.mp4",
               "downward_dog_from_childs_pose_woman.mp4", "standing_quad_stretch_wall.mp4",
               "mountain_pose_arms_down.mp4"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

# A plain decode-and-infer loop: what MediaPipe alone costs on the clip.
BARE = r"""
import sys, time, json
t0 = time.perf_counter()
import cv2, mediapipe as mp
path, end_s = sys.argv[1], float(sys.argv[2])
cap = cv2.VideoCapture(path)
fps = cap.get(cv2.CAP_PROP_FPS)
pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=True,
                              enable_segmentation=False)
n = 0
while True:
    ok, img = cap.read()
    if not ok or (end_s > 0 and n >= end_s * fps):
        break
    pose.process(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
    n += 1
import resource
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"frames": n, "seconds": time.perf_counter() - t0, "cpu_s": ru.ru_utime + ru.ru_stime}))
"""

# formcheck's own entry point, timed the same way (imports, model load, every output written).
FORMCHECK = r"""
import sys, time, json
t0 = time.perf_counter()
from formcheck.cli import main
code = main(sys.argv[1:])
import resource
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"code": code, "seconds": time.perf_counter() - t0, "cpu_s": ru.ru_utime + ru.ru_stime}))
"""


def python() -> str:
    return sys.executable


def run_json(code: str, *args: str) -> dict:
    res = subprocess.run([python(), "-c", code, *map(str, args)], capture_output=True, text=True, env=ENV)
    if res.returncode != 0:
        raise SystemExit(f"benchmark step failed: {args}\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def peak_rss_mb(cmd: list[str]) -> tuple[float, float]:
    """Runs cmd; returns (its own peak resident memory in MB, wall seconds), via wait4's rusage."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed: {cmd}\n{proc.stderr.read().decode()[-3000:]}")
    return usage.ru_maxrss / 1024.0, wall


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


# --- speed -------------------------------------------------------------------------

def bench_speed(tmp: Path, rounds: int, end_s: float) -> dict:
    """Per round, in fresh processes: bare, report+timeline, +annotated video, back to back.

    Figures: the median over rounds of each round's fps ratio (bare and formcheck ran
    seconds apart, under much the same load), the best round of each, and the ratio of
    CPU time per frame (what the ratio tends to when no core is free for formcheck's
    decode-ahead and video threads).
    """
    keys = ("bare", "report+timeline", "report+timeline+video")
    fps: dict[str, list[float]] = {k: [] for k in keys}
    cpu: dict[str, list[float]] = {k: [] for k in keys}
    ratios: dict[str, list[float]] = {k: [] for k in keys[1:]}
    frames = None
    for r in range(rounds):
        b = run_json(BARE, CLIP, end_s)
        frames = b["frames"]
        runs = {"bare": b}
        base = ["video", str(CLIP), "--pose", POSE, "--quiet", "--report", str(tmp / "r.json"),
                "--timeline", str(tmp / "t.csv")] + (["--end", str(end_s)] if end_s > 0 else [])
        runs["report+timeline"] = run_json(FORMCHECK, *base)
        runs["report+timeline+video"] = run_json(FORMCHECK, *base, "--out", str(tmp / "a.mp4"))
        report = json.loads((tmp / "r.json").read_text())
        assert report["frames"] == frames, (report["frames"], frames)
        for k, v in runs.items():
            fps[k].append(frames / v["seconds"])
            cpu[k].append(v["cpu_s"] * 1000 / frames)
        for k in keys[1:]:
            ratios[k].append(fps[k][-1] / fps["bare"][-1])
        print(f"  round {r + 1}: " + ", ".join(f"{k} {fps[k][-1]:.1f} fps ({cpu[k][-1]:.1f} ms CPU/frame)"
                                                for k in keys) + f"  [{load_note()}]", flush=True)
    med = {k: statistics.median(v) for k, v in ratios.items()}
    cpu_med = {k: statistics.median(v) for k, v in cpu.items()}
    out = {"clip": CLIP.name, "frames": frames, "rounds": rounds,
           "fps": {k: [round(x, 2) for x in v] for k, v in fps.items()},
           "cpu_ms_per_frame": {k: [round(x, 2) for x in v] for k, v in cpu.items()},
           "ratio_median": {k: round(v, 3) for k, v in med.items()},
           "ratio_best_rounds": {k: round(max(fps[k]) / max(fps["bare"]), 3) for k in keys[1:]},
           "ratio_cpu_time": {k: round(cpu_med["bare"] / cpu_med[k], 3) for k in keys[1:]},
           "load": load_note()}
    for k, target in (("report+timeline", 0.9), ("report+timeline+video", 0.8)):
        print(f"speed, {k}: median round ratio {out['ratio_median'][k]:.2f} of bare fps, best rounds "
              f"{out['ratio_best_rounds'][k]:.2f}, CPU-time ratio {out['ratio_cpu_time'][k]:.2f} "
              f"(target >= {target})")
    return out


# --- long recordings (memory, HTML) ---------------------------------------------

def base_recording(tmp: Path, clip: Path = CLIP, pose: str = POSE, html: Path | None = None) -> Path:
    """Landmarks of a clip, extracted once by formcheck itself (optionally with its HTML review)."""
    rec = tmp / f"{clip.stem}.landmarks.jsonl.gz"
    if not rec.exists():
        run_json(FORMCHECK, "video", str(clip), "--pose", pose, "--quiet", "--save-landmarks", str(rec),
                 *(["--html", str(html)] if html else []))
    return rec


def looped_recording(base: Path, seconds: float, dest: Path) -> Path:
    """The base recording played over and over (times shifted) until ``seconds`` long."""
    sys.path.insert(0, str(ROOT))
    from formcheck.recording import RecordingReader, RecordingWriter

    reader = RecordingReader(base)
    frames = list(reader)
    period_ms = frames[-1][1] + 1000.0 / reader.header.fps
    with RecordingWriter(dest, reader.header) as w:
        i = 0
        while True:
            for _, t, pose in frames:
                t_ms = t + (i // len(frames)) * period_ms
                if t_ms >= seconds * 1000:
                    return dest
                w.write(i, t_ms, pose)
                i += 1


def bench_memory(tmp: Path) -> dict:
    base = base_recording(tmp)
    out = {}
    for label, seconds in (("30s", 30), ("5min", 300)):
        rec = looped_recording(base, seconds, tmp / f"loop_{label}.landmarks.jsonl.gz")
        cmd = [python(), "-m", "formcheck.cli", "video", str(rec), "--pose", POSE, "--quiet",
               "--report", str(tmp / f"m_{label}.json"), "--timeline", str(tmp / f"m_{label}.csv"),
               "--html", str(tmp / f"m_{label}.html"), "--out", str(tmp / f"m_{label}.mp4")]
        rss, wall = peak_rss_mb(cmd)
        out[label] = {"peak_rss_mb": round(rss, 1), "wall_s": round(wall, 1)}
        print(f"  {label}: peak RSS {rss:.1f} MB ({wall:.1f} s)", flush=True)
    out["growth_mb"] = round(out["5min"]["peak_rss_mb"] - out["30s"]["peak_rss_mb"], 1)
    print(f"memory: peak RSS 30 s input {out['30s']['peak_rss_mb']} MB, 5 min input {out['5min']['peak_rss_mb']} MB: "
          f"+{out['growth_mb']} MB (target <= 50 MB); all outputs (report, timeline, HTML, annotated video)")
    return out


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def chrome_wall(page: Path, tmp: Path, *args: str) -> tuple[float, str]:
    profile = Path(tempfile.mkdtemp(dir=tmp, prefix="profile"))
    t0 = time.perf_counter()
    res = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                          "--no-first-run", "--disable-background-networking", "--disable-component-update",
                          "--disable-sync", f"--user-data-dir={profile}", *args, page.as_uri()],
                         capture_output=True, text=True, timeout=120)
    return time.perf_counter() - t0, res.stdout


TIMING = ("<script>addEventListener('load',function(){var n=performance.getEntriesByType('navigation')[0];"
          "document.body.setAttribute('data-load-ms',String(n.loadEventStart));});</script>")


def bench_html(tmp: Path, runs: int = 5) -> dict:
    # A clip with over-stretch warnings (staff, then a forward fold past the limit), looped to 10 minutes.
    real_page = tmp / "staff_clip.html"
    base = base_recording(tmp, HTML_CLIP, HTML_POSE, html=real_page)
    rec = looped_recording(base, 600, tmp / "loop_10min.landmarks.jsonl.gz")
    page = tmp / "ten_minutes.html"
    f = run_json(FORMCHECK, "video", str(rec), "--pose", HTML_POSE, "--quiet", "--html", str(page),
                 "--report", str(tmp / "ten.json"))
    report = json.loads((tmp / "ten.json").read_text())
    size_mb = page.stat().st_size / 1e6
    # A recording has no pixels (its stills are drawn on a blank canvas); the real clip's run gives
    # the size of stills cut from video frames. The page holds at most 1 + 24 stills.
    real = real_page.read_text()
    stills = [len(chunk.split('"', 1)[0]) for chunk in real.split("data:image/jpeg;base64,")[1:]]
    worst_mb = (len(page.read_text()) - sum(len(c.split('"', 1)[0]) for c in
                                             page.read_text().split("data:image/jpeg;base64,")[1:])
                + 25 * max(stills, default=0)) / 1e6
    out = {"session_s": report["duration_s"], "frames": report["frames"], "warnings": len(report["warnings"]),
           "holds": len(report["holds"]), "html_mb": round(size_mb, 2), "formcheck_run_s": round(f["seconds"], 1),
           "real_clip_still_kb_max": round(max(stills, default=0) / 1e3, 1),
           "worst_case_mb_25_real_stills": round(worst_mb, 2)}
    print(f"  real-video stills: up to {out['real_clip_still_kb_max']} kB each (base64); 10-minute page with "
          f"25 such stills would be {worst_mb:.2f} MB", flush=True)
    if chromium() is None:
        print(f"html: {size_mb:.2f} MB (target < 5 MB); chromium absent, render time not measured")
        return out
    # In-page: the navigation timing's load event (parse, style, layout of every chart and image).
    timed = tmp / "ten_minutes_timed.html"
    timed.write_text(page.read_text().replace("</body>", TIMING + "</body>"))
    empty = tmp / "empty.html"
    empty.write_text("<!DOCTYPE html><html><body>empty</body></html>")
    loads, walls, empty_walls = [], [], []
    for _ in range(runs):
        wall, dom = chrome_wall(timed, tmp, "--dump-dom")
        loads.append(float(dom.split('data-load-ms="')[1].split('"')[0]))
        walls.append(chrome_wall(page, tmp, f"--screenshot={tmp / 'shot.png'}", "--window-size=1100,3000")[0])
        empty_walls.append(chrome_wall(empty, tmp, f"--screenshot={tmp / 'empty.png'}",
                                       "--window-size=1100,3000")[0])
    out.update({"load_event_ms_median": round(statistics.median(loads), 1), "load_event_ms_all": loads,
                "screenshot_wall_s_median": round(statistics.median(walls), 2),
                "empty_page_screenshot_wall_s_median": round(statistics.median(empty_walls), 2),
                "load": load_note()})
    extra = statistics.median(walls) - statistics.median(empty_walls)
    out["render_over_empty_s"] = round(extra, 2)
    print(f"html: 10-minute session ({report['frames']} frames, {len(report['warnings'])} warnings): "
          f"{size_mb:.2f} MB (target < 5 MB); load event {statistics.median(loads):.0f} ms in page; "
          f"headless screenshot {statistics.median(walls):.2f} s vs {statistics.median(empty_walls):.2f} s "
          f"for an empty page (+{extra:.2f} s; target < 2 s)")
    return out


# --- batch ---------------------------------------------------------------------

def bench_batch(tmp: Path, end_s: float) -> dict:
    clips = [FOOTAGE / c for c in BATCH_CLIPS]
    common = ["--pose", POSE, "--quiet", "--report", "--end", str(end_s)]
    t0 = time.perf_counter()
    for c in clips:  # one after another, as separate commands
        run_json(FORMCHECK, "video", str(c), *common, "--out-dir", str(tmp / "seq_cmds"))
    separate = time.perf_counter() - t0
    one = run_json(FORMCHECK, "video", *map(str, clips), *common, "--out-dir", str(tmp / "seq"), "--jobs", "1")
    two = run_json(FORMCHECK, "video", *map(str, clips), *common, "--out-dir", str(tmp / "par"), "--jobs", "2")
    for d in ("seq", "par"):
        assert len(list((tmp / d).glob("*.report.json"))) == len(clips)
    out = {"clips": len(clips), "seconds_each": end_s, "separate_commands_s": round(separate, 1),
           "jobs1_s": round(one["seconds"], 1), "jobs2_s": round(two["seconds"], 1),
           "ratio_vs_jobs1": round(two["seconds"] / one["seconds"], 3),
           "ratio_vs_separate_commands": round(two["seconds"] / separate, 3), "load": load_note()}
    print(f"batch: {len(clips)} clips (first {end_s:g} s each): --jobs 2 {two['seconds']:.1f} s; one after another "
          f"{one['seconds']:.1f} s in one batch (--jobs 1) = {out['ratio_vs_jobs1']:.2f}, {separate:.1f} s as "
          f"separate commands = {out['ratio_vs_separate_commands']:.2f} (target <= 0.65)")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("speed", "memory", "html", "batch", "all"))
    ap.add_argument("--rounds", type=int, default=2, help="speed: interleaved rounds (best kept)")
    ap.add_argument("--end", type=float, default=0, help="speed: only the first S seconds of the clip (0: all)")
    ap.add_argument("--batch-end", type=float, default=10, help="batch: the first S seconds of each clip")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()
    if not CLIP.exists():
        print(f"footage not found: {CLIP}", file=sys.stderr)
        return 2
    print(load_note(), flush=True)
    results = {}
    with tempfile.TemporaryDirectory(prefix="formcheck-bench-") as d:
        tmp = Path(d)
        if args.what in ("speed", "all"):
            results["speed"] = bench_speed(tmp, args.rounds, args.end)
        if args.what in ("memory", "all"):
            results["memory"] = bench_memory(tmp)
        if args.what in ("html", "all"):
            results["html"] = bench_html(tmp)
        if args.what in ("batch", "all"):
            results["batch"] = bench_batch(tmp, args.batch_end)
    print(load_note())
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
