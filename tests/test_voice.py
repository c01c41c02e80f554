"""Voice policy (one sound at a time, most important first, cooldowns) and
the audio pieces (tones, espeak-ng parsing, the WAV timeline)."""

import shutil
import wave

import numpy as np
import pytest

from formcheck.audio import RATE, AudioOut, Sound, Speech, WavTimeline, chime, read_wav, wav_bytes
from formcheck.voice import ANNOUNCE, CUE, URGENT, Utterance, Voice


def make_voice():
    audio = AudioOut()
    return Voice(audio, Speech(program=None)), audio  # tones only: fast and deterministic


def test_warning_cuts_off_anything_less_important():
    v, audio = make_voice()
    v.offer(0.0, Utterance("next", ANNOUNCE, "Next: staff pose"))
    v.update(0.0)
    v.offer(0.1, Utterance("warn", URGENT, "Ease off", chime="warning"))
    v.update(0.1)
    assert [label.split(" ")[0] for _, label in audio.log] == ["tone:Next:", "chime:warning"]
    assert audio.log[1][0] == 0.1
    # With a speech engine a warning's words come first and the tone after them.
    words = v.sound_for(Utterance("w", URGENT, "Ease off", chime="warning", chime_after=True))
    assert words.label == "tone:Ease off + chime:warning"


def test_one_at_a_time_most_important_first():
    v, audio = make_voice()
    v.offer(0.0, Utterance("a", ANNOUNCE, "first"))
    v.update(0.0)
    busy = v.busy_until
    v.offer(0.05, Utterance("info", CUE, "later", max_wait_s=10))
    v.offer(0.06, Utterance("b", ANNOUNCE, "more important", max_wait_s=10))
    v.update(0.07)
    assert len(audio.log) == 1  # still playing the first
    v.update(busy)
    v.update(v.busy_until)
    assert [label for _, label in audio.log] == ["tone:first", "tone:more important", "tone:later"]


def test_stale_requests_are_dropped():
    v, audio = make_voice()
    v.offer(0.0, Utterance("long", ANNOUNCE, "x"))
    v.update(0.0)
    v.offer(0.01, Utterance("count", ANNOUNCE, "3", max_wait_s=0.0))
    v.update(v.busy_until + 0.5)
    assert [label for _, label in audio.log] == ["tone:x"]


def test_standing_cue_waits_to_settle_then_respects_its_cooldown():
    v, audio = make_voice()
    cue = Utterance("cue:knees", CUE, "Straighten your knees", cooldown_s=8.0)
    said = []
    for i in range(400):  # 20 s at 20 frames per second
        t = i * 0.05
        v.offer_standing(t, cue)
        if v.update(t) is not None:
            said.append(round(t, 2))
    assert said[0] == pytest.approx(1.0, abs=0.06)  # after settle_s
    assert all(b - a >= 8.0 for a, b in zip(said, said[1:])) and len(said) == 3


def test_a_cue_that_stops_applying_is_not_said():
    v, audio = make_voice()
    cue = Utterance("cue:x", CUE, "x")
    for i in range(15):
        v.offer_standing(i * 0.05, cue)
        v.update(i * 0.05)
    v.offer_standing(0.8, None)
    for i in range(16, 60):
        v.update(i * 0.05)
    assert audio.log == []


def test_wav_timeline_places_sounds_at_session_time(tmp_path):
    tl = WavTimeline(tmp_path / "out.wav")
    tl.play(chime("start"), 1.0)
    tl.play(chime("warning"), 3.0)
    tl.close()
    with wave.open(str(tmp_path / "out.wav")) as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2")
    loud = np.flatnonzero(np.abs(pcm) > 1000) / RATE
    assert loud[0] == pytest.approx(1.0, abs=0.02)
    assert ((loud > 1.5) & (loud < 2.9)).sum() == 0  # silence between
    assert loud[-1] == pytest.approx(3.0 + chime("warning").seconds, abs=0.05)


def test_an_interruption_cuts_the_earlier_sound_in_the_file(tmp_path):
    tl = WavTimeline(tmp_path / "o.wav")
    tl.play(Sound("long", np.full(RATE * 2, 0.5, np.float32)), 0.0)
    tl.play(Sound("short", np.full(RATE // 10, -0.5, np.float32)), 0.5)
    out = tl.render()
    assert out[int(0.4 * RATE)] == pytest.approx(0.5) and out[int(0.55 * RATE)] == pytest.approx(-0.5)
    assert len(out) == pytest.approx(0.6 * RATE, abs=2)


def test_read_wav_handles_an_unset_length_header():
    pcm = wav_bytes(np.array([0.0, 0.5, -0.5], np.float32))
    broken = pcm[:4] + b"\xff\xff\xff\xff" + pcm[8:40] + b"\xff\xff\xff\xff" + pcm[44:]
    assert np.allclose(read_wav(broken), [0.0, 0.5, -0.5], atol=1e-3)


def test_without_espeak_cues_become_tones():
    s = Speech(program=None)
    assert not s.available
    assert s("Ease off", "warning").label == "tone:Ease off"
    assert np.array_equal(s("Ease off").samples, chime("warning").samples)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (apt-get install espeak-ng)")
def test_espeak_speaks_and_is_cached():
    s = Speech()
    a = s("Ease off")
    assert a.label == "say:Ease off" and 0.3 < a.seconds < 3 and np.abs(a.samples).max() > 0.1
    assert s("Ease off") is a
