"""Benchmark for `formcheck live`, against bare MediaPipe in the same run.

    xvfb-run -a python benchmarks/bench_live.py     # with a (virtual) screen: imshow is timed too
    python benchmarks/bench_live.py                 # no display: the frame is rendered, not shown

A video file stands in for the camera (``CameraSource``: paced in real time,
stale frames dropped), letterboxed to 640x480 first. Three measurements:

1. **Frame to screen**: from the moment a frame is captured (the source's
   monotonic clock) to ``imshow`` + ``waitKey`` returning, through the whole
   live path (model, smoothing, rules, hold timer, voice, window). Bare
   MediaPipe is paced the same way and timed from capture to landmarks.
2. **Falling behind**: the age of each frame when its processing starts, and
   how many frames were dropped. No queue means every age is below one
   frame period plus the read itself.
3. **Warning latency**: real clips in which a limit of the installed spec is
   crossed (staff: folding forward; low cobra: lifting into a deep
   backbend), looped so a run holds several crossings. A crossing starts at
   the first frame whose *raw* estimate (no smoothing, no hysteresis, no
   debounce) is in the pose with the limit crossed for at least 0.3 s: the
   earliest any checker could know. The latency runs from that frame's
   capture to the spoken warning being handed to the audio output, plus the
   silence at the start of the synthesised words. The spec's 8 s cooldown is
   set to 1 s so that every crossing can warn (the cooldown is policy, not
   latency); a crossing while a warning is still being spoken is listed but
   not timed.

Each part runs in a fresh process; bare and formcheck runs alternate.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOOTAGE = ROOT.parent / "shared" / "footage"
CLIP = FOOTAGE / "videos" / "downward_dog_tabletop_transitions_woman.mp4"  # 13.8 s, 960x540, 30 fps
# Real movements that cross a limit of the installed specs, looped so each run has several crossings.
WARNING_CLIPS = (
    ("staff: sits, folds forward (22-35 s) x4", FOOTAGE / "videos" / "staff_hold_talking_then_fold_woman.mp4",
     "staff", (22.0, 35.0), 4),
    ("low cobra: lifts into a deep backbend (6-12.8 s) x3", FOOTAGE / "videos" / "low_cobra_from_tabletop.mp4",
     "low_cobra", (6.0, 12.8), 3),
)
SIZE = (640, 480)
FPS = 30.0


def letterbox(img, size=SIZE):
    import cv2
    import numpy as np

    w, h = size
    s = min(w / img.shape[1], h / img.shape[0])
    small = cv2.resize(img, (int(img.shape[1] * s), int(img.shape[0] * s)), interpolation=cv2.INTER_AREA)
    out = np.zeros((h, w, 3), np.uint8)
    y, x = (h - small.shape[0]) // 2, (w - small.shape[1]) // 2
    out[y:y + small.shape[0], x:x + small.shape[1]] = small
    return out


def make_clip(path: Path, source: Path = None, start_s: float = 0.0, end_s: float = 1e9, loops: int = 1) -> None:
    """A 640x480 copy of (part of) a clip, played ``loops`` times, in the temporary folder."""
    import cv2

    cap = cv2.VideoCapture(str(source or CLIP))
    fps = cap.get(cv2.CAP_PROP_FPS) or FPS
    frames, n = [], 0
    while True:
        ok, img = cap.read()
        if not ok or n / fps >= end_s:
            break
        if n / fps >= start_s:
            frames.append(letterbox(img))
        n += 1
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, SIZE)
    for _ in range(loops):
        for img in frames:
            out.write(img)
    out.release()


# --- the measured runs (each in its own process) ------------------------------------------

def run_bare(clip: str) -> dict:
    import time

    import cv2
    import mediapipe as mp

    from formcheck.sources import CameraSource

    pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1, smooth_landmarks=True,
                                  enable_segmentation=False)
    src = CameraSource(clip)
    lat, ages, infer = [], [], []
    for frame in src:
        now = (time.monotonic() - src.t0) * 1000
        ages.append(now - frame.t_ms)
        t = time.perf_counter()
        pose.process(cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB))
        infer.append((time.perf_counter() - t) * 1000)
        lat.append((time.monotonic() - src.t0) * 1000 - frame.t_ms)
    return {"frames": len(lat), "dropped": src.dropped, "latency_ms": lat, "age_ms": ages, "infer_ms": infer}


class _RenderOnly:
    """No display: draw the frame as the window would, without showing it."""

    def __init__(self, view):
        self.view = view

    def show(self, update):
        self.view.render(update.frame.image, update)
        return []


class _CrossingProbe:
    """Marks the frames where the raw estimate (no smoothing, no hysteresis,
    no debounce) is in the pose with a limit crossed: the earliest any
    checker could know. Runs after the timed path, so it costs it nothing."""

    def __init__(self, spec):
        from formcheck.evaluate import Evaluator

        self.spec = spec
        # A stream evaluator of its own on the raw poses: the same rule for when a
        # limit counts (in the pose, or soon after leaving it), and an onset is
        # not delayed by hysteresis (that only slows the way back).
        self._evaluator = Evaluator(spec)
        self.frames: list[tuple[float, bool]] = []  # (capture t_ms, crossed)

    def on_update(self, u):
        from formcheck import features as F

        if u.phase != "active":
            return
        features = F.compute(u.pose, self.spec.features) if u.pose is not None else None
        crossed = self._evaluator.step(features, u.frame.t_ms).overstretch
        self.frames.append((u.frame.t_ms, crossed))

    def onsets_s(self, sustained_ms: float = 300.0) -> list[float]:
        """Starts of crossings that last ``sustained_ms`` (a one-frame glitch is
        not a crossing; the debounce exists to ignore it)."""
        out, start = [], None
        for t, crossed in self.frames + [(float("inf"), False)]:
            if crossed and start is None:
                start = t
            elif not crossed and start is not None:
                if t - start >= sustained_ms:
                    out.append(start / 1000.0)
                start = None
        return out


def _live(clip: str, pose: str, hold_s: float, cooldown_s: float | None, workdir: str, start_s: float = 0.0,
          probe: bool = False, debounce_s: float | None = None):
    """The live command's path, assembled as ``formcheck live`` does, with
    the delays kept. Returns (stats, source, audio log, voice)."""
    import dataclasses

    from formcheck.audio import AudioOut, DeviceOutput, Speech, WavTimeline
    from formcheck.commands.common import DISCLAIMER
    from formcheck.commands.live import _Window
    from formcheck.estimator import PoseEstimator
    from formcheck.live_loop import monotonic_ms_since, run_practice
    from formcheck.live_sinks import EventPrinter, HistoryRecorder, VoiceCoach
    from formcheck.live_view import LiveView
    from formcheck.practice import Practice
    from formcheck.routine import PlannedStep, Routine, Step, plan
    from formcheck.sources import CameraSource
    from formcheck.store import HistoryStore
    from formcheck.voice import Voice

    routine = Routine(pose, pose, (Step(pose, None, hold_s, 0.0),), get_ready_seconds=1.0)
    steps = plan(routine)
    if cooldown_s is not None or debounce_s is not None:
        p = steps[0]
        timing = p.spec.timing
        if cooldown_s is not None:
            timing = dataclasses.replace(timing, warn_cooldown_s=cooldown_s)
        if debounce_s is not None:
            timing = dataclasses.replace(timing, warn_debounce_s=debounce_s)
        steps = (PlannedStep(p.index, p.step, dataclasses.replace(p.spec, timing=timing)),)
    source = CameraSource(clip, start_s=start_s)
    store = HistoryStore.open(Path(workdir) / "h.sqlite")
    store.begin_session(routine.name, source.info.name, None)
    audio = AudioOut([DeviceOutput(notify=lambda m: None), WavTimeline(Path(workdir) / "a.wav")])
    voice = Voice(audio, Speech())
    voice.prepare(r.cue for p in steps for r in p.spec.of_kind("limit"))
    coach = VoiceCoach(voice, lambda u: monotonic_ms_since(source.t0) / 1000.0)
    view = LiveView(mirror=True, disclaimer=DISCLAIMER)
    screen = _Window(view) if os.environ.get("DISPLAY") else _RenderOnly(view)
    practice = Practice(routine, steps)
    practice.command("continue")  # like pressing c: the clips' camera angles are not what matters here
    crossing = _CrossingProbe(steps[0].spec) if probe else None
    with PoseEstimator(static=False) as est:
        stats = run_practice(source, practice, est, [coach], screen,
                             capture_clock=lambda: monotonic_ms_since(source.t0),
                             late_sinks=[HistoryRecorder(store), EventPrinter(lambda s: None)]
                             + ([crossing] if crossing else []))
    audio.close()
    return stats, source, audio, voice, crossing


def run_formcheck(clip: str) -> dict:
    with tempfile.TemporaryDirectory() as d:
        stats, source, *_ = _live(clip, "downward_dog", 600.0, None, d)
    return {"frames": stats.frames, "dropped": source.dropped, "latency_ms": stats.frame_to_screen_ms,
            "age_ms": stats.age_at_start_ms, "shown": bool(os.environ.get("DISPLAY")),
            "infer_ms": stats.model_ms,
            "overhead_ms": [a - m for a, m in zip(stats.frame_to_screen_ms, stats.model_ms)]}


def run_warning(clip: str, pose: str, start_s: float, debounce_s: float | None) -> dict:
    """Every onset of a raw crossing -> the first spoken warning after it."""
    import numpy as np

    with tempfile.TemporaryDirectory() as d:
        stats, source, audio, voice, probe = _live(clip, pose, 600.0, 1.0, d, start_s=start_s, probe=True,
                                                   debounce_s=debounce_s)
        debounce = stats.last_update.step.spec.timing.warn_debounce_s if stats.last_update else None
    spoken = [(t, label) for t, label in audio.log if "Ease off" in label]
    onsets = probe.onsets_s()
    rows = []
    for i, t_cross in enumerate(onsets):
        if rows and rows[-1]["said_s"] is not None and t_cross < rows[-1]["said_s"]:
            continue  # still the same episode as far as the warning goes (a flicker in the raw estimate)
        speaking = any(t <= t_cross < t + voice.speech(label.split(":", 1)[1].split(" + ")[0]).seconds
                       for t, label in spoken)
        if speaking:  # the person is already hearing "Ease off ..."; no new latency to measure
            rows.append({"crossed_s": round(t_cross, 3), "said_s": None, "latency_s": None,
                         "note": "a warning was already being spoken"})
            continue
        said = next(((t, label) for t, label in spoken if t >= t_cross), None)
        onset = 0.0
        if said is not None:
            text = said[1].split(":", 1)[1].split(" + ")[0]
            loud = np.flatnonzero(np.abs(voice.speech(text).samples) > 0.02)
            onset = float(loud[0]) / 22050 if len(loud) else 0.0
        rows.append({"crossed_s": round(t_cross, 3), "said_s": None if said is None else round(said[0], 3),
                     "latency_s": None if said is None else round(said[0] - t_cross + onset, 3)})
    return {"crossings": rows, "frames": stats.frames, "dropped": source.dropped, "debounce_s": debounce}


def in_child(mode: str, *args) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, __file__, "--child", mode, *args], capture_output=True, text=True,
                         env=env, timeout=600)
    if out.returncode != 0:
        sys.exit(f"{mode} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    ap.add_argument("--rounds", type=int, default=2, help="frame-to-screen rounds (bare and formcheck each)")
    ap.add_argument("--no-warning", action="store_true", help="skip the warning-latency part")
    ap.add_argument("--debounce", type=float, default=None, metavar="S",
                    help="warning part: use this debounce instead of each spec's own (the debounce is "
                         "spec policy and adds to the latency one for one)")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()
    if args.child:
        mode, clip, *rest = args.child
        if mode == "warning":
            print(json.dumps(run_warning(clip, rest[0], float(rest[1]), json.loads(rest[2]))))
        else:
            print(json.dumps(run_bare(clip) if mode == "bare" else run_formcheck(clip)))
        return
    if not CLIP.exists():
        sys.exit(f"footage not found: {CLIP}")
    results: dict = {"display": bool(os.environ.get("DISPLAY")), "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as d:
        clip = Path(d) / "dog_640x480.mp4"
        make_clip(clip)
        for r in range(args.rounds):
            for mode in ("bare", "formcheck"):
                res = in_child(mode, str(clip))
                lat, age = res["latency_ms"][5:], res["age_ms"][5:]  # skip the model's first frames
                line = {"frames": res["frames"], "dropped": res["dropped"],
                        "median_ms": round(statistics.median(lat), 1), "p95_ms": round(pct(lat, 0.95), 1),
                        "max_ms": round(max(lat), 1), "age_median_ms": round(statistics.median(age), 1),
                        "age_max_ms": round(max(age), 1)}
                line["model_median_ms"] = round(statistics.median(res["infer_ms"][5:]), 1)
                if mode == "formcheck":  # everything but the model: rules, voice, drawing, imshow
                    line["rest_median_ms"] = round(statistics.median(res["overhead_ms"][5:]), 1)
                    line["rest_p95_ms"] = round(pct(res["overhead_ms"][5:], 0.95), 1)
                results.setdefault(mode, []).append(line)
                print(f"round {r + 1} {mode:>9}: {line}", flush=True)
        rows = []
        for name, src, pose, seg, loops in () if args.no_warning else WARNING_CLIPS:
            c = Path(d) / f"{pose}_loop.mp4"
            make_clip(c, src, *seg, loops=loops)
            res = in_child("warning", str(c), pose, "0", json.dumps(args.debounce))
            print(f"warning, {name} (debounce {res['debounce_s']} s): {res['crossings']}", flush=True)
            rows += [dict(r, clip=name, debounce_s=res["debounce_s"]) for r in res["crossings"]]
        lat = [r["latency_s"] for r in rows if r["latency_s"] is not None]
        results["warning"] = {"crossings": rows, "warned": len(lat),
                              "median_s": round(statistics.median(lat), 3) if lat else None,
                              "max_s": round(max(lat), 3) if lat else None}
    print("\nsummary")
    if args.rounds:
        _frame_summary(results)
    w = results["warning"]
    if not args.no_warning:
        print(f"  limit crossed -> spoken warning: median {w['median_s']} s, max {w['max_s']} s over "
              f"{w['warned']} timed crossings of {len(w['crossings'])} (target <= 0.6 s)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


def _frame_summary(results: dict) -> None:
    fc, bare = results["formcheck"], results["bare"]
    print(f"  frame to screen (formcheck, {'shown in a window' if results['display'] else 'rendered, no display'}): "
          f"median {min(x['median_ms'] for x in fc)}-{max(x['median_ms'] for x in fc)} ms "
          f"(target <= 50), p95 up to {max(x['p95_ms'] for x in fc)} ms")
    print(f"  bare MediaPipe, capture to landmarks: median {min(x['median_ms'] for x in bare)}-"
          f"{max(x['median_ms'] for x in bare)} ms; the model call alone "
          f"{[x['model_median_ms'] for x in bare]} ms (formcheck's: {[x['model_median_ms'] for x in fc]} ms)")
    print(f"  formcheck beyond the model (rules, voice, drawing, imshow): median "
          f"{[x['rest_median_ms'] for x in fc]} ms, p95 {[x['rest_p95_ms'] for x in fc]} ms")
    print(f"  frame age at processing start (formcheck): max {max(x['age_max_ms'] for x in fc)} ms "
          f"(one frame = {1000 / FPS:.1f} ms); dropped {[x['dropped'] for x in fc]} of "
          f"{[x['frames'] + x['dropped'] for x in fc]}")


if __name__ == "__main__":
    main()
