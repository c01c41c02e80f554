"""formcheck live: practise in front of a camera (or a video standing in for
one): one pose or a guided routine, voice cues, a timer that runs only on
good form, and a session history."""

from __future__ import annotations

import os
import sys

from ..errors import FormcheckError
from ..levels import LEVELS
from ..outputs import check_writable, write_atomic
from ..recording import is_recording_path
from ..routine import available_routines, plan, resolve_routine, single_pose_routine
from .common import DISCLAIMER, say

WINDOW = "formcheck"
KEYMAP = {ord("p"): "pause", ord(" "): "pause", ord("n"): "skip", ord("s"): "skip", ord("r"): "repeat",
          ord("q"): "quit", 27: "quit", ord("c"): "continue", 13: "continue"}


def _feeling(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if not 0 <= n <= 10:
        import argparse

        raise argparse.ArgumentTypeError(f"a feeling is a whole number from 0 to 10, got {value!r}")
    return n


def register(sub) -> None:
    p = sub.add_parser(
        "live", help="practise live: one pose or a guided routine, with voice",
        description="Watch a camera (or a video file standing in for one) through one pose (--pose) or a "
                    "guided routine (--routine): a set-up check, a countdown, a timer that runs only while "
                    "the form is right, spoken cues, over-stretch warnings, and a session history. Keys in "
                    "the window: p pause, n skip, r repeat, c start despite the set-up check, q quit.")
    p.add_argument("--camera", default="0", metavar="INDEX_OR_FILE",
                   help="camera number (default 0), or a video file (paced like a camera) or a landmark "
                        "recording (.jsonl.gz) standing in for one")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--pose", metavar="NAME", help="one pose: a name from 'formcheck poses' or a .toml path")
    what.add_argument("--routine", metavar="NAME", help="a routine: a name from --list-routines or a .toml path")
    what.add_argument("--list-routines", action="store_true", help="list the bundled routines and exit")
    p.add_argument("--level", choices=LEVELS, default=None,
                   help="gentle: warn sooner and ask less; deep: ask more, limits unchanged "
                        "(default: each spec as written; see pose_specs/TUNING.md)")
    p.add_argument("--hold", type=float, metavar="S", help="with --pose: the target hold in seconds")
    p.add_argument("--headless", action="store_true", help="no window, no prompts; print events instead")
    p.add_argument("--mute", action="store_true", help="no sound")
    p.add_argument("--audio-out", metavar="FILE.wav", help="also write everything that would be heard, "
                                                          "on the session's timeline, to a WAV file")
    p.add_argument("--db", metavar="FILE.sqlite", help="the history database (default: "
                                                       "$XDG_DATA_HOME/formcheck/history.sqlite)")
    p.add_argument("--no-history", action="store_true", help="do not record this session")
    p.add_argument("--feeling-before", type=_feeling, metavar="0-10",
                   help="how you feel now, 0 (very bad) to 10 (very good); asked when not given")
    p.add_argument("--feeling-after", type=_feeling, metavar="0-10",
                   help="how you feel at the end; asked at the end when not given")
    p.add_argument("--start", type=float, default=0.0, metavar="S",
                   help="with a video standing in for the camera: start S seconds in")
    p.add_argument("--report", metavar="FILE.json", help="with --pose: write the JSON report of the pose")
    p.add_argument("--no-mirror", action="store_true", help="show the picture unmirrored")
    p.set_defaults(func=run_command)


class _Window:
    """The on-screen preview; ``show`` returns the commands typed since."""

    def __init__(self, view, size_hint=(960, 720)):
        import cv2

        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            raise FormcheckError("cannot open a window: no display; run with --headless")
        self.cv2, self.view = cv2, view
        try:
            cv2.namedWindow(WINDOW, cv2.WINDOW_NORMAL)
            cv2.resizeWindow(WINDOW, *size_hint)
        except cv2.error:
            raise FormcheckError("cannot open a window (no display?); run with --headless")

    def show(self, update) -> list[str]:
        cv2 = self.cv2
        cv2.imshow(WINDOW, self.view.render(update.frame.image, update))
        key = cv2.waitKey(1)
        cmds = [KEYMAP[key & 0xFF]] if key != -1 and (key & 0xFF) in KEYMAP else []
        if cv2.getWindowProperty(WINDOW, cv2.WND_PROP_VISIBLE) < 1:
            cmds.append("quit")  # the window was closed
        return cmds

    def close(self) -> None:
        self.cv2.destroyAllWindows()


class _SpecReloader:
    """Re-reads the current step's spec when its file is saved: a spec (or a
    personal overlay) can be tuned while practising. A broken edit is refused
    with one line and the last good spec stays."""

    def __init__(self, practice, routine, level):
        self.practice, self.routine, self.level = practice, routine, level
        self._watching = None  # (spec, SpecWatcher)

    def __call__(self, frame) -> None:
        from ..reload import SpecWatcher
        from ..routine import step_spec

        p = self.practice.current
        if p is None:
            return
        if self._watching is None or self._watching[0] is not p.spec:
            self._watching = (p.spec, SpecWatcher(p.spec, lambda: step_spec(self.routine, p.step, self.level)))
        spec, watcher = self._watching
        new = watcher.check(frame.t_ms)
        if new is not None:
            self.practice.replace_spec(spec, new)
            self._watching = (new, watcher)


def _ask_feeling(when: str) -> int | None:
    while True:
        try:
            raw = input(f"How do you feel {when}? 0 (very bad) to 10 (very good), Enter to skip: ").strip()
        except EOFError:
            return None
        if not raw:
            return None
        if raw.isdigit() and 0 <= int(raw) <= 10:
            return int(raw)
        print("Please type a whole number from 0 to 10, or press Enter to skip.")


def list_routines() -> int:
    from ..routine import load_routine_file, missing_poses

    for name, path in available_routines().items():
        r = load_routine_file(path)
        missing = missing_poses(r)
        note = f"  (needs specs not installed: {', '.join(missing)})" if missing else ""
        say(f"{name:<16} {len(r.steps):>2} steps  {r.title}{note}")
    return 0


def run_command(args) -> int:
    if args.list_routines:
        return list_routines()
    if not args.pose and not args.routine:
        raise FormcheckError("say what to practise: --pose NAME or --routine NAME (see --list-routines)")
    if args.hold is not None and not args.pose:
        raise FormcheckError("--hold goes with --pose; a routine sets its own holds")
    if args.report and not args.pose:
        raise FormcheckError("--report goes with --pose; a routine's results go to the history (formcheck history)")
    routine = resolve_routine(args.routine) if args.routine else single_pose_routine(args.pose, args.hold)
    steps = plan(routine, args.level)
    for path, what in ((args.audio_out, "audio file"), (args.report, "report")):
        if path:
            check_writable(path, what)
    interactive = not args.headless and sys.stdin.isatty()

    from ..store import HistoryStore, default_db_path

    store = None if args.no_history else HistoryStore.open(args.db or default_db_path())
    say(DISCLAIMER)
    feeling_before = args.feeling_before
    if feeling_before is None and interactive:
        feeling_before = _ask_feeling("before you start")

    from ..sources import CameraSource, RecordingSource

    if is_recording_path(args.camera):
        source = RecordingSource(args.camera, start_s=args.start)
    else:
        source = CameraSource(args.camera, start_s=args.start)
    return _practise(args, routine, steps, source, store, feeling_before, interactive)


def _practise(args, routine, steps, source, store, feeling_before, interactive) -> int:
    from ..audio import AudioOut, DeviceOutput, Speech, WavTimeline
    from ..live_loop import monotonic_ms_since, run_practice
    from ..live_sinks import EventPrinter, HistoryRecorder, VoiceCoach
    from ..live_view import LiveView
    from ..practice import Practice
    from ..voice import Voice

    practice = Practice(routine, steps)
    sinks: list = []  # the voice, before the screen
    late_sinks: list = [EventPrinter(say)]
    recorder = None
    if store is not None:
        store.begin_session(routine.name, source.info.name, feeling_before)
        recorder = HistoryRecorder(store)
        late_sinks.insert(0, recorder)
    audio = AudioOut()
    wav = WavTimeline(args.audio_out) if args.audio_out else None
    coach = None
    if not args.mute:
        audio.outputs.append(DeviceOutput(notify=lambda m: print(m, file=sys.stderr)))
        if wav is not None:
            audio.outputs.append(wav)
        speech = Speech()
        if not speech.available:
            print("formcheck: espeak-ng is not installed, so cues are tones, not words "
                  "(on Debian/Ubuntu: sudo apt-get install espeak-ng)", file=sys.stderr)
        voice = Voice(audio, speech)
        voice.prepare(r.cue for p in steps for r in p.spec.of_kind("limit") if r.cue)
        live_camera = not is_recording_path(args.camera)
        clock = (lambda u: monotonic_ms_since(source.t0) / 1000.0) if live_camera else (lambda u: u.frame.t_ms / 1000.0)
        coach = VoiceCoach(voice, clock, opening="Stop if anything hurts. Ease off rather than push.")
        sinks.append(coach)
    screen = None
    if not args.headless:
        screen = _Window(LiveView(mirror=not args.no_mirror, disclaimer=DISCLAIMER))
    estimator = None
    if not is_recording_path(args.camera):
        from ..estimator import PoseEstimator

        estimator = PoseEstimator(static=False)
    stats = None
    try:
        stats = run_practice(source, practice, estimator, sinks, screen, late_sinks=late_sinks,
                             before_step=_SpecReloader(practice, routine, args.level))
    finally:
        # Whatever happened, close the step and keep the session.
        status = stats.outcome if stats is not None else "failed"
        last_t = stats.last_update.frame.t_ms if stats is not None and stats.last_update else None
        closing = practice.finish(last_t, {"complete": "completed", "quit": "quit"}.get(status, status))
        if recorder is not None:
            recorder.on_events(closing)
        for e in closing:
            line = EventPrinter.line(e)
            if line:
                say(f"{e.t_ms / 1000:7.1f}s  {line}")
        if coach is not None and wav is not None and stats is not None and stats.last_update is not None:
            coach.drain(coach.clock(stats.last_update))
        if screen is not None:
            screen.close()
        if estimator is not None:
            estimator.close()
        source.close()
        audio.close()
        if wav is None and args.audio_out:  # muted: an honest, silent file
            from ..audio import wav_bytes
            import numpy as np

            write_atomic(args.audio_out, wav_bytes(np.zeros(0, np.float32)))
        duration = (stats.last_update.t_ms / 1000.0) if stats is not None and stats.last_update else 0.0
        if store is not None:
            store.end_session(status, args.feeling_after, duration)
    feeling_after = args.feeling_after
    if feeling_after is None and interactive and status in ("complete", "quit", "source_ended"):
        feeling_after = _ask_feeling("now, after the session")
        if store is not None and feeling_after is not None:
            store.set_feeling_after(feeling_after)
    if store is not None:
        store.close()
    if args.report and practice.sessions:
        from ..report import session_report, to_json

        _, session = practice.sessions[-1]
        write_atomic(args.report, to_json(session_report(session, source.info.name, source.info.fps,
                                                         status == "complete", stats.problem)))
    say(f"session {status}" + (f" ({stats.problem})" if stats.problem else "")
        + ("; saved to the history" if store is not None else ""))
    if status == "camera_lost":
        print(f"formcheck: {stats.problem}; the session so far was saved", file=sys.stderr)
        return 2
    return 0
