"""The SVG chart helpers: fix tags that do not collide, and the per-fix small chart."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sddkit.report.charts.svg import _tag_rows, before_after_chart, fix_chart, weekly_chart

WEEKS = [(date(2024, 3, 4) + timedelta(weeks=i), 10) for i in range(8)]


def day(d: int) -> datetime:
    return datetime(2024, 3, d, 12, tzinfo=UTC)


def test_close_fix_tags_stack_and_distant_ones_share_a_row() -> None:
    fixes = [
        (day(5), "#1 (3 issues)", "t"),
        (day(6), "#2 (4 issues)", "t"),  # one day later: overlaps #1's tag
        (day(28), "#3", "t"),  # far right: fits on the first row again
    ]
    placed = _tag_rows(fixes, WEEKS[0][0], len(WEEKS), 44.0, 708.0)
    assert [(tag, row) for _, _, tag, _, _, row in placed] == [
        ("#1 (3 issues)", 0),
        ("#2 (4 issues)", 1),
        ("#3", 0),
    ]
    # Tags on the same row never overlap (estimated text extents).
    svg = weekly_chart(WEEKS, fixes)
    assert svg.count('<line class="fix"') == 3
    ys = re.findall(r'<text class="fix-tag" x="[\d.]+" y="([\d.]+)"', svg)
    assert len(set(ys)) == 2


def test_fix_tag_near_the_right_edge_is_anchored_at_its_end() -> None:
    placed = _tag_rows(
        [(datetime(2024, 4, 26, tzinfo=UTC), "#9 (2 issues)", "t")], WEEKS[0][0], 8, 44, 708
    )
    # Three days before the last day of 8 weeks: x = 44 + 664 * 53 / 56 = 672, and the tag
    # (13 characters, ~86 px) would end past 708 if it started there.
    assert placed[0][4] is True


def test_fix_chart_splits_the_week_the_fix_landed_in() -> None:
    weeks = [(date(2024, 3, 4), 4), (date(2024, 3, 11), 3), (date(2024, 3, 18), 1)]
    # Fixed Wednesday noon of the 2nd week: 1 of that week's 3 complaints came after it.
    svg = fix_chart(weeks, day(13), "#10", "label", after=[0, 1, 1])
    bars = re.findall(
        r'<rect class="bar (\w+)" x="([\d.]+)" y="([\d.]+)" width="[\d.]+" '
        r'height="([\d.]+)"',
        svg,
    )
    assert [css for css, *_ in bars] == ["before", "before", "after", "after"]
    # The split week stacks its after part on top of its before part, in the same column.
    (_, x1, y1, h1), (_, x2, y2, h2) = bars[1:3]
    assert x1 == x2 and float(y2) + float(h2) == float(y1)
    assert float(h1) == 2 * float(h2)
    assert "#10 · 13 Mar" in svg and '<line class="fix"' in svg
    # The line is where the fix landed: 9.5 days into 3 weeks, not at a week's edge.
    x = float(re.findall(r'<line class="fix" x1="([\d.]+)"', svg)[0])
    assert x == round(40 + (352 - 40) * 9.5 / 21, 1)


def test_partial_weeks_are_drawn_as_partial() -> None:
    period = (datetime(2024, 3, 6, tzinfo=UTC), datetime(2024, 3, 20, tzinfo=UTC))
    weeks = [(date(2024, 3, 4), 2), (date(2024, 3, 11), 5), (date(2024, 3, 18), 1)]
    svg = weekly_chart(weeks, period=period)
    assert re.findall(r'<rect class="(bar[\w ]*)"', svg) == ["bar partial", "bar", "bar partial"]
    assert "Week of 2024-03-04 (partial: 5 days): 2 tickets" in svg
    assert "Week of 2024-03-18 (partial: 2 days): 1 ticket" in svg
    assert "Week starting (Monday, UTC)" in svg and ">Tickets</text>" in svg


def test_fix_chart_without_complaints_says_so() -> None:
    svg = fix_chart([(date(2024, 3, 4), 0)], day(5), "#10", "label")
    assert 'class="chart empty"' in svg and "No complaints" in svg


def test_before_after_bars_scale_to_the_largest_figure() -> None:
    svg = before_after_chart([("#1", "Fix one", 4.0, 1.0), ("#2", "Fix two", 2.0, None)], 4)
    # Axis maximum 4 (steps of 1): 4/wk fills the 85 % span, 1/wk a quarter of it.
    assert re.findall(r'class="bar (?:before|after)" x="0" y="[\d.]+" width="([\d.]+)%"', svg) == [
        "85.00",
        "21.25",
        "42.50",
    ]
    assert "no time after the fix yet" in svg
    # Values are written as the fix cards write them (two decimals): 2.25 is not "2.2".
    assert ">2.25/wk<" in before_after_chart([("#1", "", 2.25, 1.0)], 4)


def test_a_young_fix_says_too_early_to_tell_beside_its_after_bar() -> None:
    rows = [("#1", "", 2.0, 3.11), ("#2", "", 2.0, 1.0)]
    svg = before_after_chart(rows, 4, verdicts=["too early to tell", None])
    assert svg.count("too early to tell") == 1
    assert '3.11/wk<tspan class="axis"> · too early to tell</tspan>' in svg


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_helper_matches_known_ratios() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#9aa9c7", "#ffffff"), 2) == 2.37  # the old "before" grey


def test_every_chart_colour_has_3_to_1_contrast_against_white() -> None:
    page = (Path(__file__).parents[2] / "templates" / "report.html.j2").read_text()
    variables = dict(re.findall(r"--([\w-]+): (#[0-9a-f]{6})", page))
    # Colours that fill or stroke data: bars, fix lines and tags, hatch patterns.
    drawn = {name: variables[name] for name in ("accent", "before", "after", "late", "bad")}
    drawn |= {
        f"pattern {c}": c for c in re.findall(r'<pattern [^>]*><rect [^>]*fill="(#\w+)"', page)
    }
    assert len(drawn) == 5 + 3
    for name, colour in drawn.items():
        assert contrast(colour, "#ffffff") >= 3, (name, colour)
    # Before and after also differ by more than lightness: "after" is hatched, "before" not.
    assert re.search(r"\.bar\.after \{ fill: url\(#hatch-after\)", page)
    assert re.search(r"\.bar\.before \{ fill: var\(--before\); \}", page)
