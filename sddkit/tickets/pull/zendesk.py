"""Zendesk: the cursor-based Incremental Ticket Export, with each ticket's comments.

``GET /api/v2/incremental/tickets/cursor.json?start_time=…`` (first run) or ``?cursor=…``
(afterwards), with ``include=users,organizations,metric_sets``: up to 1,000 tickets a page,
oldest change first, deleted tickets included (status ``deleted``). ``after_cursor`` is where the
next page starts; with ``end_of_stream: true`` it is where the next run starts. The
conversation comes from ``GET /api/v2/tickets/{id}/comments.json`` (cursor-paginated; a
deleted ticket has none). Each ticket is handed to the Zendesk importer with its
``metric_set`` and ``comments`` merged in.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sddkit.tickets.people import ORGANIZATION, PERSON, People
from sddkit.tickets.pull import Page
from sddkit.tickets.pull.http import HttpClient, PullError, RetryPolicy

EXPORT = "/api/v2/incremental/tickets/cursor.json"
COMMENTS = "/api/v2/tickets/{id}/comments.json"
SIDELOADS = "users,organizations,metric_sets"
ENV_HINT = "SDDKIT_ZENDESK_EMAIL and SDDKIT_ZENDESK_TOKEN (or SDDKIT_ZENDESK_OAUTH_TOKEN)"
CURSOR, START = "cursor=", "start_time="


@dataclass
class ZendeskSource:
    client: HttpClient
    account: str
    since: datetime  # where a first pull starts
    per_page: int = 1000
    name: str = "zendesk"
    format: str = "zendesk"

    def pages(self, position: str | None) -> Iterator[Page]:
        position = position or f"{START}{int(self.since.timestamp())}"
        while True:
            key, _, value = position.partition("=")
            params = {key: value, "include": SIDELOADS, "per_page": self.per_page}
            data = _object(self.client.get(EXPORT, params).data, "tickets")
            tickets = [t for t in data["tickets"] if isinstance(t, Mapping)]
            metrics = {
                m.get("ticket_id"): m for m in _list(data, "metric_sets") if isinstance(m, Mapping)
            }
            records = [self._record(t, metrics.get(t.get("id"))) for t in tickets]
            after = data.get("after_cursor")
            position = f"{CURSOR}{after}" if isinstance(after, str) and after else position
            last = data.get("end_of_stream") is True
            yield Page(records, position, last, _people(data))
            if last:
                return

    def _record(self, ticket: Mapping[str, Any], metrics: Any) -> Mapping[str, Any]:
        record = dict(ticket)
        if metrics is not None and "metric_set" not in record:
            record["metric_set"] = metrics
        if record.get("status") != "deleted":  # a deleted ticket's comments are gone (404)
            comments = self.comments(record.get("id"))
            if comments is not None:
                record["comments"] = comments
        return record

    def comments(self, ticket_id: Any) -> list[Any] | None:
        """All the ticket's comments, by cursor (``page[after]`` = ``meta.after_cursor``
        while ``meta.has_more``); the cursor, not ``links.next``, so a host-mapped domain
        whose links name the zendesk.com host works too. None when the ticket is gone."""
        comments: list[Any] = []
        params: dict[str, Any] = {"page[size]": 100}
        while True:
            response = self.client.get(COMMENTS.format(id=ticket_id), params)
            if response.status == 404:
                return None
            data = _object(response.data, "comments")
            comments.extend(data["comments"])
            meta = data.get("meta")
            after = meta.get("after_cursor") if isinstance(meta, Mapping) else None
            if not (isinstance(meta, Mapping) and meta.get("has_more") and after):
                return comments
            params = {"page[size]": 100, "page[after]": after}


def _object(data: Any, key: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get(key), list):
        raise PullError(f"zendesk: unexpected response: no {key!r} array")
    return data


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _people(data: Mapping[str, Any]) -> People:
    people = People()
    for key, kind in (("users", PERSON), ("organizations", ORGANIZATION)):
        for item in _list(data, key):
            if isinstance(item, Mapping):
                people.add(kind, item)
    return people


def from_env(env: Mapping[str, str], since: datetime, retry: RetryPolicy | None) -> ZendeskSource:
    """Credentials from ``SDDKIT_ZENDESK_*``: SUBDOMAIN (or URL, e.g. a test server or a host
    mapped domain), and EMAIL + TOKEN (API token) or OAUTH_TOKEN."""
    subdomain = env.get("SDDKIT_ZENDESK_SUBDOMAIN", "").strip()
    url = env.get("SDDKIT_ZENDESK_URL", "").strip()
    if not (subdomain or url):
        raise PullError("zendesk: set SDDKIT_ZENDESK_SUBDOMAIN (or SDDKIT_ZENDESK_URL)")
    base = url or f"https://{subdomain}.zendesk.com"
    oauth = env.get("SDDKIT_ZENDESK_OAUTH_TOKEN", "")
    email, token = env.get("SDDKIT_ZENDESK_EMAIL", ""), env.get("SDDKIT_ZENDESK_TOKEN", "")
    if oauth:
        authorization = f"Bearer {oauth}"
    elif email and token:
        pair = f"{email}/token:{token}".encode()
        authorization = f"Basic {base64.b64encode(pair).decode()}"
    else:
        raise PullError(f"zendesk: set {ENV_HINT}")
    client = HttpClient(
        base, {"Authorization": authorization}, vendor="zendesk", hint=ENV_HINT, retry=retry
    )
    return ZendeskSource(client, subdomain or str(urlsplit(base).netloc), since)
