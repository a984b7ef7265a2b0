"""Small inline SVG charts for the HTML report: no JavaScript, no external assets.

Each function returns one `<svg>` element sized by its viewBox (it scales to the page width),
with a `<title>` on every bar so hovering shows the exact figure. Colours come from CSS
classes defined in templates/report.html.j2, so the page's theme controls them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from html import escape

WIDTH = 720
FONT = 12


def _svg(height: float, label: str, body: list[str], css: str = "chart", width: int = WIDTH) -> str:
    return (
        f'<svg class="{css}" viewBox="0 0 {width} {height:.0f}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def _empty(label: str, message: str, width: int = WIDTH) -> str:
    text = (
        f'<text class="empty-note" x="{width / 2}" y="40" text-anchor="middle">'
        f"{escape(message)}</text>"
    )
    return _svg(70, label, [text], css="chart empty", width=width)


def _axis(value: float) -> tuple[float, float]:
    """(step, maximum) of a round axis covering `value` in at most ~5 steps of 1, 2 or 5 x 10^n
    (whole numbers for counts)."""
    target = max(value, 1) / 4
    step = 1.0
    while True:
        for factor in (1, 2, 5):
            if factor * step >= target:
                size = factor * step
                return size, size * math.ceil(max(value, 1) / size)
        step *= 10


def _grid(
    top: float, bottom: float, left: float, right: float, step: float, vmax: float
) -> list[str]:
    parts = []
    lines = round(vmax / step)
    for i in range(lines + 1):
        y = bottom - (bottom - top) * i / lines
        parts.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="axis" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{_num(step * i)}</text>"
        )
    return parts


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def weekly_chart(
    weeks: Sequence[tuple[date, int]],
    fixes: Sequence[tuple[datetime, str]] = (),
    label: str = "Tickets per week",
) -> str:
    """Bars of tickets per week (Mondays), with a dashed line and a tag at each fix date."""
    if not weeks or not any(count for _, count in weeks):
        return _empty(label, "No tickets in this period")
    left, right, top, bottom = 44.0, WIDTH - 12.0, 26.0, 200.0
    step, vmax = _axis(max(count for _, count in weeks))
    slot = (right - left) / len(weeks)
    body = _grid(top, bottom, left, right, step, vmax)
    for i, (monday, count) in enumerate(weeks):
        height = (bottom - top) * count / vmax
        x = left + i * slot + slot * 0.12
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{bottom - height:.1f}" '
            f'width="{slot * 0.76:.1f}" height="{height:.1f}">'
            f"<title>Week of {monday.isoformat()}: {count} tickets</title></rect>"
        )
        if len(weeks) <= 16 or i % max(len(weeks) // 12, 1) == 0:
            body.append(
                f'<text class="axis" x="{left + (i + 0.5) * slot:.1f}" y="{bottom + 16}" '
                f'text-anchor="middle">{monday:%d %b}</text>'
            )
    first = weeks[0][0]
    span_days = 7 * len(weeks)
    for n, (fixed_at, tag) in enumerate(fixes):
        offset = (fixed_at.date() - first).days
        if not 0 <= offset < span_days:
            continue
        x = left + (right - left) * offset / span_days
        body.append(
            f'<line class="fix" x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{bottom}">'
            f"<title>{escape(tag)} fixed {fixed_at.date().isoformat()}</title></line>"
        )
        near_edge = x > right - 90  # keep the tag inside the chart
        body.append(
            f'<text class="fix-tag" x="{x - 3 if near_edge else x + 3:.1f}" '
            f'y="{top - 10 + 11 * (n % 2)}" text-anchor="{"end" if near_edge else "start"}">'
            f"{escape(tag)}</text>"
        )
    return _svg(bottom + 24, label, body)


def before_after_chart(
    rows: Sequence[tuple[str, float, float | None]],
    weeks: int,
    label: str = "Complaints per week before and after each fix",
) -> str:
    """Per fix, two horizontal bars: tickets per week in the `weeks` before and after."""
    if not rows:
        return _empty(label, "No fixes in this period yet")
    left, right, row_h, top = 170.0, WIDTH - 60.0, 40.0, 28.0
    vmax = _axis(max(max(before, after or 0) for _, before, after in rows))[1]
    body = [
        f'<rect class="bar before" x="{left}" y="6" width="12" height="10"/>'
        f'<text class="axis" x="{left + 16}" y="15">{weeks} weeks before</text>',
        f'<rect class="bar after" x="{left + 130}" y="6" width="12" height="10"/>'
        f'<text class="axis" x="{left + 146}" y="15">after (per week)</text>',
    ]
    for i, (tag, before, after) in enumerate(rows):
        y = top + i * row_h
        body.append(
            f'<text class="label" x="{left - 8}" y="{y + 19:.1f}" text-anchor="end">'
            f"{escape(_clip(tag, 24))}</text>"
        )
        for j, (css, value) in enumerate((("before", before), ("after", after))):
            bar_y = y + 3 + j * 15
            if value is None:
                body.append(
                    f'<text class="axis" x="{left + 4}" y="{bar_y + 11:.1f}">'
                    "no time after the fix yet</text>"
                )
                continue
            width = (right - left) * value / vmax
            body.append(
                f'<rect class="bar {css}" x="{left}" y="{bar_y:.1f}" width="{width:.1f}" '
                f'height="13"><title>{escape(tag)} {css}: {value:.2f} per week</title></rect>'
                f'<text class="value" x="{left + width + 4:.1f}" y="{bar_y + 11:.1f}">'
                f"{_num(round(value, 1))}</text>"
            )
    return _svg(top + len(rows) * row_h + 4, label, body)


def histogram_chart(
    buckets: Sequence[tuple[str, int]],
    over_target: Sequence[bool],
    label: str = "First-response time",
) -> str:
    """Vertical bars per bucket; buckets beyond the target get the `late` class."""
    width = 460
    if not sum(count for _, count in buckets):
        return _empty(label, "No first responses in this period", width)
    left, right, top, bottom = 36.0, width - 8.0, 12.0, 170.0
    step, vmax = _axis(max(count for _, count in buckets))
    slot = (right - left) / len(buckets)
    body = _grid(top, bottom, left, right, step, vmax)
    for i, ((bucket, count), late) in enumerate(zip(buckets, over_target, strict=True)):
        height = (bottom - top) * count / vmax
        x = left + i * slot + slot * 0.1
        css = "bar late" if late else "bar"
        body.append(
            f'<rect class="{css}" x="{x:.1f}" y="{bottom - height:.1f}" '
            f'width="{slot * 0.8:.1f}" height="{height:.1f}">'
            f"<title>{escape(bucket)}: {count} tickets</title></rect>"
            f'<text class="axis" x="{left + (i + 0.5) * slot:.1f}" y="{bottom + 16}" '
            f'text-anchor="middle">{escape(bucket)}</text>'
        )
    return _svg(bottom + 24, label, body, width=width)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
