"""Who hears about which fix: per fix of the report in the period, one ticket per customer
whose complaint fed it (their latest before the fix), and why each other customer does not.

A pure function over the report's fixes and traces and the full tickets, so every choice can
be checked by hand (tests/followup/test_select.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sddkit.followup.model import (
    ANSWERED,
    CLOSED,
    HIDDEN,
    LEFT_ALONE,
    NO_HELPDESK,
    RETURNED,
    TOLD,
    FixOf,
    Recipient,
    Skipped,
    customer_key,
    fix_key,
)
from sddkit.followup.settings import FollowupSettings
from sddkit.report.model import FixSummary, Trace
from sddkit.tickets.model import Ticket

HALF = 0.5  # a fix whose complaints per week fell by this much worked, though some came back


@dataclass
class Selection:
    recipients: list[Recipient] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    fixes: list[FixOf] = field(default_factory=list)  # the fixes in the period, by date


def select(
    fixes: Iterable[FixSummary],
    traces: Iterable[Trace],
    tickets: Mapping[str, Ticket],
    *,
    since: datetime,
    until: datetime,
    told: Collection[tuple[str, str]],
    writable: Collection[str],
    settings: FollowupSettings,
) -> Selection:
    """`tickets` are the full tickets (messages and tags) by key, hidden ones included;
    `told` holds (fix key, customer) pairs the ledger has as written; `writable` names the
    ticket sources a helpdesk API can write to."""
    by_issue = {trace.issue_key: trace for trace in traces}
    selection = Selection()
    for summary in fixes:
        if not since <= summary.fixed_at < until:
            continue
        fix = FixOf(
            fix_key(summary.kind, summary.ref), summary.ref, summary.fixed_at, summary.issue_keys
        )
        selection.fixes.append(fix)
        members = [by_issue[key] for key in summary.issue_keys if key in by_issue]
        keys = dict.fromkeys(k for t in members for k in (*t.ticket_keys, *t.after_keys))
        theirs: dict[str, list[Ticket]] = {}
        for key in keys:
            if key in tickets:
                theirs.setdefault(customer_key(tickets[key]), []).append(tickets[key])
        returned = _came_back(summary) and not settings.include_returned
        for customer, own in theirs.items():
            _choose(selection, fix, customer, own, told, writable, settings, returned)
    return selection


def _choose(
    selection: Selection,
    fix: FixOf,
    customer: str,
    own: Sequence[Ticket],
    told: Collection[tuple[str, str]],
    writable: Collection[str],
    settings: FollowupSettings,
    returned: bool,
) -> None:
    behind = sorted(
        (t for t in own if t.created_at < fix.fixed_at), key=lambda t: (t.created_at, t.key)
    )
    if not behind:
        return  # wrote only after the fix: not a complaint the fix answered
    visible = [t for t in behind if not t.hidden]
    open_ = [t for t in visible if not _closed_for_good(t)]
    latest = (open_ or visible or behind)[-1]
    reason = None
    if (fix.key, customer) in told:
        reason = TOLD
    elif _left_alone(own, settings):
        reason = LEFT_ALONE
    elif not visible:
        reason = HIDDEN
    elif returned:
        reason = RETURNED
    elif any(_answered_since(t, fix.fixed_at) for t in own):
        reason = ANSWERED
    elif latest.source not in writable:
        reason = NO_HELPDESK
    elif not open_:
        reason = CLOSED
    if reason is not None:
        selection.skipped.append(Skipped(fix, customer, latest.key, reason))
    else:
        selection.recipients.append(Recipient(fix, customer, latest, len(visible)))


def _came_back(fix: FixSummary) -> bool:
    """The report says complaints came back after the fix, and they did not fall by half or
    more in the weeks after it: telling customers it is fixed would not be true."""
    return fix.returned and not (fix.change is not None and fix.change <= -HALF)


def _closed_for_good(ticket: Ticket) -> bool:
    """Zendesk refuses any update to a closed ticket (solved ones close after some days);
    the other helpdesks take notes on closed conversations."""
    return ticket.source == "zendesk" and ticket.status == "closed"


def _left_alone(tickets: Sequence[Ticket], settings: FollowupSettings) -> bool:
    """A skip tag on any of the customer's tickets, or the customer or their organisation
    named in the settings (ids and names compared without case)."""
    for ticket in tickets:
        if settings.skip_tags.intersection(ticket.tags):
            return True
        if (ticket.customer_id or "").lower() in settings.skip_customers:
            return True
        if (ticket.organization or "").lower() in settings.skip_organizations:
            return True
    return False


def _answered_since(ticket: Ticket, moment: datetime) -> bool:
    """An agent wrote on the ticket at or after `moment` (a message, or the first response
    the helpdesk recorded)."""
    if ticket.first_response_at is not None and ticket.first_response_at >= moment:
        return True
    return any(
        m.author_role == "agent" and m.created_at is not None and m.created_at >= moment
        for m in ticket.messages
    )
