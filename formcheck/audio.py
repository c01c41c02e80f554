"""Sounds and where they go: speech (espeak-ng), tones, and the outputs
(the sound card, a WAV file of everything that would be heard).

Speech is synthesised by the espeak-ng program when it is installed (Debian
package ``espeak-ng``) and cached per text, so a cue said twice costs one
synthesis and a warning can be prepared before it is needed. Without it,
each spoken cue becomes a short tone pattern (a low double tone for a
warning), so a person facing away still hears that something changed.

Outputs never raise: with no sound card (no PortAudio, no system player) the
device output reports once that it is silent and does nothing.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RATE = 22050  # espeak-ng's native rate; tones are made at the same rate


@dataclass(frozen=True, eq=False)
class Sound:
    label: str  # what it is, for logs and tests ("say: Ease off", "chime:start")
    samples: np.ndarray  # float32 mono, -1..1, at RATE

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE


def tone(freq: float, seconds: float, volume: float = 0.35) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    wave_ = np.sin(2 * np.pi * freq * t) * volume
    ramp = min(len(t) // 4, int(0.01 * RATE))  # 10 ms fades: no clicks
    if ramp:
        env = np.ones(len(t))
        env[:ramp] = np.linspace(0, 1, ramp)
        env[-ramp:] = np.linspace(1, 0, ramp)
        wave_ *= env
    return wave_.astype(np.float32)


def _seq(*parts: tuple[float, float]) -> np.ndarray:
    """Notes (freq Hz, seconds); freq 0 is a pause."""
    return np.concatenate([tone(f, s) if f else np.zeros(int(s * RATE), np.float32) for f, s in parts])


CHIMES = {
    "start": _seq((660, 0.12), (880, 0.18)),  # a hold has started: rising pair
    "target": _seq((660, 0.12), (880, 0.12), (1320, 0.3)),  # target reached: rising triple
    "tick": _seq((520, 0.08)),  # countdown
    "go": _seq((880, 0.25)),
    "warning": _seq((330, 0.2), (0, 0.08), (330, 0.2)),  # low, calm, unmistakable
    "cue": _seq((440, 0.15)),
    "done": _seq((880, 0.15), (660, 0.15), (520, 0.35)),
}


def chime(name: str) -> Sound:
    return Sound(f"chime:{name}", CHIMES[name])


def read_wav(data: bytes) -> np.ndarray:
    """16-bit mono PCM WAV bytes -> float32 samples. espeak-ng writing to a pipe
    leaves the header's length fields unset, so the data chunk is found by hand."""
    pos = 12
    while pos + 8 <= len(data):
        chunk, size = data[pos:pos + 4], int.from_bytes(data[pos + 4:pos + 8], "little")
        if chunk == b"data":
            pcm = data[pos + 8:]
            pcm = pcm[: len(pcm) - len(pcm) % 2]
            return np.frombuffer(pcm, "<i2").astype(np.float32) / 32768.0
        pos += 8 + size
    return np.zeros(0, np.float32)


def wav_bytes(samples: np.ndarray) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


class Speech:
    """Text -> Sound through espeak-ng, cached; ``available`` False without it."""

    def __init__(self, program: str | None = "auto", voice_speed: int = 150):
        """``program``: "auto" finds espeak-ng on the PATH; None uses tones only."""
        self.program = shutil.which("espeak-ng") if program == "auto" else program
        self.speed = voice_speed
        self._cache: dict[str, Sound] = {}

    @property
    def available(self) -> bool:
        return self.program is not None

    def __call__(self, text: str, fallback: str = "cue") -> Sound:
        if text in self._cache:
            return self._cache[text]
        samples = None
        if self.program:
            try:
                out = subprocess.run([self.program, "-s", str(self.speed), "--stdout", text],
                                     capture_output=True, timeout=10, check=True).stdout
                samples = read_wav(out)
            except (OSError, subprocess.SubprocessError):
                samples = None
        sound = Sound(f"say:{text}", samples) if samples is not None and len(samples) \
            else Sound(f"tone:{text}", CHIMES[fallback])
        self._cache[text] = sound
        return sound


# --- outputs -----------------------------------------------------------------

class WavTimeline:
    """Everything that would be heard, placed at session time, written on close.

    A sound that interrupts another cuts it off, as on the sound card."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.placed: list[tuple[float, Sound]] = []  # (start seconds, sound)

    def play(self, sound: Sound, t_s: float) -> None:
        self.placed.append((max(0.0, t_s), sound))

    def render(self) -> np.ndarray:
        if not self.placed:
            return np.zeros(0, np.float32)
        starts = [int(t * RATE) for t, _ in self.placed]
        pieces = []
        for i, (start, (_, sound)) in enumerate(zip(starts, self.placed)):
            stop = starts[i + 1] if i + 1 < len(starts) else start + len(sound.samples)
            pieces.append((start, sound.samples[: max(0, min(len(sound.samples), stop - start))]))
        out = np.zeros(max(start + len(p) for start, p in pieces), np.float32)
        for start, piece in pieces:
            out[start:start + len(piece)] += piece
        return out

    def close(self) -> None:
        from .outputs import write_atomic

        write_atomic(self.path, wav_bytes(self.render()))


class DeviceOutput:
    """The sound card through sounddevice (PortAudio), else a system player
    (aplay, paplay, pw-play), else silence with one notice."""

    def __init__(self, notify=print):
        self._notify = notify
        self._sd = None
        self._player = None
        self._proc: subprocess.Popen | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="formcheck-audio-"))
        self.kind = "none"
        try:
            import sounddevice as sd  # PortAudio is a system library; it may be missing

            sd.query_devices(kind="output")
            self._sd, self.kind = sd, "sounddevice"
        except Exception:  # OSError (no PortAudio) or PortAudioError (no device)
            for prog in ("pw-play", "paplay", "aplay"):
                if shutil.which(prog):
                    self._player, self.kind = prog, prog
                    break
        if self.kind == "none":
            notify("formcheck: no audio output found (no PortAudio device or system player); "
                   "voice cues are off, the screen still shows them (--audio-out FILE.wav records them)")

    def play(self, sound: Sound, t_s: float) -> None:
        try:
            if self._sd is not None:
                self._sd.play(sound.samples, RATE, blocking=False)  # replaces what is playing
            elif self._player is not None:
                if self._proc is not None and self._proc.poll() is None:
                    self._proc.terminate()
                f = self._tmp / "cue.wav"
                f.write_bytes(wav_bytes(sound.samples))
                self._proc = subprocess.Popen([self._player, str(f)], stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL)
        except Exception as e:  # a device that vanished mid-session: go quiet, say so once
            self._notify(f"formcheck: audio output failed ({e}); voice cues are off from here")
            self._sd = self._player = None
            self.kind = "none"

    def close(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
        shutil.rmtree(self._tmp, ignore_errors=True)


@dataclass
class AudioOut:
    """Fans a sound out to every output; ``log`` keeps (t_s, label) for tests."""

    outputs: list = field(default_factory=list)
    log: list[tuple[float, str]] = field(default_factory=list)

    def play(self, sound: Sound, t_s: float) -> None:
        self.log.append((t_s, sound.label))
        for out in self.outputs:
            out.play(sound, t_s)

    def close(self) -> None:
        for out in self.outputs:
            out.close()
