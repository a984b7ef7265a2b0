"""Intercom: conversations changed since the last pull, each with its parts (REST API 2.x).

``POST /conversations/search`` with ``updated_at > …``, sorted by ``updated_at`` ascending,
150 a page, finds what changed; search results carry no ``conversation_parts``, so each
conversation is read whole with ``GET /conversations/{id}``. ``GET /admins`` turns teammate
ids into e-mails. Pages are walked by keyset on ``updated_at`` (Unix seconds): each request
starts at the newest change seen (repeats skipped); only a page of one second goes on with
the ``starting_after`` cursor. A conversation changing mid-pull therefore moves ahead of the
keyset and is read later in the same pull, never skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sddkit.tickets.people import PERSON, People
from sddkit.tickets.pull import Page
from sddkit.tickets.pull.http import HttpClient, PullError, RetryPolicy
from sddkit.tickets.pull.keyset import Handed

SEARCH = "/conversations/search"
CONVERSATION = "/conversations/{id}"
API_VERSION = "2.11"
ENV_HINT = "SDDKIT_INTERCOM_TOKEN"


@dataclass
class IntercomSource:
    client: HttpClient
    account: str
    since: datetime
    per_page: int = 150
    name: str = "intercom"
    format: str = "intercom"

    def pages(self, position: str | None) -> Iterator[Page]:
        state = _state(position, self.since)
        people = self._admins()
        handed = Handed(_key)
        while True:
            batch, cursor = self._search(state)
            fresh = handed.fresh(batch)
            stamps = [c["updated_at"] for c in batch if isinstance(c.get("updated_at"), int)]
            newest = max(stamps, default=state["since"])
            if cursor is None or newest > state["since"]:
                state = {"since": newest, "after": None}
            else:  # a whole page of one second: go on with the cursor
                state = {"since": state["since"], "after": cursor}
            handed.forget_before(state["since"])
            records = [self.conversation(c.get("id")) for c in fresh]
            last = cursor is None
            yield Page([r for r in records if r], json.dumps(state, sort_keys=True), last, people)
            if last:
                return

    def _search(self, state: Mapping[str, Any]) -> tuple[list[Mapping[str, Any]], str | None]:
        pagination: dict[str, Any] = {"per_page": self.per_page}
        if state["after"]:
            pagination["starting_after"] = state["after"]
        body = {
            "query": {"field": "updated_at", "operator": ">", "value": state["since"] - 1},
            "sort": {"field": "updated_at", "order": "ascending"},
            "pagination": pagination,
        }
        data = self.client.request("POST", SEARCH, body=body).data
        found = data.get("conversations") if isinstance(data, Mapping) else None
        if not isinstance(found, list):
            raise PullError(f"intercom: POST {SEARCH}: unexpected response: no conversations")
        pages = data.get("pages") if isinstance(data, Mapping) else None
        following = pages.get("next") if isinstance(pages, Mapping) else None
        cursor = following.get("starting_after") if isinstance(following, Mapping) else None
        batch = [c for c in found if isinstance(c, Mapping)]
        return batch, cursor if isinstance(cursor, str) and cursor else None

    def conversation(self, conversation_id: Any) -> Mapping[str, Any] | None:
        response = self.client.get(CONVERSATION.format(id=conversation_id))
        if response.status == 404:  # deleted since the search
            return None
        if not isinstance(response.data, Mapping):
            raise PullError("intercom: GET /conversations/{id}: unexpected response")
        return response.data

    def _admins(self) -> People:
        people = People()
        data = self.client.get("/admins").data
        admins = data.get("admins") if isinstance(data, Mapping) else None
        for admin in admins if isinstance(admins, list) else []:
            if isinstance(admin, Mapping):
                people.add(PERSON, admin)
        return people


def _key(conversation: Mapping[str, Any]) -> tuple[Any, float] | None:
    stamp = conversation.get("updated_at")
    return (conversation.get("id"), float(stamp)) if isinstance(stamp, int) else None


def _state(position: str | None, since: datetime) -> dict[str, Any]:
    if not position:
        return {"since": int(since.timestamp()), "after": None}
    try:
        state = json.loads(position)
        return {"since": int(state["since"]), "after": state["after"]}
    except (ValueError, TypeError, KeyError):
        raise PullError(f"intercom: the saved position is unreadable: {position!r}") from None


def from_env(env: Mapping[str, str], since: datetime, retry: RetryPolicy | None) -> IntercomSource:
    """``SDDKIT_INTERCOM_TOKEN`` (Developer Hub → your app → Authentication → access token);
    ``SDDKIT_INTERCOM_URL`` replaces https://api.intercom.io (EU: https://api.eu.intercom.io,
    Australia: https://api.au.intercom.io)."""
    token = env.get("SDDKIT_INTERCOM_TOKEN", "").strip()
    if not token:
        raise PullError(f"intercom: set {ENV_HINT}")
    base = env.get("SDDKIT_INTERCOM_URL", "").strip() or "https://api.intercom.io"
    headers = {"Authorization": f"Bearer {token}", "Intercom-Version": API_VERSION}
    client = HttpClient(base, headers, vendor="intercom", hint=ENV_HINT, retry=retry)
    # Positions are kept per workspace token; the token is stored only as a digest.
    account = "token-" + hashlib.sha256(token.encode()).hexdigest()[:12]
    return IntercomSource(client, account, since)
