"""Intercom: ``POST /conversations/{id}/reply`` as an admin, ``message_type: "note"`` (an
internal note) or ``"comment"`` (a reply the customer sees).

Replies need the writing teammate's id: ``SDDKIT_INTERCOM_ADMIN_ID`` (Settings → Teammates,
or ``GET /me``). Intercom allows 10,000 requests a minute per app, spread over 10-second
windows; 600 a minute keeps far below it. The marker is looked for in the conversation's
parts written by an admin or bot (``GET /conversations/{id}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sddkit.followup.helpdesks import as_html, send
from sddkit.tickets.pull.http import PullError, RetryPolicy
from sddkit.tickets.pull.intercom import IntercomSource
from sddkit.tickets.pull.intercom import from_env as source_from_env

NAME = "intercom"
PER_MINUTE = 600.0
REPLY = "/conversations/{id}/reply"
ADMIN_ENV = "SDDKIT_INTERCOM_ADMIN_ID"


@dataclass
class IntercomWriter:
    source: IntercomSource
    admin_id: str
    name: str = NAME
    write_cost: int = 1

    def has_marker(self, external_id: str, marker: str) -> bool:
        conversation = self.source.conversation(external_id) or {}
        parts = conversation.get("conversation_parts")
        found = parts.get("conversation_parts") if isinstance(parts, Mapping) else None
        return any(
            _ours(part) and marker in str(part.get("body") or "")
            for part in (found if isinstance(found, list) else [])
        )

    def write(self, external_id: str, body: str, *, public: bool, customer: str | None) -> str:
        payload = {
            "message_type": "comment" if public else "note",
            "type": "admin",
            "admin_id": self.admin_id,
            "body": as_html(body),
        }
        client, target = self.source.client, REPLY.format(id=external_id)
        response = send(client, "POST", target, payload, NAME, external_id)
        data = response.data
        return str(data.get("id", "")) if isinstance(data, Mapping) else ""


def _ours(part: Any) -> bool:
    author = part.get("author") if isinstance(part, Mapping) else None
    return isinstance(author, Mapping) and author.get("type") in ("admin", "bot")


def from_env(env: Mapping[str, str]) -> IntercomWriter:
    """The pull's ``SDDKIT_INTERCOM_*`` variables and ``SDDKIT_INTERCOM_ADMIN_ID``."""
    admin = env.get(ADMIN_ENV, "").strip()
    if not admin:
        raise PullError(f"intercom: set {ADMIN_ENV} (the teammate the notes are written as)")
    return IntercomWriter(source_from_env(env, datetime.now(UTC), RetryPolicy()), admin)
