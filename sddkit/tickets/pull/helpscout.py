"""Help Scout: Mailbox API 2.0 conversations with their threads (OAuth2 client credentials).

A token comes from ``POST /v2/oauth2/token`` (``grant_type=client_credentials``); it is
fetched again before it expires (``expires_in``) and whenever a request is refused with 401.
``GET /v2/conversations?status=all&embed=threads&modifiedSince=…&sortField=modifiedAt``
``&sortOrder=asc`` lists every conversation changed since, oldest change first, spam included,
threads embedded. Chat threads come truncated that way, as documented, so a chat's threads are
read whole from ``GET /v2/conversations/{id}/threads``.

The walk is by *keyset*, never by page number alone: each request starts again at the change
time of the last conversation read (``modifiedAt`` where the API gives it, else
``userUpdatedAt``, which never runs ahead of it), less a second, repeats skipped. A conversation
deleted or changed on a page already read therefore shifts nothing still to come (a changed
one moves to the end and is read again), and a killed pull resumes at its keyset. Only when a
whole page shares one time does the walk go on by page number within it, reading that time's
earlier pages again before each: what deletions or changes shifted back is read there.

Deleted and merged conversations leave the list; `gone` lists the ids of every conversation
and asks about each stored one that is missing (``GET /v2/conversations/{id}``: 404 deleted,
301 merged into another).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

from sddkit.tickets.pull import Known, Page, iso_time, unknown
from sddkit.tickets.pull.fetch import fetch_all
from sddkit.tickets.pull.http import HttpClient, PullError, Response, RetryPolicy
from sddkit.tickets.pull.keyset import Handed
from sddkit.tickets.pull.pacing import Limits, PacerFor

TOKEN = "/v2/oauth2/token"
CONVERSATIONS = "/v2/conversations"
THREADS = "/v2/conversations/{id}/threads"
ENV_HINT = "SDDKIT_HELPSCOUT_APP_ID and SDDKIT_HELPSCOUT_APP_SECRET"
MARGIN = timedelta(minutes=5)  # the server's clock may run ahead of its index
LIMITS = Limits(per_minute=200)  # the Standard plan; X-RateLimit-Limit-Minute says the real one
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
    workers: int = 2  # thread requests in flight (chats only): 200 a minute at ~300 ms each
    clock: Callable[[], float] = time.monotonic
    _expires_at: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        self.client.refresh = self._fetch_token

    def pages(self, position: str | None, known: Known = unknown) -> Iterator[Page]:
        state = _state(position, self.since)
        handed = Handed(_key)
        while True:
            response = self._get(CONVERSATIONS, self._params(state))
            batch, more = _conversations(response.data)
            if state["page"] > 1:
                # Walking one time by page number: each conversation read, then deleted or
                # changed, shifts the rest back by one; several by more than a page. Read
                # that time's earlier pages again, from its first.
                earlier = [
                    _conversations(
                        self._get(CONVERSATIONS, self._params({**state, "page": p})).data
                    )[0]
                    for p in range(1, state["page"])
                ]
                batch = [c for page in earlier for c in page] + batch
            fresh = handed.fresh(batch)
            state = _advance(state, batch, more, _server_time(response))
            handed.forget_before(_epoch(state["since"]))
            versions = {str(c.get("id")): _version(c) for c in fresh}
            stored = known(list(versions))
            changed = [
                c for c in fresh if stored.get(str(c.get("id"))) != versions[str(c.get("id"))]
            ]
            records = fetch_all(self.client, changed, self._whole, self.workers)
            kept = {str(c.get("id")): versions[str(c.get("id"))] for c in changed}
            yield Page(records, json.dumps(state, sort_keys=True), not more, versions=kept)
            if not more:
                return

    def gone(self, stored: Collection[str]) -> list[str]:
        listed: set[str] = set()
        page = 1
        while True:
            data = self._get(CONVERSATIONS, {"status": "all", "sortField": "createdAt",
                                             "sortOrder": "asc", "page": page}).data  # fmt: skip
            batch, more = _conversations(data)
            listed.update(str(c.get("id")) for c in batch)
            if not more:
                break
            page += 1
        # A page shifted by a deletion during the listing can hide a live one: ask each.
        missing = sorted(set(stored) - listed)
        return [i for i in missing if self._gone_one(i)]

    def _gone_one(self, conversation_id: str) -> bool:
        response = self._get(f"{CONVERSATIONS}/{conversation_id}", allow=(404,))
        return response.status in (301, 302, 404)

    def _params(self, state: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "status": "all", "embed": "threads", "modifiedSince": state["since"],
            "sortField": "modifiedAt", "sortOrder": "asc", "page": state["page"],
        }  # fmt: skip

    def _whole(self, client: HttpClient, conversation: Mapping[str, Any]) -> Mapping[str, Any]:
        """The conversation with every thread whole: a chat's from the threads endpoint."""
        if conversation.get("type") != "chat":
            return conversation
        threads: list[Any] = []
        page = 1
        while True:
            path = THREADS.format(id=conversation.get("id"))
            response = self._get(path, {"page": page}, allow=(404,), client=client)
            if response.status == 404:
                return conversation  # deleted since it was listed: keep what the list said
            found = response.data.get("_embedded") if isinstance(response.data, Mapping) else None
            items = found.get("threads") if isinstance(found, Mapping) else None
            threads.extend(t for t in items or [] if isinstance(t, Mapping))
            if not _has_next(response.data):
                break
            page += 1
        return {**conversation, "_embedded": {**_embedded(conversation), "threads": threads}}

    def _get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        allow: tuple[int, ...] = (),
        client: HttpClient | None = None,
    ) -> Response:
        self.authorize()
        return (client or self.client).get(path, params, allow=allow)

    def authorize(self) -> None:
        """A token for the client's requests, fetched when none is held or the one held is
        about to expire (`sddkit followup` writes with it too)."""
        if self.clock() >= self._expires_at:
            self._fetch_token()

    def _fetch_token(self) -> None:
        form = urlencode({"grant_type": "client_credentials", "client_id": self.app_id,
                          "client_secret": self.app_secret})  # fmt: skip
        anonymous = self.client.clone()  # other workers keep the shared headers meanwhile
        anonymous.headers = {k: v for k, v in self.client.headers.items() if k != "Authorization"}
        anonymous.refresh = None
        response = anonymous.request(
            "POST", TOKEN, body=form, content_type="application/x-www-form-urlencoded",
            allow=(400, 401, 404),
        )  # fmt: skip
        data = response.data if isinstance(response.data, Mapping) else {}
        if response.status in (400, 401):
            said = data.get("error_description") or data.get("error") or "refused"
            raise PullError(
                f"helpscout: POST {TOKEN}: HTTP {response.status}: {' '.join(str(said).split())}:"
                f" the app credentials were refused; check {ENV_HINT}"
            )
        token = data.get("access_token")
        if response.status == 404 or not isinstance(token, str) or not token:
            raise PullError(f"helpscout: POST {TOKEN}: no access token in the response")
        anonymous.close()
        self.client.headers["Authorization"] = f"Bearer {token}"
        lifetime = data.get("expires_in")
        seconds = float(lifetime) if isinstance(lifetime, int | float) else 7200.0
        self._expires_at = self.clock() + max(seconds - 300.0, seconds / 2)


def _conversations(data: Any) -> tuple[list[Mapping[str, Any]], bool]:
    if not isinstance(data, Mapping):
        raise PullError(f"helpscout: GET {CONVERSATIONS}: unexpected response")
    found = _embedded(data).get("conversations")
    return [c for c in found or [] if isinstance(c, Mapping)], _has_next(data)


def _embedded(data: Mapping[str, Any]) -> Mapping[str, Any]:
    embedded = data.get("_embedded")
    return embedded if isinstance(embedded, Mapping) else {}


def _advance(
    state: dict[str, Any], batch: list[Mapping[str, Any]], more: bool, server: datetime
) -> dict[str, Any]:
    """The keyset after `batch`: a second before the last conversation's change time; the
    next page of the same keyset when that is no step forward. At the end, the next pull
    starts there too, but never after the server's clock less `MARGIN`."""
    last = iso_time(_change(batch[-1])) if batch else None
    current = iso_time(state["since"])
    if not more:
        ends = [t - timedelta(seconds=1) for t in (last,) if t is not None]
        upto = min([*ends, server - MARGIN])
        return {"since": _stamp(max(upto, current) if current else upto), "page": 1}
    if last is not None and current is not None and last - timedelta(seconds=1) > current:
        return {"since": _stamp(last - timedelta(seconds=1)), "page": 1}
    return {**state, "page": state["page"] + 1}


def _change(conversation: Mapping[str, Any]) -> Any:
    return conversation.get("modifiedAt") or conversation.get("userUpdatedAt")


def _key(conversation: Mapping[str, Any]) -> tuple[Any, float] | None:
    """(id and version, change time): a conversation changed without a new ``userUpdatedAt``
    (a customer's reply) is not taken for one already handed on."""
    moment = iso_time(_change(conversation))
    identity = f"{conversation.get('id')}:{_version(conversation)}"
    return (identity, moment.timestamp()) if moment else None


def _version(conversation: Mapping[str, Any]) -> str:
    """What changes whenever the conversation does: a digest of it as listed."""
    text = json.dumps(conversation, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _state(position: str | None, since: datetime) -> dict[str, Any]:
    if not position:
        return {"since": _stamp(since), "page": 1}
    try:
        state = json.loads(position)
        return {"since": str(state["since"]), "page": int(state["page"])}
    except (ValueError, TypeError, KeyError):
        raise PullError(f"helpscout: the saved position is unreadable: {position!r}") from None


def _has_next(data: Any) -> bool:
    if not isinstance(data, Mapping):
        return False
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


def _epoch(value: str) -> float:
    moment = iso_time(value)
    return moment.timestamp() if moment else 0.0


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(_STAMP)


def from_env(
    env: Mapping[str, str],
    since: datetime,
    retry: RetryPolicy | None,
    pacer: PacerFor | None = None,
) -> HelpScoutSource:
    """``SDDKIT_HELPSCOUT_APP_ID`` and ``SDDKIT_HELPSCOUT_APP_SECRET`` (Your Profile → My Apps
    → Create My App); ``SDDKIT_HELPSCOUT_URL`` replaces https://api.helpscout.net."""
    app_id = env.get("SDDKIT_HELPSCOUT_APP_ID", "").strip()
    secret = env.get("SDDKIT_HELPSCOUT_APP_SECRET", "").strip()
    if not (app_id and secret):
        raise PullError(f"helpscout: set {ENV_HINT}")
    base = env.get("SDDKIT_HELPSCOUT_URL", "").strip() or "https://api.helpscout.net"
    client = HttpClient(
        base, {}, vendor="helpscout", hint=ENV_HINT, retry=retry,
        pacer=pacer(LIMITS) if pacer else None,
    )  # fmt: skip
    # Positions are kept per app; its id is stored only as a digest.
    account = "app-" + hashlib.sha256(app_id.encode()).hexdigest()[:12]
    return HelpScoutSource(client, account, since, app_id, secret)
