"""Closed loops per fix: the customers `sddkit followup` told about it, how many of them wrote
again about the same subject afterwards, and how satisfied they were afterwards.

Figures (docs/report.md, "Closed loops"), for each fix with at least one customer told:
- told: customers the follow-up ledger has as told about the fix (written, or found on the
  ticket) by the time the report is made (follow-ups go out after the fix, often after the
  period: a weekly run tells last week's customers);
- wrote again: of those, customers with a ticket of the fix's themes created at or after the
  moment they were told and before the end of the period (the trace's tickets since the fix);
- satisfied: the share satisfied (`metrics.satisfied_share`) among the rated tickets those
  customers created at or after being told, on any subject, that the report read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sddkit.followup.ledger import Told
from sddkit.followup.model import customer_key, fix_key
from sddkit.report.metrics import satisfied_share
from sddkit.report.model import ClosedLoop, FixSummary, Trace
from sddkit.tickets.model import Ticket


def closed_loops(
    fixes: Sequence[FixSummary],
    traces: Sequence[Trace],
    told: Iterable[Told],
    tickets: Mapping[str, Ticket],
    *,
    until: datetime,
    now: datetime,
) -> list[ClosedLoop]:
    """One row per fix with customers told, in the fixes' order; `tickets` by key are every
    ticket the report read (the period's and the themes' outside it)."""
    told_at: dict[str, dict[str, datetime]] = {}
    for entry in told:
        if entry.told_at <= now:
            told_at.setdefault(entry.fix_key, {})[entry.customer] = entry.told_at
    by_issue = {trace.issue_key: trace for trace in traces}
    by_customer: dict[str, list[Ticket]] = {}
    for ticket in tickets.values():
        by_customer.setdefault(customer_key(ticket), []).append(ticket)
    loops = []
    for fix in fixes:
        customers = told_at.get(fix_key(fix.kind, fix.ref))
        if not customers:
            continue
        after = {
            key
            for issue in fix.issue_keys
            if issue in by_issue
            for key in by_issue[issue].after_keys
        }
        again = {
            customer_key(tickets[key])
            for key in after
            if key in tickets
            and customers.get(customer_key(tickets[key]), until) <= tickets[key].created_at
        }
        later = [
            t
            for customer, moment in customers.items()
            for t in by_customer.get(customer, [])
            if moment <= t.created_at < until
        ]
        satisfied, rated = satisfied_share(later)
        loops.append(ClosedLoop(fix.kind, fix.ref, len(customers), len(again), satisfied, rated))
    return loops
