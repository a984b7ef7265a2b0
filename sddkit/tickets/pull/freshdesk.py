"""Freshdesk: API v2 tickets changed since the last pull, with their conversations.

``GET /api/v2/tickets?updated_since=…&order_by=updated_at&order_type=asc&per_page=100``
``&include=description,requester,stats`` lists tickets oldest change first; the list leaves out
spam and deleted tickets, so two more streams ask for them (``filter=spam``, ``filter=deleted``)
and they are stored with that status. Pages are walked by *keyset*, not by page number: each
request starts at the last change seen (less a second, repeats skipped), so a ticket that
changes during the pull cannot shift a page and be missed, and the 300-page cap never bites.
Only a page of one second goes on by page number, reading that second's earlier pages again
each time.
Conversations come from ``GET /api/v2/tickets/{id}/conversations`` (``Link`` header pages);
agents and companies (``/api/v2/agents``, ``/api/v2/companies``) turn ids into names. A
ticket already stored at its ``updated_at`` (the keyset's overlap, a resumed page) costs no
conversation request.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sddkit.tickets.people import ORGANIZATION, PERSON, People
from sddkit.tickets.pull import Known, Page, iso_time, unknown
from sddkit.tickets.pull.fetch import fetch_all
from sddkit.tickets.pull.http import HttpClient, PullError, RetryPolicy
from sddkit.tickets.pull.keyset import Handed
from sddkit.tickets.pull.pacing import Limits, PacerFor

TICKETS = "/api/v2/tickets"
CONVERSATIONS = "/api/v2/tickets/{id}/conversations"
STREAMS = ("all", "spam", "deleted")  # "all" is the plain list; the others are filter=
INCLUDE = "description,requester,stats"
ENV_HINT = "SDDKIT_FRESHDESK_API_KEY"
_STAMP = "%Y-%m-%dT%H:%M:%SZ"
# Enterprise: 700 a minute until X-Ratelimit-Total says the account's own; the ticket list has
# its own limit (20 a minute on Growth, the lowest), far above what one list per 100 tickets needs.
LIMITS = Limits(per_minute=700, routes={TICKETS: 20})


@dataclass
class FreshdeskSource:
    client: HttpClient
    account: str
    since: datetime
    per_page: int = 100
    workers: int = 4  # conversation requests in flight: 700 a minute at ~300 ms each
    name: str = "freshdesk"
    format: str = "freshdesk"

    def pages(self, position: str | None, known: Known = unknown) -> Iterator[Page]:
        state = _state(position, self.since)
        people = self._people()
        for stream in STREAMS:
            handed = Handed(_key)
            while True:
                batch, more, notes = self._list(stream, state[stream])
                if state[stream]["page"] > 1:
                    # Walking one second by page number: each ticket read, then deleted or
                    # changed, shifts the rest back by one; several (on several pages) by
                    # more than a page. Read the second's pages before again, from its first.
                    earlier = [
                        self._list(stream, {**state[stream], "page": page})[0]
                        for page in range(1, state[stream]["page"])
                    ]
                    batch = [t for page in earlier for t in page] + batch
                fresh = handed.fresh(batch)
                state[stream] = _advance(state[stream], batch, more)
                since = iso_time(state[stream]["since"])
                handed.forget_before(since.timestamp() if since else 0.0)
                last = not more and stream == STREAMS[-1]
                versions = {str(t.get("id")): str(t.get("updated_at")) for t in fresh}
                stored = known(list(versions))
                changed = [
                    t for t in fresh if stored.get(str(t.get("id"))) != versions[str(t.get("id"))]
                ]
                records = fetch_all(self.client, changed, self._record, self.workers)
                kept = {str(t.get("id")): versions[str(t.get("id"))] for t in changed}
                yield Page(records, json.dumps(state, sort_keys=True), last, people, notes, kept)
                if not more:
                    break

    def gone(self, stored: Collection[str]) -> list[str]:
        return []  # the spam and deleted lists say it

    def _list(
        self, stream: str, keyset: dict[str, Any]
    ) -> tuple[list[Mapping[str, Any]], bool, tuple[str, ...]]:
        """One page of a stream: (tickets, more to come, notes). A spam or deleted list the
        helpdesk refuses (HTTP 400) is left out with a note rather than failing the pull."""
        params: dict[str, Any] = {
            "updated_since": keyset["since"], "order_by": "updated_at", "order_type": "asc",
            "per_page": self.per_page, "page": keyset["page"], "include": INCLUDE,
        }  # fmt: skip
        allow: tuple[int, ...] = (404,)
        if stream != "all":
            params["filter"] = stream
            allow = (400, 404)
        response = self.client.get(TICKETS, params, allow=allow)
        if response.status == 400:
            note = (
                f"freshdesk: the {stream} list was refused (HTTP 400); {stream} tickets not pulled"
            )
            return [], False, (note,)
        if not isinstance(response.data, list):
            raise PullError(f"freshdesk: GET {TICKETS}: unexpected response: not a list")
        batch = [t for t in response.data if isinstance(t, Mapping)]
        return batch, response.next_link() is not None, ()

    def _record(self, client: HttpClient, ticket: Mapping[str, Any]) -> Mapping[str, Any]:
        conversations = self.walk(CONVERSATIONS.format(id=ticket.get("id")), client)
        return {**ticket, "conversations": conversations} if conversations else ticket

    def _people(self) -> People:
        people = People()
        for path, kind in (("/api/v2/agents", PERSON), ("/api/v2/companies", ORGANIZATION)):
            for item in self.walk(path):
                if isinstance(item, Mapping):
                    people.add(kind, item)
        return people

    def walk(self, path: str, client: HttpClient | None = None) -> list[Any]:
        """Every element of a paginated list: pages 1, 2… while the response has a
        ``Link: <…>; rel="next"`` header (counted here rather than followed, so a proxy or
        custom domain in front of Freshdesk works too); [] on a 404. `client`: a worker's own
        connection (`fetch_all`); the source's by default."""
        client = client or self.client
        items: list[Any] = []
        page = 1
        while True:
            response = client.get(path, {"per_page": 100, "page": page})
            if response.status == 404:
                return []
            if not isinstance(response.data, list):
                raise PullError(f"freshdesk: GET {path}: unexpected response: not a list")
            items.extend(response.data)
            if response.next_link() is None:
                return items
            page += 1


def _state(position: str | None, since: datetime) -> dict[str, dict[str, Any]]:
    start = {"since": since.astimezone(UTC).strftime(_STAMP), "page": 1}
    state = {stream: dict(start) for stream in STREAMS}
    if position:
        try:
            saved = json.loads(position)
            state.update({k: saved[k] for k in STREAMS if k in saved})
        except (ValueError, TypeError, KeyError):
            raise PullError(f"freshdesk: the saved position is unreadable: {position!r}") from None
    return state


def _advance(keyset: dict[str, Any], batch: list[Mapping[str, Any]], more: bool) -> dict[str, Any]:
    """Start the next request a second before the last change seen (Freshdesk's times are to
    the second); if that is no step forward (a page of one second), go to the next page."""
    stamps = [iso_time(t.get("updated_at")) for t in batch]
    known = [stamp for stamp in stamps if stamp is not None]
    if not known:
        return keyset if not more else {**keyset, "page": keyset["page"] + 1}
    newest = max(known) - timedelta(seconds=1)
    current = iso_time(keyset["since"])
    if current is None or newest > current:
        return {"since": newest.astimezone(UTC).strftime(_STAMP), "page": 1}
    return {**keyset, "page": keyset["page"] + 1} if more else {**keyset, "page": 1}


def _key(ticket: Mapping[str, Any]) -> tuple[Any, float] | None:
    moment = iso_time(ticket.get("updated_at"))
    return (ticket.get("id"), moment.timestamp()) if moment else None


def from_env(
    env: Mapping[str, str],
    since: datetime,
    retry: RetryPolicy | None,
    pacer: PacerFor | None = None,
) -> FreshdeskSource:
    """``SDDKIT_FRESHDESK_DOMAIN`` (``acme`` or ``acme.freshdesk.com``) or
    ``SDDKIT_FRESHDESK_URL``, and ``SDDKIT_FRESHDESK_API_KEY`` (Profile settings → API key)."""
    domain = env.get("SDDKIT_FRESHDESK_DOMAIN", "").strip()
    url = env.get("SDDKIT_FRESHDESK_URL", "").strip()
    if not (domain or url):
        raise PullError("freshdesk: set SDDKIT_FRESHDESK_DOMAIN (or SDDKIT_FRESHDESK_URL)")
    if domain and "." not in domain:
        domain = f"{domain}.freshdesk.com"
    key = env.get("SDDKIT_FRESHDESK_API_KEY", "")
    if not key:
        raise PullError(f"freshdesk: set {ENV_HINT}")
    authorization = f"Basic {base64.b64encode(f'{key}:X'.encode()).decode()}"
    client = HttpClient(
        url or f"https://{domain}", {"Authorization": authorization}, vendor="freshdesk",
        hint=ENV_HINT, retry=retry, pacer=pacer(LIMITS) if pacer else None,
    )  # fmt: skip
    return FreshdeskSource(client, domain or client.netloc, since)
