"""Intercom conversations JSON (REST API 2.x).

The ``conversations`` array of ``GET /conversations`` with each conversation as returned by
``GET /conversations/{id}`` (``source``, ``conversation_parts``, ``conversation_rating``,
``statistics``), or one conversation per line. Times are Unix seconds. ``source`` is the
customer's first message; ``source.type`` gives the channel. ``custom_attributes`` are kept.
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
    number,
    optional_str,
    optional_time,
    parse_time,
    required_id,
    split_tags,
    text_field,
)

CHANNELS = {
    "conversation": "chat", "chat": "chat", "email": "email", "phone_call": "phone",
    "phone_switch": "phone", "facebook": "social", "twitter": "social", "instagram": "social",
    "whatsapp": "social", "sms": "sms", "push": "in-app",
}  # fmt: skip
CUSTOMERS = {"user", "lead", "contact"}


def convert(record: Mapping[str, Any], options: Options) -> Ticket:
    source = mapping_field(record, "source")
    author = mapping_field(source, "author")
    first = Message(
        author_role="customer" if author.get("type") in CUSTOMERS else "agent",
        body=html_to_text(text_field(source.get("body"), "source.body")),
        created_at=parse_time(record.get("created_at"), "created_at"),
        author=optional_str(author.get("email") or author.get("id")),
    )
    raw_parts = _parts(record)
    parts = [m for m in map(_part, raw_parts) if m is not None]
    stats = mapping_field(record, "statistics")
    rating = mapping_field(record, "conversation_rating")
    score = number(rating.get("rating"), "conversation_rating.rating")
    first_agent = next((m.author for m in parts if m.author_role == "agent"), None)
    contacts = mapping_field(record, "contacts").get("contacts") or []
    contact = contacts[0] if isinstance(contacts, list) and contacts else {}
    state = optional_str(record.get("state"))
    return Ticket(
        source=options.source or "intercom",
        external_id=required_id(record.get("id"), "id"),
        created_at=first.created_at,  # type: ignore[arg-type]
        subject=html_to_text(text_field(record.get("title") or source.get("subject"), "title")),
        body=first.body,
        updated_at=optional_time(record.get("updated_at"), "updated_at"),
        solved_at=optional_time(stats.get("last_close_at"), "statistics.last_close_at")
        if state == "closed"
        else None,
        customer_id=optional_str(author.get("email") or _get(contact, "id")),
        channel=CHANNELS.get(str(source.get("type")), optional_str(source.get("type"))),
        tags=split_tags(
            [t.get("name") for t in _tags(record) if isinstance(t, Mapping)], "tags.tags"
        ),
        status=state,
        assignee=first_agent or _teammate(raw_parts, record.get("admin_assignee_id")),
        first_response_at=optional_time(
            stats.get("first_admin_reply_at"), "statistics.first_admin_reply_at"
        ),
        satisfaction=score,
        satisfaction_scale="5" if score is not None else None,
        messages=(first, *parts),
        custom_fields={
            str(k): v
            for k, v in mapping_field(record, "custom_attributes").items()
            if v not in (None, "", [])
        },
    )


def _teammate(parts: list[Any], admin_id: Any) -> str | None:
    """The assigned admin's e-mail (or name) when any part of the conversation, notes and
    assignments included, was written by them; else their id as exported."""
    wanted = optional_str(admin_id)
    for part in parts:
        author = _get(part, "author")
        if _get(author, "type") == "admin" and optional_str(_get(author, "id")) == wanted:
            found = optional_str(author.get("email") or author.get("name"))
            if found:
                return found
    return wanted


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, Mapping) else None


def _tags(record: Mapping[str, Any]) -> list[Any]:
    return list_field(mapping_field(record, "tags").get("tags"), "tags.tags")


def _parts(record: Mapping[str, Any]) -> list[Any]:
    parts = mapping_field(record, "conversation_parts").get("conversation_parts")
    return list_field(parts, "conversation_parts")


def _part(part: Any) -> Message | None:
    if not isinstance(part, Mapping):
        raise FieldError("conversation_parts", "expected a list of objects")
    body = part.get("body")
    if part.get("part_type") not in {"comment", "open"} or not body:
        return None  # notes are internal; assignment/close events carry no message
    author = mapping_field(part, "author")
    return Message(
        author_role="customer" if author.get("type") in CUSTOMERS else "agent",
        body=html_to_text(text_field(body, "conversation_parts.body")),
        created_at=optional_time(part.get("created_at"), "conversation_parts.created_at"),
        author=optional_str(author.get("email") or author.get("id")),
    )


def _detect(container: str, path: tuple[str, ...], record: Mapping[str, Any]) -> bool:
    if path == ("conversations",):
        return True
    return container != "csv" and (
        record.get("type") == "conversation" or "conversation_parts" in record
    )


JSON = Format(
    "intercom", "Intercom conversations JSON", _detect, convert, required=("id", "source")
)
