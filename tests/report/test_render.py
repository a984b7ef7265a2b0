"""Template tests: the Markdown and HTML reports of the hand-made history, pinned by golden
files, plus the properties a reader relies on (self-contained page, escaping, empty report)."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sddkit.errors import SddkitError
from sddkit.report.render import render_html, render_markdown, write_report

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SDDKIT_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def test_markdown_matches_golden(sample: Any) -> None:
    check_golden("report.md", render_markdown(sample.report()))


def test_html_matches_golden(sample: Any) -> None:
    check_golden("report.html", render_html(sample.report()))


def test_markdown_states_the_traced_figures(sample: Any) -> None:
    text = render_markdown(sample.report())
    row = next(line for line in text.splitlines() if line.startswith("| [acme/app#3]"))
    # 3 tickets, 3 customers, 26.5 days to fix, 0.50 -> 0.00 per week, but only 4 days after
    # the fix: no "-100%", too early to tell; nothing since the fix.
    cells = [cell.strip() for cell in row.split("|")]
    assert cells[3:5] == ["3", "3"]
    assert cells[8:13] == ["26.5", "0.50", "0.00 (0.6 wk)", "too early to tell", "0"]
    assert "NPS" in text and "25 (50% promoters, 25% detractors)" in text
    # The to-do list, one row per family, in Fix next's order: Dark mode (2 tickets, 1
    # customer, growing: 6; in the period), then SSO (en + pl, 5 tickets, 4 customers,
    # stable, 9; none in the period, so not in Fix next).
    assert (
        "| 2 | SSO setup question (`T-sso` + `T-sso-pl`) | question | en, pl | 5 | 4 | stable"
        " | 0 | 2024-03-01 | 9 |" in text
    )
    assert (
        "| 1 | Dark mode (`T-dark`) | feature | en | 2 | 1 | growing | 2 | 2024-03-27 | 6 |" in text
    )


def test_html_is_self_contained(sample: Any) -> None:
    html = render_html(sample.report())
    assert "<script" not in html
    # Links go to the tracker or to anchors in the page itself.
    assert not re.search(r"""(src|href)=["'](?!https://github\.com/acme/app/|#)""", html)
    # Only the page's own hatch patterns are referenced, nothing from outside.
    assert "@import" not in html and not re.search(r"url\((?!#hatch-)", html)
    assert set(re.findall(r"url\(#([\w-]+)\)", html)) <= set(
        re.findall(r'<pattern id="([\w-]+)"', html)
    )
    # The patterns, weekly (wide and phone), before/after, one small chart per fix (#10,
    # abc1234), FRT histogram.
    assert html.count("<svg") == 7
    # 4 + 4 weekly bars, 2 legend swatches, 2 x 2 before/after bars; the fixes' small charts:
    # #10 [2, 1, 1, 1] of which [0, 0, 1, 1] after the fix (4 bars: weeks wholly before or
    # wholly after), abc1234 [1, 0, 1, 0] (2 bars, empty weeks draw none); 7 + 1 histogram bars.
    assert len(re.findall(r'<rect class="bar', html)) == 4 + 4 + 2 + 4 + 4 + 2 + 8
    # Each in-page link lands somewhere (a section, a per-issue card).
    anchors = re.findall(r'href="#([^"]+)"', html)
    assert "trace-acme-app-1" in anchors
    for anchor in anchors:
        assert f'id="{anchor}"' in html


def test_html_escapes_ticket_derived_text(sample: Any) -> None:
    theme = sample.themes[0]
    evil = theme.__class__(**{**theme.__dict__, "label": "<img src=x onerror=alert(1)>"})
    html = render_html(sample.report(themes=[evil, *sample.themes[1:]]))
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_empty_report_renders_everywhere(sample: Any, tmp_path: Path) -> None:
    report = sample.report(
        period_tickets=[], other_tickets=[], themes=[], filed=[], shifts=[], people=[]
    )
    paths = write_report(report, tmp_path)
    assert [p.name for p in paths] == ["report.html", "report.md", "report.json"]
    md = paths[1].read_text(encoding="utf-8")
    assert "No fixes yet in this period." in md and "No tickets were created" in md
    html = paths[0].read_text(encoding="utf-8")
    assert html.count('class="chart empty"') == 4  # weekly (wide and phone), before/after, FRT
    assert "No customer pain left to act on" in html and "## Fix next" in md
    assert json.loads(paths[2].read_text(encoding="utf-8"))["traces"] == []


def test_write_report_selected_formats_and_no_partial_files(sample: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    paths = write_report(sample.report(), out, formats=("json",))
    assert paths == [out / "report.json"]
    assert sorted(p.name for p in out.iterdir()) == ["report.json"]


def test_unknown_format_is_an_error(sample: Any, tmp_path: Path) -> None:
    with pytest.raises(SddkitError, match="unknown report format 'pdf'"):
        write_report(sample.report(), tmp_path, formats=("pdf",))
    assert list(tmp_path.iterdir()) == []


def test_user_template_overrides_the_packaged_one(sample: Any, tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("{{ r.health.tickets }} tickets\n")
    assert render_markdown(sample.report(), tmp_path) == "13 tickets\n"


def test_broken_user_template_names_file_and_line(sample: Any, tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text("ok\n{{ r.nope }}\n")
    with pytest.raises(SddkitError, match=r"report\.md\.j2:2: template error"):
        render_markdown(sample.report(), tmp_path)


def test_generated_time_is_shown(sample: Any) -> None:
    text = render_markdown(sample.report(now=datetime(2024, 4, 2, 7, 30, tzinfo=UTC)))
    assert "_Generated 2024-04-02 07:30 UTC by sddkit._" in text
