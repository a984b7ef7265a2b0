"""Onboarding: tickets from customers in their first days, where unhappiness often starts.

A customer's start is the first time the store saw them (their earliest ticket), since the
helpdesk exports sddkit reads carry no signup date. When the store's history starts with a
first export, everyone in it is "first seen" at its start: a customer first seen within the
first `days` of the history may have been a customer for years, so their tickets of those
first days are left out (counted, and said) rather than called new. Definitions:
docs/report.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from sddkit.report.metrics import satisfied_share
from sddkit.report.model import Onboarding
from sddkit.report.theme_tickets import ThemeTickets
from sddkit.themes.label import family_title
from sddkit.tickets.model import Ticket

TOP_THEMES = 5


def first_seen(tickets: Iterable[Ticket]) -> dict[str, datetime]:
    """Each customer's earliest ticket among these."""
    seen: dict[str, datetime] = {}
    for ticket in tickets:
        customer = ticket.customer_id
        if customer and (customer not in seen or ticket.created_at < seen[customer]):
            seen[customer] = ticket.created_at
    return seen


def onboarding(
    tickets: Sequence[Ticket],
    started: Mapping[str, datetime],
    grouped: ThemeTickets,
    days: float,
    history_start: datetime | None = None,
) -> Onboarding:
    """Figures of the period's tickets written in the customer's first `days` days (from
    `started`, customer -> first seen) against the other tickets with a customer id; the
    early tickets of customers first seen within `days` of `history_start` are left out."""
    window = timedelta(days=days)
    known = [t for t in tickets if t.customer_id and t.customer_id in started]
    early = [t for t in known if t.created_at - started[t.customer_id or ""] < window]
    unsure = [
        t
        for t in early
        if history_start is not None and started[t.customer_id or ""] - history_start < window
    ]
    unsure_keys = {t.key for t in unsure}
    new = [t for t in early if t.key not in unsure_keys]
    new_keys = {t.key for t in new}
    others = [t for t in known if t.key not in new_keys and t.key not in unsure_keys]
    met = Counter(family for t in new if (family := grouped.family_of(t)) is not None)
    titles = {family: family_title(grouped.members(family)) for family in met}
    ranked = sorted(met.items(), key=lambda item: (-item[1], titles[item[0]]))
    satisfied, rated = satisfied_share(new)
    others_satisfied, others_rated = satisfied_share(others)
    return Onboarding(
        days=days,
        tickets=len(new),
        customers=len({t.customer_id for t in new}),
        share=len(new) / (len(new) + len(others)) if new or others else None,
        themes=tuple((titles[f], n) for f, n in ranked[:TOP_THEMES]),
        satisfied=satisfied,
        rated=rated,
        others_satisfied=others_satisfied,
        others_rated=others_rated,
        unsure=len(unsure),
        unsure_customers=len({t.customer_id for t in unsure}),
    )
