"""A fake Freshdesk (API v2) on loopback, answering as the documentation describes.

- ``GET /api/v2/tickets``: tickets updated at or after ``updated_since``; ``order_by``
  (created_at | updated_at) and ``order_type`` (asc | desc, default desc); ``per_page`` ≤ 100
  (default 30); ``page`` ≤ 300 (beyond: 400); the list leaves out spam and deleted tickets
  unless ``filter=spam`` / ``filter=deleted``; ``description`` and ``description_text`` only
  with ``include=description``, ``requester`` and ``stats`` only when included; a
  ``Link: <…>; rel="next"`` header while more pages exist.
- ``GET /api/v2/tickets/{id}/conversations``, ``/api/v2/agents``, ``/api/v2/companies``:
  ``per_page``/``page`` with the ``Link`` header; 404 for an unknown ticket.
- ``POST /api/v2/tickets/{id}/notes`` (``body``, ``private``) and ``/reply`` (``body``): the
  note or reply joins the ticket's conversations (``incoming: false``); 201 with it.
- Basic auth with the API key as user and ``X`` as password; anything else is 401.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.support.fake_http import Answer, Fault, RateLimiter, scripted

TICKETS = "/api/v2/tickets"
INCLUDES = {"description", "requester", "stats", "company", "conversations"}
ONLY_WHEN_INCLUDED = {"description": ("description", "description_text"),
                      "requester": ("requester",), "stats": ("stats",)}  # fmt: skip


@dataclass
class FakeFreshdesk:
    api_key: str = "fd-secret-key"
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    conversations: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    agents: list[dict[str, Any]] = field(default_factory=list)
    companies: list[dict[str, Any]] = field(default_factory=list)
    filter_with_updated_since: bool = True  # False: 400 for filter= with updated_since=
    faults: list[Fault] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    written: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (id, note)
    limiter: RateLimiter | None = None  # the account's rate limit, when enforced
    url: str = ""

    def answer(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> Answer:
        self.requests.append(f"{method} {target}")
        parts = urlsplit(target)
        fault = scripted(self.faults, parts.path)
        if fault is not None:
            return fault
        expected = "Basic " + base64.b64encode(f"{self.api_key}:X".encode()).decode()
        if headers.get("Authorization") != expected:
            return 401, {}, "application/json", '{"code": "invalid_credentials"}'
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        if path == TICKETS:
            return self._tickets(query)
        if path.startswith(f"{TICKETS}/") and path.endswith("/conversations"):
            number = int(path.split("/")[4])
            if number not in self.tickets:
                return 404, {}, "application/json", ""
            return self._paged(path, self.conversations.get(number, []), query, 30)
        if (
            method == "POST"
            and path.startswith(f"{TICKETS}/")
            and path.split("/")[-1] in ("notes", "reply")
        ):
            return self._write(int(path.split("/")[4]), path.split("/")[-1], body)
        if path == "/api/v2/agents":
            return self._paged(path, self.agents, query, 30)
        if path == "/api/v2/companies":
            return self._paged(path, self.companies, query, 30)
        return 404, {}, "application/json", ""

    def _write(self, number: int, kind: str, body: bytes) -> Answer:
        if number not in self.tickets:
            return 404, {}, "application/json", ""
        given = json.loads(body)
        conversations = self.conversations.setdefault(number, [])
        note = {
            "id": number * 100 + 50 + len(conversations), "ticket_id": number,
            "incoming": False, "private": bool(given.get("private", kind == "notes")),
            "body": given["body"], "body_text": re.sub(r"<[^>]+>", " ", given["body"]),
            "user_id": 77, "source": 2 if kind == "notes" else 0,
            "created_at": "2026-12-01T09:00:00Z", "updated_at": "2026-12-01T09:00:00Z",
        }  # fmt: skip
        conversations.append(note)
        self.written.append((number, note))
        return 201, {}, "application/json", json.dumps(note)

    def _tickets(self, query: dict[str, str]) -> Answer:
        include = set(filter(None, query.get("include", "").split(",")))
        if include - INCLUDES:
            return 400, {}, "application/json", '{"description": "Validation failed"}'
        kind = query.get("filter")
        if kind and "updated_since" in query and not self.filter_with_updated_since:
            return 400, {}, "application/json", '{"description": "Validation failed"}'
        chosen = [
            t for t in self.tickets.values()
            if (kind == "spam" and t.get("spam")) or (kind == "deleted" and t.get("deleted"))
            or (kind is None and not t.get("spam") and not t.get("deleted"))
        ]  # fmt: skip
        since = query.get("updated_since")
        if since is not None:
            chosen = [t for t in chosen if t["updated_at"] >= since]
        order = query.get("order_by", "created_at")
        chosen.sort(key=lambda t: (t[order], t["id"]), reverse=query.get("order_type") != "asc")
        shown = [self._shown(t, include) for t in chosen]
        return self._paged(TICKETS, shown, query, 30, max_page=300)

    @staticmethod
    def _shown(ticket: dict[str, Any], include: set[str]) -> dict[str, Any]:
        hidden = {k for name, keys in ONLY_WHEN_INCLUDED.items() if name not in include
                  for k in keys}  # fmt: skip
        return {k: v for k, v in ticket.items() if k not in hidden}

    def _paged(
        self, path: str, items: list[Any], query: dict[str, str], default: int, max_page: int = 0
    ) -> Answer:
        per_page = min(int(query.get("per_page", default)), 100)
        page = int(query.get("page", 1))
        if max_page and page > max_page:
            return 400, {}, "application/json", '{"description": "page > 300"}'
        start = (page - 1) * per_page
        headers = {}
        if page < math.ceil(len(items) / per_page) and (not max_page or page < max_page):
            following = {**query, "page": page + 1}
            headers["Link"] = f'<{self.url}{path}?{urlencode(following)}>; rel="next"'
        body = json.dumps(items[start : start + per_page])
        return 200, headers, "application/json", body


def make_ticket(number: int, updated_at: str, **fields: Any) -> dict[str, Any]:
    """A ticket as ``GET /api/v2/tickets?include=description,requester,stats`` returns it."""
    ticket: dict[str, Any] = {
        "id": number, "subject": f"Invoice {number} PDF is empty",
        "description": f"<div>The invoice PDF number {number} has no pages.</div>",
        "description_text": f"The invoice PDF number {number} has no pages.",
        "source": 1, "status": 2, "priority": 1, "spam": False,
        "requester_id": 5000 + number, "responder_id": 77, "company_id": 9,
        "requester": {"id": 5000 + number, "name": f"Customer {number}",
                      "email": f"c{number}@client.example"},
        "stats": {"first_responded_at": "2026-11-01T09:30:00Z", "resolved_at": None,
                  "closed_at": None},
        "fr_due_by": "2026-11-02T09:00:00Z", "due_by": "2026-11-03T09:00:00Z",
        "custom_fields": {}, "tags": ["billing"],
        "created_at": "2026-11-01T09:00:00Z", "updated_at": updated_at,
    }  # fmt: skip
    ticket.update(fields)
    return ticket


def make_conversation(
    number: int, reply: int, incoming: bool, private: bool = False
) -> dict[str, Any]:
    return {
        "id": number * 100 + reply, "ticket_id": number, "incoming": incoming,
        "private": private, "body": f"<div>Reply {reply} on {number}</div>",
        "body_text": f"Reply {reply} on {number}", "user_id": 77 if not incoming else 5000 + number,
        "from_email": None if not incoming else f"c{number}@client.example",
        "source": 0, "created_at": f"2026-11-01T1{reply}:00:00Z",
        "updated_at": f"2026-11-01T1{reply}:00:00Z",
    }  # fmt: skip
