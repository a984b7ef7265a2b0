"""The trace: complaints (tickets) -> theme -> filed issue -> fix -> complaints after the fix.

Pure functions over plain lists, so every figure can be checked by hand (docs/report.md).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from sddkit.report.came_back import came_back
from sddkit.report.model import FixInfo, Handler, ReportOptions, Trace
from sddkit.report.people import People
from sddkit.report.theme_tickets import ThemeTickets
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import FiledIssue, closed_as_not_planned, theme_ids_in

_DAY = 86400.0
# An issue's state at the end of the period.
OPEN = "open"  # open then (a reopened issue is open; one closed later was still open)
FIXED = "fixed"  # closed by a fix (a pull request, commit or resolution) before the end
NO_FIX = "closed, no fix"  # closed as not planned / duplicate / won't fix, or with no fix found


def trace_issues(
    filed: Iterable[FiledIssue],
    grouped: ThemeTickets,
    *,
    until: datetime,
    options: ReportOptions,
    people: People,
) -> list[Trace]:
    """Trace every issue filed before `until`: fixed ones first (by fix date), then open ones."""
    traces = []
    for issue in filed:
        if issue.created_at >= until:
            continue
        # A family's issue covers every member theme (the same subject in other languages).
        covered = [t for t in issue_themes(issue) if t in grouped.themes]
        theme = grouped.themes.get(issue.theme_id) or (
            grouped.themes[covered[0]] if covered else None
        )
        tickets = grouped.of_themes(covered)
        traces.append(
            trace_issue(issue, theme, tickets, until=until, options=options, people=people)
        )
    return sorted(traces, key=_trace_order)


def issue_themes(issue: FiledIssue) -> tuple[str, ...]:
    """The themes an issue is about: its marker's, then its family members (cache or body)."""
    return tuple(dict.fromkeys((*issue.covered, *theme_ids_in(issue.body))))


def _trace_order(trace: Trace) -> tuple[int, datetime, str]:
    if trace.fix is not None:
        return (0, trace.fix.fixed_at, trace.issue_key)
    return (1, trace.filed_at, trace.issue_key)


def trace_issue(
    issue: FiledIssue,
    theme: Theme | None,
    theme_tickets: Sequence[Ticket],
    *,
    until: datetime,
    options: ReportOptions,
    people: People,
) -> Trace:
    """Follow one issue. A fix dated at or after `until` does not count yet: the report shows
    the period as it was, so re-running it later for the same period gives the same figures.
    `theme_tickets` are oldest first, ties by key (`ThemeTickets.of_themes`)."""
    state = issue_state(issue, until, options.triage.not_planned)
    fix = issue.fix if state == FIXED else None
    ordered = theme_tickets
    behind = [t for t in ordered if fix is None or t.created_at < fix.fixed_at]
    after = [t for t in ordered if fix is not None and fix.fixed_at <= t.created_at < until]
    first = ordered[0].created_at if ordered else None
    window = window_counts(ordered, fix.fixed_at, until, options) if fix else None
    return Trace(
        issue_key=issue.key,
        issue_title=issue.title,
        issue_url=issue.url,
        issue_state=issue.state,
        state=state,
        theme_id=issue.theme_id,
        theme_label=theme.label if theme else None,
        tickets=len(behind),
        customers=distinct_customers(behind),
        first_complaint=first,
        filed_at=issue.created_at,
        closed_at=issue.closed_at if state != OPEN else None,
        fix=_fix_info(issue) if fix else None,
        days_to_fix=_days(first, fix.fixed_at) if fix else None,
        days_to_file=_days(first, issue.created_at),
        before=window.before if window else None,
        after=window.after if window else None,
        after_weeks=window.after_weeks if window else None,
        before_per_week=window.before_per_week if window else None,
        after_per_week=window.after_per_week if window else None,
        change=window.change if window else None,
        verdict=window.verdict if window else None,
        since_fix=window.since_fix if window else None,
        after_window=window.after_window if window else None,
        returned=window.returned if window else False,
        returned_confidence=window.returned_confidence if window else None,
        handlers=handlers_of(behind, people),
        ticket_keys=tuple(t.key for t in behind),
        after_keys=tuple(t.key for t in after),
    )


def issue_state(issue: FiledIssue, until: datetime, not_planned: Sequence[str]) -> str:
    """OPEN, FIXED or NO_FIX at `until`. Only a closed issue counts as fixed (a fix the cache
    kept for an issue reopened since does not), and not one closed as not planned; a close
    or fix dated at or after `until` had not happened yet."""
    closed_at = issue.closed_at or (issue.fix.fixed_at if issue.fix else None)
    if issue.state != "closed" or (closed_at is not None and closed_at >= until):
        return OPEN
    if closed_as_not_planned(issue.close_reason, not_planned):
        return NO_FIX
    if issue.fix is not None and issue.fix.fixed_at < until:
        return FIXED
    return NO_FIX


TOO_EARLY = "too early to tell"  # the after window is shorter than options.min_after_days
TOO_FEW = "too few tickets"  # the two windows hold fewer than options.min_window_tickets


class _Window(NamedTuple):
    before: int
    after: int
    after_weeks: float
    before_per_week: float
    after_per_week: float | None
    change: float | None
    verdict: str | None
    since_fix: int
    after_window: int
    returned: bool
    returned_confidence: float


def window_counts(
    tickets: Sequence[Ticket], fixed_at: datetime, until: datetime, options: ReportOptions
) -> _Window:
    """Tickets in the `weeks` before the fix and after it; the after window stops at the end
    of the period, so both counts are also given per week to compare like with like.

    The change is left out (with a verdict saying why) while the after window is shorter
    than `min_after_days` or the two windows hold fewer than `min_window_tickets`: one
    ticket the day after a fix says nothing yet. Whether the complaints came back is tested
    on every ticket from the fix to the end of the period against the before window's rate
    (came_back.py)."""
    span = timedelta(weeks=options.weeks)
    after_end = min(fixed_at + span, until)
    before = sum(1 for t in tickets if fixed_at - span <= t.created_at < fixed_at)
    after = sum(1 for t in tickets if fixed_at <= t.created_at < after_end)
    since_fix = sum(1 for t in tickets if fixed_at <= t.created_at < until)
    after_weeks = max((after_end - fixed_at).total_seconds(), 0.0) / (7 * _DAY)
    before_rate = before / options.weeks
    after_rate = after / after_weeks if after_weeks > 0 else None
    verdict = None
    if after_weeks * 7 < options.min_after_days:
        verdict = TOO_EARLY
    elif before + after < options.min_window_tickets:
        verdict = TOO_FEW
    change = None
    if verdict is None and after_rate is not None and before_rate > 0:
        change = after_rate / before_rate - 1
    since_weeks = max((until - fixed_at).total_seconds(), 0.0) / (7 * _DAY)
    back = came_back(
        before,
        options.weeks,
        since_fix,
        since_weeks,
        share=options.regression_share,
        confidence=options.regression_confidence,
        minimum=max(options.regression_min, 1),
    )
    return _Window(
        before,
        after,
        after_weeks,
        before_rate,
        after_rate,
        change,
        verdict,
        since_fix,
        since_fix - after,
        back.came_back,
        back.confidence,
    )


def _fix_info(issue: FiledIssue) -> FixInfo:
    assert issue.fix is not None
    fix = issue.fix
    ref, url = fix.ref, fix.url
    if fix.kind == "commit":
        ref, url = ref[:SHORT_SHA], commit_page(url)
    return FixInfo(kind=fix.kind, ref=ref, fixed_at=fix.fixed_at, url=url, title=fix.title)


SHORT_SHA = 7  # as git and GitHub show a commit
_COMMIT_API = re.compile(
    r"^(https?://[^/]+)(?:/api/v3)?/repos/([^/]+/[^/]+)/(?:git/)?commits/([0-9A-Fa-f]{7,64})/?$"
)


def commit_page(url: str | None) -> str | None:
    """A commit's web page for its API URL (what GitHub's `closed` event links): JSON in a
    browser is no use to a reader. GitHub Enterprise's /api/v3 prefix is dropped too."""
    match = _COMMIT_API.match(url or "")
    if match is None:
        return url
    host = match.group(1).replace("://api.github.com", "://github.com")
    return f"{host}/{match.group(2)}/commit/{match.group(3)}"


def _days(start: datetime | None, end: datetime) -> float | None:
    return None if start is None else (end - start).total_seconds() / _DAY


def distinct_customers(tickets: Iterable[Ticket]) -> int:
    """Distinct customers; a ticket without a customer id counts as a customer of its own
    (we cannot tell that two anonymous tickets came from the same person)."""
    return len({t.customer_id or f"ticket:{t.key}" for t in tickets})


def handlers_of(tickets: Iterable[Ticket], people: People) -> tuple[Handler, ...]:
    """Who answered these tickets, most tickets first; unassigned tickets are left out."""
    counts = Counter(name for t in tickets if (name := people.name(t.assignee)))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Handler(name=name, tickets=n) for name, n in ranked)
