"""Small inline SVG charts for the HTML report: no JavaScript, no external assets.

Each function returns one `<svg>` element sized by its viewBox (it scales to the page width),
with a `<title>` on every bar so hovering shows the exact figure. Colours come from CSS
classes defined in templates/report.html.j2, so the page's theme controls them; "after" bars
and partial weeks are also hatched (patterns defined once in the page), so they differ from
"before" by more than lightness. Every chart titles its axes with their units.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
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
    fixes: Sequence[tuple[datetime, str, str]] = (),
    label: str = "Tickets per week",
    *,
    period: tuple[datetime, datetime] | None = None,
    width: int = WIDTH,
) -> str:
    """Bars of tickets per week (Mondays), with a dashed line and a tag at each fix date.

    `fixes` are (date, tag, tooltip), one per distinct fix. Weeks only partly inside
    `period` (start, end) are hatched and say how many days they hold. A narrow `width`
    (the phone variant) labels fewer weeks so the text stays legible."""
    if not weeks or not any(count for _, count in weeks):
        return _empty(label, "No tickets in this period", width)
    left, right = 52.0, width - 12.0
    tags = _tag_rows(fixes, weeks[0][0], len(weeks), left, right)
    top = 16.0 + ROW * (1 + max((row for *_, row in tags), default=-1))
    bottom = top + (174.0 if width >= WIDTH else 150.0)
    step, vmax = _axis(max(count for _, count in weeks))
    slot = (right - left) / len(weeks)
    every = max(math.ceil(len(weeks) * 48 / (right - left)), 1)  # a date label per ~48 px
    body = _grid(top, bottom, left, right, step, vmax)
    for i, (monday, count) in enumerate(weeks):
        height = (bottom - top) * count / vmax
        x = left + i * slot + slot * 0.12
        days = week_days(monday, period)
        css, note = ("bar", "") if days >= 7 else ("bar partial", f" (partial: {days:g} days)")
        body.append(
            f'<rect class="{css}" x="{x:.1f}" y="{bottom - height:.1f}" '
            f'width="{slot * 0.76:.1f}" height="{height:.1f}">'
            f"<title>Week of {monday.isoformat()}{note}: {_count(count, 'ticket')}</title></rect>"
        )
        if i % every == 0:
            body.append(
                f'<text class="axis" x="{left + (i + 0.5) * slot:.1f}" y="{bottom + 16}" '
                f'text-anchor="middle">{monday:%d %b}</text>'
            )
    body += _fix_marks(tags, bottom)
    body += _axis_titles(left, right, top, bottom, "Week starting (Monday, UTC)", "Tickets")
    return _svg(bottom + 40, label, body, width=width)


def week_days(monday: date, period: tuple[datetime, datetime] | None) -> float:
    """Days of the week starting `monday` that lie inside `period` (7 without one)."""
    if period is None:
        return 7.0
    start = datetime.combine(monday, time(0), tzinfo=UTC)
    inside = min(start + timedelta(days=7), period[1]) - max(start, period[0])
    return round(max(inside.total_seconds(), 0.0) / 86400, 1)


def _axis_titles(
    left: float, right: float, top: float, bottom: float, x_title: str, y_title: str
) -> list[str]:
    """The x title under the date labels and the y title turned along the axis."""
    middle = (top + bottom) / 2
    return [
        f'<text class="axis-title" x="{(left + right) / 2:.1f}" y="{bottom + 34:.1f}" '
        f'text-anchor="middle">{escape(x_title)}</text>',
        f'<text class="axis-title" x="12" y="{middle:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {middle:.1f})">{escape(y_title)}</text>',
    ]


ROW = 13.0  # height of one row of fix tags above the weekly chart
TAG_CHAR = 6.6  # estimated width of one character of a fix tag (11 px bold)


def _tag_rows(
    fixes: Sequence[tuple[datetime, str, str]],
    first: date,
    weeks: int,
    left: float,
    right: float,
) -> list[tuple[float, datetime, str, str, bool, int]]:
    """Where each fix tag goes: (x, date, tag, tooltip, anchored at its end, row).

    Tags are laid out left to right; each takes the first row where it does not overlap the
    tag before it, so fixes close in time stack up instead of drawing over each other."""
    span_days = 7 * weeks
    placed: list[tuple[float, datetime, str, str, bool, int]] = []
    row_ends: list[float] = []
    for fixed_at, tag, tooltip in sorted(fixes, key=lambda f: f[0]):
        offset = _days_from(first, fixed_at)
        if not 0 <= offset < span_days:
            continue
        x = left + (right - left) * offset / span_days
        width = len(tag) * TAG_CHAR
        at_end = x + 3 + width > right  # keep the tag inside the chart
        start = x - 3 - width if at_end else x + 3
        row = next((i for i, end in enumerate(row_ends) if end + 6 <= start), len(row_ends))
        if row == len(row_ends):
            row_ends.append(0.0)
        row_ends[row] = start + width
        placed.append((x, fixed_at, tag, tooltip, at_end, row))
    return placed


def _fix_marks(tags: list[tuple[float, datetime, str, str, bool, int]], bottom: float) -> list[str]:
    body = []
    for x, _, tag, tooltip, at_end, row in tags:
        y = 14.0 + ROW * row
        body.append(
            f'<line class="fix" x1="{x:.1f}" y1="{y - 9:.1f}" x2="{x:.1f}" y2="{bottom}">'
            f"<title>{escape(tooltip)}</title></line>"
            f'<text class="fix-tag" x="{x - 3 if at_end else x + 3:.1f}" y="{y:.1f}" '
            f'text-anchor="{"end" if at_end else "start"}">{escape(tag)}'
            f"<title>{escape(tooltip)}</title></text>"
        )
    return body


def before_after_chart(
    rows: Sequence[tuple[str, str, float, float | None]],
    weeks: int,
    label: str = "Complaints per week before and after each fix",
    verdicts: Sequence[str | None] = (),
) -> str:
    """Per fix, a caption and two horizontal bars: tickets per week in the `weeks` before and
    after it. `rows` are (tag, subtitle, before, after); `verdicts`, per row, why its change
    is not told yet ("too early to tell"), written beside its after bar so a rate from a few
    days is not read as a result.

    The chart has no viewBox: bar lengths are percentages of its width and text keeps its
    size, so it stays legible from a phone to a wide screen."""
    if not rows:
        return _empty(label, "No fixes in this period yet")
    row_h, top, span = 58.0, 30.0, 85.0  # bars use at most `span` % of the width
    vmax = _axis(max(max(before, after or 0) for *_, before, after in rows))[1]
    body = [
        '<rect class="bar before" x="0" y="6" width="12" height="10"/>'
        f'<text class="axis" x="16" y="15">{weeks} weeks before</text>',
        '<rect class="bar after" x="120" y="6" width="12" height="10"/>'
        '<text class="axis" x="136" y="15">after · complaints per week</text>',
    ]
    for i, (tag, subtitle, before, after) in enumerate(rows):
        y = top + i * row_h
        body.append(
            f'<text class="label" y="{y + 12:.1f}"><tspan class="strong">{escape(tag)}</tspan>'
            f'<tspan class="axis"> {escape(_clip(subtitle, 36))}</tspan>'
            f"<title>{escape(subtitle)}</title></text>"
        )
        for j, (css, value) in enumerate((("before", before), ("after", after))):
            bar_y = y + 18 + j * 17
            if value is None:
                body.append(
                    f'<text class="axis" x="4" y="{bar_y + 11:.1f}">'
                    "no time after the fix yet</text>"
                )
                continue
            share = span * value / vmax
            verdict = verdicts[i] if css == "after" and i < len(verdicts) else None
            note = f'<tspan class="axis"> · {escape(verdict)}</tspan>' if verdict else ""
            body.append(
                f'<rect class="bar {css}" x="0" y="{bar_y:.1f}" width="{share:.2f}%" '
                f'height="14"><title>{escape(tag)} {css}: {value:.2f} per week</title></rect>'
                f'<text class="value" x="{share:.2f}%" dx="4" y="{bar_y + 11:.1f}">'
                f"{value:.2f}/wk{note}</text>"
            )
    height = top + len(rows) * row_h - 4
    return (
        f'<svg class="chart fluid" width="100%" height="{height:.0f}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def fix_chart(
    weeks: Sequence[tuple[date, int]],
    fixed_at: datetime,
    tag: str,
    label: str,
    after: Sequence[int] = (),
    period: tuple[datetime, datetime] | None = None,
) -> str:
    """A small chart of one fix's weekly complaints, with the fix marked where it landed.
    `after` holds, per week, how many of its complaints came at or after the fix: a week
    the fix fell in is split, its part before the fix in `before` and the rest stacked on
    top in `after` (hatched). Partial weeks of the period get a dashed outline."""
    width = 360
    if not weeks or not any(count for _, count in weeks):
        return _empty(label, "No complaints in this period", width)
    left, right, top, bottom = 40.0, width - 8.0, 20.0, 112.0
    step, vmax = _axis(max(count for _, count in weeks))
    slot = (right - left) / len(weeks)
    body = _grid(top, bottom, left, right, step, vmax)
    counts_after = list(after) or [0] * len(weeks)
    for i, (monday, count) in enumerate(weeks):
        late = counts_after[i]
        x = left + i * slot + slot * 0.1
        partial = " partial-week" if week_days(monday, period) < 7 else ""
        base = bottom
        for css, n in (("before", count - late), ("after", late)):
            if n <= 0:
                continue
            height = (bottom - top) * n / vmax
            body.append(
                f'<rect class="bar {css}{partial}" x="{x:.1f}" y="{base - height:.1f}" '
                f'width="{slot * 0.8:.1f}" height="{height:.1f}">'
                f"<title>Week of {monday.isoformat()}: {_count(n, 'complaint')} {css} the fix"
                f"{' (partial week)' if partial else ''}</title></rect>"
            )
            base -= height
    for i, anchor, x in (
        (0, "start", left),
        (len(weeks) // 2, "middle", left + (len(weeks) // 2 + 0.5) * slot),
        (len(weeks) - 1, "end", right),
    ):
        body.append(
            f'<text class="axis" x="{x:.1f}" y="{bottom + 15}" '
            f'text-anchor="{anchor}">{weeks[i][0]:%d %b}</text>'
        )
    offset = _days_from(weeks[0][0], fixed_at)
    if 0 <= offset < 7 * len(weeks):
        x = left + (right - left) * offset / (7 * len(weeks))
        at_end = x > right - 110
        text = f"{tag} · {fixed_at:%d %b}"
        body.append(
            f'<line class="fix" x1="{x:.1f}" y1="{top - 12}" x2="{x:.1f}" y2="{bottom}"/>'
            f'<text class="fix-tag" x="{x - 3 if at_end else x + 3:.1f}" y="{top - 6}" '
            f'text-anchor="{"end" if at_end else "start"}">{escape(text)}</text>'
        )
    middle = (top + bottom) / 2
    body.append(
        f'<text class="axis-title" x="10" y="{middle:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 10 {middle:.1f})">Complaints</text>'
    )
    return _svg(bottom + 22, label, body, css="chart small", width=width)


def histogram_chart(
    buckets: Sequence[tuple[str, int]],
    over_target: Sequence[bool],
    label: str = "First-response time",
) -> str:
    """Vertical bars per bucket; buckets beyond the target get the `late` class (drawn
    hatched as well as in the late colour)."""
    width = 460
    if not sum(count for _, count in buckets):
        return _empty(label, "No first responses in this period", width)
    left, right, top, bottom = 48.0, width - 8.0, 12.0, 170.0
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
            f"<title>{escape(bucket)}: {_count(count, 'ticket')}</title></rect>"
            f'<text class="axis" x="{left + (i + 0.5) * slot:.1f}" y="{bottom + 16}" '
            f'text-anchor="middle">{escape(bucket)}</text>'
        )
    body += _axis_titles(
        left, right, top, bottom, "First response (after the ticket came in)", "Tickets"
    )
    return _svg(bottom + 40, label, body, width=width)


def _days_from(monday: date, moment: datetime) -> float:
    """Days from the start of `monday` (UTC) to `moment`: a fix at noon on Wednesday sits
    2.5 days into its week, where it landed."""
    start = datetime.combine(monday, time(0), tzinfo=UTC)
    return (moment - start).total_seconds() / 86400


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
