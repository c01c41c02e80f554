"""Live reload: a saved spec applies at once, a broken edit keeps the last good spec."""

from __future__ import annotations

import os
from dataclasses import replace

from formcheck.errors import FormcheckError
from formcheck.pipeline import Session
from formcheck.reload import SpecWatcher, due
from formcheck.runner import run
from formcheck.sources import open_source
from formcheck.specs import load_spec_file, resolve_spec

from .conftest import video_recording


class FakeFiles:
    """Stamps and loads under the test's control."""

    def __init__(self, spec):
        self.stamp = (1, 100)
        self.result = spec
        self.loads = 0

    def stat(self, path):
        return self.stamp

    def load(self):
        self.loads += 1
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def test_due_every_interval_of_frame_time():
    assert due(0, None, 500)
    assert not due(499, 0, 500) and due(500, 0, 500)
    assert due(10, 600, 500)  # time went backwards (a new source): look again


def test_watcher_reloads_on_change_and_keeps_the_last_good_spec_on_error():
    staff = resolve_spec("staff")
    files = FakeFiles(staff)
    messages = []
    w = SpecWatcher(staff, files.load, interval_ms=500, stat=files.stat, notify=messages.append)
    assert w.check(0) is None and files.loads == 0  # nothing changed
    files.stamp = (2, 100)
    assert w.check(100) is None  # not due yet
    edited = replace(staff, hold_seconds=12)
    files.result = edited
    assert w.check(600) is edited and w.reloads == 1
    files.stamp, files.result = (3, 90), FormcheckError("staff.toml: 1 problem(s)")
    assert w.check(1200) is None and "keeping the last good spec" in messages[-1]
    assert w.last_error and w.spec is edited
    assert w.check(1800) is None and files.loads == 2  # the broken file is not re-read until saved again
    files.stamp, files.result = (4, 100), staff
    assert w.check(2400) is staff and w.last_error is None


def test_watcher_on_a_real_file(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('base = "staff"\n')
    spec = load_spec_file(path)
    w = SpecWatcher(spec, lambda: load_spec_file(path), interval_ms=0, notify=lambda m: None)
    assert str(path) in w.files and len(w.files) == 2  # the overlay and its base
    path.write_text('base = "staff"\nhold_seconds = 12\n')
    os.utime(path, ns=(1, 1))
    assert w.check(1).hold_seconds == 12
    path.write_text('base = "staff"\nhold_seconds = "long"\n')
    os.utime(path, ns=(2, 2))
    assert w.check(2) is None and "hold_seconds" in w.last_error


class SwapAt:
    """A watcher stand-in: hands over ``spec`` once, at the first frame at or after ``t_ms``."""

    def __init__(self, t_ms, spec):
        self.t_ms, self.spec, self.done = t_ms, spec, False

    def check(self, t_ms):
        if not self.done and t_ms >= self.t_ms:
            self.done = True
            return self.spec
        return None


def _holds(spec, watcher):
    rec = video_recording("downward_dog_hold_man")
    source = open_source(rec, 15, 47)
    outcome = run(source, spec, None, watcher=watcher)
    return outcome.session


def test_same_rules_reloaded_mid_hold_keep_the_hold():
    dog = resolve_spec("downward_dog")
    plain = _holds(dog, None)
    swapped = _holds(dog, SwapAt(30_000, replace(dog)))
    assert [h.start_ms for h in plain.timer.holds] == [h.start_ms for h in swapped.timer.holds]
    assert len(plain.timer.holds) >= 1


def test_stricter_rules_reloaded_mid_hold_end_it_and_apply():
    dog = resolve_spec("downward_dog")
    impossible = replace(dog, hold_seconds=5, rules=tuple(
        replace(r, low=10.0, high=20.0) if r.id == "form:knee.both" else r for r in dog.rules))
    session = _holds(dog, SwapAt(30_000, impossible))
    assert session.spec is impossible and session.timer.target_ms == 5000
    assert session.timer.holds and session.timer.holds[0].end_ms <= 30_000 + 100
    assert all(h.start_ms < 30_000 for h in session.timer.holds)  # no good form after the swap


def test_replace_spec_takes_new_timings():
    dog = resolve_spec("downward_dog")
    s = Session(dog)
    s.replace_spec(replace(dog, hold_seconds=7))
    assert s.timer.target_ms == 7000 and s.evaluator.spec.hold_seconds == 7


def test_reload_keeps_hysteresis_of_rules_that_stay():
    from formcheck.evaluate import Evaluator
    from formcheck.features import Measurement

    dog = resolve_spec("downward_dog")
    ev = Evaluator(dog)
    feats = {f"{n}.{s}": Measurement(v, 1.0) for n, v in (("hip", 80.0), ("shoulder", 150.0), ("knee", 170.0))
             for s in ("left", "right")}
    feats["trunk_incline"] = Measurement(130.0, 1.0)
    feats["chest_facing"] = Measurement(40.0, 1.0)  # downward_dog's pose rules need the chest toward the floor
    assert ev.step(feats).form_ok
    feats["knee.left"] = Measurement(128.5, 1.0)  # 1.5 below the form edge 130: inside the hysteresis
    carried = ev.continued(replace(dog))
    assert carried.step(feats).form_ok  # stays good, as it would have without the reload
    assert not Evaluator(dog).step(feats).form_ok  # a fresh evaluator would call it out of form
