"""Draws a frame's verdict on an image: skeleton coloured by rule status,
angles at the joints that matter with their target band, the hold timer, the
current cue and an over-stretch banner. One method: ``annotate``.

Sizes scale with the image height so the text stays legible from 480p to
1080p. With ``mirror=True`` (a selfie preview) the picture is flipped but the
labels are not, and anatomical left and right stay what they are.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .evaluate import HIGH, LOW, OK, OVER, UNSEEN, RuleResult
from .features import FEATURES
from .landmarks import BONES, LANDMARK
from .pipeline import FrameResult
from .specs import PoseSpec

# BGR
COLOURS = {OK: (90, 200, 60), LOW: (0, 170, 255), HIGH: (0, 170, 255), OVER: (40, 40, 230),
           UNSEEN: (150, 150, 150)}
NEUTRAL = (210, 210, 210)
_RANK = {OVER: 4, LOW: 3, HIGH: 3, OK: 2, UNSEEN: 1}


def _blank(width: int, height: int) -> np.ndarray:
    img = np.zeros((height, width, 3), np.uint8)
    img[:] = (38, 34, 30)
    return img


def _label(r: RuleResult, value: float) -> str:
    unit = "" if FEATURES[r.rule.feature].unit == "ratio" else "\u00b0"
    if r.rule.kind == "limit":
        edge = r.rule.above if r.rule.above is not None else r.rule.below
        sign = "<" if r.rule.above is not None else ">"
        return f"{value:.0f} (safe {sign}{edge:g})"
    return f"{value:.0f} [{r.rule.low:g}-{r.rule.high:g}]"


def _text(img, text, org, scale, colour, thick):
    # A dark outline keeps text readable on any background. OpenCV's Hershey
    # fonts have no degree sign, so it is dropped.
    text = text.replace("\u00b0", "")
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thick + 3, cv2.LINE_AA)
    cv2.putText(img, text, org, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thick, cv2.LINE_AA)


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
        h, w = canvas.shape[:2]
        s = max(h, 360) / 720.0  # text and line scale
        pose = result.pose
        if pose is not None:
            self._skeleton(canvas, result, s)
        self._hud(canvas, result, s)
        return canvas

    def _point(self, pose, name: str, w: int, h: int) -> tuple[int, int]:
        x, y = pose.image[LANDMARK[name], 0], pose.image[LANDMARK[name], 1]
        if self.mirror:
            x = 1.0 - x
        return int(round(x * w)), int(round(y * h))

    def _skeleton(self, img: np.ndarray, result: FrameResult, s: float) -> None:
        h, w = img.shape[:2]
        pose = result.pose
        vis = pose.visibility
        joint_status: dict[str, str] = {}
        labels: list[tuple[str, str, str]] = []
        for r in result.verdict.results:
            part = FEATURES[r.rule.feature].landmark
            for sr in r.sides:
                name = f"{sr.side}_{part}" if sr.side else None
                key = name or "mid_hip"
                if _RANK[sr.status] > _RANK.get(joint_status.get(key, UNSEEN), 0):
                    joint_status[key] = sr.status
                if sr.value is not None and r.rule.kind in ("form", "limit") and math.isfinite(sr.value):
                    labels.append((key, _label(r, sr.value), sr.status))
        thick = max(2, int(3 * s))
        for a, b in BONES:
            if min(vis[LANDMARK[a]], vis[LANDMARK[b]]) < 0.3:
                continue
            cv2.line(img, self._point(pose, a, w, h), self._point(pose, b, w, h), NEUTRAL, thick, cv2.LINE_AA)
        for name in LANDMARK:
            if name in ("left_eye_inner", "left_eye_outer", "right_eye_inner", "right_eye_outer",
                        "mouth_left", "mouth_right") or vis[LANDMARK[name]] < 0.3:
                continue
            colour = COLOURS.get(joint_status.get(name, ""), NEUTRAL)
            r = int((7 if name in joint_status else 4) * s) + 1
            cv2.circle(img, self._point(pose, name, w, h), r, colour, -1, cv2.LINE_AA)
        # At most one label per joint: the one with the worst status.
        best: dict[str, tuple[str, str]] = {}
        for key, text, status in labels:
            if key not in best or _RANK[status] > _RANK[best[key][1]]:
                best[key] = (text, status)
        for key, (text, status) in best.items():
            if key == "mid_hip":
                lx, ly = self._point(pose, "left_hip", w, h)
                rx, ry = self._point(pose, "right_hip", w, h)
                x, y = (lx + rx) // 2, (ly + ry) // 2
            else:
                x, y = self._point(pose, key, w, h)
            _text(img, text, (x + int(10 * s), y - int(10 * s)), 0.55 * s, COLOURS[status], max(1, int(1.5 * s)))

    def _hud(self, img: np.ndarray, result: FrameResult, s: float) -> None:
        h, w = img.shape[:2]
        v, hold = result.verdict, result.hold
        pad = int(14 * s)
        title = self.spec.title + (f" ({v.side} side)" if v.side else "")
        state = "no person" if not v.person else ("in pose" if v.in_pose else "not in pose")
        _text(img, f"{title} - {state}", (pad, pad + int(22 * s)), 0.8 * s, (255, 255, 255), max(1, int(2 * s)))
        # Hold timer against its target.
        target = hold.target_ms / 1000.0
        secs = hold.timer_ms / 1000.0
        colour = COLOURS[OK] if hold.phase == "holding" else (COLOURS[LOW] if hold.phase == "break" else NEUTRAL)
        _text(img, f"hold {secs:4.1f} / {target:g} s", (pad, pad + int(62 * s)), 1.0 * s, colour, max(1, int(2 * s)))
        bar_w, bar_h = int(w * 0.3), max(6, int(12 * s))
        x0, y0 = pad, pad + int(76 * s)
        cv2.rectangle(img, (x0, y0), (x0 + bar_w, y0 + bar_h), (80, 80, 80), -1)
        frac = min(1.0, secs / target) if target > 0 else 0.0
        cv2.rectangle(img, (x0, y0), (x0 + int(bar_w * frac), y0 + bar_h), colour, -1)
        cues = v.cues()
        if v.overstretch:
            cue = next((c for r, c in cues if r.status == OVER), "Ease off")
            band_h = int(70 * s)
            overlay = img.copy()
            cv2.rectangle(overlay, (0, h - band_h), (w, h), COLOURS[OVER], -1)
            cv2.addWeighted(overlay, 0.75, img, 0.25, 0, img)
            _text(img, "EASE OFF: " + cue, (pad, h - band_h // 2 + int(8 * s)), 0.75 * s, (255, 255, 255),
                  max(1, int(2 * s)))
        elif cues:
            _text(img, cues[0][1], (pad, h - pad), 0.75 * s, COLOURS[LOW], max(1, int(2 * s)))
