"""Customers broken down by a helpdesk custom field (`[report] segment_field`, e.g. the plan
or product area): who a row of "Fix next" hurts, not only how many. Definitions:
docs/report.md ("Fix next")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sddkit.tickets.model import Ticket

TOP = 3  # values shown by name; the rest are summed as OTHER
OTHER = "other"
UNKNOWN = "unknown"  # the ticket does not carry the field


def segments(tickets: Iterable[Ticket], field: str) -> tuple[tuple[str, int], ...]:
    """Distinct customers per value of the custom field `field`, most first (ties by value):
    the top `TOP` values, then the rest summed as "other" (a single rest value is named).

    A customer counts once, under the value on their latest ticket here (a customer who
    upgraded counts under the new plan); a ticket without a customer id is a customer of its
    own, as in `trace.distinct_customers`, so the counts add up to the row's customers."""
    latest: dict[str, tuple[datetime, str, str]] = {}
    for ticket in tickets:
        key = ticket.key
        who = ticket.customer_id or f"ticket:{key}"
        seen = latest.get(who)
        if seen is None or (ticket.created_at, key) > seen[:2]:
            latest[who] = (ticket.created_at, key, _label(ticket.custom_fields.get(field)))
    counts = Counter(value for _, _, value in latest.values())
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if len(ranked) <= TOP + 1:
        return tuple(ranked)
    return (*ranked[:TOP], (OTHER, sum(n for _, n in ranked[TOP:])))


def _label(value: Any) -> str:
    """A field's value as shown: text and numbers as written, a list's items joined."""
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    if value is None or value == "":
        return UNKNOWN
    return str(value)
