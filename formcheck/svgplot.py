"""Small, dependency-free SVG charts for the HTML report (pure functions).

Why hand-written SVG rather than matplotlib: the report must open with no
network and stay small for long sessions; a few hundred lines of SVG text per
chart render instantly in any browser, scale crisply when zoomed or printed,
and cost no import of a plotting library (matplotlib takes about a second to
import, more than building the whole report).

Long series are reduced to one min/max pair per pixel column, so a spike
(a brief over-stretch) still shows while a ten-minute session stays a few
kilobytes per chart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import numpy as np


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi], about ``count`` of them."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo] if math.isfinite(lo) else []
    raw = (hi - lo) / max(1, count)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    ticks = []
    v = first
    while v <= hi + step * 1e-9:
        ticks.append(round(v, 10))
        v += step
    return ticks


def envelope(t: np.ndarray, v: np.ndarray, t0: float, t1: float, columns: int
             ) -> list[list[tuple[float, float, float]]]:
    """Per pixel column: (column, min, max) of the finite values falling in it.

    Returns runs of columns with data. A column whose frames have no finite
    value (no person, landmarks unseen) breaks the line; a column no frame
    falls into (fewer frames than pixels) does not.
    """
    if len(t) == 0 or t1 <= t0 or columns < 1:
        return []
    col = np.clip(((t - t0) / (t1 - t0) * (columns - 1)).round().astype(np.int64), 0, columns - 1)
    has_frame = np.bincount(col, minlength=columns) > 0
    finite = np.isfinite(v)
    lo = np.full(columns, np.inf)
    hi = np.full(columns, -np.inf)
    np.minimum.at(lo, col[finite], v[finite])
    np.maximum.at(hi, col[finite], v[finite])
    runs: list[list[tuple[float, float, float]]] = []
    current: list[tuple[float, float, float]] = []
    for c in range(columns):
        if hi[c] >= lo[c]:
            current.append((float(c), float(lo[c]), float(hi[c])))
        elif has_frame[c] and current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    colour: str
    label: str


@dataclass(frozen=True)
class Limit:
    value: float
    above: bool  # True: over-stretch above the line
    label: str


@dataclass(frozen=True)
class Span:
    start: float
    end: float
    colour: str
    label: str


@dataclass(frozen=True)
class Mark:
    t: float
    label: str


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def line_chart(title: str, unit: str, t: np.ndarray, v: np.ndarray, t0: float, t1: float,
               bands: list[Band] = (), limits: list[Limit] = (), spans: list[Span] = (),
               marks: list[Mark] = (), width: int = 960, height: int = 210) -> str:
    """A time series with good bands, limit lines, shaded spans and marks."""
    left, right, top, bottom = 52, 12, 26, 28
    pw, ph = width - left - right, height - top - bottom
    finite = v[np.isfinite(v)] if len(v) else v
    values = [*(finite.min(), finite.max())] if len(finite) else []
    values += [b.low for b in bands] + [b.high for b in bands] + [lim.value for lim in limits]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    pad = max(2.0, 0.06 * (hi - lo))
    lo, hi = lo - pad, hi + pad
    span_t = max(t1 - t0, 1e-6)

    def x(tt: float) -> float:
        return left + (tt - t0) / span_t * pw

    def y(val: float) -> float:
        return top + (hi - val) / (hi - lo) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'role="img" aria-label="{escape(title)}">',
           f'<text x="{left}" y="16" class="ct">{escape(title)}</text>',
           f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" class="bg"/>']
    for s in spans:
        xa, xb = x(max(s.start, t0)), x(min(s.end, t1))
        out.append(f'<rect x="{xa:.1f}" y="{top}" width="{max(1.0, xb - xa):.1f}" height="{ph}" '
                   f'fill="{s.colour}"><title>{escape(s.label)}</title></rect>')
    for b in bands:
        ya, yb = y(min(b.high, hi)), y(max(b.low, lo))
        out.append(f'<rect x="{left}" y="{ya:.1f}" width="{pw}" height="{max(0.0, yb - ya):.1f}" '
                   f'fill="{b.colour}"><title>{escape(b.label)}</title></rect>')
    for lim in limits:
        yl = y(lim.value)
        ya, yb = (top, yl) if lim.above else (yl, top + ph)
        out.append(f'<rect x="{left}" y="{ya:.1f}" width="{pw}" height="{max(0.0, yb - ya):.1f}" '
                   f'class="danger"/>')
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{yl:.1f}" y2="{yl:.1f}" class="limit">'
                   f'<title>{escape(lim.label)}</title></line>')
        out.append(f'<text x="{left + pw - 4}" y="{yl - 4 if lim.above else yl + 12:.1f}" '
                   f'class="ll" text-anchor="end">{escape(lim.label)}</text>')
    for tick in nice_ticks(lo, hi, 4):
        yt = y(tick)
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{yt:.1f}" y2="{yt:.1f}" class="grid"/>'
                   f'<text x="{left - 6}" y="{yt + 4:.1f}" text-anchor="end" class="tk">{_fmt(tick)}{unit}</text>')
    for tick in nice_ticks(t0, t1, 10):
        xt = x(tick)
        out.append(f'<text x="{xt:.1f}" y="{top + ph + 16}" text-anchor="middle" class="tk">{_fmt(tick)}s</text>')
    columns = max(1, int(pw))
    for run in envelope(t, v, t0, t1, columns):
        pts = []
        for c, vmin, vmax in run:
            xc = left + c / max(1, columns - 1) * pw
            pts.append(f"{xc:.1f},{y(vmax):.1f}")
            if vmax - vmin > 1e-9:
                pts.append(f"{xc:.1f},{y(vmin):.1f}")
        if len(pts) == 1:
            pts.append(pts[0])
        out.append(f'<polyline points="{" ".join(pts)}" class="series"/>')
    for m in marks:
        xm = x(m.t)
        out.append(f'<g class="mark"><title>{escape(m.label)}</title>'
                   f'<line x1="{xm:.1f}" x2="{xm:.1f}" y1="{top}" y2="{top + ph}"/>'
                   f'<path d="M{xm - 5:.1f},{top - 8} L{xm + 5:.1f},{top - 8} L{xm:.1f},{top} Z"/></g>')
    out.append("</svg>")
    return "".join(out)


def state_strip(t: np.ndarray, states: np.ndarray, t0: float, t1: float, colours: dict[int, str],
                names: dict[int, str], width: int = 960, height: int = 30) -> str:
    """One coloured rectangle per run of equal state; per pixel column the worst (highest) state wins."""
    left, right = 52, 12
    pw = width - left - right
    columns = max(1, int(pw))
    if len(t) == 0 or t1 <= t0:
        return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"></svg>'
    col = np.clip(((t - t0) / (t1 - t0) * (columns - 1)).round().astype(np.int64), 0, columns - 1)
    worst = np.full(columns, -1, dtype=np.int64)
    np.maximum.at(worst, col, states.astype(np.int64))
    # Columns no frame fell into take the state on their left.
    for c in range(1, columns):
        if worst[c] < 0:
            worst[c] = worst[c - 1]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
           f'aria-label="state over time">']
    start = 0
    for c in range(1, columns + 1):
        if c == columns or worst[c] != worst[start]:
            s = int(worst[start])
            if s >= 0:
                xa = left + start / columns * pw
                wd = (c - start) / columns * pw
                out.append(f'<rect x="{xa:.1f}" y="2" width="{wd:.1f}" height="{height - 4}" '
                           f'fill="{colours[s]}"><title>{escape(names[s])}</title></rect>')
            start = c
    out.append("</svg>")
    return "".join(out)
