"""The Ticket: one customer conversation, normalised across helpdesks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from types import MappingProxyType
from typing import Any

# Tickets kept in the store with their status but left out of themes, triage and the report:
# spam, deleted, and those merged into another ticket (Zendesk tags them "closed_by_merge").
HIDDEN_STATUSES = frozenset({"spam", "deleted", "merged"})
MERGED_TAG = "closed_by_merge"
_NO_FIELDS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Message:
    """One message of a conversation. `author_role` is "customer", "agent" or "system"."""

    author_role: str
    body: str
    created_at: datetime | None = None
    author: str | None = None


@dataclass(frozen=True)
class Ticket:
    """A support ticket. All datetimes are timezone-aware.

    `body` is the first customer message as plain text (HTML stripped). `satisfaction` is the
    score as exported and `satisfaction_scale` says how to read it: "5" (1-5), "10" (0-10,
    NPS-like), "good_bad" (1 = good, 0 = bad). `custom_fields` holds the helpdesk's own fields
    (plan, product area...) by name, or by id where the export gives no name.
    """

    source: str
    external_id: str
    created_at: datetime
    subject: str = ""
    body: str = ""
    updated_at: datetime | None = None
    solved_at: datetime | None = None
    customer_id: str | None = None
    organization: str | None = None
    channel: str | None = None
    tags: tuple[str, ...] = ()
    status: str | None = None
    assignee: str | None = None
    first_response_at: datetime | None = None
    satisfaction: float | None = None
    satisfaction_scale: str | None = None
    language: str | None = None
    messages: tuple[Message, ...] = field(default=())
    custom_fields: Mapping[str, Any] = field(default_factory=dict, hash=False)

    # Written out rather than generated: a frozen dataclass's __init__ sets each field through
    # object.__setattr__, which made building a Ticket a tenth of an import's time. A test
    # checks that this signature matches the fields and their defaults.
    def __init__(
        self,
        source: str,
        external_id: str,
        created_at: datetime,
        subject: str = "",
        body: str = "",
        updated_at: datetime | None = None,
        solved_at: datetime | None = None,
        customer_id: str | None = None,
        organization: str | None = None,
        channel: str | None = None,
        tags: tuple[str, ...] = (),
        status: str | None = None,
        assignee: str | None = None,
        first_response_at: datetime | None = None,
        satisfaction: float | None = None,
        satisfaction_scale: str | None = None,
        language: str | None = None,
        messages: tuple[Message, ...] = (),
        custom_fields: Mapping[str, Any] = _NO_FIELDS,
    ) -> None:
        self.__dict__.update(
            source=source,
            external_id=external_id,
            created_at=created_at,
            subject=subject,
            body=body,
            updated_at=updated_at,
            solved_at=solved_at,
            customer_id=customer_id,
            organization=organization,
            channel=channel,
            tags=tags,
            status=status,
            assignee=assignee,
            first_response_at=first_response_at,
            satisfaction=satisfaction,
            satisfaction_scale=satisfaction_scale,
            language=language,
            messages=messages,
            custom_fields=custom_fields,
            key=f"{source}:{external_id}",  # filled in here: read ever so often (reports)
        )

    @cached_property
    def key(self) -> str:
        """Globally unique id of the ticket in the store: ``source:external_id``."""
        return f"{self.source}:{self.external_id}"

    @property
    def hidden(self) -> bool:
        """Spam, deleted or merged: stored, but no complaint."""
        return self.status in HIDDEN_STATUSES or MERGED_TAG in self.tags

    @property
    def text(self) -> str:
        """Subject and first customer message, the text themes are built from."""
        return f"{self.subject}\n{self.body}".strip()

    @property
    def first_response_hours(self) -> float | None:
        if self.first_response_at is None:
            return None
        return (self.first_response_at - self.created_at).total_seconds() / 3600
