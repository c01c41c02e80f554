"""HoldTimer and WarningDebouncer stepped through explicit (t_ms, verdict) tables.

Each table row is (t_ms, what the frame shows, expected phase, expected timer
in ms or None to skip). Frames are 100 ms apart unless a row says otherwise,
so the numbers can be checked by hand against the semantics in hold.py.
"""

from __future__ import annotations

import pytest

from formcheck.evaluate import HIGH, LOW, OK, OVER, UNSEEN, RuleResult, Verdict
from formcheck.hold import HoldTimer, WarningDebouncer
from formcheck.specs import parse_spec


def make_spec(sided: bool = False, hold_seconds: float = 3, debounce: float = 0.2,
              cooldown: float = 8.0, same_cue: bool = False):
    side = "working" if sided else "both"
    data = {
        "name": "t", "hold_seconds": hold_seconds, "sided": sided,
        "timing": {"settle_seconds": 1.0, "grace_seconds": 1.5,
                   "warn_debounce_seconds": debounce, "warn_cooldown_seconds": cooldown},
        "pose": [{"feature": "trunk_incline", "range": [0, 60]}],
        "form": [{"feature": "knee", "side": side, "range": [158, 180]}],
        "limit": [{"feature": "trunk_incline", "above": 45, "cue": "come up"},
                  {"feature": "knee", "side": side, "below": 120,
                   "cue": "come up" if same_cue else "straighten"}],
    }
    return parse_spec(data, "t.toml", "t")


SPEC = make_spec()


def verdict(spec, shows: str, side: str | None = None, over: tuple[str, ...] = ()) -> Verdict:
    """A verdict for what a frame shows.

    good: in the pose, form met. bad: in the pose, a form rule seen out of
    range. unseen: a person, but the form rule's landmarks hidden. none: no
    person. out: seen, but not in the pose at all. ``over`` lists limit rule
    ids crossed ("limit:trunk_incline"...), "unseen:<id>" marks a limit unseen.
    """
    person = shows != "none"
    in_pose = shows in ("good", "bad", "unseen")
    status = {"good": OK, "bad": LOW, "unseen": UNSEEN, "none": UNSEEN, "out": LOW}[shows]
    results = []
    for r in spec.rules:
        if r.kind == "pose":
            st = (OK if in_pose else HIGH) if person else UNSEEN
        elif r.kind == "form":
            st = status if person else UNSEEN
        elif f"unseen:{r.id}" in over or not person:
            st = UNSEEN
        else:
            st = OVER if r.id in over else OK
        results.append(RuleResult(r, st, 50.0 if st == OVER else None, ()))
    overstretch = in_pose and any(x.status == OVER for x in results if x.rule.kind == "limit")
    form_ok = shows == "good" and not overstretch
    return Verdict(spec.name, person, side, in_pose, form_ok, overstretch, tuple(results))


def run_table(table, spec=SPEC, side=None):
    timer = HoldTimer(spec)
    events = []
    for t, shows, phase, timer_ms in table:
        state, ev = timer.step(t, verdict(spec, shows, side))
        events.extend(ev)
        assert state.phase == phase, f"t={t}: phase {state.phase}, expected {phase}"
        if timer_ms is not None:
            assert state.timer_ms == pytest.approx(timer_ms), f"t={t}: timer {state.timer_ms}"
    return timer, events


def good_run(t0, t1, phase="holding"):
    return [(t, "good", phase, None) for t in range(t0, t1 + 1, 100)]


def test_settle_then_hold_backdated_to_first_good_frame():
    table = [
        (0, "out", "idle", 0),
        (100, "good", "settling", 0),
        (600, "good", "settling", 0),
        (1000, "good", "settling", 0),  # 900 ms good: not yet settled
        (1100, "good", "holding", 1000),  # settled: credited from the first good frame
        (1200, "good", "holding", 1100),
    ]
    timer, events = run_table(table)
    assert [(e.kind, e.t_ms) for e in events] == [("started", 100)]
    assert timer.state().start_ms == 100


def test_settle_restarts_after_any_break():
    table = [(0, "good", "settling", 0), (500, "good", "settling", 0),
             (600, "bad", "idle", 0),
             (700, "good", "settling", 0), (1600, "good", "settling", 0),
             (1700, "good", "holding", 1000)]
    timer, events = run_table(table)
    assert events[0].t_ms == 700


def test_short_seen_break_is_bridged_but_its_bad_time_not_counted():
    table = good_run(0, 2000)  # started at 1000, timer 2000 at t=2000
    table[:10] = [(t, "good", "settling", 0) for t in range(0, 1000, 100)]
    table += [(2100, "bad", "break", 2000), (2200, "bad", "break", 2000), (2300, "bad", "break", 2000),
              (2400, "good", "holding", 2100),  # 400 ms since last good, 300 ms seen bad
              (2500, "good", "holding", 2200)]
    timer, events = run_table(table)
    assert [e.kind for e in events] == ["started"]
    ended = timer.finish()
    assert ended[0].hold.start_ms == 0 and ended[0].hold.end_ms == 2500
    assert ended[0].hold.duration_ms == pytest.approx(2200)


def test_short_unseen_break_is_credited():
    table = [(t, "good", "settling" if t < 1000 else "holding", None) for t in range(0, 2001, 100)]
    table += [(2100, "none", "break", 2000), (2200, "unseen", "break", 2000), (2300, "none", "break", 2000),
              (2400, "good", "holding", 2400)]  # the whole gap credited
    run_table(table)


def test_break_of_grace_length_ends_hold_at_last_good_frame():
    table = [(t, "good", "settling" if t < 1000 else "holding", None) for t in range(0, 2001, 100)]
    table += [(t, "bad", "break", 2000) for t in range(2100, 3500, 100)]  # 1400 ms: still a break
    table += [(3500, "bad", "idle", 0)]  # 1500 ms since the last good frame: ended
    table += [(3600, "good", "settling", 0)]  # a new hold must settle afresh
    timer, events = run_table(table)
    assert [e.kind for e in events] == ["started", "ended"]
    hold = timer.holds[0]
    assert (hold.start_ms, hold.end_ms, hold.duration_ms, hold.completed) == (0, 2000, 2000, False)
    assert events[-1].t_ms == 2000


def test_unseen_break_longer_than_grace_also_ends_hold():
    table = [(t, "good", "settling" if t < 1000 else "holding", None) for t in range(0, 2001, 100)]
    table += [(t, "none", "break", None) for t in range(2100, 3500, 100)] + [(3500, "none", "idle", 0)]
    timer, _ = run_table(table)
    assert timer.holds[0].duration_ms == 2000


def test_target_reached_once_and_completed_flag():
    spec = make_spec(hold_seconds=2)
    table = [(t, "good", "settling" if t < 1000 else "holding", None) for t in range(0, 3001, 100)]
    timer, events = run_table(table, spec)
    assert [(e.kind, e.t_ms) for e in events] == [("started", 0), ("target_reached", 2000)]
    timer.finish()
    assert timer.holds[0].completed and timer.holds[0].duration_ms == 3000


def test_overstretch_is_never_good_form_and_is_seen_bad():
    timer = HoldTimer(SPEC)
    for t in range(0, 2001, 100):
        timer.step(t, verdict(SPEC, "good"))
    for t in (2100, 2200):
        state, _ = timer.step(t, verdict(SPEC, "good", over=("limit:trunk_incline",)))
        assert state.phase == "break"
    state, _ = timer.step(2300, verdict(SPEC, "good"))
    assert state.timer_ms == pytest.approx(2100)  # 300 ms since last good, 200 seen over


def test_side_switch_ends_hold_and_new_side_settles():
    spec = make_spec(sided=True)
    timer = HoldTimer(spec)
    for t in range(0, 2001, 100):
        timer.step(t, verdict(spec, "good", side="left"))
    state, events = timer.step(2100, verdict(spec, "good", side="right"))
    assert [e.kind for e in events] == ["ended"] and events[0].hold.side == "left"
    assert (state.phase, state.side) == ("settling", "right")
    for t in range(2200, 3101, 100):
        state, events = timer.step(t, verdict(spec, "good", side="right"))
    assert state.phase == "holding" and state.side == "right" and state.start_ms == 2100


def test_finish_during_break_ends_at_last_good_frame():
    timer = HoldTimer(SPEC)
    for t in range(0, 1501, 100):
        timer.step(t, verdict(SPEC, "good"))
    timer.step(1600, verdict(SPEC, "none"))
    events = timer.finish()
    assert events[0].hold.end_ms == 1500 and events[0].hold.duration_ms == 1500
    assert timer.finish() == []  # nothing left to close


def test_settle_and_grace_at_30fps_need_exactly_their_frame_count():
    """Float frame times (i * 1000 / 30) must not cost an extra frame."""
    spec = make_spec()
    for first in range(0, 60):
        timer = HoldTimer(spec)
        ts = [i * 1000.0 / 30 for i in range(first, first + 31)]
        phases = [timer.step(t, verdict(spec, "good"))[0].phase for t in ts]
        assert phases[29] == "settling" and phases[30] == "holding", first


# --- warnings ----------------------------------------------------------------------

TRUNK = "limit:trunk_incline"
KNEE = "limit:knee.both"


def run_warnings(rows, spec=SPEC):
    """rows: (t_ms, shows, over ids); returns [(t_ms, rule, kind, onset)]."""
    deb = WarningDebouncer(spec)
    out = []
    for t, shows, over in rows:
        for w in deb.step(t, verdict(spec, shows, over=over)):
            out.append((w.t_ms, w.rule, w.kind, w.onset_ms))
    return out


def test_warning_fires_after_debounce_not_before():
    rows = [(0, "good", ()), (100, "good", (TRUNK,)), (200, "good", (TRUNK,)), (300, "good", (TRUNK,)),
            (400, "good", (TRUNK,))]
    assert run_warnings(rows) == [(300, TRUNK, "overstretch", 100)]


def test_crossing_shorter_than_debounce_never_fires():
    rows = [(0, "good", (TRUNK,)), (100, "good", (TRUNK,)), (200, "good", ()),
            (300, "good", (TRUNK,)), (400, "good", (TRUNK,)), (500, "good", ())] * 1
    assert run_warnings(rows) == []


def test_unseen_frames_neither_fire_nor_clear():
    rows = [(0, "good", (TRUNK,)), (100, "none", ()), (150, "good", (f"unseen:{TRUNK}",)),
            (200, "good", (TRUNK,))]
    assert run_warnings(rows) == [(200, TRUNK, "overstretch", 0)]
    # ...and an unseen span alone never fires, however long.
    rows = [(0, "good", (TRUNK,))] + [(t, "none", ()) for t in range(100, 2000, 100)]
    assert run_warnings(rows) == []


def test_no_warning_when_not_in_pose():
    rows = [(t, "out", (TRUNK,)) for t in range(0, 1000, 100)]
    assert run_warnings(rows) == []


def test_repeat_after_cooldown_while_held_then_new_episode_respects_cooldown():
    rows = [(t, "good", (TRUNK,)) for t in range(0, 9001, 100)]  # held 9 s
    rows += [(9100, "good", ())]  # cleared
    rows += [(t, "good", (TRUNK,)) for t in range(9200, 17001, 100)]  # crossed again
    got = run_warnings(rows)
    assert got == [(200, TRUNK, "overstretch", 0),
                   (8200, TRUNK, "repeat", 0),
                   # debounced at 9400, but the cue was given at 8200: wait for 16200
                   (16200, TRUNK, "overstretch", 9200)]


def test_cooldown_is_per_cue_shared_by_rules_with_the_same_cue():
    spec = make_spec(same_cue=True)
    rows = [(t, "good", (TRUNK, KNEE)) for t in range(0, 1001, 100)]
    got = run_warnings(rows, spec)
    assert len(got) == 1  # one cue, said once
    spec2 = make_spec(same_cue=False)
    got2 = run_warnings(rows, spec2)
    assert sorted(r for _, r, _, _ in got2) == [KNEE, TRUNK]


def test_debounce_at_30fps_takes_exactly_its_frame_count():
    """0.2 s at 30 fps is 6 frame steps after the onset, whatever the onset frame."""
    for first in range(0, 90):
        deb = WarningDebouncer(SPEC)
        fired_at = None
        for i in range(first, first + 10):
            if deb.step(i * 1000.0 / 30, verdict(SPEC, "good", over=(TRUNK,))):
                fired_at = i - first
                break
        assert fired_at == 6, f"onset at frame {first}: fired {fired_at} frames later"


def test_unseen_frames_pause_settle_instead_of_restarting_it():
    """A 150 ms dropout in the first second must not cut the hold's start."""
    table = [(0, "good", "settling", 0), (400, "good", "settling", 0),
             (500, "none", "settling", 0), (600, "unseen", "settling", 0),
             (700, "good", "settling", 0), (1000, "good", "holding", 1000)]
    timer, events = run_table(table)
    assert events[0].t_ms == 0
    # ...but a gap as long as the grace period does restart it.
    table = [(0, "good", "settling", 0)] + [(t, "none", "settling", 0) for t in range(100, 1500, 100)]
    table += [(1500, "none", "idle", 0), (1600, "good", "settling", 0)]
    run_table(table)
