"""Help Scout: Mailbox API 2.0 conversations with their threads (OAuth2 client credentials).

A token comes from ``POST /v2/oauth2/token`` (``grant_type=client_credentials``; it lives two
days, longer than any pull). ``GET /v2/conversations?status=all&embed=threads``
``&modifiedSince=…&sortField=modifiedAt&sortOrder=desc&page=N`` lists every conversation
changed since the last pull, spam and deleted ones included, 25 a page, threads embedded.

Newest first on purpose: a conversation that changes during the pull moves to page 1, which
was already read, so later pages shift *down* (some are read twice, harmlessly) and none is
skipped; the conversation that changed is pulled next time, since the next pull starts at the
server's time (its ``Date`` header, less a margin) when this one began.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from sddkit.tickets.pull import Page
from sddkit.tickets.pull.http import HttpClient, PullError, Response, RetryPolicy

TOKEN = "/v2/oauth2/token"
CONVERSATIONS = "/v2/conversations"
ENV_HINT = "SDDKIT_HELPSCOUT_APP_ID and SDDKIT_HELPSCOUT_APP_SECRET"
MARGIN = timedelta(minutes=5)  # the server's clock may run ahead of its index
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


@dataclass
class HelpScoutSource:
    client: HttpClient
    account: str
    since: datetime
    app_id: str
    app_secret: str
    name: str = "helpscout"
    format: str = "helpscout"

    def pages(self, position: str | None) -> Iterator[Page]:
        state = _state(position, self.since)
        self.authorize()
        while True:
            response = self.client.get(CONVERSATIONS, self._params(state))
            if state["upto"] is None:
                state["upto"] = _stamp(_server_time(response) - MARGIN)
            data = response.data
            if not isinstance(data, Mapping):
                raise PullError(f"helpscout: GET {CONVERSATIONS}: unexpected response")
            embedded = data.get("_embedded") or {}
            found = embedded.get("conversations") if isinstance(embedded, Mapping) else None
            records = [c for c in found or [] if isinstance(c, Mapping)]
            more = _has_next(data)
            if more:
                state["page"] += 1
            else:  # done: the next pull starts where this one began
                state = {"since": state["upto"], "page": 1, "upto": None}
            yield Page(records, json.dumps(state, sort_keys=True), not more)
            if not more:
                return

    def _params(self, state: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "status": "all", "embed": "threads", "modifiedSince": state["since"],
            "sortField": "modifiedAt", "sortOrder": "desc", "page": state["page"],
        }  # fmt: skip

    def authorize(self) -> None:
        form = urlencode({"grant_type": "client_credentials", "client_id": self.app_id,
                          "client_secret": self.app_secret})  # fmt: skip
        self.client.headers.pop("Authorization", None)
        response = self.client.request(
            "POST", TOKEN, body=form, content_type="application/x-www-form-urlencoded"
        )
        token = response.data.get("access_token") if isinstance(response.data, Mapping) else None
        if response.status == 404 or not isinstance(token, str) or not token:
            raise PullError(f"helpscout: POST {TOKEN}: no access token in the response")
        self.client.headers["Authorization"] = f"Bearer {token}"


def _state(position: str | None, since: datetime) -> dict[str, Any]:
    if not position:
        return {"since": _stamp(since), "page": 1, "upto": None}
    try:
        state = json.loads(position)
        return {"since": str(state["since"]), "page": int(state["page"]), "upto": state["upto"]}
    except (ValueError, TypeError, KeyError):
        raise PullError(f"helpscout: the saved position is unreadable: {position!r}") from None


def _has_next(data: Mapping[str, Any]) -> bool:
    links = data.get("_links")
    if isinstance(links, Mapping) and "next" in links:
        return True
    page = data.get("page")
    if isinstance(page, Mapping):
        number, total = page.get("number"), page.get("totalPages")
        return isinstance(number, int) and isinstance(total, int) and number < total
    return False


def _server_time(response: Response) -> datetime:
    try:
        return parsedate_to_datetime(response.headers["date"]).astimezone(UTC)
    except (KeyError, TypeError, ValueError):
        raise PullError(
            "helpscout: the response has no Date header to start the next pull at"
        ) from None


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_STAMP)


def from_env(env: Mapping[str, str], since: datetime, retry: RetryPolicy | None) -> HelpScoutSource:
    """``SDDKIT_HELPSCOUT_APP_ID`` and ``SDDKIT_HELPSCOUT_APP_SECRET`` (Your Profile → My Apps
    → Create My App); ``SDDKIT_HELPSCOUT_URL`` replaces https://api.helpscout.net."""
    app_id = env.get("SDDKIT_HELPSCOUT_APP_ID", "").strip()
    secret = env.get("SDDKIT_HELPSCOUT_APP_SECRET", "").strip()
    if not (app_id and secret):
        raise PullError(f"helpscout: set {ENV_HINT}")
    base = env.get("SDDKIT_HELPSCOUT_URL", "").strip() or "https://api.helpscout.net"
    client = HttpClient(base, {}, vendor="helpscout", hint=ENV_HINT, retry=retry)
    # Positions are kept per app; its id is stored only as a digest.
    account = "app-" + hashlib.sha256(app_id.encode()).hexdigest()[:12]
    return HelpScoutSource(client, account, since, app_id, secret)
