"""The practice state machine, stepped through streams of real poses."""

import pytest

from formcheck.practice import ACTIVE, DONE, GET_READY, REST, SETUP, Practice
from formcheck.routine import Routine, Step, plan
from .live_fixtures import find_pose, frames, still


def routine(*steps, get_ready=1.0, timeout=180.0):
    return Routine("t", "t", tuple(steps), get_ready_seconds=get_ready, step_timeout_seconds=timeout)


def run(practice, stream, commands=None):
    """Step through ``stream``; ``commands`` maps a frame index to a command."""
    updates = []
    for i, (frame, pose) in enumerate(stream):
        for cmd in (commands or {}).get(i, ()):
            practice.command(cmd)
        updates.append(practice.step(frame, pose))
        if practice.finished:
            break
    return updates


def events(updates, kind=None):
    return [e for u in updates for e in u.events if kind is None or e.kind == kind]


@pytest.fixture(scope="module")
def dog():
    return find_pose("downward_dog", "downward_dog", "form_ok")


def test_phases_in_order_and_auto_advance(dog):
    r = routine(Step("downward_dog", None, 3.0, 2.0), Step("downward_dog", None, 3.0, 0.0))
    p = Practice(r, plan(r))
    ups = run(p, frames(still(dog, 30)))
    phases = [u.phase for u in ups]
    # setup -> get ready -> active -> rest -> setup -> get ready -> active -> done, no going back
    order = []
    for ph in phases:
        if not order or order[-1] != ph:
            order.append(ph)
    assert order == [SETUP, GET_READY, ACTIVE, REST, SETUP, GET_READY, ACTIVE, DONE]
    kinds = [e.kind for e in events(ups)]
    assert kinds.count("target_reached") == 2 and kinds[-1] == "routine_done"
    ended = events(ups, "step_ended")
    assert [e.status for e in ended] == ["completed", "completed"]
    for e in ended:  # the hold was cut at the target: about 3 s, never less
        assert 3.0 <= e.summary.best_hold_s < 3.2 and e.summary.completed
    # Timing starts only after the set-up check (1 s good) and the countdown (1 s).
    first_hold = events(ups, "hold_started")[0]
    go = events(ups, "go")[0]
    assert go.t_ms >= 2000 and first_hold.t_ms >= go.t_ms
    counts = [e.text for e in events(ups, "countdown")]
    assert counts == ["1", "1"]


def test_setup_check_blocks_timing_until_someone_is_seen(dog):
    r = routine(Step("downward_dog", None, 2.0, 0.0))
    p = Practice(r, plan(r), setup_timeout_s=60)
    ups = run(p, frames(still(None, 5) + still(dog, 10)))
    assert all(u.phase == SETUP for u in ups[:150])
    assert ups[10].cue and "cannot see you" in ups[10].cue and ups[10].cue_kind == "setup"
    go = events(ups, "go")[0]
    assert go.t_ms >= 5000 + 1000 + 1000 - 50


def test_setup_gives_up_after_its_timeout_and_says_so(dog):
    r = routine(Step("downward_dog", None, 2.0, 0.0))
    p = Practice(r, plan(r), setup_timeout_s=3)
    ups = run(p, frames(still(None, 5)))
    skipped = events(ups, "setup_skipped")
    assert len(skipped) == 1 and 3000 <= skipped[0].t_ms < 3100


def test_pause_never_counts_as_holding(dog):
    r = routine(Step("downward_dog", None, 6.0, 0.0))
    p = Practice(r, plan(r))
    # Pause at 4 s (about 1 s into the hold) for 10 s, then carry on.
    ups = run(p, frames(still(dog, 30)), {120: ["pause"], 420: ["pause"]})
    paused = [u for u in ups if u.paused]
    assert len(paused) == 300 and all(u.result is None for u in paused)
    done = events(ups, "target_reached")[0]
    # On the session clock (pauses removed) the target comes 6 s after the hold started.
    started = events(ups, "hold_started")[0]
    assert 6000 <= done.t_ms - started.t_ms < 6200
    assert done.t_ms < 14000  # the 10 s pause is not on the session clock


def test_skip_repeat_quit(dog):
    r = routine(Step("downward_dog", None, 30.0, 5.0), Step("downward_dog", None, 30.0, 0.0))
    p = Practice(r, plan(r))
    ups = run(p, frames(still(dog, 20)), {150: ["repeat"], 300: ["skip"], 450: ["quit"]})
    statuses = [e.status for e in events(ups, "step_ended")]
    assert statuses == ["repeated", "skipped", "quit"]
    started = [e.step.index for e in events(ups, "step_started")]
    assert started == [0, 0, 1]
    assert p.finished and ups[-1].phase == DONE


def test_step_times_out_when_nobody_settles():
    r = routine(Step("downward_dog", None, 3.0, 0.0), timeout=5.0)
    p = Practice(r, plan(r), setup_timeout_s=1)
    ups = run(p, frames(still(None, 12)))
    ended = events(ups, "step_ended")
    assert [e.status for e in ended] == ["timed_out"] and p.finished


def test_overstretch_is_the_cue_and_a_warning_event():
    over = find_pose("low_cobra", "low_cobra", "overstretch")
    r = routine(Step("low_cobra", None, 5.0, 0.0))
    p = Practice(r, plan(r), setup_timeout_s=1)
    ups = run(p, frames(still(over, 6)))
    active = [u for u in ups if u.phase == ACTIVE]
    assert active and active[-1].cue_kind == "overstretch" and active[-1].cue.startswith("Ease off")
    warns = events(ups, "warning")
    assert warns and warns[0].warning.kind == "overstretch"
    assert not events(ups, "hold_started")  # an over-stretch is never a good hold


def test_finish_closes_the_running_step(dog):
    r = routine(Step("downward_dog", None, 30.0, 0.0))
    p = Practice(r, plan(r))
    ups = run(p, frames(still(dog, 8)))
    closing = p.finish(ups[-1].frame.t_ms, "interrupted")
    kinds = [e.kind for e in closing]
    assert kinds == ["hold_ended", "step_ended"] and closing[-1].status == "interrupted"
    assert closing[0].hold.duration_ms > 3000 and p.finished
    assert p.finish(ups[-1].frame.t_ms) == ()


def test_a_sided_step_times_only_its_side():
    # Evaluator pinned to one side: the other side's candidate is never chosen.
    from formcheck.evaluate import Evaluator
    from formcheck.specs import PoseSpec, Rule

    rules = (Rule("pose", "pose:knee.working", "knee", "working", low=0, high=180),)
    spec = PoseSpec("s", "S", "any", 5, 0.5, True, rules)
    from formcheck import features as F

    pose = find_pose("downward_dog", "downward_dog", "form_ok")
    feats = F.compute(pose, spec.features)
    assert Evaluator(spec, "right").step(feats).side == "right"
    assert Evaluator(spec, "left").step(feats).side == "left"


def test_an_edited_spec_file_applies_to_the_running_step(tmp_path, dog):
    import os

    from formcheck.commands.live import _SpecReloader
    from formcheck.live_loop import run_practice
    from formcheck.specs import resolve_spec

    spec_file = tmp_path / "my_dog.toml"
    text = open(resolve_spec("downward_dog").path).read()
    spec_file.write_text(text)
    r = routine(Step(str(spec_file), None, 30.0, 0.0))
    p = Practice(r, plan(r))

    class Editor:  # saves an edited title at 5 s, as a person tuning the spec would
        def on_update(self, u):
            if u.frame.t_ms >= 5000 and "Edited dog" not in spec_file.read_text():
                spec_file.write_text(text.replace('title = "', 'title = "Edited dog ', 1))
                os.utime(spec_file, ns=(10**18, 10**18))

    class Source:
        problem = None

        def __iter__(self):
            return (f.__class__(f.index, f.t_ms, f.image, pose, recorded=True) for f, pose in frames(still(dog, 8)))

    run_practice(Source(), p, None, [], late_sinks=[Editor()], before_step=_SpecReloader(p, r, None))
    assert p.current.spec.title.startswith("Edited dog")
    session = p.sessions[-1][1]
    assert session.spec.title.startswith("Edited dog") and session.spec.hold_seconds == 30.0
