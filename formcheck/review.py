"""Sink that keeps what the HTML report needs from a run, in bounded memory.

* Per frame: time, the state (no person / not in pose / in pose but off form /
  good form / over-stretch) and the value of each key feature (the features
  the spec's form and limit rules judge), as compact float arrays: about
  40 bytes a frame, a few MB for an hour.
* Still frames, JPEG-encoded as they happen (never raw images kept): one per
  warning (the first ``max_warning_stills``) and one per hold, taken when it
  reaches its target (or, if it never does, its latest good moment, sampled
  every ``hold_sample_s``). Only the longest hold's still is kept.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

import cv2
import numpy as np

from .features import FEATURES, feature_key
from .overlay import Overlay
from .pipeline import FrameResult
from .specs import PoseSpec

NO_PERSON, NOT_IN_POSE, OFF_FORM, GOOD, OVERSTRETCH = range(5)
STATE_NAMES = {NO_PERSON: "no person seen", NOT_IN_POSE: "not in the pose", OFF_FORM: "in the pose, form off",
               GOOD: "good form", OVERSTRETCH: "over-stretch"}


def frame_state(result: FrameResult) -> int:
    v = result.verdict
    if not v.person:
        return NO_PERSON
    if v.overstretch:
        return OVERSTRETCH
    if not v.in_pose:
        return NOT_IN_POSE
    return GOOD if v.form_ok else OFF_FORM


def key_features(spec: PoseSpec) -> list[str]:
    """Feature keys the form and limit rules judge, sides expanded, in rule order."""
    keys: list[str] = []
    for rule in spec.rules:
        if rule.kind == "pose":
            continue
        if not FEATURES[rule.feature].sided:
            names = [rule.feature]
        elif rule.side in ("left", "right"):
            names = [feature_key(rule.feature, rule.side)]
        else:
            names = [feature_key(rule.feature, s) for s in ("left", "right")]
        keys.extend(k for k in names if k not in keys)
    return keys


@dataclass(frozen=True)
class Still:
    t_s: float
    caption: str
    jpeg: bytes


@dataclass(frozen=True)
class ReviewData:
    t_s: np.ndarray
    states: np.ndarray
    series: dict[str, np.ndarray]
    warning_stills: tuple[Still, ...]
    hold_stills: dict[float, Still]  # hold start (s) -> its still
    warnings_without_still: int


class ReviewCollector:
    def __init__(self, spec: PoseSpec, size: tuple[int, int], still_height: int = 360,
                 max_warning_stills: int = 24, hold_sample_s: float = 2.0):
        self.spec = spec
        self.keys = key_features(spec)
        self._t = array("d")
        self._state = array("b")
        self._series = {k: array("f") for k in self.keys}
        w, h = size
        self._still_size = (max(2, int(round(w * still_height / max(1, h)))) // 2 * 2, still_height)
        self._overlay = Overlay(spec)
        self._max_warning_stills = max_warning_stills
        self._hold_sample_ms = hold_sample_s * 1000.0
        self.warning_stills: list[Still] = []
        self._skipped = 0
        self._best: tuple[float, float, Still] | None = None  # (duration_ms, start_ms, still)
        self._current: tuple[float, Still] | None = None  # (start_ms, still) of the running hold
        self._current_fixed = False  # the running hold's still was taken at its target
        self._last_sample_ms = -1e18

    def _still(self, result: FrameResult, caption: str) -> Still:
        image = result.frame.image
        small = None if image is None else cv2.resize(image, self._still_size, interpolation=cv2.INTER_AREA)
        annotated = self._overlay.annotate(small, result, self._still_size)
        ok, buf = cv2.imencode(".jpg", annotated, [cv2.IMWRITE_JPEG_QUALITY, 78])
        return Still(result.frame.t_ms / 1000.0, caption, buf.tobytes() if ok else b"")

    def on_frame(self, result: FrameResult) -> None:
        t = result.frame.t_ms
        self._t.append(t / 1000.0)
        self._state.append(frame_state(result))
        feats = result.features
        for k, arr in self._series.items():
            m = feats.get(k) if feats else None
            # A value the spec would not judge (landmarks too hidden) is not plotted either.
            seen = m is not None and m.visibility >= self.spec.min_visibility
            arr.append(m.value if seen else float("nan"))
        for w in result.warnings:
            if len(self.warning_stills) < self._max_warning_stills:
                self.warning_stills.append(self._still(result, f"{w.t_ms / 1000:.1f}s warning: {w.cue}"))
            else:
                self._skipped += 1
        self._track_hold(result)

    def _track_hold(self, result: FrameResult) -> None:
        for ev in result.hold_events:
            if ev.kind == "ended" and ev.hold is not None:
                self._keep_if_best(ev.hold.start_ms, ev.hold.duration_ms)
        hold, t = result.hold, result.frame.t_ms
        if hold.phase not in ("holding", "break") or hold.start_ms is None:
            return
        if self._current is None or self._current[0] != hold.start_ms:
            self._current, self._current_fixed, self._last_sample_ms = None, False, -1e18
        if self._current_fixed or hold.phase != "holding" or not result.verdict.form_ok:
            return
        reached = hold.timer_ms >= hold.target_ms > 0
        if reached or t - self._last_sample_ms >= self._hold_sample_ms:
            caption = (f"{t / 1000:.1f}s hold reached its {hold.target_ms / 1000:g}s target" if reached
                       else f"{t / 1000:.1f}s in the hold ({hold.timer_ms / 1000:.1f}s of good form)")
            self._current = (hold.start_ms, self._still(result, caption))
            self._current_fixed = reached
            self._last_sample_ms = t

    def _keep_if_best(self, start_ms: float, duration_ms: float) -> None:
        if self._current is None or self._current[0] != start_ms:
            return
        if self._best is None or duration_ms > self._best[0]:
            self._best = (duration_ms, start_ms, self._current[1])

    def data(self, holds=()) -> ReviewData:
        """The collected data; ``holds`` (the session's) settles a hold closed at the end of the run."""
        for h in holds:
            self._keep_if_best(h.start_ms, h.duration_ms)
        stills = {} if self._best is None else {round(self._best[1] / 1000.0, 3): self._best[2]}
        return ReviewData(np.array(self._t, dtype=np.float64), np.array(self._state, dtype=np.int8),
                          {k: np.array(a, dtype=np.float64) for k, a in self._series.items()},
                          tuple(self.warning_stills), stills, self._skipped)

    def close(self) -> None:
        pass
