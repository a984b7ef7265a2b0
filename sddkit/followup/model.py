"""The follow-ups' plain data: who is told about which fix, on which ticket, and why others
are left out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sddkit.tickets.model import Ticket

# Why a customer behind a fix gets no follow-up (shown by the dry run, counted in the docs).
HIDDEN = "hidden (spam, deleted or merged)"
LEFT_ALONE = "left alone (tag or customer in [followup])"
ANSWERED = "answered after the fix"
TOLD = "already told"
NO_HELPDESK = "no helpdesk API for its source"
RETURNED = "the fix's complaints came back"
CLOSED = "closed in Zendesk (a closed ticket takes no more comments)"
REASONS = (TOLD, ANSWERED, LEFT_ALONE, HIDDEN, NO_HELPDESK, CLOSED, RETURNED)

MARKER_PREFIX = "sddkit-followup:"


def fix_key(kind: str, ref: str) -> str:
    """A fix's id in the ledger: its kind and ref, as the report groups fixes."""
    return f"{kind}:{ref}"


def customer_key(ticket: Ticket) -> str:
    """A customer: their id, or the ticket itself when the helpdesk gave none."""
    return ticket.customer_id or f"ticket:{ticket.key}"


def marker(fix: str, ticket_key: str) -> str:
    """The text every written note ends with; a re-run that finds it on the ticket knows the
    note arrived even when the ledger does not (a run killed right after the write)."""
    digest = hashlib.sha256(f"{fix}|{ticket_key}".encode()).hexdigest()[:16]
    return f"{MARKER_PREFIX}{digest}"


@dataclass(frozen=True)
class FixOf:
    """The fix a follow-up is about."""

    key: str  # fix_key(kind, ref)
    ref: str  # "#42", a commit, a resolution
    fixed_at: datetime
    issue_keys: tuple[str, ...]  # the issues it closed


@dataclass(frozen=True)
class Recipient:
    """One customer to tell about one fix, on their latest ticket behind it."""

    fix: FixOf
    customer: str  # customer_key
    ticket: Ticket  # where the note is written (its helpdesk is ticket.source)
    tickets: int  # the customer's visible tickets behind the fix


@dataclass(frozen=True)
class Skipped:
    fix: FixOf
    customer: str
    ticket_key: str
    reason: str  # one of REASONS


@dataclass(frozen=True)
class Draft:
    recipient: Recipient
    language: str  # the template's language: "en", "sr-Cyrl", ... (the fallback for others)
    text: str  # what the customer reads
    body: str  # what is written: the text, for a note with a line for the agent; the marker
    public: bool  # a public reply (else an internal note)
    marker: str

    @property
    def helpdesk(self) -> str:
        return self.recipient.ticket.source
