"""Rotation participation (who did support and what came of it) and the to-do list (open
themes that most need an issue). Definitions: docs/report.md."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sddkit.report.model import Participation, ReportOptions, TodoItem
from sddkit.report.on_shift import OnShift, on_shift
from sddkit.report.people import People
from sddkit.report.theme_tickets import ThemeTickets
from sddkit.report.trace import distinct_customers, issue_themes
from sddkit.rotation.model import ROLES, Shift
from sddkit.themes.kinds import family_kind
from sddkit.themes.label import family_title
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import FiledIssue

TREND_WEIGHT = {"growing": 2.0, "stable": 1.0, "fading": 0.5}


@dataclass
class _Tally:
    role: str
    shifts: int = 0
    hours: float = 0.0
    answered: int = 0
    fed: set[str] = field(default_factory=set)
    surfaced: set[str] = field(default_factory=set)


def participation(
    shifts: Iterable[Shift],
    period_tickets: Sequence[Ticket],
    grouped: ThemeTickets,
    filed: Iterable[FiledIssue],
    *,
    since: datetime,
    until: datetime,
    people: People,
    options: ReportOptions,
) -> list[Participation]:
    """Everyone in the config (even with nothing to show) plus anyone else who was on a shift
    or answered a ticket in the period; engineers first, then designers, then others."""
    shifts = list(shifts)
    quality = on_shift(shifts, period_tickets, people, options)
    tally: dict[str, _Tally] = {p.name: _Tally(role=p.role) for p in people.people}
    for shift in shifts:
        if shift.person and since <= shift.start < until:
            entry = tally.setdefault(shift.person, _Tally(role=shift.role))
            entry.shifts += 1
            entry.hours += shift.hours
    for ticket in period_tickets:
        if name := people.name(ticket.assignee):
            tally.setdefault(name, _Tally(role="agent")).answered += 1
    _credit_themes(tally, grouped, since, until, people, options.surfaced_first_k)
    issues_by_theme: dict[str, list[str]] = defaultdict(list)
    for issue in filed:
        for theme_id in issue_themes(issue):
            issues_by_theme[theme_id].append(issue.key)
    return [
        Participation(
            name=name,
            role=entry.role,
            shifts=entry.shifts,
            shift_hours=entry.hours,
            tickets_answered=entry.answered,
            themes_fed=tuple(sorted(entry.fed)),
            themes_surfaced=tuple(sorted(entry.surfaced)),
            # An issue covering several themes they fed is one issue, listed once.
            issues_fed=tuple(sorted({k for theme in entry.fed for k in issues_by_theme[theme]})),
            **_quality(quality.get(name)),
        )
        for name, entry in sorted(tally.items(), key=_role_then_name)
    ]


def _quality(figures: OnShift | None) -> dict[str, Any]:
    return {} if figures is None else dataclasses.asdict(figures)


def _role_then_name(item: tuple[str, _Tally]) -> tuple[int, str, str]:
    """Engineers, then designers, then anyone else (helpdesk agents outside the rotation)."""
    name, entry = item
    rank = ROLES.index(entry.role) if entry.role in ROLES else len(ROLES)
    return rank, entry.role, name


def _credit_themes(
    tally: dict[str, _Tally],
    grouped: ThemeTickets,
    since: datetime,
    until: datetime,
    people: People,
    first_k: int,
) -> None:
    """A person fed a theme if they answered any of its tickets created in the period, and
    surfaced it if they answered one of the theme's first k tickets (ever), in the period."""
    for theme_id, tickets in grouped.by_theme.items():
        for rank, ticket in enumerate(tickets):  # oldest first, ties by key
            if since <= ticket.created_at < until and (name := people.name(ticket.assignee)):
                entry = tally.setdefault(name, _Tally(role="agent"))
                entry.fed.add(theme_id)
                if rank < first_k:
                    entry.surfaced.add(theme_id)


def todo(
    grouped: ThemeTickets,
    filed: Iterable[FiledIssue],
    *,
    since: datetime,
    until: datetime,
) -> list[TodoItem]:
    """Theme families with no filed issue, highest score first; a theme on its own is a
    family of one. An issue filed for any member covers the whole family (triage files one
    issue per family and finds it again through any member).

    score = (tickets + distinct customers) x trend weight (growing 2, stable 1, fading 0.5),
    over the family's members: many tickets from many customers, and still growing in any
    language, is what most needs an issue."""
    has_issue = {theme_id for issue in filed for theme_id in issue_themes(issue)}
    items = []
    for family_id in grouped.families:
        members = grouped.members(family_id)
        if family_id in has_issue or any(m.id in has_issue for m in members):
            continue
        size = sum(len(m.ticket_keys) for m in members)
        in_period = sum(len(grouped.in_period(m.id, since, until)) for m in members)
        trend = max((m.trend for m in members), key=lambda t: TREND_WEIGHT.get(t, 1.0))
        customers = _customers(members, grouped)
        items.append(
            TodoItem(
                theme_id=family_id,
                label=family_title(members),
                kind=family_kind(members),
                size=size,
                customers=customers,
                trend=trend,
                tickets_in_period=in_period,
                last_seen=max(m.last_seen for m in members),
                score=(size + customers) * TREND_WEIGHT.get(trend, 1.0),
                theme_ids=tuple(m.id for m in members),
                languages=_languages(members, grouped),
            )
        )
    return sorted(items, key=lambda item: (-item.score, -item.size, item.theme_id))


def _customers(members: Sequence[Theme], grouped: ThemeTickets) -> int:
    """Distinct customers across the members (one customer writing in two languages counts
    once, as in the family's issue; see `trace.distinct_customers`); the members' sum when
    some tickets are not at hand."""
    if len(members) == 1:
        return members[0].customer_count
    tickets = [t for m in members for t in grouped.by_theme.get(m.id, ())]
    if len(tickets) < sum(len(m.ticket_keys) for m in members):
        return sum(m.customer_count for m in members)
    return distinct_customers(tickets)


def _languages(members: Sequence[Theme], grouped: ThemeTickets) -> tuple[str, ...]:
    """The family's languages, most tickets first: the members' detected languages, or the
    tickets' own language field where a theme has none."""
    counts: Counter[str] = Counter()
    for member in members:
        if member.languages:
            counts.update(member.languages)
        else:
            counts.update(t.language for t in grouped.by_theme.get(member.id, ()) if t.language)
    return tuple(lang for lang, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
