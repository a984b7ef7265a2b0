"""Onboarding: tickets from customers in their first days, where unhappiness often starts.

A customer's start is the first time the store saw them (their earliest ticket), since the
helpdesk exports sddkit reads carry no signup date. Definitions: docs/report.md."""

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
) -> Onboarding:
    """Figures of the period's tickets written in the customer's first `days` days (from
    `started`, customer -> first seen) against the other tickets with a customer id."""
    window = timedelta(days=days)
    known = [t for t in tickets if t.customer_id and t.customer_id in started]
    new = [t for t in known if t.created_at - started[t.customer_id or ""] < window]
    new_keys = {t.key for t in new}
    others = [t for t in known if t.key not in new_keys]
    met = Counter(family for t in new if (family := grouped.family_of(t)) is not None)
    titles = {family: family_title(grouped.members(family)) for family in met}
    ranked = sorted(met.items(), key=lambda item: (-item[1], titles[item[0]]))
    satisfied, rated = satisfied_share(new)
    others_satisfied, others_rated = satisfied_share(others)
    return Onboarding(
        days=days,
        tickets=len(new),
        customers=len({t.customer_id for t in new}),
        share=len(new) / len(known) if known else None,
        themes=tuple((titles[f], n) for f, n in ranked[:TOP_THEMES]),
        satisfied=satisfied,
        rated=rated,
        others_satisfied=others_satisfied,
        others_rated=others_rated,
    )
