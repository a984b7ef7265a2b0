"""Help Scout Mailbox API 2.0 conversations JSON.

The ``_embedded.conversations`` array of ``GET /v2/conversations?embed=threads`` (pages
concatenated, or one conversation object per line). Threads come newest first; customer
threads become customer messages, replies agent messages, and notes and line items (internal)
are left out. Help Scout has no per-conversation rating in this API. Spam has the status
``spam``; a deleted conversation (``state`` "deleted") gets the status ``deleted``.
``customFields`` ([{name, value, text}]) are kept by name. Times without an offset are read in
``--timezone``.
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

AGENT_THREADS = {"message", "reply", "forwardparent", "forwardchild"}
CONVERSATION_THREADS = {"customer", "chat", "phone"} | AGENT_THREADS


def convert(record: Mapping[str, Any], options: Options) -> Ticket:
    tz = options.timezone
    messages = sorted(
        (m for m in (_thread(t, tz) for t in _threads(record)) if m is not None),
        key=lambda m: m.created_at.timestamp() if m.created_at else 0.0,
    )
    first_customer = next((m for m in messages if m.author_role == "customer"), None)
    first_reply = next(
        (m for m in messages if m.author_role == "agent" and first_customer is not None
         and m.created_at and first_customer.created_at
         and m.created_at >= first_customer.created_at),
        None,
    )  # fmt: skip
    assignee = mapping_field(record, "assignee")
    customer = mapping_field(record, "primaryCustomer") or mapping_field(record, "customer")
    tags = list_field(record.get("tags"), "tags")
    return Ticket(
        source=options.source or "helpscout",
        external_id=required_id(record.get("id"), "id"),
        created_at=parse_time(record.get("createdAt"), "createdAt", tz),
        subject=text_field(record.get("subject"), "subject"),
        body=first_customer.body
        if first_customer
        else text_field(record.get("preview"), "preview"),
        updated_at=optional_time(record.get("userUpdatedAt"), "userUpdatedAt", tz),
        solved_at=optional_time(record.get("closedAt"), "closedAt", tz),
        customer_id=optional_str(customer.get("email") or customer.get("id")),
        channel=optional_str(record.get("type")),
        tags=split_tags([t.get("tag") if isinstance(t, Mapping) else t for t in tags], "tags"),
        status="deleted"
        if record.get("state") == "deleted"
        else optional_str(record.get("status")),
        assignee=optional_str(assignee.get("email") or assignee.get("id"))
        or (first_reply.author if first_reply else None),
        first_response_at=first_reply.created_at if first_reply else None,
        messages=tuple(messages),
        custom_fields=_custom_fields(record.get("customFields")),
    )


def _custom_fields(value: Any) -> dict[str, Any]:
    fields = {}
    for item in list_field(value, "customFields"):
        if not isinstance(item, Mapping):
            raise FieldError("customFields", "expected a list of objects")
        name = optional_str(item.get("name")) or optional_str(item.get("id"))
        shown = item.get("text") if item.get("text") not in (None, "") else item.get("value")
        if name and shown not in (None, ""):
            fields[name] = shown
    return fields


def _threads(record: Mapping[str, Any]) -> list[Any]:
    return list_field(mapping_field(record, "_embedded").get("threads"), "_embedded.threads")


def _thread(thread: Any, tz: Any) -> Message | None:
    if not isinstance(thread, Mapping):
        raise FieldError("_embedded.threads", "expected a list of objects")
    kind = str(thread.get("type") or "")
    if kind not in CONVERSATION_THREADS:
        return None
    author = mapping_field(thread, "createdBy")
    is_customer = kind == "customer" or (
        kind in {"chat", "phone"} and author.get("type") == "customer"
    )
    return Message(
        author_role="customer" if is_customer else "agent",
        body=html_to_text(text_field(thread.get("body"), "_embedded.threads.body")),
        created_at=optional_time(thread.get("createdAt"), "_embedded.threads.createdAt", tz),
        author=optional_str(author.get("email") or author.get("id")),
    )


def _detect(container: str, path: tuple[str, ...], record: Mapping[str, Any]) -> bool:
    if path == ("_embedded", "conversations"):
        return True
    return container != "csv" and "mailboxId" in record and "createdAt" in record


JSON = Format(
    "helpscout",
    "Help Scout Mailbox API 2.0 conversations JSON",
    _detect,
    convert,
    required=("id", "createdAt"),
)
