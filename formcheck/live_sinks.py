"""Sinks of a live practice: each takes the ``Update`` of every frame.

* ``HistoryRecorder``: writes poses, holds and warnings to the history as
  they happen.
* ``VoiceCoach``: turns events and the current cue into spoken words and
  chimes (``voice.Voice`` decides what plays when).
* ``EventPrinter``: headless runs print one line per event.
"""

from __future__ import annotations

from typing import Callable

from .practice import Update
from .store import HistoryStore
from .voice import ANNOUNCE, CUE, INFO, SETUP, URGENT, Utterance, Voice


class HistoryRecorder:
    def __init__(self, store: HistoryStore):
        self.store = store
        self._pose_id: int | None = None
        self.t_ms = 0.0

    def on_update(self, u: Update) -> None:
        self.on_events(u.events)
        self.t_ms = u.t_ms

    def on_events(self, events) -> None:
        st = self.store
        for e in events:
            p = e.step
            if e.kind == "step_started":
                self._pose_id = st.begin_pose(p.index, p.spec.name, p.step.side, p.target_s, e.t_ms / 1000)
            elif e.kind == "hold_ended" and e.hold is not None:
                h = e.hold
                st.add_hold(self._pose_id, p.spec.name, h.side or p.step.side, h.start_ms / 1000, h.end_ms / 1000,
                            h.duration_ms / 1000, h.completed)
            elif e.kind == "warning" and e.warning is not None:
                w = e.warning
                st.add_warning(self._pose_id, p.spec.name, w.t_ms / 1000, w.onset_ms / 1000, w.rule, w.kind,
                               w.cue, w.value)
            elif e.kind == "step_ended" and self._pose_id is not None:
                sm = e.summary
                st.end_pose(self._pose_id, e.t_ms / 1000, e.status, sm.best_hold_s, sm.time_in_form_s)
                self._pose_id = None


_EVENT_SPEECH = {  # kind -> (priority, chime, cooldown)
    "step_started": (ANNOUNCE, None, 0.0),
    "setup_ok": (INFO, None, 0.0),
    "setup_skipped": (INFO, None, 0.0),
    "countdown": (ANNOUNCE, "tick", 0.0),
    "go": (ANNOUNCE, "go", 0.0),
    "hold_started": (ANNOUNCE, "start", 0.0),
    "target_reached": (ANNOUNCE, "target", 0.0),
    "rest": (INFO, None, 0.0),
    "paused": (ANNOUNCE, None, 0.0),
    "resumed": (ANNOUNCE, None, 0.0),
    "routine_done": (ANNOUNCE, "done", 0.0),
}


class VoiceCoach:
    """Events and cues -> the voice. ``clock`` gives the time a sound starts
    on the session timeline (the real time for a camera, the frame time in tests)."""

    def __init__(self, voice: Voice, clock: Callable[[Update], float], cue_cooldown_s: float = 8.0,
                 opening: str | None = None):
        self.voice, self.clock = voice, clock
        self.cue_cooldown_s = cue_cooldown_s
        self._opening = opening

    def on_update(self, u: Update) -> None:
        t = self.clock(u)
        v = self.voice
        if self._opening:
            v.offer(t, Utterance("opening", ANNOUNCE, self._opening, max_wait_s=30))
            self._opening = None
        for e in u.events:
            if e.kind == "warning":
                # The warning already waited out its debounce; it goes first, cutting off the rest.
                v.offer(t, Utterance(f"warn:{e.text}", URGENT, e.text, chime="warning", chime_after=True,
                                    max_wait_s=5))
            elif e.kind in _EVENT_SPEECH:
                prio, chime, cooldown = _EVENT_SPEECH[e.kind]
                text = None if e.kind == "hold_started" else (e.text or None)
                v.offer(t, Utterance(f"{e.kind}:{e.text}:{e.t_ms:.0f}", prio, text, chime, cooldown,
                                     max_wait_s=0.9 if e.kind == "countdown" else 8.0))
        standing = None
        if u.cue and u.cue_kind in ("form", "setup", "pose"):
            standing = Utterance(f"cue:{u.cue}", SETUP if u.cue_kind == "setup" else CUE, u.cue,
                                 cooldown_s=self.cue_cooldown_s, max_wait_s=1.0)
        v.offer_standing(t, standing)
        v.update(t)

    def drain(self, t: float) -> None:
        """At the end: let the last announcement play (the WAV timeline keeps it)."""
        for _ in range(10):
            if self.voice.update(max(t, self.voice.busy_until)) is None:
                break
            t = self.voice.busy_until


class EventPrinter:
    def __init__(self, say: Callable[[str], None] = print):
        self.say = say
        self._last_setup: str | None = None

    def on_update(self, u: Update) -> None:
        for e in u.events:
            line = self.line(e)
            if line:
                self.say(f"{e.t_ms / 1000:7.1f}s  {line}")
        if u.phase == "setup" and u.cue and u.cue != self._last_setup:
            self.say(f"{u.t_ms / 1000:7.1f}s  set-up: {u.cue}")
        self._last_setup = u.cue if u.phase == "setup" else None

    @staticmethod
    def line(e) -> str | None:
        label = e.step.label if e.step else ""
        if e.kind == "step_started":
            return f"step {e.step.index + 1}: {label}"
        if e.kind == "hold_started":
            return "hold started"
        if e.kind == "target_reached":
            return "hold target reached"
        if e.kind == "hold_ended" and e.hold is not None:
            return f"hold ended: {e.hold.duration_ms / 1000:.1f}s in good form" + \
                (" (target reached)" if e.hold.completed else "")
        if e.kind == "warning":
            return f"WARNING: {e.text}"
        if e.kind == "step_ended":
            sm = e.summary
            return (f"{label}: {e.status}; best hold {sm.best_hold_s:.1f}s, "
                    f"{sm.time_in_form_s:.1f}s in good form, {sm.warnings} warning(s)")
        if e.kind in ("setup_ok", "setup_skipped", "go", "rest", "paused", "resumed", "routine_done"):
            return e.text
        return None
