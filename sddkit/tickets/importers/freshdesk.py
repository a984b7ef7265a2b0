"""Freshdesk: tickets JSON (API v2) and the CSV export of the Tickets view.

JSON: an array of ticket objects from ``GET /api/v2/tickets`` (pages concatenated), or one per
line; ``source`` and ``status`` are numeric codes, ``stats`` (``include=stats``) holds the first
response and resolution times, ``conversations`` (``include=conversations``) the replies.
Tickets flagged ``spam`` or ``deleted`` get that status; ``custom_fields`` ({"cf_plan": ...})
are kept. Times without an offset are read in ``--timezone``.

CSV: the UI export (``Ticket ID``, ``Created time``...), times in the account's zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sddkit.tickets.importers import Format, Options
from sddkit.tickets.model import Message, Ticket
from sddkit.tickets.text import (
    FieldError,
    html_to_text,
    list_field,
    mapping_field,
    optional_str,
    optional_time,
    parse_time,
    required_id,
    split_tags,
    text_field,
)

SOURCES = {
    1: "email", 2: "web", 3: "phone", 4: "web", 5: "social", 6: "social", 7: "chat",
    8: "in-app", 9: "web", 10: "email",
}  # fmt: skip
SOURCE_NAMES = {
    "email": "email", "portal": "web", "phone": "phone", "forum": "web", "twitter": "social",
    "facebook": "social", "chat": "chat", "mobihelp": "in-app", "feedback widget": "web",
    "outbound email": "email", "whatsapp": "social",
}  # fmt: skip
STATUSES = {2: "open", 3: "pending", 4: "resolved", 5: "closed"}
SURVEY = {
    "extremely happy": 5.0, "awesome": 5.0, "very happy": 4.0, "happy": 4.0,
    "neutral": 3.0, "just okay": 3.0, "unhappy": 2.0, "very unhappy": 1.0,
    "extremely unhappy": 1.0, "not good": 1.0,
}  # fmt: skip


def convert(record: Mapping[str, Any], options: Options) -> Ticket:
    tz = options.timezone
    stats = mapping_field(record, "stats")
    requester = mapping_field(record, "requester")
    text = record.get("description_text")
    html = text_field(record.get("description"), "description")
    source, status = record.get("source"), record.get("status")
    return Ticket(
        source=options.source or "freshdesk",
        external_id=required_id(record.get("id"), "id"),
        created_at=parse_time(record.get("created_at"), "created_at", tz),
        subject=text_field(record.get("subject"), "subject"),
        body=html_to_text(text if isinstance(text, str) and text else html),
        updated_at=optional_time(record.get("updated_at"), "updated_at", tz),
        solved_at=optional_time(stats.get("resolved_at") or stats.get("closed_at"), "stats", tz),
        customer_id=optional_str(requester.get("email") or record.get("requester_id")),
        organization=optional_str(
            mapping_field(record, "company").get("name") or record.get("company_id")
        ),
        channel=SOURCES.get(source, str(source)) if isinstance(source, int) else None,
        tags=split_tags(record.get("tags"), "tags"),
        status=_status(record, status),
        assignee=optional_str(record.get("responder_id")),
        first_response_at=optional_time(stats.get("first_responded_at"), "stats", tz),
        messages=tuple(m for m in (_conversation(c, tz) for c in _conversations(record)) if m),
        custom_fields={
            str(k): v
            for k, v in mapping_field(record, "custom_fields").items()
            if v not in (None, "", [])
        },
    )


def _status(record: Mapping[str, Any], status: Any) -> str | None:
    if record.get("spam") is True:
        return "spam"
    if record.get("deleted") is True:
        return "deleted"
    return STATUSES.get(status, str(status)) if isinstance(status, int) else None


def _conversations(record: Mapping[str, Any]) -> list[Any]:
    return list_field(record.get("conversations"), "conversations")


def _conversation(item: Any, tz: Any) -> Message | None:
    if not isinstance(item, Mapping):
        raise FieldError("conversations", "expected a list of objects")
    if item.get("private"):
        return None
    body = item.get("body_text") or html_to_text(text_field(item.get("body"), "conversations"))
    return Message(
        author_role="customer" if item.get("incoming") else "agent",
        body=text_field(body, "conversations.body_text"),
        created_at=optional_time(item.get("created_at"), "conversations.created_at", tz),
        author=optional_str(item.get("from_email") or item.get("user_id")),
    )


def convert_csv(row: Mapping[str, Any], options: Options) -> Ticket:
    tz = options.timezone
    survey = (row.get("Survey results") or row.get("Survey result") or "").strip().lower()
    source = (row.get("Source") or "").strip().lower()
    return Ticket(
        source=options.source or "freshdesk",
        external_id=required_id(row.get("Ticket ID"), "Ticket ID"),
        created_at=parse_time(row.get("Created time"), "Created time", tz),
        subject=row.get("Subject") or "",
        body=html_to_text(row.get("Description") or ""),
        updated_at=optional_time(row.get("Last update time"), "Last update time", tz),
        solved_at=optional_time(
            row.get("Resolved time") or row.get("Closed time"), "Resolved time", tz
        ),
        customer_id=optional_str(row.get("Email") or row.get("Contact ID")),
        organization=optional_str(row.get("Company Name")),
        channel=SOURCE_NAMES.get(source, source or None),
        tags=split_tags(row.get("Tags"), "Tags", ","),
        status=(optional_str(row.get("Status")) or "").lower() or None,
        assignee=optional_str(row.get("Agent")),
        first_response_at=optional_time(
            row.get("Initial response time"), "Initial response time", tz
        ),
        satisfaction=SURVEY.get(survey),
        satisfaction_scale="5" if survey in SURVEY else None,
    )


def _detect_json(container: str, path: tuple[str, ...], record: Mapping[str, Any]) -> bool:
    if container == "csv":
        return False
    return "fr_due_by" in record or (
        isinstance(record.get("source"), int) and "requester_id" in record
    )


def _detect_csv(container: str, path: tuple[str, ...], record: Mapping[str, Any]) -> bool:
    return container == "csv" and {"Ticket ID", "Created time"} <= set(record)


JSON = Format(
    "freshdesk",
    "Freshdesk tickets JSON (API v2)",
    _detect_json,
    convert,
    required=("id", "created_at", "source", "status"),
)
CSV = Format(
    "freshdesk-csv",
    "Freshdesk tickets CSV export",
    _detect_csv,
    convert_csv,
    required=("Ticket ID", "Created time"),
)
