"""Tickets in the SQLite store: schema, idempotent upsert, and reads for later jobs.

A ticket is identified by (source, external_id). Each stored row carries a hash of its content,
so re-importing an overlapping export counts unchanged tickets as unchanged and writes nothing
for them. Tags live in their own table, read per ticket; the conversation is kept
as JSON, since it is only ever read whole.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sddkit.store import migrate
from sddkit.tickets.model import Message, Ticket

COMPONENT = "tickets"
BATCH = 2000

MIGRATIONS = [
    """
    CREATE TABLE tickets (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        external_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_us INTEGER NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        updated_at TEXT,
        solved_at TEXT,
        customer_id TEXT,
        organization TEXT,
        channel TEXT,
        status TEXT,
        assignee TEXT,
        first_response_at TEXT,
        satisfaction REAL,
        satisfaction_scale TEXT,
        language TEXT,
        messages TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        UNIQUE (source, external_id)
    );
    CREATE INDEX tickets_created ON tickets(created_us);
    CREATE TABLE ticket_tags (
        ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        tag TEXT NOT NULL,
        PRIMARY KEY (ticket_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX ticket_tags_tag ON ticket_tags(tag);
    """,
    # No query looks tickets up by tag (tags are read per ticket, by the primary key), and
    # keeping the index cost every import a B-tree insert per tag.
    "DROP INDEX IF EXISTS ticket_tags_tag;",
]

_FIELDS = (
    "source, external_id, created_at, created_us, subject, body, updated_at, solved_at,"
    " customer_id, organization, channel, status, assignee, first_response_at, satisfaction,"
    " satisfaction_scale, language, messages, content_hash"
)
_NAMES = [name.strip() for name in _FIELDS.split(",")]
_INSERT = f"INSERT INTO tickets (id, {_FIELDS}) VALUES (?, {', '.join('?' * len(_NAMES))})"
_UPDATE = f"UPDATE tickets SET {', '.join(f'{name} = ?' for name in _NAMES)} WHERE id = ?"
_INSERT_TAG = "INSERT INTO ticket_tags (ticket_id, position, tag) VALUES (?, ?, ?)"
_SELECT = (
    f"SELECT id, {_FIELDS}, (SELECT json_group_array(tag) FROM"
    " (SELECT tag FROM ticket_tags WHERE ticket_id = t.id ORDER BY position)) AS tags"
    " FROM tickets AS t"
)


@dataclass
class ImportSummary:
    """What an import did. `bad` lists the rejected records (as rendered errors) when skipped."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    bad: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged

    def add(self, other: ImportSummary) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.bad.extend(other.bad)


def ensure_schema(conn: sqlite3.Connection) -> None:
    migrate(conn, COMPONENT, MIGRATIONS)


def upsert_tickets(conn: sqlite3.Connection, tickets: Iterable[Ticket]) -> ImportSummary:
    """Insert new tickets, update changed ones, leave unchanged ones alone.

    Streams `tickets` in batches. It does not open a transaction itself: callers wrap it in
    `sddkit.store.transaction` so a failure anywhere leaves the store as it was (an import is
    all-or-nothing). Within one call the last version of a duplicated key wins.
    """
    ensure_schema(conn)
    summary = ImportSummary()
    iterator = iter(tickets)
    while batch := list(islice(iterator, BATCH)):
        _upsert_batch(conn, batch, summary)
    return summary


def _upsert_batch(conn: sqlite3.Connection, batch: list[Ticket], summary: ImportSummary) -> None:
    rows = {(t.source, t.external_id): (_row(t), t.tags) for t in batch}
    existing = _existing(conn, list(rows))
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    tags: list[tuple[Any, ...]] = []  # (ticket_id, position, tag)
    # New tickets get their ids here, so their tags can be written in bulk. This runs in the
    # caller's write transaction; outside one, a concurrent writer makes the insert fail (the
    # id is taken), never attaches tags to the wrong ticket.
    next_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM tickets").fetchone()[0])
    for key, (row, ticket_tags) in rows.items():
        known = existing.get(key)
        if known is None:
            ticket_id, next_id = next_id, next_id + 1
            inserts.append((ticket_id, *row))
        elif known[1] != row[-1]:
            ticket_id = known[0]
            updates.append((*row, ticket_id))
        else:
            summary.unchanged += 1
            continue
        if ticket_tags:
            tags.extend((ticket_id, position, tag) for position, tag in enumerate(ticket_tags))
    conn.executemany(_INSERT, inserts)
    if updates:
        conn.executemany(_UPDATE, updates)
        conn.executemany(
            "DELETE FROM ticket_tags WHERE ticket_id = ?", [(row[-1],) for row in updates]
        )
    conn.executemany(_INSERT_TAG, tags)
    summary.new += len(inserts)
    summary.updated += len(updates)
    summary.unchanged += len(batch) - len(rows)  # repeats of a key within the batch


def _existing(conn: sqlite3.Connection, keys: list[tuple[str, str]]) -> dict[Any, Any]:
    found: dict[tuple[str, str], tuple[int, str]] = {}
    by_source: dict[str, list[str]] = {}
    for source, external_id in keys:
        by_source.setdefault(source, []).append(external_id)
    for source, ids in by_source.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            sql = (
                "SELECT external_id, id, content_hash FROM tickets"
                f" WHERE source = ? AND external_id IN ({','.join('?' * len(chunk))})"
            )
            for external_id, ticket_id, content_hash in conn.execute(sql, (source, *chunk)):
                found[(source, external_id)] = (ticket_id, content_hash)
    return found


def iter_tickets(
    conn: sqlite3.Connection, since: datetime | None = None, until: datetime | None = None
) -> Iterator[Ticket]:
    """Tickets created in [since, until), oldest first (ties broken by source and id)."""
    ensure_schema(conn)
    clauses, params = [], []
    if since is not None:
        clauses.append("created_us >= ?")
        params.append(_micros(since))
    if until is not None:
        clauses.append("created_us < ?")
        params.append(_micros(until))
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    cursor = conn.execute(f"{_SELECT}{where} ORDER BY created_us, source, external_id", params)
    for row in cursor:
        yield _ticket(row)


def get_tickets(conn: sqlite3.Connection, keys: Sequence[str]) -> list[Ticket]:
    """The tickets with these keys ("source:external_id"), in the order given; unknown keys
    are left out."""
    ensure_schema(conn)
    wanted: dict[tuple[str, str], Ticket | None] = {}
    for key in keys:
        source, sep, external_id = key.partition(":")
        if sep:
            wanted[(source, external_id)] = None
    pairs = list(wanted)
    for start in range(0, len(pairs), 400):
        chunk = pairs[start : start + 400]
        condition = " OR ".join("(source = ? AND external_id = ?)" for _ in chunk)
        params = [value for pair in chunk for value in pair]
        for row in conn.execute(f"{_SELECT} WHERE {condition}", params):
            wanted[(row["source"], row["external_id"])] = _ticket(row)
    result = []
    for key in keys:
        source, _, external_id = key.partition(":")
        ticket = wanted.get((source, external_id))
        if ticket is not None:
            result.append(ticket)
    return result


def count_tickets(conn: sqlite3.Connection) -> int:
    ensure_schema(conn)
    return int(conn.execute("SELECT count(*) FROM tickets").fetchone()[0])


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: times must be timezone-aware")
    delta = moment - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: times must be timezone-aware")
    return moment.isoformat()


def _json_encoder() -> Callable[[Any], str]:
    """`json.dumps(value, ensure_ascii=False)` for a list, built once: `JSONEncoder.encode`
    makes a new C encoder on every call, a third of its cost on a row. Rows hold no cycles,
    so no need to look for them."""
    slow = json.JSONEncoder(ensure_ascii=False, check_circular=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator (another Python implementation)
        return slow.encode
    chunks = make(None, slow.default, json.encoder.encode_basestring, None, ":", ", ", False,
                  False, True)  # fmt: skip
    return lambda value: "".join(chunks(value, 0))


_JSON = _json_encoder()


def _row(ticket: Ticket) -> tuple[Any, ...]:
    created = ticket.created_at
    messages = (
        _JSON([[m.author_role, m.body, _iso(m.created_at), m.author] for m in ticket.messages])
        if ticket.messages
        else "[]"
    )
    row = (
        ticket.source,
        ticket.external_id,
        _iso(created),
        _micros(created),
        ticket.subject,
        ticket.body,
        _iso(ticket.updated_at),
        _iso(ticket.solved_at),
        ticket.customer_id,
        ticket.organization,
        ticket.channel,
        ticket.status,
        ticket.assignee,
        _iso(ticket.first_response_at),
        ticket.satisfaction,
        ticket.satisfaction_scale,
        ticket.language,
        messages,
    )
    digest = hashlib.blake2b(_JSON([row, ticket.tags]).encode(), digest_size=16).hexdigest()
    return (*row, digest)


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _ticket(row: sqlite3.Row) -> Ticket:
    messages = tuple(
        Message(author_role=role, body=body, created_at=_dt(created), author=author)
        for role, body, created, author in json.loads(row["messages"])
    )
    return Ticket(
        source=row["source"],
        external_id=row["external_id"],
        created_at=datetime.fromisoformat(row["created_at"]),
        subject=row["subject"],
        body=row["body"],
        updated_at=_dt(row["updated_at"]),
        solved_at=_dt(row["solved_at"]),
        customer_id=row["customer_id"],
        organization=row["organization"],
        channel=row["channel"],
        tags=tuple(json.loads(row["tags"])),
        status=row["status"],
        assignee=row["assignee"],
        first_response_at=_dt(row["first_response_at"]),
        satisfaction=row["satisfaction"],
        satisfaction_scale=row["satisfaction_scale"],
        language=row["language"],
        messages=messages,
    )
