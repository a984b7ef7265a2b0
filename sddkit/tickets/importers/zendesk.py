"""Zendesk: Incremental Export / Tickets API JSON, and the CSV the agent UI exports.

JSON: the ``tickets`` array of ``GET /api/v2/incremental/tickets/cursor.json`` or
``/api/v2/tickets.json`` (a top-level array or JSON-lines of ticket objects also works). The
first message is ``description``; ``satisfaction_rating.score`` is good/bad; ``via.channel`` is
the channel. When the export was made with ``include=metric_sets`` (a top-level
``metric_sets`` array, read by `metric_times`, or a ``metric_set`` merged into the ticket), its
``reply_time_in_minutes.calendar`` and ``solved_at`` give first response and solve times. A
``comments`` array (from the Ticket Comments API) becomes the conversation. ``custom_fields``
([{id, value}]) are kept by id. A ticket merged into another is closed with the tag
``closed_by_merge`` (added here when only ``via.source.rel`` says "merge"). Times without an
offset are read in ``--timezone``.

CSV: the UI export (``Id``, ``Subject``, ``Created at``...); its times carry no offset and are
in the account's time zone, given with ``--timezone``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sddkit.tickets.importers import Format, Options
from sddkit.tickets.model import MERGED_TAG, Message, Ticket
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
    "email": "email", "mail": "email", "web": "web", "web_form": "web", "web form": "web",
    "web_widget": "web", "web widget": "web", "mobile": "in-app", "mobile_sdk": "in-app",
    "chat": "chat", "native_messaging": "chat", "messaging": "chat", "voice": "phone",
    "phone call (incoming)": "phone", "phone call (outgoing)": "phone", "twitter": "social",
    "facebook": "social", "instagram_dm": "social", "whatsapp": "social", "api": "api",
}  # fmt: skip
SATISFACTION = {"good": 1.0, "bad": 0.0}


def convert(record: Mapping[str, Any], options: Options) -> Ticket:
    get = record.get  # the hot path of a large import: one lookup per field, few calls
    tz = options.timezone
    created = parse_time(get("created_at"), "created_at", tz)
    requester = _plain_str(get("requester_id"))
    metrics = mapping_field(record, "metric_set") if "metric_set" in record else _EMPTY
    if metrics:
        reply = mapping_field(metrics, "reply_time_in_minutes").get("calendar")
        minutes = number(reply, "metric_set.reply_time_in_minutes")
        solved = optional_time(metrics.get("solved_at"), "metric_set.solved_at", tz)
    else:
        minutes = solved = None
    rating = get("satisfaction_rating")
    if type(rating) is not dict:
        rating = mapping_field(record, "satisfaction_rating")
    score = _plain_str(rating.get("score"))
    grade = score.lower() if score else None
    satisfaction = SATISFACTION.get(grade) if grade else None
    messages: tuple[Message, ...] = ()
    if "comments" in record:
        messages = tuple(_comment(c, requester, tz) for c in _comments(record))
    body = text_field(get("description"), "description")
    via = get("via")
    if type(via) is not dict:
        via = mapping_field(record, "via")
    tags = split_tags(get("tags"), "tags") if get("tags") is not None else ()
    if MERGED_TAG not in tags and _merged(via):
        tags = (*tags, MERGED_TAG)
    updated = get("updated_at")
    custom = get("custom_fields")
    return Ticket(
        source=options.source or "zendesk",
        external_id=required_id(get("id"), "id"),
        created_at=created,
        subject=text_field(get("subject") or get("raw_subject"), "subject"),
        body=html_to_text(body) if body else (messages[0].body if messages else ""),
        updated_at=optional_time(updated, "updated_at", tz) if updated is not None else None,
        solved_at=solved,
        customer_id=requester,
        organization=_plain_str(get("organization_id")),
        channel=_channel(via.get("channel")),
        tags=tags,
        status=_plain_str(get("status")),
        assignee=_plain_str(get("assignee_id")),
        first_response_at=created + timedelta(minutes=minutes) if minutes is not None else None,
        satisfaction=satisfaction,
        satisfaction_scale="good_bad" if satisfaction is not None else None,
        messages=messages,
        custom_fields=_custom_fields(custom) if custom else _EMPTY,
    )


def _merged(via: Mapping[str, Any]) -> bool:
    source = via.get("source")
    return type(source) is dict and source.get("rel") == "merge"  # decoded JSON: a dict


def _custom_fields(value: Any) -> dict[str, Any]:
    """``[{"id": 27642, "value": "745"}]`` as ``{"27642": "745"}``; empty values left out."""
    fields = {}
    for item in list_field(value, "custom_fields"):
        if not isinstance(item, Mapping) or "id" not in item:
            raise FieldError("custom_fields", "expected a list of {id, value} objects")
        if item.get("value") not in (None, "", []):
            fields[str(item["id"])] = item["value"]
    return fields


def metric_times(
    record: Mapping[str, Any], options: Options
) -> tuple[str, float | None, datetime | None]:
    """A top-level ``metric_sets`` element: (ticket id, first reply minutes, solve time)."""
    ticket = required_id(record.get("ticket_id"), "metric_sets.ticket_id")
    reply = mapping_field(record, "reply_time_in_minutes").get("calendar")
    minutes = number(reply, "metric_sets.reply_time_in_minutes")
    solved = optional_time(record.get("solved_at"), "metric_sets.solved_at", options.timezone)
    return ticket, minutes, solved


_EMPTY: Mapping[str, Any] = {}


def _plain_str(value: Any) -> str | None:
    """`optional_str`, with the usual int ids and trimmed strings made cheap."""
    if type(value) is int:
        return str(value)
    return optional_str(value)


def _comments(record: Mapping[str, Any]) -> list[Any]:
    comments = list_field(record.get("comments"), "comments")
    return [c for c in comments if isinstance(c, Mapping) and c.get("public", True)]


def _comment(comment: Mapping[str, Any], requester: str | None, tz: Any) -> Message:
    author = optional_str(comment.get("author_id"))
    html = comment.get("html_body")
    plain = comment.get("plain_body") or comment.get("body") or ""
    return Message(
        author_role="customer" if author is not None and author == requester else "agent",
        body=html_to_text(html) if isinstance(html, str) else text_field(plain, "comments.body"),
        created_at=optional_time(comment.get("created_at"), "comments.created_at", tz),
        author=author,
    )


def _channel(value: Any) -> str | None:
    name = optional_str(value)
    if not name:
        return None
    lowered = name.lower()
    return CHANNELS.get(lowered, lowered)


def convert_csv(row: Mapping[str, Any], options: Options) -> Ticket:
    tz = options.timezone
    created = parse_time(row.get("Created at"), "Created at", tz)
    minutes = number(row.get("First reply time in minutes"), "First reply time in minutes")
    score = (optional_str(row.get("Satisfaction Score")) or "").lower()
    return Ticket(
        source=options.source or "zendesk",
        external_id=required_id(row.get("Id"), "Id"),
        created_at=created,
        subject=row.get("Subject") or "",
        body=html_to_text(row.get("Description") or ""),
        updated_at=optional_time(row.get("Updated at"), "Updated at", tz),
        solved_at=optional_time(row.get("Solved at"), "Solved at", tz),
        customer_id=optional_str(row.get("Requester email") or row.get("Requester id")),
        organization=optional_str(row.get("Organization")),
        channel=_channel(row.get("Via")),
        tags=split_tags(row.get("Tags"), "Tags"),
        status=(optional_str(row.get("Status")) or "").lower() or None,
        assignee=optional_str(row.get("Assignee email") or row.get("Assignee")),
        first_response_at=created + timedelta(minutes=minutes) if minutes is not None else None,
        satisfaction=SATISFACTION.get(score),
        satisfaction_scale="good_bad" if score in SATISFACTION else None,
    )


def _detect_json(container: str, path: tuple[str, ...], record: Mapping[str, Any]) -> bool:
    if path == ("tickets",):
        return True
    return container != "csv" and "via" in record and "requester_id" in record


def _detect_csv(container: str, path: tuple[str, ...], record: Mapping[str, Any]) -> bool:
    return container == "csv" and {"Id", "Subject", "Created at"} <= set(record)


JSON = Format(
    "zendesk",
    "Zendesk Incremental Export / Tickets API JSON",
    _detect_json,
    convert,
    required=("id", "created_at", "via"),
)
CSV = Format(
    "zendesk-csv",
    "Zendesk agent UI CSV export",
    _detect_csv,
    convert_csv,
    required=("Id", "Created at"),
)
