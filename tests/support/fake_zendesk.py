"""A fake Zendesk on loopback that answers like the documented API, for tests and bench/pull.py.

- ``GET /api/v2/incremental/tickets/cursor.json``: ``start_time`` (first call) or ``cursor``,
  ``per_page`` (≤ 1000), ``include=users,organizations,metric_sets`` (top-level sideload
  arrays of what the page references); tickets ordered by last change, each ticket once, in
  its current state (an updated ticket moves to the end); ``after_cursor``/``after_url``,
  ``end_of_stream``; the cursor at the end is where later changes will appear.
- ``GET /api/v2/tickets/{id}/comments.json``: cursor pagination (``page[size]`` ≤ 100,
  ``page[after]``, ``meta.has_more``, ``links.next``); 404 ``RecordNotFound`` for an unknown
  or deleted ticket.
- ``PUT /api/v2/tickets/{id}.json`` with ``{"ticket": {"comment": {"body", "public"}}}``:
  the comment is added (written by the API user, ``via.channel: "api"``) and shows in the
  comments list; answers ``{"ticket", "audit": {"id"}}``; 404 for an unknown ticket, 422 for
  a closed one.
- Basic auth ``{email}/token:{token}``, or an OAuth ``Bearer`` token: anything else is 401.
- `faults`: scripted answers (429 with Retry-After, 5xx, HTML) for requests whose path
  contains a given text, each used `times` times.

Served by `tests.support.fake_http.serve` (no pytest needed, so the bench uses it too).
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.support.fake_http import Answer, Fault, RateLimiter, scripted, serve

__all__ = ["EXPORT", "FakeZendesk", "Fault", "make_comments", "make_ticket", "serve"]

EXPORT = "/api/v2/incremental/tickets/cursor.json"


@dataclass
class FakeZendesk:
    email: str = "bot@example.com"
    token: str = "zd-secret-token"
    oauth_token: str = "zd-oauth-token"  # "Authorization: Bearer …" works too
    tickets: dict[int, dict[str, Any]] = field(default_factory=dict)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    metric_sets: dict[int, dict[str, Any]] = field(default_factory=dict)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    organizations: dict[int, dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # "GET /path?query", in order
    written: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (id, comment)
    export_pages: int = 0  # export pages served (200)
    page_size_cap: int = 1000  # the most tickets an export page holds
    limiter: RateLimiter | None = None  # the account's rate limit, when enforced
    url: str = ""
    _order: list[tuple[float, int]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def put(
        self,
        ticket: dict[str, Any],
        comments: list[dict[str, Any]] | None = None,
        metric_set: dict[str, Any] | None = None,
    ) -> None:
        """Create or update a ticket (its `updated_at` places it in the export)."""
        with self._lock:
            self.tickets[int(ticket["id"])] = ticket
            if comments is not None:
                self.comments[int(ticket["id"])] = comments
            if metric_set is not None:
                self.metric_sets[int(ticket["id"])] = metric_set
            self._order = None

    def authorization(self) -> str:
        pair = f"{self.email}/token:{self.token}".encode()
        return f"Basic {base64.b64encode(pair).decode()}"

    # -- answers ------------------------------------------------------------------------

    def answer(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes = b""
    ) -> Answer:
        """(status, headers, content type, body) for one request."""
        self.requests.append(f"{method} {target}")
        parts = urlsplit(target)
        fault = scripted(self.faults, parts.path)
        if fault is not None:
            return fault
        given = headers.get("Authorization")
        if given not in (self.authorization(), f"Bearer {self.oauth_token}"):
            return 401, {}, "application/json", '{"error": "Couldn\'t authenticate you"}'
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parts.path == EXPORT:
            return self._export(query)
        if parts.path.startswith("/api/v2/tickets/") and parts.path.endswith("/comments.json"):
            return self._comments(parts.path.split("/")[4], query)
        if method == "PUT" and parts.path.startswith("/api/v2/tickets/"):
            return self._update(parts.path.split("/")[4].removesuffix(".json"), body)
        return 404, {}, "application/json", '{"error": "InvalidEndpoint"}'

    def _sorted(self) -> list[tuple[float, int]]:
        with self._lock:
            if self._order is None:
                self._order = sorted((_ts(t["updated_at"]), i) for i, t in self.tickets.items())
            return self._order

    def _export(self, query: dict[str, str]) -> Answer:
        order = self._sorted()
        if "cursor" in query:
            ts, last_id = json.loads(base64.b64decode(query["cursor"]))
            start = _bisect(order, (ts, last_id))
        elif "start_time" in query:
            start = _bisect(order, (float(query["start_time"]), -1))
        else:
            return (
                400,
                {},
                "application/json",
                '{"error": "InvalidValue", "description": "start_time or cursor required"}',
            )
        per_page = min(int(query.get("per_page", 1000)), self.page_size_cap)
        chosen = order[start : start + per_page]
        end = (
            chosen[-1]
            if chosen
            else (order[start - 1] if start else (float(query.get("start_time", 0)) - 1, -1))
        )
        cursor = base64.b64encode(json.dumps(list(end)).encode()).decode()
        tickets = [self.tickets[i] for _, i in chosen]
        body: dict[str, Any] = {
            "tickets": tickets,
            "after_url": f"{self.url}{EXPORT}?{urlencode({'cursor': cursor})}",
            "after_cursor": cursor,
            "before_url": None,
            "before_cursor": None,
            "end_of_stream": start + per_page >= len(order),
        }
        include = set(query.get("include", "").split(","))
        if "users" in include:
            ids = {
                t.get(k) for t in tickets for k in ("requester_id", "assignee_id", "submitter_id")
            }
            body["users"] = [self.users[i] for i in sorted(ids - {None}) if i in self.users]
        if "organizations" in include:
            ids = {t.get("organization_id") for t in tickets}
            body["organizations"] = [
                self.organizations[i] for i in sorted(ids - {None}) if i in self.organizations
            ]
        if "metric_sets" in include:
            body["metric_sets"] = [
                self.metric_sets[t["id"]] for t in tickets if t["id"] in self.metric_sets
            ]
        self.export_pages += 1
        return 200, {}, "application/json", json.dumps(body)

    def _comments(self, raw_id: str, query: dict[str, str]) -> Answer:
        ticket = self.tickets.get(int(raw_id)) if raw_id.isdigit() else None
        if ticket is None or ticket.get("status") == "deleted":
            return (
                404,
                {},
                "application/json",
                '{"error": "RecordNotFound", "description": "Not found"}',
            )
        comments = self.comments.get(int(raw_id), [])
        size = min(int(query.get("page[size]", 100)), 100)
        start = int(base64.b64decode(query["page[after]"])) if "page[after]" in query else 0
        chosen = comments[start : start + size]
        more = start + size < len(comments)
        after = base64.b64encode(str(start + size).encode()).decode()
        path = f"/api/v2/tickets/{raw_id}/comments.json"
        body = {
            "comments": chosen,
            "meta": {
                "has_more": more,
                "after_cursor": after if more else None,
                "before_cursor": None,
            },
            "links": {
                "next": f"{self.url}{path}?{urlencode({'page[after]': after, 'page[size]': size})}"
                if more
                else None,
                "prev": None,
            },
        }
        return 200, {}, "application/json", json.dumps(body)

    def _update(self, raw_id: str, body: bytes) -> Answer:
        ticket = self.tickets.get(int(raw_id)) if raw_id.isdigit() else None
        if ticket is None:
            return 404, {}, "application/json", '{"error": "RecordNotFound"}'
        if ticket.get("status") == "closed":
            error = {
                "error": "RecordInvalid",
                "description": "Status: closed prevents ticket update",
            }
            return 422, {}, "application/json", json.dumps(error)
        given = json.loads(body)["ticket"]["comment"]
        with self._lock:
            comments = self.comments.setdefault(ticket["id"], [])
            comment = {
                "id": ticket["id"] * 100 + 50 + len(comments), "type": "Comment",
                "author_id": 7, "body": given["body"], "plain_body": given["body"],
                "html_body": f"<p>{given['body']}</p>", "public": bool(given.get("public", True)),
                "via": {"channel": "api"}, "created_at": "2026-12-01T09:00:00Z",
            }  # fmt: skip
            comments.append(comment)
            self.written.append((ticket["id"], comment))
        audit = {"id": 900000 + len(self.written), "ticket_id": ticket["id"]}
        return 200, {}, "application/json", json.dumps({"ticket": ticket, "audit": audit})


def _ts(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _bisect(order: list[tuple[float, int]], key: tuple[float, int]) -> int:
    """Index of the first entry after `key`."""
    low, high = 0, len(order)
    while low < high:
        middle = (low + high) // 2
        if order[middle] <= key:
            low = middle + 1
        else:
            high = middle
    return low


def make_ticket(number: int, updated_at: str, **fields: Any) -> dict[str, Any]:
    """A ticket as the export returns it (the fields the importer reads, and a few more)."""
    ticket: dict[str, Any] = {
        "url": f"https://example.zendesk.com/api/v2/tickets/{number}.json",
        "id": number,
        "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
        "created_at": "2026-10-01T08:00:00Z",
        "updated_at": updated_at,
        "subject": f"Export {number} times out",
        "raw_subject": f"Export {number} times out",
        "description": f"The CSV export number {number} spins and then shows a 504 error.",
        "status": "open",
        "requester_id": 1000 + number,
        "submitter_id": 1000 + number,
        "assignee_id": 7,
        "organization_id": None,
        "tags": ["export"],
        "satisfaction_rating": {"score": "unoffered"},
    }
    ticket.update(fields)
    return ticket


def make_comments(ticket: dict[str, Any], replies: int = 1) -> list[dict[str, Any]]:
    """The description as the first (customer) comment, then alternating agent replies."""
    first = {
        "id": ticket["id"] * 100,
        "type": "Comment",
        "author_id": ticket["requester_id"],
        "body": ticket["description"],
        "html_body": f"<p>{ticket['description']}</p>",
        "plain_body": ticket["description"],
        "public": True,
        "created_at": ticket["created_at"],
    }
    comments = [first]
    for n in range(1, replies + 1):
        agent = n % 2 == 1
        comments.append(
            {
                "id": ticket["id"] * 100 + n,
                "type": "Comment",
                "author_id": ticket["assignee_id"] if agent else ticket["requester_id"],
                "body": f"Reply {n} on ticket {ticket['id']}",
                "html_body": f"<p>Reply {n} on ticket {ticket['id']}</p>",
                "plain_body": f"Reply {n} on ticket {ticket['id']}",
                "public": True,
                "created_at": f"2026-10-01T{8 + n % 12:02d}:30:00Z",
            }
        )
    return comments


def epoch(value: str) -> int:
    return int(datetime.fromisoformat(value).replace(tzinfo=UTC).timestamp())
