"""Help Scout: ``POST /v2/conversations/{id}/notes`` (``{"text": html}``), or
``POST /v2/conversations/{id}/reply`` (``{"customer": {"email" | "id"}, "text": html}``) for
a public reply; both answer 201 with the new thread's id in ``Resource-ID``.

The Inbox API's limit is per account and per plan, with writes counting as two requests;
200 a minute is the lowest documented one. The marker is looked for in the conversation's
threads (``GET /v2/conversations/{id}/threads``) not written by the customer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sddkit.followup.helpdesks import Refused, as_html, send
from sddkit.tickets.pull.helpscout import HelpScoutSource
from sddkit.tickets.pull.helpscout import from_env as source_from_env
from sddkit.tickets.pull.http import RetryPolicy

NAME = "helpscout"
PER_MINUTE = 200.0
THREADS = "/v2/conversations/{id}/threads"
NOTES = "/v2/conversations/{id}/notes"
REPLY = "/v2/conversations/{id}/reply"


@dataclass
class HelpScoutWriter:
    source: HelpScoutSource
    name: str = NAME
    write_cost: int = 2

    def has_marker(self, external_id: str, marker: str) -> bool:
        self.source.authorize()  # a token, renewed when it is about to expire
        page = 1
        while True:
            data = self.source.client.get(THREADS.format(id=external_id), {"page": page}).data
            if not isinstance(data, Mapping):
                return False
            embedded = data.get("_embedded")
            threads = embedded.get("threads") if isinstance(embedded, Mapping) else None
            for thread in threads if isinstance(threads, list) else []:
                if _ours(thread) and marker in str(thread.get("body") or ""):
                    return True
            numbers = data.get("page")
            if not (isinstance(numbers, Mapping) and page < int(numbers.get("totalPages") or 1)):
                return False
            page += 1

    def write(self, external_id: str, body: str, *, public: bool, customer: str | None) -> str:
        self.source.authorize()
        payload: dict[str, Any] = {"text": as_html(body)}
        if public:
            if not customer:
                raise Refused(f"helpscout: ticket {external_id}: no customer to reply to")
            who = {"id": int(customer)} if customer.isdigit() else {"email": customer}
            payload["customer"] = who
        path = (REPLY if public else NOTES).format(id=external_id)
        response = send(self.source.client, "POST", path, payload, NAME, external_id)
        return str(response.headers.get("resource-id", ""))


def _ours(thread: Any) -> bool:
    return isinstance(thread, Mapping) and thread.get("type") != "customer"


def from_env(env: Mapping[str, str]) -> HelpScoutWriter:
    """The pull's ``SDDKIT_HELPSCOUT_*`` variables (see `sddkit.tickets.pull.helpscout`)."""
    return HelpScoutWriter(source_from_env(env, datetime.now(UTC), RetryPolicy()))
