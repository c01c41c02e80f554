"""The live loop: frames -> poses -> practice -> sinks, and keys back in.

One frame at a time and never more: the camera source drops frames it could
not deliver in time, so the picture on screen is at most one frame old plus
the work on it. ``LoopStats`` keeps the per-frame delay from capture to the
screen (or to the rendered image when headless) for the benchmark.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from .practice import Practice, Update


@dataclass
class LoopStats:
    frames: int = 0
    frame_to_screen_ms: list[float] = field(default_factory=list)  # capture -> shown
    age_at_start_ms: list[float] = field(default_factory=list)  # capture -> processing starts
    model_ms: list[float] = field(default_factory=list)  # time in the pose model, per frame
    last_update: Update | None = None
    outcome: str = "source_ended"  # complete | quit | interrupted | camera_lost | source_ended
    problem: str | None = None


def run_practice(source, practice: Practice, estimate: Callable | None, sinks: list,
                 screen=None, capture_clock: Callable[[], float] | None = None,
                 late_sinks: list = (), before_step: Callable | None = None) -> LoopStats:
    """``sinks`` run first (the voice: a warning must not wait), then ``screen``
    (``show(update) -> list[str]``, the commands typed), then ``late_sinks``
    (history, printing); ``before_step(frame)`` runs before each practice
    step. ``capture_clock()`` gives the source's clock in ms
    (for the delays); None: not measured."""
    stats = LoopStats()
    try:
        for frame in source:
            if capture_clock is not None:
                stats.age_at_start_ms.append(capture_clock() - frame.t_ms)
            if capture_clock is not None:
                t_model = capture_clock()
            pose = frame.pose if frame.recorded else estimate(frame.image)
            if capture_clock is not None:
                stats.model_ms.append(capture_clock() - t_model)
            if before_step is not None:
                before_step(frame)  # e.g. reload an edited spec file
            update = practice.step(frame, pose)
            stats.last_update = update
            for sink in sinks:
                sink.on_update(update)
            if screen is not None:
                for cmd in screen.show(update):
                    practice.command(cmd)
            if capture_clock is not None:
                stats.frame_to_screen_ms.append(capture_clock() - frame.t_ms)
            for sink in late_sinks:
                sink.on_update(update)
            stats.frames += 1
            if practice.finished:
                stats.outcome = "quit" if update.phase == "done" and not any(
                    e.kind == "routine_done" for e in update.events) else "complete"
                break
    except KeyboardInterrupt:
        stats.outcome = "interrupted"
        stats.problem = "interrupted (Ctrl-C)"
    else:
        if not practice.finished:
            if source.problem:
                stats.outcome, stats.problem = "camera_lost", source.problem
            else:
                stats.outcome = "source_ended"
    return stats


def monotonic_ms_since(t0: float) -> float:
    return (time.monotonic() - t0) * 1000.0
