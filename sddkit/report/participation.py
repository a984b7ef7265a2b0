"""Rotation participation (who did support and what came of it) and the to-do list (open
themes that most need an issue). Definitions: docs/report.md."""

from __future__ import annotations

import dataclasses
import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sddkit.report.model import Participation, ReportOptions, TodoItem
from sddkit.report.on_shift import OnShift, on_shift
from sddkit.report.people import People
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
    themes: Iterable[Theme],
    tickets_by_key: Mapping[str, Ticket],
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
    _credit_themes(tally, themes, tickets_by_key, since, until, people, options.surfaced_first_k)
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
    themes: Iterable[Theme],
    tickets_by_key: Mapping[str, Ticket],
    since: datetime,
    until: datetime,
    people: People,
    first_k: int,
) -> None:
    """A person fed a theme if they answered any of its tickets created in the period, and
    surfaced it if they answered one of the theme's first k tickets (ever), in the period."""
    for theme in themes:
        tickets = [t for k in theme.ticket_keys if (t := tickets_by_key.get(k)) is not None]
        answered = [
            (ticket, name)
            for ticket in tickets
            if since <= ticket.created_at < until and (name := people.name(ticket.assignee))
        ]
        if not answered:
            continue
        first = _first(tickets, first_k)
        for ticket, name in answered:
            entry = tally.setdefault(name, _Tally(role="agent"))
            entry.fed.add(theme.id)
            if ticket.key in first:
                entry.surfaced.add(theme.id)


def _first(tickets: list[Ticket], k: int) -> set[str]:
    """The keys of the k oldest tickets (ties by key); only the tickets no later than the
    k-th oldest time can be among them, so only those are ordered by key."""
    times = heapq.nsmallest(k, [t.created_at for t in tickets])
    if not times:
        return set()
    candidates = [t for t in tickets if t.created_at <= times[-1]]
    return {t.key for t in heapq.nsmallest(k, candidates, key=_age)}


def _age(ticket: Ticket) -> tuple[datetime, str]:
    return ticket.created_at, ticket.key


def todo(
    themes: Iterable[Theme],
    filed: Iterable[FiledIssue],
    tickets_by_key: Mapping[str, Ticket],
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
    families: dict[str, list[Theme]] = defaultdict(list)
    for theme in sorted(themes, key=lambda t: (-t.size, t.first_seen, t.id)):
        families[theme.family_id or theme.id].append(theme)
    items = []
    for family_id, members in families.items():
        if family_id in has_issue or any(m.id in has_issue for m in members):
            continue
        founder = next((m for m in members if m.id == family_id), members[0])
        members = [founder, *(m for m in members if m is not founder)]
        keys = [k for m in members for k in m.ticket_keys]
        in_period = sum(
            1 for k in keys if k in tickets_by_key and since <= tickets_by_key[k].created_at < until
        )
        trend = max((m.trend for m in members), key=lambda t: TREND_WEIGHT.get(t, 1.0))
        customers = _customers(members, tickets_by_key)
        items.append(
            TodoItem(
                theme_id=family_id,
                label=family_title(members),
                kind=family_kind(members),
                size=len(keys),
                customers=customers,
                trend=trend,
                tickets_in_period=in_period,
                last_seen=max(m.last_seen for m in members),
                score=(len(keys) + customers) * TREND_WEIGHT.get(trend, 1.0),
                theme_ids=tuple(m.id for m in members),
                languages=_languages(members, tickets_by_key),
            )
        )
    return sorted(items, key=lambda item: (-item.score, -item.size, item.theme_id))


def _customers(members: Sequence[Theme], tickets_by_key: Mapping[str, Ticket]) -> int:
    """Distinct customers across the members (one customer writing in two languages counts
    once, as in the family's issue; see `trace.distinct_customers`); the members' sum when
    some tickets are not at hand."""
    if len(members) == 1:
        return members[0].customer_count
    keys = [k for m in members for k in m.ticket_keys]
    if any(k not in tickets_by_key for k in keys):
        return sum(m.customer_count for m in members)
    return distinct_customers(tickets_by_key[k] for k in keys)


def _languages(members: Sequence[Theme], tickets_by_key: Mapping[str, Ticket]) -> tuple[str, ...]:
    """The family's languages, most tickets first: the members' detected languages, or the
    tickets' own language field where a theme has none."""
    counts: Counter[str] = Counter()
    for member in members:
        if member.languages:
            counts.update(member.languages)
        else:
            counts.update(
                t.language
                for k in member.ticket_keys
                if (t := tickets_by_key.get(k)) is not None and t.language
            )
    return tuple(lang for lang, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
