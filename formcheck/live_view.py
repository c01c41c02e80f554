"""Draws the live practice screen: a mirrored preview, the skeleton with
joints coloured by rule status, the step and pose name, a large hold timer
with a progress bar to the target, the one cue that matters most, and a
calm but unmistakable over-stretch warning (a solid red frame and band,
no flashing). Before timing, the set-up checklist; then a countdown.

Mirroring flips only the picture: landmark x is flipped when drawn, text is
drawn afterwards unflipped, and sides are named anatomically (the person's
own left), so the preview behaves like a mirror without swapping left and
right. Sizes scale with the frame height. One public method: ``render``.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from .evaluate import HIGH, LOW, OK, OVER, UNSEEN
from .features import FEATURES
from .landmarks import BONES, LANDMARK
from .overlay import landmark_px
from .practice import ACTIVE, DONE, GET_READY, REST, SETUP, Update

GREEN, AMBER, RED, GREY = (90, 200, 60), (0, 170, 255), (50, 50, 215), (150, 150, 150)
WHITE, NEUTRAL = (255, 255, 255), (215, 215, 215)
STATUS_COLOUR = {OK: GREEN, LOW: AMBER, HIGH: AMBER, OVER: RED, UNSEEN: GREY}
_RANK = {OVER: 4, LOW: 3, HIGH: 3, OK: 2, UNSEEN: 1}
_SKIP_POINTS = {"left_eye_inner", "left_eye_outer", "right_eye_inner", "right_eye_outer",
                "mouth_left", "mouth_right"}
KEYS_HELP = "p pause   n skip   r repeat   c start anyway   q quit"
_FONT = cv2.FONT_HERSHEY_SIMPLEX


@lru_cache(maxsize=512)
def _sprite(text: str, scale: float, colour: tuple, thick: int):
    """Outlined text drawn once into a small patch with a mask. Most of the
    screen's text repeats frame after frame, and anti-aliased putText is the
    costliest drawing call, so each distinct label is drawn only once."""
    (tw, th), base = cv2.getTextSize(text, _FONT, scale, thick + 3)
    pad = thick + 3
    patch = np.zeros((th + base + 2 * pad, tw + 2 * pad, 3), np.uint8)
    org = (pad, pad + th)
    cv2.putText(patch, text, org, _FONT, scale, (1, 1, 1), thick + 3, cv2.LINE_AA)
    mask = patch[..., 0] > 0
    patch[:] = 0
    cv2.putText(patch, text, org, _FONT, scale, colour, thick, cv2.LINE_AA)
    return patch, mask, org


def _text(img, text, org, scale, colour, thick=1):
    text = text.replace("\u00b0", "")  # Hershey fonts have no degree sign
    patch, mask, (ox, oy) = _sprite(text, round(scale, 3), tuple(int(c) for c in colour), int(thick))
    x0, y0 = org[0] - ox, org[1] - oy
    h, w = img.shape[:2]
    ph, pw = mask.shape
    cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(w, x0 + pw), min(h, y0 + ph)
    if cx0 >= cx1 or cy0 >= cy1:
        return
    m = mask[cy0 - y0:cy1 - y0, cx0 - x0:cx1 - x0]
    img[cy0:cy1, cx0:cx1][m] = patch[cy0 - y0:cy1 - y0, cx0 - x0:cx1 - x0][m]


@lru_cache(maxsize=256)
def _wrap(text: str, scale: float, thick: int, width: int) -> tuple[str, ...]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and cv2.getTextSize(trial, _FONT, scale, thick)[0][0] > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return tuple(lines + ([line] if line else []))


def joint_status(update: Update) -> dict[str, str]:
    """Landmark name -> the worst status of the rules measured there."""
    out: dict[str, str] = {}
    if update.result is None:
        return out
    for r in update.result.verdict.results:
        part = FEATURES[r.rule.feature].landmark
        for sr in r.sides:
            names = [f"{sr.side}_{part}"] if sr.side else ["left_hip", "right_hip"]
            for name in names:
                if name in LANDMARK and _RANK[sr.status] > _RANK.get(out.get(name, ""), 0):
                    out[name] = sr.status
    return out


class LiveView:
    def __init__(self, mirror: bool = True, disclaimer: str = "", disclaimer_s: float = 8.0):
        self.mirror = mirror
        self.disclaimer, self.disclaimer_s = disclaimer, disclaimer_s

    def render(self, image: np.ndarray | None, update: Update, size: tuple[int, int] = (640, 480)) -> np.ndarray:
        if image is None:
            canvas = np.full((size[1], size[0], 3), (38, 34, 30), np.uint8)
        else:
            canvas = cv2.flip(image, 1) if self.mirror else image.copy()
        h, w = canvas.shape[:2]
        s = max(h, 360) / 720.0
        pose = update.result.pose if update.result is not None else None
        if pose is None and update.phase != ACTIVE:
            pose = update.pose
        if pose is not None:
            self._skeleton(canvas, pose, joint_status(update), s)
        self._header(canvas, update, s)
        if update.phase == SETUP and update.setup is not None:
            self._setup(canvas, update, s)
        elif update.phase == GET_READY:
            self._big_centre(canvas, f"{int(np.ceil(update.phase_left_s or 0))}", "get ready", s)
        elif update.phase == REST:
            nxt = next((e.text for e in update.events if e.kind == "rest"), "")
            self._big_centre(canvas, f"{int(np.ceil(update.phase_left_s or 0))}", "rest", s)
            if nxt:
                _text(canvas, nxt, (int(14 * s), h - int(60 * s)), 0.7 * s, WHITE, max(1, int(2 * s)))
        elif update.phase == ACTIVE and update.result is not None:
            self._timer(canvas, update, s)
        elif update.phase == DONE:
            self._big_centre(canvas, "done", "", s)
        self._cue(canvas, update, s)
        if update.paused:
            self._big_centre(canvas, "PAUSED", "press p to carry on", s)
        if self.disclaimer and update.t_ms < self.disclaimer_s * 1000:
            self._band(canvas, self.disclaimer, int(h * 0.42), (60, 60, 60), s)
        _text(canvas, KEYS_HELP, (int(14 * s), h - int(10 * s)), 0.45 * s, NEUTRAL, 1)
        return canvas

    # --- pieces ----------------------------------------------------------------------
    def _xy(self, pose, name: str, w: int, h: int) -> tuple[int, int]:
        return landmark_px(pose, name, w, h, self.mirror)

    def _skeleton(self, img, pose, status: dict[str, str], s: float) -> None:
        h, w = img.shape[:2]
        vis = pose.visibility
        thick = max(2, int(3 * s))
        for a, b in BONES:
            if min(vis[LANDMARK[a]], vis[LANDMARK[b]]) >= 0.3:
                cv2.line(img, self._xy(pose, a, w, h), self._xy(pose, b, w, h), NEUTRAL, thick, cv2.LINE_AA)
        for name in LANDMARK:
            if name in _SKIP_POINTS or vis[LANDMARK[name]] < 0.3:
                continue
            colour = STATUS_COLOUR.get(status.get(name, ""), NEUTRAL)
            cv2.circle(img, self._xy(pose, name, w, h), int((9 if name in status else 4) * s) + 1, colour, -1,
                       cv2.LINE_AA)

    def _header(self, img, u: Update, s: float) -> None:
        pad = int(14 * s)
        if u.step is None:
            return
        title = f"{u.step_number}/{u.steps_total}  {u.step.label}"
        _text(img, title, (pad, pad + int(26 * s)), 0.9 * s, WHITE, max(1, int(2 * s)))
        phase = {SETUP: "set-up check", GET_READY: "get ready", ACTIVE: "hold in good form", REST: "rest",
                 DONE: ""}[u.phase]
        if u.phase == ACTIVE and u.result is not None:
            v = u.result.verdict
            phase = "no person seen" if not v.person else ("in pose" if v.in_pose else "not in the pose yet")
        _text(img, phase, (pad, pad + int(56 * s)), 0.6 * s, NEUTRAL, max(1, int(1.5 * s)))

    def _timer(self, img, u: Update, s: float) -> None:
        h, w = img.shape[:2]
        hold = u.result.hold
        secs, target = hold.timer_ms / 1000.0, hold.target_ms / 1000.0
        colour = GREEN if hold.phase == "holding" else (AMBER if hold.phase == "break" else NEUTRAL)
        big = f"{secs:.0f}"
        scale, thick = 3.2 * s, max(3, int(7 * s))
        (tw, th), _ = cv2.getTextSize(big, _FONT, scale, thick)
        x0, y0 = w - tw - int(110 * s), int(20 * s) + th
        _text(img, big, (x0, y0), scale, colour, thick)
        _text(img, f"/ {target:g} s", (x0 + tw + int(8 * s), y0), 0.8 * s, NEUTRAL, max(1, int(2 * s)))
        bar_w, bar_h = int(w * 0.36), max(8, int(16 * s))
        bx, by = w - bar_w - int(14 * s), y0 + int(16 * s)
        cv2.rectangle(img, (bx, by), (bx + bar_w, by + bar_h), (70, 70, 70), -1)
        frac = min(1.0, secs / target) if target > 0 else 0.0
        cv2.rectangle(img, (bx, by), (bx + int(bar_w * frac), by + bar_h), colour, -1)
        cv2.rectangle(img, (bx, by), (bx + bar_w, by + bar_h), NEUTRAL, 1)

    def _setup(self, img, u: Update, s: float) -> None:
        rep = u.setup
        keys = {p.key.split(":")[0] for p in rep.problems}
        items = [("you are in view", "no_person"), ("whole body in the picture", "frame"),
                 ("distance", "far"), (f"camera view: {u.step.spec.view}", "view"), ("light", "dark")]
        x, y = int(14 * s), int(110 * s)
        for label, key in items:
            bad = key in keys or (key == "dark" and "bright" in keys) or \
                ("no_person" in keys and key in ("frame", "far", "view"))
            mark, colour = ("x", AMBER) if bad else ("ok", GREEN)
            _text(img, f"[{mark:>2}] {label}", (x, y), 0.6 * s, colour, max(1, int(1.5 * s)))
            y += int(30 * s)

    def _big_centre(self, img, big: str, small: str, s: float) -> None:
        h, w = img.shape[:2]
        scale, thick = 3.5 * s, max(3, int(8 * s))
        (tw, th), _ = cv2.getTextSize(big, _FONT, scale, thick)
        _text(img, big, ((w - tw) // 2, (h + th) // 2), scale, WHITE, thick)
        if small:
            (sw, _), _ = cv2.getTextSize(small, _FONT, 0.8 * s, 2)
            _text(img, small, ((w - sw) // 2, (h + th) // 2 + int(40 * s)), 0.8 * s, NEUTRAL, max(1, int(2 * s)))

    def _band(self, img, text: str, y_centre: int, colour, s: float, border: bool = False) -> None:
        h, w = img.shape[:2]
        scale, thick = 0.7 * s, max(1, int(2 * s))
        lines = _wrap(text, scale, thick, w - int(40 * s))
        line_h = int(32 * s)
        top = max(0, y_centre - line_h * len(lines) // 2 - int(10 * s))
        bottom = min(h, top + line_h * len(lines) + int(20 * s))
        roi = img[top:bottom]  # blend the band only: a full-frame blend costs milliseconds
        cv2.addWeighted(np.full_like(roi, colour), 0.8, roi, 0.2, 0, dst=roi)
        for i, line in enumerate(lines):
            _text(img, line, (int(20 * s), top + int(10 * s) + line_h * (i + 1) - int(8 * s)), scale, WHITE, thick)

    def _cue(self, img, u: Update, s: float) -> None:
        h, w = img.shape[:2]
        if u.cue is None:
            return
        if u.cue_kind == "overstretch":
            cv2.rectangle(img, (0, 0), (w - 1, h - 1), RED, max(8, int(18 * s)))
            self._band(img, "EASE OFF - " + u.cue, h - int(90 * s), RED, s)
        else:
            self._band(img, u.cue, h - int(80 * s), (90, 70, 30) if u.cue_kind != "setup" else (40, 90, 140), s)
