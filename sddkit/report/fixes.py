"""Traces grouped by fix: one pull request or commit often closes several issues (the same
subject found as separate themes, e.g. one per language), and the team wants to see what that
one change bought them. Figures are defined in docs/report.md ("Fixes")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime

from sddkit.report.metrics import per_week, week_start
from sddkit.report.model import FixSummary, ReportOptions, Trace
from sddkit.report.trace import distinct_customers, window_counts
from sddkit.tickets.model import Ticket

_DAY = 86400.0


def group_fixes(
    traces: Iterable[Trace],
    tickets_by_key: Mapping[str, Ticket],
    *,
    since: datetime,
    until: datetime,
    options: ReportOptions,
) -> list[FixSummary]:
    """One summary per fix (kind + ref) of the fixed traces, earliest fix first.

    Each ticket counts once even when two of the fix's issues share a theme. The fix date is
    the earliest its issues report, and the tickets behind the fix / before / after it are
    recounted from that date over the union of the issues' theme tickets."""
    groups: dict[tuple[str, str], list[Trace]] = {}
    for trace in traces:
        if trace.fix is not None:
            groups.setdefault((trace.fix.kind, trace.fix.ref), []).append(trace)
    summaries = [
        _summary(members, tickets_by_key, since=since, until=until, options=options)
        for members in groups.values()
    ]
    return sorted(summaries, key=lambda s: (s.fixed_at, s.kind, s.ref))


def _summary(
    traces: list[Trace],
    tickets_by_key: Mapping[str, Ticket],
    *,
    since: datetime,
    until: datetime,
    options: ReportOptions,
) -> FixSummary:
    fixes = [t.fix for t in traces if t.fix is not None]
    fix = min(fixes, key=lambda f: f.fixed_at)
    keys = {key for t in traces for key in (*t.ticket_keys, *t.after_keys)}
    tickets = sorted(
        (tickets_by_key[key] for key in keys if key in tickets_by_key),
        key=lambda t: (t.created_at, t.key),
    )
    behind = [t for t in tickets if t.created_at < fix.fixed_at]
    first = tickets[0].created_at if tickets else None
    in_period = [t for t in tickets if since <= t.created_at < until]
    weeks = per_week(in_period, since, until)
    # The fix's own week is split: the part before the fix and the part after it.
    after = Counter(week_start(t.created_at) for t in in_period if t.created_at >= fix.fixed_at)
    window = window_counts(tickets, fix.fixed_at, until, options)
    return FixSummary(
        kind=fix.kind,
        ref=fix.ref,
        fixed_at=fix.fixed_at,
        url=next((f.url for f in fixes if f.url), None),
        title=next((f.title for f in fixes if f.title), None),
        issue_keys=tuple(t.issue_key for t in traces),
        theme_ids=tuple(dict.fromkeys(t.theme_id for t in traces)),
        tickets=len(behind),
        customers=distinct_customers(behind),
        first_complaint=first,
        days_to_fix=(fix.fixed_at - first).total_seconds() / _DAY if first else None,
        before=window.before,
        after=window.after,
        after_weeks=window.after_weeks,
        before_per_week=window.before_per_week,
        after_per_week=window.after_per_week,
        change=window.change,
        verdict=window.verdict,
        since_fix=window.since_fix,
        after_window=window.after_window,
        returned=window.returned,
        returned_confidence=window.returned_confidence,
        per_week=tuple(weeks),
        per_week_after=tuple(after.get(monday, 0) for monday, _ in weeks),
    )
