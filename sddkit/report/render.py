"""Render the report as self-contained HTML, Markdown and JSON.

HTML and Markdown come from packaged jinja2 templates (report.html.j2, report.md.j2), which a
user directory can override; JSON is built here, with stable keys and ISO dates, for tools.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import jinja2

from sddkit.errors import SddkitError
from sddkit.report.charts.svg import before_after_chart, fix_chart, histogram_chart, weekly_chart
from sddkit.report.metrics import frt_buckets
from sddkit.report.model import FixSummary, Report
from sddkit.templating import environment
from sddkit.tickets.satisfaction import satisfied_rule

FORMATS = ("html", "md", "json")
NARROW = 360  # viewBox width of the phone variant of the weekly chart (CSS picks one)
# 2: fix_next, verdicts, no-reply bar, over target with unanswered; 3: issue states, the
# came-back test and its confidence, history start, onboarding's left-out, off-hours answers
JSON_FORMAT_VERSION = 3


def write_report(
    report: Report,
    out_dir: Path,
    formats: Sequence[str] = FORMATS,
    template_dir: Path | None = None,
) -> list[Path]:
    """Write report.<format> for each format into `out_dir`; returns the paths written.

    Each file is written to a temporary name and renamed, so a failure never leaves a
    half-written report next to a good one from an earlier run."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise SddkitError(
            f"unknown report format {unknown[0]!r} (choose from {', '.join(FORMATS)})"
        )
    renderers = {"html": render_html, "md": render_markdown}
    texts = {}
    for fmt in formats:
        texts[fmt] = render_json(report) if fmt == "json" else renderers[fmt](report, template_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt, text in texts.items():
        path = out_dir / f"report.{fmt}"
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
        paths.append(path)
    return paths


def render_json(report: Report) -> str:
    return json.dumps(report_data(report), indent=2, ensure_ascii=False) + "\n"


def report_data(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data: dates in ISO 8601, floats rounded to 4 places, pairs
    (week/channel/language counts) as lists of small objects so their order is kept."""
    data: dict[str, Any] = {"format": JSON_FORMAT_VERSION}
    data.update(_plain(report))
    health = data["health"]
    health["per_week"] = [{"week": w, "tickets": n} for w, n in health["per_week"]]
    health["per_channel"] = [{"channel": c, "tickets": n} for c, n in health["per_channel"]]
    health["per_language"] = [{"language": c, "tickets": n} for c, n in health["per_language"]]
    health["frt_histogram"] = [{"bucket": b, "tickets": n} for b, n in health["frt_histogram"]]
    for fix in data["fixes"]:
        fix["per_week"] = [{"week": w, "tickets": n} for w, n in fix["per_week"]]
    return data


def _plain(value: Any) -> Any:
    """JSON-ready data in one pass (what `dataclasses.asdict` and then this would give,
    without asdict's deep copy of every value: a third of the JSON's time)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def render_markdown(report: Report, template_dir: Path | None = None) -> str:
    """Every value printed into report.md is escaped as the HTML report's are (ticket text
    may hold ``<script>`` or a markdown link): markdown's special characters shown literally."""
    return _render("report.md.j2", report, template_dir, autoescape=False, charts={})


def render_html(report: Report, template_dir: Path | None = None) -> str:
    return _render("report.html.j2", report, template_dir, autoescape=True, charts=charts(report))


def charts(report: Report) -> dict[str, Any]:
    """The inline SVG charts: "weekly" and "weekly_narrow" (the same chart for phones),
    "before_after" and "frt" (one each), and "fixes" (one small chart per fix, in the
    order of `report.fixes`)."""
    target = report.options.frt_target_hours
    lower_bounds = [0.0] + [upper for _, upper in frt_buckets(target)]  # + the no-reply bar
    period = (report.since, report.until)
    marks = [(f.fixed_at, fix_tag(f), _fix_tooltip(f)) for f in report.fixes]
    return {
        "weekly": weekly_chart(report.health.per_week, marks, period=period),
        "weekly_narrow": weekly_chart(
            report.health.per_week,
            [(f.fixed_at, f.ref, _fix_tooltip(f)) for f in report.fixes],
            period=period,
            width=NARROW,
        ),
        "before_after": before_after_chart(
            [
                (fix_tag(f), f.title or "", f.before_per_week, f.after_per_week)
                for f in report.fixes
            ],
            report.options.weeks,
            verdicts=[f.verdict for f in report.fixes],
        ),
        "frt": histogram_chart(
            report.health.frt_histogram, [low >= target for low in lower_bounds]
        ),
        "fixes": [
            fix_chart(
                f.per_week,
                f.fixed_at,
                f.ref,
                f"Complaints per week behind {f.ref}",
                after=f.per_week_after,
                period=period,
            )
            for f in report.fixes
        ],
    }


def fix_tag(fix: FixSummary) -> str:
    """How a fix is named on charts: its ref, and how many issues it closed when several."""
    n = len(fix.issue_keys)
    return fix.ref if n == 1 else f"{fix.ref} ({n} issues)"


def _fix_tooltip(fix: FixSummary) -> str:
    title = f" {fix.title}" if fix.title else ""
    return f"{fix.ref}{title}, fixed {fix.fixed_at:%Y-%m-%d}: closed {', '.join(fix.issue_keys)}"


def _render(
    name: str,
    report: Report,
    template_dir: Path | None,
    *,
    autoescape: bool,
    charts: dict[str, Any],
) -> str:
    env = environment(template_dir, autoescape=autoescape)
    # Compiling the two report templates costs more than building a month's report; Jinja's
    # own cache (a private folder per user in the temp dir, keyed by the template's source)
    # keeps the compiled code between runs. An edited or overriding template compiles anew.
    # The compiled code depends on the environment too (Markdown's `finalize` is compiled
    # in), which the cache's key does not see: one cache per kind of environment.
    env.bytecode_cache = _BYTECODE[autoescape]
    if not autoescape:  # Markdown: escape each value as it is printed
        env.finalize = _markdown_value
    env.filters.update(
        day=_day,
        moment=_moment,
        pct=_pct,
        plural=_plural,
        num=_num,
        hours=_hours,
        signed=_signed,
        short_issue=_short_issue,
        literal=str,  # Markdown escapes every value (`_markdown_value`), HTML autoescapes
        satisfied_rule=satisfied_rule,
    )
    try:
        return env.get_template(name).render(r=report, charts=charts, one_week=timedelta(days=7))
    except jinja2.TemplateError as error:
        where, line = _template_position(error, name)
        raise SddkitError(f"{where}:{line or '?'}: template error: {error}") from error


_BYTECODE = {
    True: jinja2.FileSystemBytecodeCache(pattern="__sddkit_html_%s.cache"),
    False: jinja2.FileSystemBytecodeCache(pattern="__sddkit_md_%s.cache"),
}


def _markdown_value(value: Any) -> Any:
    """A printed string on one line, shown literally: no tag (``<script>``, ``<svg onload>``),
    link, image, emphasis or table cell break of its own."""
    if not isinstance(value, str):
        return value
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"[\r\n\t\v\f]+", " ", value))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def _template_position(error: jinja2.TemplateError, name: str) -> tuple[str, int | None]:
    """Where a template failed: syntax errors say so; for errors while rendering, jinja2 maps
    the traceback onto the template's lines, so the last frame in a .j2 file is the one."""
    if isinstance(error, jinja2.TemplateSyntaxError):
        return error.filename or name, error.lineno
    where: tuple[str, int | None] = (name, None)
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            where = (tb.tb_frame.f_code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return where


def _day(value: datetime | date | None) -> str:
    if value is None:
        return "-"
    return f"{value:%Y-%m-%d}"


def _moment(value: datetime | None) -> str:
    return "-" if value is None else f"{value:%Y-%m-%d %H:%M %Z}".strip()


def _pct(value: float | None, digits: int = 0) -> str:
    """A share as a percentage, rounded half up; a share under one unit shows as "<1%" and
    one short of all by less than a unit as ">99%": 13 of 2,600 (0.5%) is "<1%", not "0%"."""
    if value is None:
        return "-"
    step = Decimal(1).scaleb(-digits)
    shown = Decimal(repr(value * 100)).quantize(step, rounding=ROUND_HALF_UP)
    if 0 < value * 100 < step:
        return f"<{step}%"
    if 100 - step < value * 100 < 100:
        return f">{100 - step}%"
    return f"{shown}%"


def _plural(count: int, one: str, many: str | None = None) -> str:
    """ "1 fix", "2 fixes": the count and the word that agrees with it."""
    return f"{count} {one if count == 1 else many or one + 's'}"


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    text = f"{value:.{digits}f}"
    return text[:-2] if text.endswith(".0") and digits == 1 else text


def _hours(value: float | None) -> str:
    """Durations readable at a glance: minutes under an hour, days over two days."""
    if value is None:
        return "-"
    if value < 1:
        return f"{value * 60:.0f} min"
    if value < 48:
        return f"{_num(value)} h"
    return f"{_num(value / 24)} d"


def _short_issue(key: str) -> str:
    """A GitHub issue key "owner/repo#12" as "#12" where space is short; Jira keys as they are."""
    return "#" + key.rsplit("#", 1)[1] if "#" in key else key


def _signed(value: float | None) -> str:
    """A relative change as "-75%" / "+20%"."""
    return "-" if value is None else f"{value * 100:+.0f}%"
