"""sddkit's own JSON-lines format: one `Ticket` per line, field names as in the model.

The bundled demo data uses it, and it round-trips everything the store keeps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sddkit.tickets.importers import Format, Options
from sddkit.tickets.model import Message, Ticket
from sddkit.tickets.text import (
    FieldError,
    mapping_field,
    number,
    optional_str,
    optional_time,
    parse_time,
    required_id,
    split_tags,
    text_field,
)


def convert(record: Mapping[str, Any], options: Options) -> Ticket:
    tz = options.timezone
    return Ticket(
        source=required_id(record.get("source"), "source"),
        external_id=required_id(record.get("external_id"), "external_id"),
        created_at=parse_time(record.get("created_at"), "created_at", tz),
        subject=text_field(record.get("subject"), "subject"),
        body=text_field(record.get("body"), "body"),
        updated_at=optional_time(record.get("updated_at"), "updated_at", tz),
        solved_at=optional_time(record.get("solved_at"), "solved_at", tz),
        customer_id=optional_str(record.get("customer_id")),
        organization=optional_str(record.get("organization")),
        channel=optional_str(record.get("channel")),
        tags=split_tags(record.get("tags"), "tags"),
        status=optional_str(record.get("status")),
        assignee=optional_str(record.get("assignee")),
        first_response_at=optional_time(record.get("first_response_at"), "first_response_at", tz),
        satisfaction=number(record.get("satisfaction"), "satisfaction"),
        satisfaction_scale=optional_str(record.get("satisfaction_scale")),
        language=optional_str(record.get("language")),
        messages=tuple(_message(m, tz) for m in _list(record.get("messages"), "messages")),
        custom_fields=dict(mapping_field(record, "custom_fields")),
    )


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise FieldError(field, f"expected a list, got {type(value).__name__}")
    return value


def _message(value: Any, tz: Any) -> Message:
    if not isinstance(value, Mapping):
        raise FieldError("messages", "expected a list of objects")
    return Message(
        author_role=optional_str(value.get("author_role")) or "customer",
        body=text_field(value.get("body"), "messages.body"),
        created_at=optional_time(value.get("created_at"), "messages.created_at", tz),
        author=optional_str(value.get("author")),
    )


def to_record(ticket: Ticket) -> dict[str, Any]:
    """The JSON-lines form of a ticket (the inverse of `convert`)."""

    def iso(moment: Any) -> str | None:
        return moment.isoformat() if moment is not None else None

    record: dict[str, Any] = {
        "source": ticket.source,
        "external_id": ticket.external_id,
        "created_at": iso(ticket.created_at),
        "subject": ticket.subject,
        "body": ticket.body,
        "updated_at": iso(ticket.updated_at),
        "solved_at": iso(ticket.solved_at),
        "customer_id": ticket.customer_id,
        "organization": ticket.organization,
        "channel": ticket.channel,
        "tags": list(ticket.tags),
        "status": ticket.status,
        "assignee": ticket.assignee,
        "first_response_at": iso(ticket.first_response_at),
        "satisfaction": ticket.satisfaction,
        "satisfaction_scale": ticket.satisfaction_scale,
        "language": ticket.language,
        "messages": [
            {"author_role": m.author_role, "body": m.body, "created_at": iso(m.created_at),
             "author": m.author}
            for m in ticket.messages
        ],
        "custom_fields": dict(ticket.custom_fields),
    }  # fmt: skip
    return {key: value for key, value in record.items() if value not in (None, [], "", {})}


def _detect(container: str, path: tuple[str, ...], record: Mapping[str, Any]) -> bool:
    return isinstance(record.get("source"), str) and {"external_id", "created_at"} <= set(record)


JSONL = Format(
    "sddkit",
    "sddkit JSON-lines (one Ticket per line)",
    _detect,
    convert,
    required=("source", "external_id", "created_at"),
)
