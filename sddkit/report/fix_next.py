""" "Fix next": one ranked list of the customer pain the period still shows, one row per theme
family (the same subject in every language it was written in). Definitions: docs/report.md.

A family is listed when, in the period, it drew complaints and
- no issue covers it yet (NO_ISSUE: the row says how to file one), or
- its issue is open and complaints kept coming after it was filed (OPEN), or
- every issue covering it is fixed, and complaints came back after the fix (RETURNED).
A family whose fix held is not pain any more and is left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sddkit.report.metrics import repeated, satisfied_share
from sddkit.report.model import FixNextItem, ReportOptions, Trace
from sddkit.report.participation import TREND_WEIGHT
from sddkit.report.segments import segments
from sddkit.report.theme_tickets import ThemeTickets
from sddkit.report.trace import distinct_customers, issue_themes
from sddkit.themes.label import family_title
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import FiledIssue

NO_ISSUE = "no issue"
OPEN = "open issue"
RETURNED = "came back after fix"
FILE_COMMAND = "sddkit triage --apply"  # files an issue per family that has none (dry run first)
_WEEK = 7 * 86400.0


def fix_next(
    grouped: ThemeTickets,
    filed: Sequence[FiledIssue],
    traces: Sequence[Trace],
    period_tickets: Sequence[Ticket],
    *,
    since: datetime,
    until: datetime,
    options: ReportOptions,
) -> list[FixNextItem]:
    """The ranked list, highest score first: score = (tickets + customers) x trend weight,
    over the family's complaints that count as current pain (see the module docstring)."""
    traces_by_key = {t.issue_key: t for t in traces}
    issues_by_theme: dict[str, list[FiledIssue]] = defaultdict(list)
    for issue in filed:
        if issue.key in traces_by_key:
            for theme_id in issue_themes(issue):
                issues_by_theme[theme_id].append(issue)
    tickets_by_family: dict[str, list[Ticket]] = defaultdict(list)
    for ticket in period_tickets:
        if (family := grouped.family_of(ticket)) is not None:
            tickets_by_family[family].append(ticket)
    items = []
    for family_id in grouped.families:
        members = grouped.members(family_id)
        covering = {
            issue.key: traces_by_key[issue.key]
            for member in members
            for issue in issues_by_theme[member.id]
        }
        row = _row(
            family_id,
            members,
            list(covering.values()),
            tickets_by_family[family_id],
            since=since,
            until=until,
            options=options,
        )
        if row is not None:
            items.append(row)
    return sorted(items, key=lambda item: (-item.score, -item.tickets, item.family_id))


def _row(
    family_id: str,
    members: list[Theme],
    traces: list[Trace],
    tickets: list[Ticket],
    *,
    since: datetime,
    until: datetime,
    options: ReportOptions,
) -> FixNextItem | None:
    open_ = sorted((t for t in traces if t.fix is None), key=lambda t: t.filed_at)
    returned = [t for t in traces if t.fix is not None and t.returned]
    issue: Trace | None = None
    if not traces:
        status, start = NO_ISSUE, since
    elif open_:
        issue = open_[0]
        status, start = OPEN, max(since, issue.filed_at)
    elif returned:
        # From the latest fix: complaints after it are the ones that came back.
        issue = max(returned, key=lambda t: t.fix.fixed_at if t.fix else since)
        status, start = RETURNED, max(since, issue.fix.fixed_at if issue.fix else since)
    else:
        return None
    pain = [t for t in tickets if start <= t.created_at < until]
    if not pain:
        return None
    trend = max((m.trend for m in members), key=lambda t: TREND_WEIGHT.get(t, 1.0))
    customers = distinct_customers(pain)
    satisfied, rated = satisfied_share(pain)
    # Repeat contacts of the family: every ticket here is of it.
    times: dict[str, list[datetime]] = defaultdict(list)
    for ticket in pain:
        if ticket.customer_id:
            times[ticket.customer_id].append(ticket.created_at)
    repeats = repeated(times.values(), timedelta(days=options.repeat_window_days))
    weeks = (until - start).total_seconds() / _WEEK
    return FixNextItem(
        family_id=family_id,
        label=family_title(members),
        status=status,
        theme_ids=tuple(m.id for m in members),
        languages=_languages(pain),
        tickets=len(pain),
        customers=customers,
        trend=trend,
        since=start,
        per_week=len(pain) / weeks if weeks > 0 else None,
        satisfied=satisfied,
        rated=rated,
        repeat_rate=repeats / len(times) if times else None,
        issue_key=issue.issue_key if issue else None,
        issue_url=issue.issue_url if issue else None,
        days_open=(until - issue.filed_at).total_seconds() / 86400
        if issue and status == OPEN
        else None,
        fixed_at=issue.fix.fixed_at if issue and issue.fix else None,
        command=None if issue else FILE_COMMAND,
        score=(len(pain) + customers) * TREND_WEIGHT.get(trend, 1.0),
        segments=segments(pain, options.segment_field) if options.segment_field else (),
    )


def _languages(tickets: Sequence[Ticket]) -> tuple[str, ...]:
    counts: dict[str, int] = defaultdict(int)
    for ticket in tickets:
        if ticket.language:
            counts[ticket.language] += 1
    return tuple(lang for lang, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
