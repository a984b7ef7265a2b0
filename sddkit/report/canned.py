"""Canned replies (macros, saved replies, canned responses) that draw follow-up questions:
a reply the customer has to write back about is a docs or UX problem worth rewriting.

Which canned reply an agent used is read from the ticket as the team's helpdesk export
records it: a tag with a prefix (`macro:password-reset`) or a custom field. A use draws a
follow-up when the customer writes again on the ticket within `follow_up_days` of the first
agent reply. Definitions: docs/report.md ("Canned replies")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sddkit.report.model import CannedReply
from sddkit.tickets.model import Ticket

EXAMPLES = 2
EXCERPT = 120


@dataclass(frozen=True)
class CannedReplySource:
    """Where the export names the canned reply: tags starting with `tag_prefix`, or the
    custom field `field` (either may be unset)."""

    tag_prefix: str | None = "macro:"
    field: str | None = None
    follow_up_days: float = 3.0

    def replies_of(self, ticket: Ticket) -> set[str]:
        found = set()
        if self.tag_prefix:
            found |= {
                tag[len(self.tag_prefix) :]
                for tag in ticket.tags
                if tag.startswith(self.tag_prefix)
            }
        if self.field and (value := ticket.custom_fields.get(self.field)):
            found.add(str(value))
        return {name.strip() for name in found if name.strip()}


def canned_replies(tickets: Iterable[Ticket], source: CannedReplySource) -> list[CannedReply]:
    """Each canned reply used in the period, most follow-ups first (by rate, then uses)."""
    uses: dict[str, int] = defaultdict(int)
    follow: dict[str, list[tuple[str, str]]] = defaultdict(list)
    window = timedelta(days=source.follow_up_days)
    for ticket in tickets:
        names = source.replies_of(ticket)
        if not names:
            continue
        question = _follow_up(ticket, window)
        for name in names:
            uses[name] += 1
            if question is not None:
                follow[name].append((ticket.key, question))
    rows = [
        CannedReply(
            name=name,
            uses=n,
            follow_ups=len(follow[name]),
            rate=len(follow[name]) / n,
            examples=tuple(follow[name][:EXAMPLES]),
        )
        for name, n in uses.items()
    ]
    return sorted(rows, key=lambda r: (-r.rate, -r.uses, r.name))


def _follow_up(ticket: Ticket, window: timedelta) -> str | None:
    """The customer's first message after the first agent reply, within `window` of it."""
    replied = ticket.first_response_at
    if replied is None:
        return None
    for message in ticket.messages:
        at = message.created_at
        if (
            message.author_role == "customer"
            and at is not None
            and replied < at <= replied + window
        ):
            # Customer text: personal data redacted, no mentions, links or sddkit markers.
            # (Imported here: its patterns take 20 ms to compile, for reports with no canned
            # replies configured too.)
            from sddkit.trackers.redact import quote

            return quote(message.body, (ticket.customer_id, message.author), EXCERPT)
    return None
