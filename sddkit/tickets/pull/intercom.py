"""Intercom: conversations changed since the last pull, each with its parts (REST API 2.x).

``POST /conversations/search`` with ``updated_at > …``, sorted by ``updated_at`` ascending,
150 a page, finds what changed; search results carry no ``conversation_parts``, so each
conversation is read whole with ``GET /conversations/{id}``. ``GET /admins`` turns teammate
ids into e-mails. Pages are walked by keyset on ``updated_at`` (Unix seconds): each request
starts at the newest change seen (repeats skipped); only a page of one second goes on with
the ``starting_after`` cursor. A conversation changing mid-pull therefore moves ahead of the
keyset and is read later in the same pull, never skipped; within one second, the page before
each page is read again, catching what a deletion or change shifted back, and on leaving that
second it is walked again from its start until two walks agree (`_second_again`), the keyset
going on from the second after (the page read from the last cursor may have skipped some).
A saved cursor the API refuses
(HTTP 400, e.g. expired between runs) is dropped and that second searched again from its start.

``GET /conversations/{id}`` returns at most 500 parts (``conversation_parts.total_count`` has
the real number); a longer conversation is stored with those and counted in the run's summary.
Deleted conversations leave the search; `gone` lists every conversation id and asks about each
stored one that is missing (404: deleted).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sddkit.tickets.people import PERSON, People
from sddkit.tickets.pull import Known, Page, unknown
from sddkit.tickets.pull.fetch import fetch_all
from sddkit.tickets.pull.http import HttpClient, PullError, RetryPolicy, said
from sddkit.tickets.pull.keyset import Handed
from sddkit.tickets.pull.pacing import Limits, PacerFor

SEARCH = "/conversations/search"
CONVERSATION = "/conversations/{id}"
API_VERSION = "2.11"
ENV_HINT = "SDDKIT_INTERCOM_TOKEN"
# 10,000 calls a minute per app, counted in 10-second windows (X-RateLimit-Limit: 1,666).
LIMITS = Limits(per_minute=10_000, header_window_s=10.0)
MAX_WALKS = 10  # walks of one second by cursor, until two agree (`_second_again`)


@dataclass
class IntercomSource:
    client: HttpClient
    account: str
    since: datetime
    per_page: int = 150
    workers: int = 32  # conversation reads in flight: 10,000 a minute at ~150 ms each
    name: str = "intercom"
    format: str = "intercom"
    _refused_at: int | None = field(default=None, init=False)  # the second a cursor failed

    def pages(self, position: str | None, known: Known = unknown) -> Iterator[Page]:
        state = _state(position, self.since)
        people = self._admins()
        handed = Handed(_key)
        second: set[str] = set()  # the conversations a walk by cursor saw in its second
        while True:
            batch, cursor = self._search(state)
            if state["after"]:
                # Walking one second by cursor: a conversation read, then deleted or changed,
                # shifts the rest back onto the page before; read it again.
                batch = self._again(state) + batch
            stamps = [c["updated_at"] for c in batch if isinstance(c.get("updated_at"), int)]
            newest = max(stamps, default=state["since"])
            second |= {str(c.get("id")) for c in batch if c.get("updated_at") == state["since"]}
            if cursor is None or newest > state["since"]:
                since = newest
                if state["after"]:
                    # Leaving a second walked by cursor: that page came from an offset, which
                    # a shift may have carried past conversations of the next seconds too;
                    # the keyset goes on from the second after (at the end: the next pull
                    # starts at that second, as it starts at the newest one).
                    batch = self._second_again(state["since"], second) + batch
                    since = state["since"] + (0 if cursor is None else 1)
                second = set()
                state = {"since": since, "after": None, "before": None}
            else:  # a whole page of one second: go on with the cursor
                state = {"since": state["since"], "after": cursor, "before": state["after"]}
            fresh = handed.fresh(batch)
            handed.forget_before(state["since"])
            versions = {str(c.get("id")): str(c.get("updated_at")) for c in fresh}
            stored = known(list(versions))
            changed = [key for key, version in versions.items() if stored.get(key) != version]
            found = fetch_all(self.client, changed, _conversation, self.workers)
            records = [r for r in found if r]
            cut = [_cut(r) for r in records]
            notes = tuple(note for note in cut if note)
            last = cursor is None
            yield Page(
                records, json.dumps(state, sort_keys=True), last, people, notes,
                {key: versions[key] for key in changed}, len(notes),
            )  # fmt: skip
            if last:
                return

    def gone(self, stored: Collection[str]) -> list[str]:
        listed: set[str] = set()
        after: str | None = None
        while True:
            batch, after = self._find(
                {"field": "created_at", "operator": ">", "value": 0}, "created_at", after
            )
            listed.update(str(c.get("id")) for c in batch)
            if after is None:
                break
        missing = sorted(set(stored) - listed)  # a conversation deleted mid-listing: ask each
        return [i for i in missing if self.client.get(CONVERSATION.format(id=i)).status == 404]

    def _search(self, state: dict[str, Any]) -> tuple[list[Mapping[str, Any]], str | None]:
        query = {"field": "updated_at", "operator": ">", "value": state["since"] - 1}
        try:
            found = self._find(query, "updated_at", state["after"])
        except _RefusedCursor as refused:
            if self._refused_at == state["since"]:
                raise PullError(
                    f"intercom: POST {SEARCH}: HTTP 400{refused.args[0]}: the search cursor"
                    " was refused again"
                ) from None
            self._refused_at = state["since"]
            state["after"] = None  # searched again from the start of that second
            return self._find(query, "updated_at", None)
        self._refused_at = None
        return found

    def _again(self, state: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """The page before the one `state["after"]` starts (none if its cursor is refused)."""
        query = {"field": "updated_at", "operator": ">", "value": state["since"] - 1}
        try:
            return self._find(query, "updated_at", state["before"])[0]
        except _RefusedCursor:
            return []

    def _second_again(self, moment: int, seen: set[str]) -> list[Mapping[str, Any]]:
        """The conversations of second `moment`, walked again from its start until two walks
        (the first: the walk by cursor that saw `seen`) see the same ones. Conversations of a
        past second only leave it (deleted, or changed and so moved ahead), and one left
        behind a cursor shifts one not read yet back past it: a walk that lost one was
        followed by a walk missing the one that left. Re-reading the page before each page
        catches one shift a page, not two (a deletion and a change among one page's
        conversations)."""
        query = {"field": "updated_at", "operator": ">", "value": moment - 1}
        found: dict[str, Mapping[str, Any]] = {}
        for _ in range(MAX_WALKS):
            walked: set[str] = set()
            after: str | None = None
            try:
                while True:
                    batch, after = self._find(query, "updated_at", after)
                    here = [c for c in batch if c.get("updated_at") == moment]
                    found.update((str(c.get("id")), c) for c in here)
                    walked.update(str(c.get("id")) for c in here)
                    if after is None or len(here) < len(batch):
                        break
            except _RefusedCursor:
                continue  # walked again from the start
            if walked == seen:
                break
            seen = walked
        return list(found.values())

    def _find(
        self, query: Mapping[str, Any], sort: str, after: str | None
    ) -> tuple[list[Mapping[str, Any]], str | None]:
        """One page of a search, ascending by `sort`: (conversations, the next cursor)."""
        pagination: dict[str, Any] = {"per_page": self.per_page}
        if after:
            pagination["starting_after"] = after
        body = {"query": query, "sort": {"field": sort, "order": "ascending"},
                "pagination": pagination}  # fmt: skip
        response = self.client.request("POST", SEARCH, body=body, allow=(400,) if after else ())
        if response.status == 400:
            raise _RefusedCursor(said(response.data))
        data = response.data
        found = data.get("conversations") if isinstance(data, Mapping) else None
        if not isinstance(found, list):
            raise PullError(f"intercom: POST {SEARCH}: unexpected response: no conversations")
        pages = data.get("pages") if isinstance(data, Mapping) else None
        following = pages.get("next") if isinstance(pages, Mapping) else None
        cursor = following.get("starting_after") if isinstance(following, Mapping) else None
        batch = [c for c in found if isinstance(c, Mapping)]
        return batch, cursor if isinstance(cursor, str) and cursor else None

    def conversation(self, conversation_id: Any) -> Mapping[str, Any] | None:
        """The whole conversation (None once deleted); `sddkit followup` reads it too."""
        return _conversation(self.client, conversation_id)

    def _admins(self) -> People:
        people = People()
        data = self.client.get("/admins").data
        admins = data.get("admins") if isinstance(data, Mapping) else None
        for admin in admins if isinstance(admins, list) else []:
            if isinstance(admin, Mapping):
                people.add(PERSON, admin)
        return people


def _conversation(client: HttpClient, conversation_id: Any) -> Mapping[str, Any] | None:
    response = client.get(CONVERSATION.format(id=conversation_id))
    if response.status == 404:  # deleted since the search
        return None
    if not isinstance(response.data, Mapping):
        raise PullError("intercom: GET /conversations/{id}: unexpected response")
    return response.data


class _RefusedCursor(Exception):
    """The API answered 400 to a search that carried a cursor."""


def _cut(conversation: Mapping[str, Any]) -> str | None:
    """A note when the API returned fewer parts than the conversation has (500 at most)."""
    parts = conversation.get("conversation_parts")
    if not isinstance(parts, Mapping):
        return None
    total, given = parts.get("total_count"), parts.get("conversation_parts")
    if not isinstance(total, int) or not isinstance(given, list) or total <= len(given):
        return None
    return (
        f"intercom: conversation {conversation.get('id')} has {total} parts; the API returns"
        f" {len(given)}, the other {total - len(given)} are not stored"
    )


def _key(conversation: Mapping[str, Any]) -> tuple[Any, float] | None:
    stamp = conversation.get("updated_at")
    return (conversation.get("id"), float(stamp)) if isinstance(stamp, int) else None


def _state(position: str | None, since: datetime) -> dict[str, Any]:
    if not position:
        return {"since": int(since.timestamp()), "after": None, "before": None}
    try:
        state = json.loads(position)
        return {"since": int(state["since"]), "after": state["after"],
                "before": state.get("before")}  # fmt: skip
    except (ValueError, TypeError, KeyError):
        raise PullError(f"intercom: the saved position is unreadable: {position!r}") from None


def from_env(
    env: Mapping[str, str],
    since: datetime,
    retry: RetryPolicy | None,
    pacer: PacerFor | None = None,
) -> IntercomSource:
    """``SDDKIT_INTERCOM_TOKEN`` (Developer Hub → your app → Authentication → access token);
    ``SDDKIT_INTERCOM_URL`` replaces https://api.intercom.io (EU: https://api.eu.intercom.io,
    Australia: https://api.au.intercom.io)."""
    token = env.get("SDDKIT_INTERCOM_TOKEN", "").strip()
    if not token:
        raise PullError(f"intercom: set {ENV_HINT}")
    base = env.get("SDDKIT_INTERCOM_URL", "").strip() or "https://api.intercom.io"
    headers = {"Authorization": f"Bearer {token}", "Intercom-Version": API_VERSION}
    client = HttpClient(
        base, headers, vendor="intercom", hint=ENV_HINT, retry=retry,
        pacer=pacer(LIMITS) if pacer else None,
    )  # fmt: skip
    # Positions are kept per workspace token; the token is stored only as a digest.
    account = "token-" + hashlib.sha256(token.encode()).hexdigest()[:12]
    return IntercomSource(client, account, since)
