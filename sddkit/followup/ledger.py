"""The follow-up ledger in the store (component "followup"): one row per (fix, customer).

A row is `pending` from just before its note is sent until the helpdesk accepted it, then
`written` (or `found`: a re-run found the note's marker on the ticket, the run that wrote it
having been killed before it could say so). The helpdesk is the second half of the ledger: a
pending row, or none at all (a fresh CI runner), is always checked there before writing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from sddkit.followup.model import Draft
from sddkit.store import migrate, schema_version, transaction

COMPONENT = "followup"
PENDING, WRITTEN, FOUND = "pending", "written", "found"

MIGRATIONS = [
    """
    CREATE TABLE followup_ledger (
        fix_key TEXT NOT NULL,
        customer TEXT NOT NULL,
        ticket_key TEXT NOT NULL,
        helpdesk TEXT NOT NULL,
        language TEXT NOT NULL,
        public INTEGER NOT NULL,
        marker TEXT NOT NULL,
        state TEXT NOT NULL,
        note_id TEXT,
        started_at TEXT NOT NULL,
        told_at TEXT,
        PRIMARY KEY (fix_key, customer)
    );
    CREATE INDEX followup_ledger_ticket ON followup_ledger(ticket_key);
    """,
]


@dataclass(frozen=True)
class Told:
    """A customer told about a fix, for the report's closed-loop figures."""

    fix_key: str
    customer: str
    ticket_key: str
    told_at: datetime


def ensure_schema(conn: sqlite3.Connection) -> None:
    migrate(conn, COMPONENT, MIGRATIONS)


def _readable(conn: sqlite3.Connection) -> bool:
    """Whether the ledger exists: reading it (the report, a dry run) never creates it."""
    if schema_version(conn, COMPONENT) == 0:
        return False
    ensure_schema(conn)
    return True


def told_pairs(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    """(fix key, customer) of every follow-up written or found."""
    if not _readable(conn):
        return set()
    rows = conn.execute(
        "SELECT fix_key, customer FROM followup_ledger WHERE state != ?", (PENDING,)
    )
    return {(row[0], row[1]) for row in rows}


def told(conn: sqlite3.Connection) -> list[Told]:
    if not _readable(conn):
        return []
    rows = conn.execute(
        "SELECT fix_key, customer, ticket_key, told_at FROM followup_ledger"
        " WHERE state != ? ORDER BY told_at, fix_key, customer",
        (PENDING,),
    )
    return [Told(r[0], r[1], r[2], datetime.fromisoformat(r[3])) for r in rows]


def state_of(conn: sqlite3.Connection, draft: Draft) -> str | None:
    row = conn.execute(
        "SELECT state FROM followup_ledger WHERE fix_key = ? AND customer = ?",
        (draft.recipient.fix.key, draft.recipient.customer),
    ).fetchone()
    return None if row is None else str(row[0])


def start(conn: sqlite3.Connection, draft: Draft, now: datetime) -> None:
    """Note, committed, that this draft is about to be sent."""
    recipient = draft.recipient
    with transaction(conn):
        conn.execute(
            "INSERT INTO followup_ledger (fix_key, customer, ticket_key, helpdesk, language,"
            " public, marker, state, started_at) VALUES (?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (fix_key, customer) DO UPDATE SET ticket_key = excluded.ticket_key,"
            " marker = excluded.marker, started_at = excluded.started_at"
            " WHERE state = 'pending'",
            (
                recipient.fix.key,
                recipient.customer,
                recipient.ticket.key,
                draft.helpdesk,
                draft.language,
                int(draft.public),
                draft.marker,
                PENDING,
                now.isoformat(),
            ),
        )


def finish(
    conn: sqlite3.Connection, draft: Draft, state: str, note_id: str | None, now: datetime
) -> None:
    """The note is on the ticket (`written` now, or `found` there by a re-run)."""
    with transaction(conn):
        conn.execute(
            "UPDATE followup_ledger SET state = ?, note_id = ?, told_at = ?"
            " WHERE fix_key = ? AND customer = ?",
            (state, note_id, now.isoformat(), draft.recipient.fix.key, draft.recipient.customer),
        )
