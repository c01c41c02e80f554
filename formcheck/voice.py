"""What to say, and when: one sound at a time, the most important first.

Priorities (lower number first): an over-stretch warning, then set-up
problems, then announcements (next pose, countdown, hold chimes), then form
cues, then information. A warning cuts off whatever is playing; anything
else waits its turn, and a request that could not start within its
``max_wait_s`` is dropped (a countdown number said late is worse than none).
The same cue is not repeated within its cooldown. Standing cues (form and
set-up) are only said once they have held for ``settle_s``, so a person
moving through a transition is not nagged.

Time is the caller's session clock in seconds; nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .audio import RATE, AudioOut, Sound, Speech, chime

URGENT, SETUP, ANNOUNCE, CUE, INFO = 0, 1, 2, 3, 4


@dataclass(frozen=True)
class Utterance:
    key: str  # identity for cooldowns and de-duplication
    priority: int
    text: str | None = None  # spoken (or a tone when there is no speech engine)
    chime: str | None = None  # played before the words (after them when ``chime_after``)
    chime_after: bool = False  # warnings: the words start at once, the tone follows
    cooldown_s: float = 0.0
    max_wait_s: float = 3.0


def _join(*sounds: Sound) -> Sound:
    gap = np.zeros(int(0.08 * RATE), np.float32)
    parts = []
    for s in sounds:
        parts += [s.samples, gap]
    return Sound(" + ".join(s.label for s in sounds), np.concatenate(parts[:-1]))


class Voice:
    def __init__(self, audio: AudioOut, speech: Speech, settle_s: float = 1.0):
        self.audio = audio
        self.speech = speech
        self.settle_s = settle_s
        self.busy_until = 0.0
        self.playing: Utterance | None = None
        self._pending: list[tuple[float, Utterance]] = []  # (requested at, utterance)
        self._last_said: dict[str, float] = {}
        self._standing: tuple[str, float] | None = None  # (key, since)

    def prepare(self, texts) -> None:
        """Synthesise ahead of time (warning cues), so saying them costs nothing later."""
        for t in texts:
            self.speech(t, "warning")

    def sound_for(self, u: Utterance) -> Sound:
        parts = []
        if u.text:
            parts.append(self.speech(u.text, "warning" if u.priority == URGENT else "cue"))
        if u.chime:
            parts.insert(len(parts) if u.chime_after else 0, chime(u.chime))
        return parts[0] if len(parts) == 1 else _join(*parts)

    def _cooling(self, u: Utterance, t: float) -> bool:
        last = self._last_said.get(u.key)
        return last is not None and t - last < u.cooldown_s

    def offer(self, t: float, u: Utterance) -> None:
        """A one-off request (an event): queued until it can play, or dropped."""
        if self._cooling(u, t) or any(p.key == u.key for _, p in self._pending):
            return
        if self.playing is not None and self.playing.key == u.key and t < self.busy_until:
            return
        self._pending.append((t, u))

    def offer_standing(self, t: float, u: Utterance | None) -> None:
        """A cue that applies for as long as it is offered; said once it has
        lasted ``settle_s``, then again after each cooldown while it lasts."""
        if u is None:
            self._standing = None
            return
        if self._standing is None or self._standing[0] != u.key:
            self._standing = (u.key, t)
        if t - self._standing[1] >= self.settle_s:
            self.offer(t, u)

    def update(self, t: float) -> Sound | None:
        """Start the most important pending sound if it may play now."""
        self._pending = [(t0, u) for t0, u in self._pending if t - t0 <= u.max_wait_s]
        if not self._pending:
            return None
        t0, u = min(self._pending, key=lambda p: (p[1].priority, p[0]))
        free = t >= self.busy_until
        preempt = (u.priority == URGENT and self.playing is not None and self.playing.priority != URGENT)
        if not (free or preempt):
            return None
        self._pending.remove((t0, u))
        sound = self.sound_for(u)
        self.audio.play(sound, t)
        self.playing, self.busy_until = u, t + sound.seconds + 0.15
        self._last_said[u.key] = t
        return sound
