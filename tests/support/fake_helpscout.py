"""A fake Help Scout Mailbox API 2.0 on loopback, answering as the documentation describes.

- ``POST /v2/oauth2/token`` (form ``grant_type=client_credentials``, ``client_id``,
  ``client_secret``): ``{"token_type": "bearer", "access_token": …, "expires_in": 172800}``;
  401 ``invalid_client`` otherwise. Every other call needs ``Authorization: Bearer <token>``.
- ``GET /v2/conversations``: ``status`` (default ``active``; ``all`` is every status),
  ``modifiedSince``, ``sortField`` (``createdAt`` | ``modifiedAt``), ``sortOrder`` (default
  ``desc``), ``page``; 25 conversations a page; ``embed=threads`` embeds each conversation's
  threads (a chat's bodies truncated to `CHAT_EMBED` characters, as documented); HAL
  ``_embedded.conversations``, ``_links`` (``next`` while more pages exist) and ``page``
  (size, totalElements, totalPages, number). A conversation's ``userUpdatedAt`` is its
  modification time (every change here is a user's).
- ``GET /v2/conversations/{id}``: the conversation; 404 once deleted, 301 once merged.
- ``GET /v2/conversations/{id}/threads``: every thread whole, 25 a page.
- ``POST /v2/conversations/{id}/notes`` (``text``) and ``/reply`` (``text`` and ``customer``
  ``{id | email}``, required): a new thread (``note`` / ``message``), 201 with its id in
  ``Resource-ID`` and no body.
- `expire_token()`: the token stops working (401) until a new one is fetched.
- Each response's ``Date`` header is the fake's clock `now`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.support.fake_http import Answer, Fault, RateLimiter, scripted

PAGE_SIZE = 25
CHAT_EMBED = 197  # characters of a chat thread's body that embed=threads keeps


@dataclass
class FakeHelpScout:
    app_id: str = "hs-app-id"
    app_secret: str = "hs-app-secret"
    token: str = "hs-access-token"
    now: datetime = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    conversations: dict[int, dict[str, Any]] = field(default_factory=dict)
    modified: dict[int, str] = field(default_factory=dict)  # id -> modifiedAt
    merged: dict[int, int] = field(default_factory=dict)  # merged id -> the one it went into
    faults: list[Fault] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    written: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (id, thread)
    limiter: RateLimiter | None = None  # the account's rate limit, when enforced
    url: str = ""
    tokens_issued: int = 0
    page_size: int = PAGE_SIZE  # smaller in property tests, so that pages are many

    def put(self, conversation: dict[str, Any], modified_at: str) -> None:
        self.conversations[conversation["id"]] = conversation
        self.modified[conversation["id"]] = modified_at

    def delete(self, conversation_id: int, merged_into: int | None = None) -> None:
        """Delete (or merge) a conversation: it leaves every list."""
        del self.conversations[conversation_id]
        if merged_into is not None:
            self.merged[conversation_id] = merged_into

    def expire_token(self) -> None:
        self.token = f"{self.token}-renewed"

    def answer(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> Answer:
        self.requests.append(f"{method} {target}")
        parts = urlsplit(target)
        fault = scripted(self.faults, parts.path)
        if fault is not None:
            return fault
        date = {"Date": format_datetime(self.now.astimezone(UTC), usegmt=True)}
        if method == "POST" and parts.path == "/v2/oauth2/token":
            form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
            wanted = {"grant_type": "client_credentials", "client_id": self.app_id,
                      "client_secret": self.app_secret}  # fmt: skip
            if form != wanted:
                return 401, date, "application/json", '{"error": "invalid_client"}'
            self.tokens_issued += 1
            token = {"token_type": "bearer", "access_token": self.token, "expires_in": 172800}
            return 200, date, "application/json", json.dumps(token)
        if headers.get("Authorization") != f"Bearer {self.token}":
            error = {"error": "invalid_token", "error_description": "The access token expired"}
            return 401, date, "application/json", json.dumps(error)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if method == "GET" and parts.path == "/v2/conversations":
            return 200, date, "application/hal+json", self._list(query)
        steps = parts.path.split("/")
        if method == "GET" and len(steps) in (4, 5) and steps[2] == "conversations":
            number = int(steps[3]) if steps[3].isdigit() else -1
            if number in self.merged:
                moved = {**date, "Location": f"{self.url}/v2/conversations/{self.merged[number]}"}
                return 301, moved, "application/json", ""
            found = self.conversations.get(number)
            if found is None:
                return 404, date, "application/json", '{"message": "Conversation not found"}'
            if len(steps) == 4:
                return 200, date, "application/hal+json", json.dumps(found)
            return 200, date, "application/hal+json", self._threads(found, query)
        if method == "POST" and len(steps) == 5 and steps[4] in ("notes", "reply"):
            found = self.conversations.get(int(steps[3]) if steps[3].isdigit() else -1)
            if found is None:
                return 404, date, "application/json", '{"message": "Conversation not found"}'
            return self._write(found, steps[4], json.loads(body), date)
        return 404, date, "application/json", "{}"

    def _write(
        self, conversation: dict[str, Any], kind: str, given: dict[str, Any], date: dict[str, str]
    ) -> Answer:
        if kind == "reply" and not given.get("customer"):
            return 400, date, "application/json", '{"message": "customer is required"}'
        threads = conversation["_embedded"]["threads"]
        thread = {
            "id": conversation["id"] * 10 + 50 + len(threads),
            "type": "note" if kind == "notes" else "message", "body": given["text"],
            "createdBy": {"id": 7, "type": "user"}, "createdAt": "2026-12-01T09:00:00Z",
        }  # fmt: skip
        threads.insert(0, thread)
        self.written.append((conversation["id"], thread))
        return 201, {**date, "Resource-ID": str(thread["id"])}, "application/json", ""

    def _threads(self, conversation: dict[str, Any], query: dict[str, str]) -> str:
        threads = conversation["_embedded"]["threads"]
        page = int(query.get("page", 1))
        pages = max(1, math.ceil(len(threads) / PAGE_SIZE))
        body: dict[str, Any] = {
            "_embedded": {"threads": threads[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]},
            "page": {"size": PAGE_SIZE, "totalElements": len(threads), "totalPages": pages,
                     "number": page},
        }  # fmt: skip
        if page < pages:
            body["_links"] = {"next": {"href": f"?page={page + 1}"}}
        return json.dumps(body)

    def _list(self, query: dict[str, str]) -> str:
        status = query.get("status", "active")
        chosen = [c for c in self.conversations.values() if status in ("all", c["status"])]
        since = query.get("modifiedSince")
        if since is not None:
            chosen = [c for c in chosen if self.modified[c["id"]] >= since]
        if query.get("sortField") == "modifiedAt":
            key = lambda c: (self.modified[c["id"]], c["id"])  # noqa: E731
        else:
            key = lambda c: (c["createdAt"], c["id"])  # noqa: E731
        chosen.sort(key=key, reverse=query.get("sortOrder", "desc") == "desc")
        page = int(query.get("page", 1))
        shown = [
            {**c, "userUpdatedAt": self.modified[c["id"]]}
            for c in chosen[(page - 1) * self.page_size : page * self.page_size]
        ]
        if query.get("embed") != "threads":
            shown = [{k: v for k, v in c.items() if k != "_embedded"} for c in shown]
        else:
            shown = [_embedded_view(c) for c in shown]
        pages = max(1, math.ceil(len(chosen) / self.page_size))
        links: dict[str, Any] = {"self": {"href": self._href(query, page)}}
        if page < pages:
            links["next"] = {"href": self._href(query, page + 1)}
        return json.dumps({
            "_embedded": {"conversations": shown},
            "_links": links,
            "page": {"size": self.page_size, "totalElements": len(chosen), "totalPages": pages,
                     "number": page},
        })  # fmt: skip

    def _href(self, query: dict[str, str], page: int) -> str:
        return f"{self.url}/v2/conversations?{urlencode({**query, 'page': page})}"


def _embedded_view(conversation: dict[str, Any]) -> dict[str, Any]:
    """The conversation as embed=threads shows it: a chat's thread bodies cut short."""
    if conversation.get("type") != "chat":
        return conversation
    threads = [{**t, "body": t["body"][:CHAT_EMBED]} for t in conversation["_embedded"]["threads"]]
    return {**conversation, "_embedded": {**conversation["_embedded"], "threads": threads}}


def make_conversation(number: int, status: str = "closed", **fields: Any) -> dict[str, Any]:
    """A conversation as ``GET /v2/conversations?embed=threads`` returns it."""
    created = f"2026-11-01T{number % 24:02d}:00:00Z"
    customer = {"id": 500 + number, "type": "customer", "email": f"c{number}@client.example"}
    agent = {"id": 7, "type": "user", "email": "ana@example.com"}
    conversation: dict[str, Any] = {
        "id": 9000 + number, "number": number, "type": "email", "status": status,
        "state": "published", "subject": f"Login {number} fails", "preview": "Login fails",
        "mailboxId": 85, "createdAt": created, "userUpdatedAt": created,
        "primaryCustomer": customer, "assignee": agent, "customFields": [], "tags": [],
        "_embedded": {"threads": [
            {"id": number * 10 + 2, "type": "reply", "body": f"Try again, {number}",
             "createdBy": agent, "createdAt": f"2026-11-01T{number % 24:02d}:30:00Z"},
            {"id": number * 10 + 1, "type": "customer", "body": f"<p>Login {number} fails</p>",
             "createdBy": customer, "createdAt": created},
        ]},
    }  # fmt: skip
    conversation.update(fields)
    return conversation
