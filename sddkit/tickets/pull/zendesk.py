"""Zendesk: the cursor-based Incremental Ticket Export, with each ticket's comments.

``GET /api/v2/incremental/tickets/cursor.json?start_time=…`` (first run) or ``?cursor=…``
(afterwards), with ``include=users,organizations,metric_sets``: up to 1,000 tickets a page,
oldest change first, deleted tickets included (status ``deleted``). ``after_cursor`` is where the
next page starts; with ``end_of_stream: true`` it is where the next run starts. The
conversation comes from ``GET /api/v2/tickets/{id}/comments.json`` (cursor-paginated; a
deleted ticket has none). Each ticket is handed to the Zendesk importer with its
``metric_set`` and ``comments`` merged in.

An export page is stored in chunks of `chunk` tickets, each with its comments, so a killed pull
loses at most one chunk's work: the chunks before the page's last keep the page's own start as
their position, and on resuming the page's tickets already stored at their ``updated_at`` are
skipped without a request. A first ``start_time`` less than a minute ago is refused by the API
(``StartTimeTooRecent``), so it is moved back to a minute ago.
"""

from __future__ import annotations

import base64
import functools
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sddkit.tickets.people import ORGANIZATION, PERSON, People
from sddkit.tickets.pull import Known, Page, unknown
from sddkit.tickets.pull.fetch import fetch_all
from sddkit.tickets.pull.http import HttpClient, PullError, RetryPolicy
from sddkit.tickets.pull.pacing import Limits, PacerFor

EXPORT = "/api/v2/incremental/tickets/cursor.json"
COMMENTS = "/api/v2/tickets/{id}/comments.json"
SIDELOADS = "users,organizations,metric_sets"
ENV_HINT = "SDDKIT_ZENDESK_EMAIL and SDDKIT_ZENDESK_TOKEN (or SDDKIT_ZENDESK_OAUTH_TOKEN)"
CURSOR, START = "cursor=", "start_time="
# Enterprise's 700 a minute until X-Rate-Limit says the account's own; exports: 10 a minute.
LIMITS = Limits(per_minute=700, routes={EXPORT: 10})
TOO_RECENT_S = 61  # the export refuses a start_time less than a minute ago


@dataclass
class ZendeskSource:
    client: HttpClient
    account: str
    since: datetime  # where a first pull starts
    per_page: int = 1000
    chunk: int = 100  # tickets stored (with their comments) per transaction
    workers: int = 4  # comment requests in flight: 700 a minute at ~300 ms each
    name: str = "zendesk"
    format: str = "zendesk"
    clock: Callable[[], float] = time.time

    def pages(self, position: str | None, known: Known = unknown) -> Iterator[Page]:
        position = position or f"{START}{self._start()}"
        while True:
            key, _, value = position.partition("=")
            params = {key: value, "include": SIDELOADS, "per_page": self.per_page}
            data = _object(self.client.get(EXPORT, params).data, "tickets")
            tickets = [t for t in data["tickets"] if isinstance(t, Mapping)]
            metrics = {
                m.get("ticket_id"): m for m in _list(data, "metric_sets") if isinstance(m, Mapping)
            }
            after = data.get("after_cursor")
            following = f"{CURSOR}{after}" if isinstance(after, str) and after else position
            last = data.get("end_of_stream") is True
            people = _people(data)
            chunks = [tickets[i : i + self.chunk] for i in range(0, len(tickets), self.chunk)]
            for number, chunk in enumerate(chunks or [[]], start=1):
                final = number == max(len(chunks), 1)
                versions = {str(t.get("id")): str(t.get("updated_at")) for t in chunk}
                stored = known(list(versions))
                changed = [
                    t for t in chunk if stored.get(str(t.get("id"))) != versions[str(t.get("id"))]
                ]
                records = fetch_all(
                    self.client, changed, functools.partial(self._record, metrics=metrics),
                    self.workers,
                )  # fmt: skip
                yield Page(
                    records, following if final else position, last and final, people,
                    versions={str(t.get("id")): versions[str(t.get("id"))] for t in changed},
                )  # fmt: skip
            if last:
                return
            position = following

    def gone(self, stored: Collection[str]) -> list[str]:
        return []  # the export lists deleted tickets itself

    def _start(self) -> int:
        return min(int(self.since.timestamp()), int(self.clock()) - TOO_RECENT_S)

    def _record(
        self, client: HttpClient, ticket: Mapping[str, Any], *, metrics: Mapping[Any, Any]
    ) -> Mapping[str, Any]:
        record = dict(ticket)
        found = metrics.get(ticket.get("id"))
        if found is not None and "metric_set" not in record:
            record["metric_set"] = found
        if record.get("status") != "deleted":  # a deleted ticket's comments are gone (404)
            comments = self.comments(record.get("id"), client)
            if comments is not None:
                record["comments"] = comments
        return record

    def comments(self, ticket_id: Any, client: HttpClient | None = None) -> list[Any] | None:
        """All the ticket's comments, by cursor (``page[after]`` = ``meta.after_cursor``
        while ``meta.has_more``); the cursor, not ``links.next``, so a host-mapped domain
        whose links name the zendesk.com host works too. None when the ticket is gone.
        `client`: a worker's own connection (`fetch_all`); the source's by default."""
        client = client or self.client
        comments: list[Any] = []
        params: dict[str, Any] = {"page[size]": 100}
        while True:
            response = client.get(COMMENTS.format(id=ticket_id), params)
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


def from_env(
    env: Mapping[str, str],
    since: datetime,
    retry: RetryPolicy | None,
    pacer: PacerFor | None = None,
) -> ZendeskSource:
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
        base, {"Authorization": authorization}, vendor="zendesk", hint=ENV_HINT, retry=retry,
        pacer=pacer(LIMITS) if pacer else None,
    )  # fmt: skip
    return ZendeskSource(client, subdomain or str(urlsplit(base).netloc), since)
