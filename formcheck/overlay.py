"""Draws a frame's verdict on an image. One method: ``annotate``.

What a coach sees:

* the skeleton; each judged joint, and the two bones that make its angle,
  coloured by the worst status of the rules that judge it (green ok, amber
  outside the good range, red past a limit, grey unseen); whole-body
  features (trunk incline) colour the hip-to-shoulder line;
* next to each joint that a form or limit rule judges, a label chip with the
  angle, the good band and the limit (``knee L 166  158-180``,
  ``hip R 36  45-105 >38``), moved apart when chips would overlap;
* a panel with the pose, the state, and the hold timer against its target
  with a bar;
* the most important cue at the bottom; an over-stretch turns it into a red
  banner headed OVER-STRETCH with the limit's cue.

Sizes scale with the image height, with a floor so that 480p stays legible;
chips and panels sit on dark translucent backing so text reads on white
studio walls and dark mats alike. With ``mirror=True`` (a selfie preview)
the picture is flipped but not the text, and anatomical left and right stay
what they are.
"""

from __future__ import annotations

import math
import textwrap

import cv2
import numpy as np

from .evaluate import HIGH, LOW, OK, OVER, UNSEEN
from .features import FEATURES
from .landmarks import BONES, LANDMARK
from .pipeline import FrameResult
from .specs import PoseSpec

# BGR
COLOURS = {OK: (80, 200, 60), LOW: (0, 175, 255), HIGH: (0, 175, 255), OVER: (60, 50, 235),
           UNSEEN: (160, 160, 160)}
NEUTRAL = (225, 225, 225)
WHITE = (255, 255, 255)
PANEL = (32, 28, 24)
_RANK = {OVER: 4, LOW: 3, HIGH: 3, OK: 2, UNSEEN: 1}
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_FACE = {"left_eye_inner", "left_eye_outer", "right_eye_inner", "right_eye_outer", "mouth_left",
         "mouth_right", "left_eye", "right_eye", "left_ear", "right_ear", "left_pinky", "right_pinky",
         "left_index", "right_index", "left_thumb", "right_thumb"}
_SHORT = {"trunk_incline": "trunk", "thigh_elevation": "thigh", "trunk_lean": "lean"}
_BLANKS: dict[tuple[int, int], np.ndarray] = {}


def _blank(width: int, height: int) -> np.ndarray:
    key = (width, height)
    if key not in _BLANKS:
        _BLANKS[key] = np.full((height, width, 3), (38, 34, 30), np.uint8)
    return _BLANKS[key].copy()


def _shade(img: np.ndarray, x0: int, y0: int, x1: int, y1: int, colour=PANEL, alpha: float = 0.75) -> None:
    """Blends a filled rectangle into img (only the rectangle is touched: cheap)."""
    h, w = img.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 <= x0 or y1 <= y0:
        return
    keep = 1.0 - alpha
    roi = cv2.multiply(img[y0:y1, x0:x1], (keep, keep, keep, 0))
    img[y0:y1, x0:x1] = cv2.add(roi, (colour[0] * alpha, colour[1] * alpha, colour[2] * alpha, 0))


def _size(text: str, scale: float, thick: int) -> tuple[int, int, int]:
    (tw, th), base = cv2.getTextSize(text, _FONT, scale, thick)
    return tw, th, base


def _put(img, text, org, scale, colour, thick) -> None:
    cv2.putText(img, text, org, _FONT, scale, colour, thick, cv2.LINE_AA)


def _fmt(x: float) -> str:
    return f"{x:g}" if abs(x - round(x)) > 1e-9 else f"{int(round(x))}"


def chip_text(feature: str, side: str | None, value: float, rules) -> str:
    """``knee L 166  158-180 >150``: name, side, value, the good band(s), the limit(s)."""
    unit_ratio = FEATURES[feature].unit == "ratio"
    name = _SHORT.get(feature, feature.replace("_", " "))
    parts = [name + (f" {side[0].upper()}" if side else ""), f"{value:.2f}" if unit_ratio else f"{value:.0f}"]
    for r in rules:
        if r.kind == "form":
            parts.append(f" {_fmt(r.low)}-{_fmt(r.high)}")
        elif r.kind == "limit":
            if r.above is not None:
                parts.append(f"<{_fmt(r.above)}")
            if r.below is not None:
                parts.append(f">{_fmt(r.below)}")
    return " ".join(parts)


def wrap(text: str, scale: float, thick: int, max_width: int, max_lines: int = 2) -> list[str]:
    """Word-wraps text to fit max_width pixels; the last line is cut with '...' if needed."""
    chars = max(8, len(text))
    while chars > 8:
        lines = textwrap.wrap(text, chars)
        if all(_size(line, scale, thick)[0] <= max_width for line in lines):
            break
        chars -= 2
    lines = textwrap.wrap(text, chars)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;") + "..."
    return lines


def landmark_px(pose, name: str, w: int, h: int, mirror: bool = False) -> tuple[int, int]:
    """A landmark's pixel in a w x h picture; ``mirror`` for a flipped preview."""
    x, y = pose.image[LANDMARK[name], 0], pose.image[LANDMARK[name], 1]
    if mirror:
        x = 1.0 - x
    return int(round(x * w)), int(round(y * h))


class Overlay:
    def __init__(self, spec: PoseSpec, mirror: bool = False):
        self.spec = spec
        self.mirror = mirror

    def annotate(self, image: np.ndarray | None, result: FrameResult, size: tuple[int, int] | None = None
                 ) -> np.ndarray:
        """Returns a new image; ``image`` None draws on a blank canvas of ``size`` (w, h)."""
        if image is None:
            w, h = size or (640, 480)
            canvas = _blank(w, h)
        else:
            canvas = image.copy()
        if self.mirror:
            canvas = cv2.flip(canvas, 1)
        h = canvas.shape[0]
        s = max(h, 400) / 720.0  # scale for text and lines; the floor keeps 480p and below legible
        if result.pose is not None:
            self._skeleton(canvas, result, s)
        self._panel(canvas, result, s)
        self._cue(canvas, result, s)
        return canvas

    # --- skeleton and joint chips -------------------------------------------

    def _point(self, pose, name: str, w: int, h: int) -> tuple[int, int]:
        return landmark_px(pose, name, w, h, self.mirror)

    def _mid(self, pose, a: str, b: str, w: int, h: int) -> tuple[int, int]:
        (ax, ay), (bx, by) = self._point(pose, a, w, h), self._point(pose, b, w, h)
        return (ax + bx) // 2, (ay + by) // 2

    def _judged(self, result: FrameResult):
        """Joint landmark (or "trunk") -> worst status; and the chips to draw."""
        status: dict[str, str] = {}
        chips: dict[tuple[str, str | None], list] = {}  # (feature, side) -> [rules, value, worst status]
        for r in result.verdict.results:
            part = FEATURES[r.rule.feature].landmark
            for sr in r.sides:
                key = f"{sr.side}_{part}" if sr.side else "trunk"
                if key not in status or _RANK[sr.status] > _RANK[status[key]]:
                    status[key] = sr.status
                if r.rule.kind == "pose" or sr.status == UNSEEN or sr.value is None or not math.isfinite(sr.value):
                    continue
                entry = chips.setdefault((r.rule.feature, sr.side), [[], sr.value, sr.status])
                entry[0].append(r.rule)
                if _RANK[sr.status] > _RANK[entry[2]]:
                    entry[2] = sr.status
        return status, chips

    def _skeleton(self, img: np.ndarray, result: FrameResult, s: float) -> None:
        h, w = img.shape[:2]
        pose = result.pose
        vis = pose.visibility
        status, chips = self._judged(result)
        thick = max(2, int(round(3 * s)))
        seen = {n: vis[LANDMARK[n]] >= 0.3 for n in LANDMARK}
        for a, b in BONES:
            if not (seen[a] and seen[b]):
                continue
            # A bone takes the colour of a judged joint at either end (it forms that joint's angle).
            worst = max((status[n] for n in (a, b) if n in status and status[n] != UNSEEN),
                        key=lambda st: _RANK[st], default=None)
            colour = COLOURS[worst] if worst else NEUTRAL
            cv2.line(img, self._point(pose, a, w, h), self._point(pose, b, w, h), (0, 0, 0), thick + 2, cv2.LINE_AA)
            cv2.line(img, self._point(pose, a, w, h), self._point(pose, b, w, h), colour, thick, cv2.LINE_AA)
        anchors = {"trunk": None}
        if all(seen[n] for n in ("left_hip", "right_hip", "left_shoulder", "right_shoulder")):
            hip, sho = self._mid(pose, "left_hip", "right_hip", w, h), self._mid(pose, "left_shoulder",
                                                                                 "right_shoulder", w, h)
            anchors["trunk"] = ((hip[0] + sho[0]) // 2, (hip[1] + sho[1]) // 2)
            if "trunk" in status:
                cv2.line(img, hip, sho, (0, 0, 0), thick + 4, cv2.LINE_AA)
                cv2.line(img, hip, sho, COLOURS[status["trunk"]], thick + 2, cv2.LINE_AA)
        for name in LANDMARK:
            if name in _FACE or not seen[name]:
                continue
            judged = name in status
            radius = int(round((7 if judged else 4) * s)) + 1
            colour = COLOURS[status[name]] if judged else NEUTRAL
            p = self._point(pose, name, w, h)
            cv2.circle(img, p, radius + 1, (0, 0, 0), -1, cv2.LINE_AA)
            cv2.circle(img, p, radius, colour, -1, cv2.LINE_AA)
        self._chips(img, pose, chips, anchors, s)

    def _chips(self, img, pose, chips, anchors, s: float) -> None:
        h, w = img.shape[:2]
        scale = max(0.5, 0.62 * s)
        thick = 1 if scale < 0.8 else 2
        pad = max(3, int(round(4 * s)))
        placed: list[tuple[int, int, int, int]] = []
        # Worst first, so the chip that matters most gets the spot nearest its joint.
        order = sorted(chips.items(), key=lambda kv: -_RANK[kv[1][2]])
        for (feature, side), (rules, value, st) in order:
            part = FEATURES[feature].landmark
            anchor = anchors["trunk"] if side is None else self._point(pose, f"{side}_{part}", w, h)
            if anchor is None:
                continue
            text = chip_text(feature, side, value, rules)
            tw, th, base = _size(text, scale, thick)
            bw, bh = tw + 2 * pad, th + base + 2 * pad
            x = anchor[0] + int(12 * s)
            if x + bw > w:
                x = anchor[0] - int(12 * s) - bw
            x = min(max(0, x), max(0, w - bw))
            y = anchor[1] - bh // 2
            for attempt in range(12):  # slide down (then up) until it overlaps nothing placed
                dy = (attempt + 1) // 2 * (bh + 2) * (1 if attempt % 2 else -1) if attempt else 0
                yy = min(max(0, y + dy), max(0, h - bh))
                box = (x, yy, x + bw, yy + bh)
                if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                    break
            placed.append(box)
            _shade(img, *box, alpha=0.78)
            cv2.rectangle(img, (box[0], box[1]), (box[0] + max(2, pad // 2 + 1), box[3]), COLOURS[st], -1)
            _put(img, text, (box[0] + pad + 2, box[3] - pad - base + 1), scale, COLOURS[st], thick)

    # --- panel: pose, state, hold timer --------------------------------------

    def _panel(self, img: np.ndarray, result: FrameResult, s: float) -> None:
        h, w = img.shape[:2]
        v, hold = result.verdict, result.hold
        pad = int(round(10 * s))
        title = self.spec.title + (f" ({v.side})" if v.side else "")
        if not v.person:
            state, st_colour = "no person seen", COLOURS[UNSEEN]
        elif v.overstretch:
            state, st_colour = "over-stretch", COLOURS[OVER]
        elif not v.in_pose:
            state, st_colour = "not in the pose", NEUTRAL
        elif v.form_ok:
            state, st_colour = "good form", COLOURS[OK]
        else:
            state, st_colour = "adjust form", COLOURS[LOW]
        target, secs = hold.target_ms / 1000.0, hold.timer_ms / 1000.0
        reached = hold.holding and secs >= target > 0
        if hold.phase == "holding":
            t_colour = COLOURS[OK]
        elif hold.phase == "break":
            t_colour = COLOURS[LOW]
        else:
            t_colour = NEUTRAL
        timer = f"hold {secs:4.1f} / {_fmt(target)} s" + ("  done" if reached else "")
        if hold.phase == "settling":
            timer = f"hold  settling... / {_fmt(target)} s"
        small, big = max(0.5, 0.62 * s), max(0.7, 0.95 * s)
        t1, t2 = (1 if small < 0.8 else 2), max(2, int(round(2 * s)))
        w1, h1, _ = _size(f"{title}: {state}", small, t1)
        w2, h2, b2 = _size(timer, big, t2)
        panel_w = min(w - 2 * pad, max(w1, w2, int(w * 0.28)) + 2 * pad)
        bar_h = max(6, int(round(10 * s)))
        panel_h = pad + h1 + pad + h2 + b2 + pad + bar_h + pad
        _shade(img, pad, pad, pad + panel_w, pad + panel_h)
        x = 2 * pad
        y = pad + pad + h1
        _put(img, title + ": ", (x, y), small, WHITE, t1)
        _put(img, state, (x + _size(title + ": ", small, t1)[0], y), small, st_colour, t1)
        y += pad + h2
        _put(img, timer, (x, y), big, t_colour, t2)
        y += b2 + pad // 2
        bar_w = panel_w - 2 * pad
        cv2.rectangle(img, (x, y), (x + bar_w, y + bar_h), (90, 90, 90), -1)
        frac = min(1.0, secs / target) if target > 0 else 0.0
        if frac > 0:
            cv2.rectangle(img, (x, y), (x + int(bar_w * frac), y + bar_h), t_colour, -1)

    # --- cue and over-stretch banner ------------------------------------------

    def _cue(self, img: np.ndarray, result: FrameResult, s: float) -> None:
        h, w = img.shape[:2]
        v = result.verdict
        cues = v.cues()
        if not cues:
            return
        pad = int(round(10 * s))
        if v.overstretch:
            cue = next((c for r, c in cues if r.status == OVER), "Ease off")
            text, colour, fill, alpha = "OVER-STRETCH: " + cue, WHITE, COLOURS[OVER], 0.82
            scale = max(0.6, 0.85 * s)
        else:
            text, colour, fill, alpha = cues[0][1], COLOURS[LOW], PANEL, 0.66
            scale = max(0.55, 0.75 * s)
        thick = max(1, int(round(2 * s)))
        lines = wrap(text, scale, thick, w - 4 * pad)
        _, lh, base = _size("Ag", scale, thick)
        step = lh + base + pad // 2
        band_h = step * len(lines) + pad * 2
        top = h - band_h
        _shade(img, 0, top, w, h, fill, alpha)
        y = top + pad + lh
        for line in lines:
            _put(img, line, (2 * pad, y), scale, colour, thick)
            y += step
