"""Zendesk: a comment added by updating the ticket (``PUT /api/v2/tickets/{id}.json`` with
``{"ticket": {"comment": {"body": …, "public": false}}}``; ``public: true`` for a reply).

Update Ticket is limited to 100 requests a minute per account (and 30 updates of one ticket
in ten minutes per user), below every plan's general limit, so that is the pace. The marker
is looked for in the ticket's comments (the pull's cursor walk) that are private notes or
were written through the API: a customer can neither write a private note nor post through
our token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sddkit.followup.helpdesks import send
from sddkit.tickets.pull.http import RetryPolicy
from sddkit.tickets.pull.zendesk import ZendeskSource
from sddkit.tickets.pull.zendesk import from_env as source_from_env

NAME = "zendesk"
PER_MINUTE = 100.0
UPDATE = "/api/v2/tickets/{id}.json"


@dataclass
class ZendeskWriter:
    source: ZendeskSource
    name: str = NAME
    write_cost: int = 1

    def has_marker(self, external_id: str, marker: str) -> bool:
        for comment in self.source.comments(external_id) or []:
            ours = comment.get("public") is False or _channel(comment) == "api"
            text = f"{comment.get('body') or ''} {comment.get('plain_body') or ''}"
            if ours and marker in text:
                return True
        return False

    def write(self, external_id: str, body: str, *, public: bool, customer: str | None) -> str:
        payload = {"ticket": {"comment": {"body": body, "public": public}}}
        client, target = self.source.client, UPDATE.format(id=external_id)
        response = send(client, "PUT", target, payload, NAME, external_id)
        audit = response.data.get("audit") if isinstance(response.data, Mapping) else None
        return str(audit.get("id", "")) if isinstance(audit, Mapping) else ""


def _channel(comment: Mapping[str, object]) -> object:
    via = comment.get("via")
    return via.get("channel") if isinstance(via, Mapping) else None


def from_env(env: Mapping[str, str]) -> ZendeskWriter:
    """The pull's ``SDDKIT_ZENDESK_*`` variables (see `sddkit.tickets.pull.zendesk`)."""
    return ZendeskWriter(source_from_env(env, datetime.now(UTC), RetryPolicy()))
