"""The per-frame timeline: one CSV row per processed frame.

Columns, in order (``timeline_columns(spec)``):

* ``t_s`` (frame time, seconds on the input's clock), ``frame`` (its index)
* ``person``, ``in_pose``, ``form_ok``, ``overstretch`` (0/1), ``side``
  (the working side of a sided pose, else empty)
* one column per feature the spec uses, per side (``knee.left``,
  ``knee.right``, ``trunk_incline``): the smoothed value in degrees (or a
  ratio), empty when there is no person
* one column per rule, named by its id (``form:knee.both``): ``ok``, ``low``,
  ``high``, ``overstretch`` or ``unseen``
* ``hold_phase`` (``idle``, ``settling``, ``holding``, ``break``),
  ``hold_s`` (the running hold's time in good form), ``hold_side``
* ``warning``: the cue of a warning fired on this frame (several joined by
  `` | ``), else empty

The file is written beside its target under a temporary name and renamed
into place when closed, so a half-written timeline never replaces a good one.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

from .features import FEATURES, feature_key
from .landmarks import SIDES
from .outputs import check_writable, temp_beside
from .pipeline import FrameResult
from .specs import PoseSpec

STATE_COLUMNS = ("t_s", "frame", "person", "in_pose", "form_ok", "overstretch", "side")
HOLD_COLUMNS = ("hold_phase", "hold_s", "hold_side", "warning")


def feature_keys(spec: PoseSpec) -> list[str]:
    """Every feature key the spec's rules read, sides expanded, in a stable order."""
    keys: list[str] = []
    for name in sorted(spec.features):
        if FEATURES[name].sided:
            keys.extend(feature_key(name, s) for s in SIDES)
        else:
            keys.append(name)
    return keys


def timeline_columns(spec: PoseSpec) -> list[str]:
    return [*STATE_COLUMNS, *feature_keys(spec), *(r.id for r in spec.rules), *HOLD_COLUMNS]


def _num(value: float | None, digits: int) -> str:
    if value is None or not math.isfinite(value):
        return ""
    return f"{value:.{digits}f}"


def timeline_row(spec: PoseSpec, keys: list[str], result: FrameResult) -> list[str]:
    v, hold, feats = result.verdict, result.hold, result.features
    row = [f"{result.frame.t_ms / 1000.0:.3f}", str(result.frame.index), str(int(v.person)),
           str(int(v.in_pose)), str(int(v.form_ok)), str(int(v.overstretch)), v.side or ""]
    for key in keys:
        m = feats.get(key) if feats else None
        digits = 3 if FEATURES[key.split(".")[0]].unit == "ratio" else 1
        row.append(_num(m.value if m else None, digits))
    row.extend(r.status for r in v.results)
    row.extend((hold.phase, f"{hold.timer_ms / 1000.0:.2f}", hold.side or "",
                " | ".join(w.cue for w in result.warnings)))
    return row


class TimelineCSV:
    """Sink: streams rows to a temporary file, renamed into place on close."""

    def __init__(self, path: str | Path, spec: PoseSpec):
        self.path = check_writable(path, "timeline")
        self.spec = spec
        self._keys = feature_keys(spec)
        fd, tmp = temp_beside(self.path)
        self._tmp = Path(tmp)
        self._file = os.fdopen(fd, "w", newline="", encoding="utf-8")
        self._csv = csv.writer(self._file)
        self._csv.writerow(timeline_columns(spec))

    def on_frame(self, result: FrameResult) -> None:
        self._csv.writerow(timeline_row(self.spec, self._keys, result))

    def close(self) -> None:
        if self._file.closed:
            return
        self._file.close()
        os.replace(self._tmp, self.path)
