"""Tickets in the SQLite store: schema, idempotent upsert, and reads for later jobs.

A ticket is identified by (source, external_id). Each stored row carries a hash of its content,
so re-importing an overlapping export counts unchanged tickets as unchanged and writes nothing
for them. Tags live in their own table, read per ticket; the conversation and the custom fields
are kept as JSON, since they are only ever read whole.

Which version of a ticket is kept does not depend on the order of the imports: the one with the
newest `updated_at` wins (on equal times the richer one, then the larger content hash), and a
version lacking a body, conversation, first-response or solve time, or custom fields (a CSV
view, an export without metric sets) takes them from the version it meets instead of blanking
them. Spam, deleted and merged tickets are stored, flagged `hidden`, and left out of the reads
that themes, triage and the report use.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any, NamedTuple

from sddkit.store import migrate
from sddkit.tickets.model import HIDDEN_STATUSES, MERGED_TAG, Message, Ticket

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
    f"""
    ALTER TABLE tickets ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE tickets ADD COLUMN custom_fields TEXT;
    UPDATE tickets SET hidden = 1
     WHERE status IN ({", ".join(f"'{status}'" for status in sorted(HIDDEN_STATUSES))})
        OR id IN (SELECT ticket_id FROM ticket_tags WHERE tag = '{MERGED_TAG}');
    CREATE TABLE ticket_people (
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        id TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (source, kind, id)
    ) WITHOUT ROWID;
    """,
    # When the store first saw a customer (the report's onboarding): one look-up per
    # customer instead of a pass over every ticket.
    "CREATE INDEX tickets_customer ON tickets(customer_id, created_us) WHERE hidden = 0;",
]

_FIELDS = (
    "source, external_id, created_at, created_us, subject, body, updated_at, solved_at,"
    " customer_id, organization, channel, status, assignee, first_response_at, satisfaction,"
    " satisfaction_scale, language, messages, content_hash, hidden, custom_fields"
)
_NAMES = [name.strip() for name in _FIELDS.split(",")]
_INSERT = f"INSERT INTO tickets (id, {_FIELDS}) VALUES (?, {', '.join('?' * len(_NAMES))})"
_UPDATE = f"UPDATE tickets SET {', '.join(f'{name} = ?' for name in _NAMES)} WHERE id = ?"
_COLUMN = {name: index for index, name in enumerate(_NAMES)}
_HASH, _UPDATED = _COLUMN["content_hash"], _COLUMN["updated_at"]
_SUBJECT, _BODY, LANGUAGE = _COLUMN["subject"], _COLUMN["body"], _COLUMN["language"]
# What an export may simply lack; a version without them keeps the stored ones.
_FILLABLE = tuple(
    _COLUMN[name]
    for name in ("body", "messages", "solved_at", "first_response_at", "custom_fields")
)
_EMPTY = (None, "", "[]")
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
    older: int = 0  # versions skipped because a newer one of the same ticket was kept
    bad: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged + self.older

    def add(self, other: ImportSummary) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.older += other.older
        self.bad.extend(other.bad)
        self.warnings.extend(other.warnings)


def ensure_schema(conn: sqlite3.Connection) -> None:
    migrate(conn, COMPONENT, MIGRATIONS)


def upsert_tickets(conn: sqlite3.Connection, tickets: Iterable[Ticket]) -> ImportSummary:
    """Insert new tickets, update those a newer version changes, skip older versions.

    Streams `tickets` in batches. It does not open a transaction itself: callers wrap it in
    `sddkit.store.transaction` so a failure anywhere leaves the store as it was (an import is
    all-or-nothing). Versions of one ticket are compared as the module docstring says, within
    a call as across calls, so the outcome does not depend on their order.
    """
    iterator = iter(tickets)
    batches = iter(lambda: [draft(ticket) for ticket in islice(iterator, BATCH)], [])
    return upsert_drafts(conn, batches)


# A ticket as plain values, so an import can build it in another process (`draft`): the
# row's columns up to `messages`, its tags, hidden flag and custom fields as JSON. The content
# hash is added when it is written, after any language is set. A plain tuple: it pickles in
# half the time of a named one.
Draft = tuple[tuple[Any, ...], tuple[str, ...], int, str | None]


def upsert_drafts(conn: sqlite3.Connection, batches: Iterable[Sequence[Draft]]) -> ImportSummary:
    """`upsert_tickets` for tickets already drafted, one batch (of at most `BATCH`, in
    order) at a time."""
    ensure_schema(conn)
    summary = ImportSummary()
    for batch in batches:
        _upsert_batch(conn, [_finished(item) for item in batch], summary)
    return summary


# A load of at least this many bytes (and per stored ticket) rebuilds the secondary indexes.
REBUILD_BYTES, REBUILD_BYTES_PER_ROW = 1024 * 1024, 1024


@contextmanager
def bulk_load(conn: sqlite3.Connection, incoming_bytes: int) -> Iterator[None]:
    """For a large load, larger than the table (`REBUILD_BYTES` of input, and as many per
    stored ticket), drop the tickets table's secondary indexes for the block and build them
    again after it: one sort per index costs a fraction of a B-tree insert per row (100k
    tickets: 0.12 s of CPU against 0.3 s, and half the pages written). Run it inside the
    import's transaction, so that a failure or a kill leaves them as they were. The unique
    (source, external_id) index stays: the load looks tickets up by it."""
    rows = int(conn.execute("SELECT count(*) FROM tickets").fetchone()[0])
    if incoming_bytes < max(REBUILD_BYTES, rows * REBUILD_BYTES_PER_ROW):
        yield
        return
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master"
        " WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.execute(sql)


def draft_text(item: Draft) -> str:
    """`Ticket.text` of a draft."""
    values = item[0]
    return f"{values[_SUBJECT]}\n{values[_BODY]}".strip()


def with_language(item: Draft, language: str) -> Draft:
    values, tags, hidden, custom = item
    return (*values[:LANGUAGE], language, *values[LANGUAGE + 1 :]), tags, hidden, custom


class _Version(NamedTuple):
    """One version of a ticket: its row (in `_NAMES` order) and tags."""

    row: tuple[Any, ...]
    tags: tuple[str, ...]


def _wins(new: _Version, old: _Version) -> bool:
    """Whether `new` replaces `old`: the newer wins; without times, the later import."""
    new_time, old_time = _dt(new.row[_UPDATED]), _dt(old.row[_UPDATED])
    if new_time is None or old_time is None:
        return True
    if new_time != old_time:
        return new_time > old_time
    return (_richness(new.row), new.row[_HASH]) >= (_richness(old.row), old.row[_HASH])


def _richness(row: tuple[Any, ...]) -> int:
    return sum(row[index] not in _EMPTY for index in _FILLABLE)


def _filled(row: tuple[Any, ...], donor: tuple[Any, ...]) -> tuple[Any, ...]:
    """`row` with the fields it lacks taken from `donor`."""
    if not any(row[i] in _EMPTY and donor[i] not in _EMPTY for i in _FILLABLE):
        return row
    values = list(row)
    for index in _FILLABLE:
        if values[index] in _EMPTY:
            values[index] = donor[index]
    return tuple(values)


def _newest(batch: Sequence[_Version], summary: ImportSummary) -> dict[tuple[str, str], _Version]:
    """One version per key: the winner, filled from the versions it beat."""
    versions: dict[tuple[str, str], _Version] = {}
    for version in batch:
        key = (version.row[0], version.row[1])  # (source, external_id)
        known = versions.get(key)
        if known is not None:
            summary.older += 1
            winner, loser = (version, known) if _wins(version, known) else (known, version)
            version = winner._replace(row=_filled(winner.row, loser.row))
        versions[key] = version
    return versions


def _upsert_batch(
    conn: sqlite3.Connection, batch: Sequence[_Version], summary: ImportSummary
) -> None:
    versions = _newest(batch, summary)
    existing = _existing(conn, list(versions))
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    fills: list[tuple[Any, ...]] = []  # stored versions that keep their tags
    tags: list[tuple[Any, ...]] = []  # (ticket_id, position, tag)
    # New tickets get their ids here, so their tags can be written in bulk. This runs in the
    # caller's write transaction; outside one, a concurrent writer makes the insert fail (the
    # id is taken), never attaches tags to the wrong ticket.
    next_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM tickets").fetchone()[0])
    for key, version in versions.items():
        found = existing.get(key)
        if found is None:
            ticket_id, next_id = next_id, next_id + 1
            inserts.append((ticket_id, *version.row))
        else:
            ticket_id, known = found
            if known.row[_HASH] == version.row[_HASH]:
                summary.unchanged += 1
                continue
            if not _wins(version, known):
                summary.older += 1
                row = _filled(known.row, version.row)
                if row is not known.row:
                    fills.append((*row, ticket_id))
                continue
            updates.append((*_filled(version.row, known.row), ticket_id))
        if version.tags:
            tags.extend((ticket_id, position, tag) for position, tag in enumerate(version.tags))
    conn.executemany(_INSERT, inserts)
    if updates:
        conn.executemany(_UPDATE, updates)
        conn.executemany(
            "DELETE FROM ticket_tags WHERE ticket_id = ?", [(row[-1],) for row in updates]
        )
    if fills:
        conn.executemany(_UPDATE, fills)
    conn.executemany(_INSERT_TAG, tags)
    summary.new += len(inserts)
    summary.updated += len(updates)


def _existing(
    conn: sqlite3.Connection, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, _Version]]:
    """The stored versions of `keys` (tags are not needed to compare versions)."""
    found: dict[tuple[str, str], tuple[int, _Version]] = {}
    by_source: dict[str, list[str]] = {}
    for source, external_id in keys:
        by_source.setdefault(source, []).append(external_id)
    for source, ids in by_source.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            sql = (
                f"SELECT id, {_FIELDS} FROM tickets"
                f" WHERE source = ? AND external_id IN ({','.join('?' * len(chunk))})"
            )
            for ticket_id, *row in conn.execute(sql, (source, *chunk)):
                found[(source, row[1])] = (ticket_id, _Version(tuple(row), ()))
    return found


def visible_ids(conn: sqlite3.Connection, source: str) -> list[str]:
    """The external ids of the source's tickets that are not hidden."""
    rows = conn.execute(
        "SELECT external_id FROM tickets WHERE source = ? AND hidden = 0", (source,)
    )
    return [str(row[0]) for row in rows]


def hide_deleted(conn: sqlite3.Connection, source: str, external_ids: Iterable[str]) -> int:
    """Mark tickets the helpdesk deleted (found by a pull's sweep, not in any export) as
    deleted and hidden; how many were visible. Their content hash is cleared, so a version
    imported or pulled later (a restored conversation) replaces the mark."""
    before = conn.total_changes
    conn.executemany(
        "UPDATE tickets SET status = 'deleted', hidden = 1, content_hash = ''"
        " WHERE source = ? AND external_id = ? AND hidden = 0",
        [(source, external_id) for external_id in external_ids],
    )
    return conn.total_changes - before


def fill_metric_times(
    conn: sqlite3.Connection,
    source: str,
    metrics: Mapping[str, tuple[float | None, datetime | None]],
) -> None:
    """Fill the first-response and solve times the stored tickets of `source` lack from
    `metrics` (external id -> (minutes to the first reply, solve time)), as Zendesk's
    ``metric_sets`` sideload gives them, often after the tickets. Filling only, like a
    version that lacks them, so the outcome does not depend on the order of the imports."""
    ids = list(metrics)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        sql = (
            "SELECT id, external_id, created_at, first_response_at, solved_at FROM tickets"
            f" WHERE source = ? AND external_id IN ({','.join('?' * len(chunk))})"
            " AND (first_response_at IS NULL OR solved_at IS NULL)"
        )
        changes = []
        for ticket_id, external_id, created, first, solved in conn.execute(sql, (source, *chunk)):
            minutes, solved_at = metrics[external_id]
            if first is None and minutes is not None:
                first = _iso(datetime.fromisoformat(created) + timedelta(minutes=minutes))
            changes.append((first, solved or _iso(solved_at), ticket_id))
        conn.executemany(
            "UPDATE tickets SET first_response_at = ?, solved_at = ? WHERE id = ?", changes
        )


def iter_tickets(
    conn: sqlite3.Connection,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    include_hidden: bool = False,
) -> Iterator[Ticket]:
    """Tickets created in [since, until), oldest first (ties broken by source and id).

    Spam, deleted and merged tickets are left out unless `include_hidden`: this is the read
    themes and the report use, so none of them is counted as a complaint."""
    ensure_schema(conn)
    clauses: list[str] = [] if include_hidden else ["hidden = 0"]
    params: list[int] = []
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


def get_tickets(
    conn: sqlite3.Connection, keys: Sequence[str], *, visible_only: bool = False
) -> list[Ticket]:
    """The tickets with these keys ("source:external_id"), in the order given; unknown keys
    are left out, and so are spam, deleted and merged ones when `visible_only` (a theme may
    hold a ticket marked as spam after it was built: triage and the report leave it out)."""
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
        if visible_only:
            condition = f"({condition}) AND hidden = 0"
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
    return _finished(draft(ticket)).row


def draft(ticket: Ticket) -> Draft:
    created = ticket.created_at
    messages = (
        _JSON([[m.author_role, m.body, _iso(m.created_at), m.author] for m in ticket.messages])
        if ticket.messages
        else "[]"
    )
    values = (
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
    custom = _JSON(dict(ticket.custom_fields)) if ticket.custom_fields else None
    return values, ticket.tags, int(ticket.hidden), custom


def _finished(item: Draft) -> _Version:
    values, tags, hidden, custom = item
    # Custom fields enter the hash only when there are any, so the hashes stored before they
    # were kept still match.
    hashed = [values, tags, custom] if custom else [values, tags]
    digest = hashlib.blake2b(_JSON(hashed).encode(), digest_size=16).hexdigest()
    return _Version((*values, digest, hidden, custom), tags)


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
        custom_fields=json.loads(row["custom_fields"]) if row["custom_fields"] else {},
    )
