"""A fake Intercom REST API (2.x) on loopback, answering as the documentation describes.

- ``POST /conversations/search``: ``query`` (one ``{field, operator, value}`` or
  ``{operator: AND|OR, value: [...]}``; ``updated_at``/``created_at`` with ``>``, ``<``,
  ``=``), ``sort`` ``{field, order: ascending|descending}``, ``pagination`` ``{per_page ≤ 150,
  starting_after}``; answers ``{"type": "conversation.list", "conversations": [...],
  "total_count", "pages": {"next": {"page", "starting_after"}}}`` with the conversations as
  search returns them: without ``conversation_parts``.
  A cursor from before `expire_cursors()` (or not one of ours) is refused: 400 ``error.list``.
- ``GET /conversations/{id}``: the whole conversation with ``conversation_parts``, at most
  `PARTS_CAP` of them (``total_count`` has them all); 404 once deleted.
  ``GET /admins``: ``{"type": "admin.list", "admins": [...]}``.
- ``POST /conversations/{id}/reply`` as an admin (``message_type`` ``note`` | ``comment``,
  ``type: "admin"``, ``admin_id``, ``body``): a new part, answered with the conversation.
- ``Authorization: Bearer <token>``; anything else is 401 ``unauthorized``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tests.support.fake_http import Answer, Fault, RateLimiter, scripted

PARTS_CAP = 500
OPERATORS = {">": lambda a, b: a > b, "<": lambda a, b: a < b, "=": lambda a, b: a == b}


@dataclass
class FakeIntercom:
    token: str = "ic-access-token"
    conversations: dict[str, dict[str, Any]] = field(default_factory=dict)
    admins: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    limiter: RateLimiter | None = None  # the account's rate limit, when enforced
    bodies: list[Any] = field(default_factory=list)  # the search requests' JSON bodies
    versions: set[str] = field(default_factory=set)  # Intercom-Version headers seen
    written: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (id, part)
    url: str = ""
    generation: int = 0  # cursors carry it; expire_cursors() makes the old ones invalid

    def expire_cursors(self) -> None:
        self.generation += 1

    def answer(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> Answer:
        self.requests.append(f"{method} {target}")
        self.versions.add(headers.get("Intercom-Version") or "")
        path = urlsplit(target).path
        fault = scripted(self.faults, path)
        if fault is not None:
            return fault
        if headers.get("Authorization") != f"Bearer {self.token}":
            error = {"type": "error.list", "errors": [{"code": "unauthorized"}]}
            return 401, {}, "application/json", json.dumps(error)
        if method == "POST" and path == "/conversations/search":
            self.bodies.append(json.loads(body))
            try:
                return 200, {}, "application/json", self._search(self.bodies[-1])
            except ValueError:
                error = {
                    "type": "error.list",
                    "errors": [
                        {"code": "parameter_invalid", "message": "Invalid starting_after cursor"}
                    ],
                }
                return 400, {}, "application/json", json.dumps(error)
        if method == "GET" and path == "/admins":
            return 200, {}, "application/json", json.dumps({"type": "admin.list",
                                                            "admins": self.admins})  # fmt: skip
        if method == "POST" and path.startswith("/conversations/") and path.endswith("/reply"):
            return self._reply(path.split("/")[2], json.loads(body))
        if method == "GET" and path.startswith("/conversations/"):
            found = self.conversations.get(path.split("/")[2])
            if found is None:
                missing = {"code": "not_found", "message": "Resource Not Found"}
                error = {"type": "error.list", "errors": [missing]}
                return 404, {}, "application/json", json.dumps(error)
            return 200, {}, "application/json", json.dumps(_capped(found))
        return 404, {}, "application/json", '{"type": "error.list"}'

    def _reply(self, conversation_id: str, given: dict[str, Any]) -> Answer:
        found = self.conversations.get(conversation_id)
        if found is None:
            return 404, {}, "application/json", '{"type": "error.list"}'
        if given.get("type") != "admin" or not given.get("admin_id"):
            return 400, {}, "application/json", '{"type": "error.list"}'
        parts = found["conversation_parts"]["conversation_parts"]
        part = {
            "type": "conversation_part", "id": f"w{len(parts)}",
            "part_type": "note" if given["message_type"] == "note" else "comment",
            "body": given["body"], "created_at": 1796000000,
            "author": {"type": "admin", "id": str(given["admin_id"])},
        }  # fmt: skip
        parts.append(part)
        self.written.append((conversation_id, part))
        return 200, {}, "application/json", json.dumps(found)

    def _search(self, request: Mapping[str, Any]) -> str:
        chosen = [c for c in self.conversations.values() if _matches(c, request["query"])]
        sort = request.get("sort") or {"field": "updated_at", "order": "descending"}
        chosen.sort(key=lambda c: (c[sort["field"]], c["id"]),
                    reverse=sort["order"] == "descending")  # fmt: skip
        paging = request.get("pagination") or {}
        per_page = min(int(paging.get("per_page", 20)), 150)
        start = self._start(paging.get("starting_after"))
        shown = [{k: v for k, v in c.items() if k != "conversation_parts"}
                 for c in chosen[start : start + per_page]]  # fmt: skip
        pages: dict[str, Any] = {"type": "pages", "per_page": per_page,
                                 "total_pages": -(-len(chosen) // per_page) or 1}  # fmt: skip
        if start + per_page < len(chosen):
            after = base64.b64encode(f"{self.generation}:{start + per_page}".encode()).decode()
            pages["next"] = {"page": start // per_page + 2, "starting_after": after}
        return json.dumps({"type": "conversation.list", "conversations": shown,
                           "total_count": len(chosen), "pages": pages})  # fmt: skip

    def _start(self, cursor: str | None) -> int:
        """Where a cursor starts; ValueError for one refused."""
        if not cursor:
            return 0
        generation, _, start = base64.b64decode(cursor).decode().partition(":")
        if int(generation) != self.generation:
            raise ValueError(cursor)
        return int(start)


def _capped(conversation: dict[str, Any]) -> dict[str, Any]:
    """The conversation with its first `PARTS_CAP` parts, as the API returns it."""
    parts = conversation.get("conversation_parts") or {}
    listed = parts.get("conversation_parts") or []
    if len(listed) <= PARTS_CAP:
        return conversation
    shown = {**parts, "conversation_parts": listed[:PARTS_CAP], "total_count": len(listed)}
    return {**conversation, "conversation_parts": shown}


def _matches(conversation: Mapping[str, Any], query: Mapping[str, Any]) -> bool:
    if query.get("operator") in ("AND", "OR"):
        results = [_matches(conversation, q) for q in query["value"]]
        return all(results) if query["operator"] == "AND" else any(results)
    return bool(OPERATORS[query["operator"]](conversation[query["field"]], query["value"]))


def make_conversation(number: int, updated_at: int, **fields: Any) -> dict[str, Any]:
    """A conversation as ``GET /conversations/{id}`` returns it (times in Unix seconds)."""
    created = 1793520000 + number * 60  # 1 November 2026, a minute apart
    conversation: dict[str, Any] = {
        "type": "conversation", "id": str(7000 + number), "created_at": created,
        "updated_at": updated_at, "title": None, "state": "closed", "open": False,
        "admin_assignee_id": 814860,
        "source": {"type": "conversation", "id": f"s{number}", "delivered_as": "customer_initiated",
                   "subject": "", "body": f"<p>Export {number} is stuck</p>",
                   "author": {"type": "user", "id": f"u{number}",
                              "email": f"c{number}@client.example"}},
        "contacts": {"type": "contact.list", "contacts": [{"type": "contact", "id": f"u{number}"}]},
        "tags": {"type": "tag.list", "tags": [{"type": "tag", "name": "export"}]},
        "statistics": {"first_admin_reply_at": created + 600, "last_close_at": created + 3600},
        "conversation_rating": {"rating": 4},
        "conversation_parts": {"type": "conversation_part.list", "total_count": 2,
                               "conversation_parts": [
            {"type": "conversation_part", "id": f"p{number}a", "part_type": "comment",
             "body": f"<p>Fixed {number}</p>", "created_at": created + 600,
             "author": {"type": "admin", "id": "814860", "email": "ana@example.com"}},
            {"type": "conversation_part", "id": f"p{number}b", "part_type": "note",
             "body": "<p>internal</p>", "created_at": created + 700,
             "author": {"type": "admin", "id": "814860", "email": "ana@example.com"}},
        ]},
    }  # fmt: skip
    conversation.update(fields)
    return conversation
