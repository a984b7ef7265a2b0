""" "Fix next": one ranked list of the customer pain the period still shows, one row per theme
family (the same subject in every language it was written in). Definitions: docs/report.md.

A family is listed when, in the period, it drew complaints and
- no issue covers it yet (NO_ISSUE: the row says how to file one), or
- its issue is open and complaints kept coming after it was filed (OPEN), or
- every issue covering it is fixed, and complaints came back after the fix (RETURNED), or
- every issue covering it was closed with no fix (CLOSED: not planned, a duplicate, won't
  fix) and complaints kept coming after the close.
A family whose fix held is not pain any more and is left out.

Fixes whose complaints came back come first whatever their size: a fix that did not hold
needs a person before anything else, and a subject drawing hundreds of tickets must not
push it out of sight. The rest rank by score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sddkit.report.metrics import repeated, satisfied_share
from sddkit.report.model import FixNextItem, ReportOptions, TodoItem, Trace, TriageRules
from sddkit.report.participation import TREND_WEIGHT
from sddkit.report.segments import segments
from sddkit.report.theme_tickets import ThemeTickets
from sddkit.report.trace import NO_FIX, distinct_customers, issue_themes
from sddkit.report.trace import OPEN as OPEN_STATE
from sddkit.themes.kinds import family_kind
from sddkit.themes.label import family_title
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import FiledIssue

NO_ISSUE = "no issue"
OPEN = "open issue"
RETURNED = "came back after fix"
CLOSED = "closed, no fix"
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
    return sorted(items, key=_rank)


def _rank(item: FixNextItem) -> tuple[bool, float, int, str]:
    return (item.status != RETURNED, -item.score, -item.tickets, item.family_id)


def in_fix_next_order(todo: Sequence[TodoItem], rows: Sequence[FixNextItem]) -> list[TodoItem]:
    """The to-do list in Fix next's order: the families Fix next lists first, as it ranks
    them (by the period's pain), then the quiet ones in their own order (all-time size)."""
    place = {row.family_id: n for n, row in enumerate(rows)}
    return sorted(todo, key=lambda item: place.get(item.theme_id, len(place)))


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
    open_ = sorted((t for t in traces if t.state == OPEN_STATE), key=lambda t: t.filed_at)
    returned = [t for t in traces if t.fix is not None and t.returned]
    closed = [t for t in traces if t.state == NO_FIX]
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
    elif closed and len(closed) == len(traces):
        # From the latest close (its filing when the tracker gave no close date).
        issue = max(closed, key=lambda t: t.closed_at or t.filed_at)
        status, start = CLOSED, max(since, issue.closed_at or issue.filed_at)
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
    blocked = not_filed_because(members, options.triage) if issue is None else None
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
        confidence=issue.returned_confidence if status == RETURNED and issue else None,
        closed_at=issue.closed_at if status == CLOSED and issue else None,
        command=FILE_COMMAND if issue is None and blocked is None else None,
        not_filed=blocked if issue is None else None,
        score=(len(pain) + customers) * TREND_WEIGHT.get(trend, 1.0),
        segments=segments(pain, options.segment_field) if options.segment_field else (),
    )


def not_filed_because(members: Sequence[Theme], rules: TriageRules) -> str | None:
    """Why `sddkit triage --apply` would not file this family (its kind, its size), or None
    when it would: the report must not offer a command that does nothing. As triage judges
    a family: the founder's kind, every member's tickets and customers together."""
    kind = family_kind(members)
    if kind not in rules.kinds:
        return f"triage files {', '.join(rules.kinds)} only, not {kind}: file it by hand"
    size = len({key for m in members for key in m.ticket_keys})
    if size < rules.min_tickets:
        return f"{size} tickets, under triage's minimum of {rules.min_tickets}: file it by hand"
    # At most the members' sum (one customer may write in two languages): under the
    # minimum even so, triage will not file it.
    customers = sum(m.customer_count for m in members)
    if customers < rules.min_customers:
        return (
            f"{customers} customer{'s' if customers != 1 else ''}, under triage's minimum of "
            f"{rules.min_customers}: file it by hand"
        )
    return None


def _languages(tickets: Sequence[Ticket]) -> tuple[str, ...]:
    counts: dict[str, int] = defaultdict(int)
    for ticket in tickets:
        if ticket.language:
            counts[ticket.language] += 1
    return tuple(lang for lang, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
