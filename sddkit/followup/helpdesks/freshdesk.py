"""Freshdesk: ``POST /api/v2/tickets/{id}/notes`` (``{"body": html, "private": true}``), or
``POST /api/v2/tickets/{id}/reply`` for a public reply.

The per-minute limit depends on the plan (trial accounts: 50 a minute; Growth 200 with 80 for
ticket updates); 50 is the floor every account has. The marker is looked for in the ticket's
conversations written by agents (``incoming: false``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sddkit.followup.helpdesks import as_html, send
from sddkit.tickets.pull.freshdesk import CONVERSATIONS, FreshdeskSource
from sddkit.tickets.pull.freshdesk import from_env as source_from_env
from sddkit.tickets.pull.http import RetryPolicy

NAME = "freshdesk"
PER_MINUTE = 50.0
NOTES = "/api/v2/tickets/{id}/notes"
REPLY = "/api/v2/tickets/{id}/reply"


@dataclass
class FreshdeskWriter:
    source: FreshdeskSource
    name: str = NAME
    write_cost: int = 1

    def has_marker(self, external_id: str, marker: str) -> bool:
        return any(
            isinstance(item, Mapping)
            and item.get("incoming") is False
            and marker in f"{item.get('body_text') or ''} {item.get('body') or ''}"
            for item in self.source.walk(CONVERSATIONS.format(id=external_id))
        )

    def write(self, external_id: str, body: str, *, public: bool, customer: str | None) -> str:
        path, payload = (
            (REPLY, {"body": as_html(body)})
            if public
            else (NOTES, {"body": as_html(body), "private": True})
        )
        client, target = self.source.client, path.format(id=external_id)
        response = send(client, "POST", target, payload, NAME, external_id)
        data = response.data
        return str(data.get("id", "")) if isinstance(data, Mapping) else ""


def from_env(env: Mapping[str, str]) -> FreshdeskWriter:
    """The pull's ``SDDKIT_FRESHDESK_*`` variables (see `sddkit.tickets.pull.freshdesk`)."""
    return FreshdeskWriter(source_from_env(env, datetime.now(UTC), RetryPolicy()))
