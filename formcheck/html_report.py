"""The HTML review: one self-contained page (no scripts, no network).

Summary (holds, time in good form, longest hold against its target,
warnings), a strip of the state over time, one chart per key angle with its
good band, its limit, the holds shaded and the warnings marked, tables of
holds and warnings, and still frames (JPEG, embedded) of each warning and of
the best hold. Built from the JSON report plus ``review.ReviewData``.
"""

from __future__ import annotations

import base64
import math
from html import escape

from .features import FEATURES
from .review import GOOD, NO_PERSON, NOT_IN_POSE, OFF_FORM, OVERSTRETCH, STATE_NAMES, ReviewData, Still
from .specs import PoseSpec, Rule
from .svgplot import Band, Limit, Mark, Span, line_chart, state_strip

STATE_COLOURS = {NO_PERSON: "#d9d9d9", NOT_IN_POSE: "#aab4bf", OFF_FORM: "#f0a640", GOOD: "#4caf50",
                 OVERSTRETCH: "#d7263d"}

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;
 background:#f6f7f9;color:#1d232b}
main{max-width:1000px;margin:0 auto;padding:18px 20px 40px}
h1{font-size:24px;margin:4px 0 2px}h2{font-size:18px;margin:28px 0 8px}
.meta,.note{color:#5b6570;font-size:13px}
.incomplete{background:#fff1d6;border:1px solid #e3a008;padding:10px 12px;border-radius:6px;margin:12px 0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:10px;margin:14px 0}
.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:10px 12px}
.card b{display:block;font-size:24px}.card span{color:#5b6570;font-size:13px}
.card.warn b{color:#c81e3a}.card.good b{color:#2e7d32}
.bar{height:8px;background:#e4e7eb;border-radius:4px;margin-top:6px;overflow:hidden}
.bar i{display:block;height:100%;background:#4caf50}
figure{margin:8px 0 14px;background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:6px}
figure svg{width:100%;height:auto;display:block}
.legend{font-size:13px;color:#3b444e;margin:4px 0}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px -1px 10px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:14px}
th,td{border:1px solid #dde1e6;padding:5px 8px;text-align:left}th{background:#eef1f4}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.stills{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:12px}
.stills figure{margin:0}.stills img{width:100%;height:auto;display:block;border-radius:4px}
.stills figcaption{font-size:13px;padding:4px 2px}
svg .ct{font-size:14px;font-weight:600;fill:#1d232b}svg .tk{font-size:11px;fill:#5b6570}
svg .bg{fill:#fbfcfd;stroke:#dde1e6}svg .grid{stroke:#e8ebee}
svg .series{fill:none;stroke:#1f4e8c;stroke-width:1.6;stroke-linejoin:round}
svg .limit{stroke:#c81e3a;stroke-width:1.5;stroke-dasharray:6 4}svg .danger{fill:rgba(215,38,61,.07)}
svg .ll{font-size:11px;fill:#c81e3a}
svg .mark line{stroke:#c81e3a;stroke-width:1.2}svg .mark path{fill:#c81e3a}
"""


def _unit(feature: str) -> str:
    return "" if FEATURES[feature].unit == "ratio" else "\u00b0"


def _covers(rule: Rule, key: str) -> bool:
    """Does the rule judge the feature key (``knee.left``)? working/other sides judge either side."""
    name, _, side = key.partition(".")
    if rule.feature != name:
        return False
    return not side or rule.side not in ("left", "right") or rule.side == side


def _label(key: str) -> str:
    name, _, side = key.partition(".")
    return f"{name.replace('_', ' ')} ({side})" if side else name.replace("_", " ")


def _s(x: float) -> str:
    return f"{x:.1f}s"


def _img(still: Still) -> str:
    data = base64.b64encode(still.jpeg).decode("ascii")
    return (f'<figure><img alt="{escape(still.caption)}" src="data:image/jpeg;base64,{data}">'
            f"<figcaption>{escape(still.caption)}</figcaption></figure>")


def _summary(report: dict) -> str:
    holds, target = report["holds"], report["hold_target_s"]
    done = sum(h["completed"] for h in holds)
    dur = report["duration_s"] or 0.0
    pct = 100.0 * report["time_in_form_s"] / dur if dur else 0.0
    longest = report["longest_hold_s"]
    frac = min(1.0, longest / target) if target else 0.0
    warnings = report["warnings"]
    episodes = sum(w["kind"] == "overstretch" for w in warnings)
    return (
        '<div class="cards">'
        f'<div class="card"><b>{len(holds)}</b><span>hold{"s" if len(holds) != 1 else ""} in good form, '
        f'{done} reached the {target:g}s target</span></div>'
        f'<div class="card good"><b>{_s(report["time_in_form_s"])}</b><span>in good form, '
        f'{pct:.0f}% of {_s(dur)}</span></div>'
        f'<div class="card"><b>{_s(longest)} / {target:g}s</b><span>longest hold against the target</span>'
        f'<div class="bar"><i style="width:{100 * frac:.0f}%"></i></div></div>'
        f'<div class="card{" warn" if warnings else ""}"><b>{len(warnings)}</b><span>over-stretch '
        f'warning{"s" if len(warnings) != 1 else ""} ({episodes} episode{"s" if episodes != 1 else ""})'
        '</span></div></div>')


def _charts(report: dict, data: ReviewData, spec: PoseSpec) -> str:
    t = data.t_s
    if len(t) == 0:
        return '<p class="note">No frames were processed.</p>'
    t0, t1 = float(t[0]), float(t[-1]) if t[-1] > t[0] else float(t[0]) + 1.0
    spans = [Span(h["start_s"], h["end_s"], "rgba(46,125,50,.16)" if h["completed"] else "rgba(33,150,243,.13)",
                  f"hold {_s(h['start_s'])}-{_s(h['end_s'])}: {_s(h['duration_s'])} in form")
             for h in report["holds"]]
    marks = [Mark(w["t_s"], f"{_s(w['t_s'])} {w['rule']}: {w['cue']}") for w in report["warnings"]]
    parts = [
        '<figure>' + state_strip(t, data.states, t0, t1, STATE_COLOURS, STATE_NAMES) + '</figure>',
        '<div class="legend">' + "".join(f'<i style="background:{STATE_COLOURS[s]}"></i>{escape(n)}'
                                          for s, n in STATE_NAMES.items())
        + '<i style="background:rgba(46,125,50,.35)"></i>hold (reached target)'
          '<i style="background:rgba(33,150,243,.35)"></i>hold (short)'
          '<i style="background:#c81e3a"></i>warning</div>']
    for key, values in data.series.items():
        name = key.partition(".")[0]
        unit = _unit(name)
        rules = [r for r in spec.rules if r.kind != "pose" and _covers(r, key)]
        bands = [Band(r.low, r.high, "rgba(76,175,80,.16)", f"good: {r.low:g}-{r.high:g}{unit}")
                 for r in rules if r.kind == "form"]
        limits = []
        for r in rules:
            if r.kind == "limit" and r.above is not None:
                limits.append(Limit(r.above, True, f"limit: above {r.above:g}{unit}"))
            if r.kind == "limit" and r.below is not None:
                limits.append(Limit(r.below, False, f"limit: below {r.below:g}{unit}"))
        what = ", ".join([b.label for b in bands] + [lim.label for lim in limits])
        title = f"{_label(key)}: {what}" if what else _label(key)
        parts.append("<figure>" + line_chart(title, unit, t, values, t0, t1, bands, limits, spans, marks)
                     + "</figure>")
    return "".join(parts)


def _holds_table(report: dict) -> str:
    if not report["holds"]:
        return '<p class="note">No hold in good form.</p>'
    rows = "".join(
        f'<tr><td class="n">{i}</td><td class="n">{_s(h["start_s"])}</td><td class="n">{_s(h["end_s"])}</td>'
        f'<td class="n">{_s(h["duration_s"])}</td><td>{escape(h["side"] or "")}</td>'
        f'<td>{"yes" if h["completed"] else "no"}</td></tr>'
        for i, h in enumerate(report["holds"], 1))
    return ("<table><tr><th>#</th><th>start</th><th>end</th><th>time in form</th><th>side</th>"
            f"<th>reached {report['hold_target_s']:g}s</th></tr>{rows}</table>")


def _value(value: float | None) -> str:
    return "" if value is None or not math.isfinite(value) else f"{value:g}"


def _warnings_table(report: dict) -> str:
    if not report["warnings"]:
        return '<p class="note">No over-stretch warning.</p>'
    rows = "".join(
        f'<tr><td class="n">{_s(w["t_s"])}</td><td class="n">{_s(w["onset_s"])}</td><td>{escape(w["rule"])}</td>'
        f'<td>{escape(w["kind"])}</td><td class="n">'
        f'{_value(w["value"])}</td><td>{escape(w["cue"])}</td></tr>'
        for w in report["warnings"])
    return ("<table><tr><th>warned at</th><th>crossed at</th><th>rule</th><th>kind</th><th>value</th>"
            f"<th>cue</th></tr>{rows}</table>")


def render_html(report: dict, data: ReviewData, spec: PoseSpec) -> str:
    title = f"{report['title']}: {report['source']}"
    incomplete = "" if report["complete"] else (
        f'<div class="incomplete"><b>Incomplete run.</b> {escape(str(report["problem"]))}. '
        f"Everything below covers the first {_s(report['duration_s'])} only.</div>")
    best = None
    if report["holds"]:
        longest = max(report["holds"], key=lambda h: h["duration_s"])
        best = data.hold_stills.get(round(longest["start_s"], 3))
    stills = ([_img(Still(best.t_s, "Best hold: " + best.caption, best.jpeg))] if best else []) + \
        [_img(s) for s in data.warning_stills]
    more = (f'<p class="note">{data.warnings_without_still} later warnings have no still frame '
            "(the first ones are shown).</p>" if data.warnings_without_still else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>formcheck review: {escape(title)}</title>
<style>{CSS}</style></head>
<body><main>
<h1>{escape(report['title'])} <span class="meta">{escape(report['source'])}</span></h1>
<p class="meta">{report['frames']} frames at {report['fps']:g} fps, {_s(report['duration_s'])};
pose spec <code>{escape(report['pose'])}</code>; formcheck {escape(str(report.get('formcheck', '')))}.
formcheck guides; it does not diagnose. It can be wrong about what it sees.</p>
{incomplete}
{_summary(report)}
<h2>Over time</h2>
{_charts(report, data, spec)}
<h2>Holds</h2>
{_holds_table(report)}
<h2>Warnings</h2>
{_warnings_table(report)}
<h2>Moments</h2>
{('<div class="stills">' + "".join(stills) + "</div>") if stills else '<p class="note">No hold or warning to show.</p>'}
{more}
</main></body></html>
"""
