"""Which tickets each issue has stood for: the ledger's memory of subjects, by tickets.

Theme ids are stable only while a theme's tickets overlap from run to run. A weekly
re-cluster may split a subject's tickets differently, or give them a new id; the subject is
still the issue that listed those tickets. Each time triage writes an issue it adds the
tickets it wrote it for (`record`); the next run pairs a theme with the issue most of its
earlier-filed tickets were listed by (`trackers.subjects`), whatever its id now.

Kept in the store (a lost store falls back to the issue bodies' ticket fingerprints,
`identity`). Each write replaces the issue's tickets: an issue stands for what it listed last,
so a broad early issue does not go on gathering the tickets of every subject that once
shared a theme with it (CLINC150 test, accumulating: one issue held 155 tickets of which
the largest intent was 17 %).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from sddkit.store import migrate, transaction

MIGRATIONS = [
    """
    CREATE TABLE tracker_issue_tickets (
        tracker TEXT NOT NULL,
        issue_key TEXT NOT NULL,
        ticket_key TEXT NOT NULL,
        PRIMARY KEY (tracker, issue_key, ticket_key)
    ) WITHOUT ROWID
    """,
]


def ensure_schema(conn: sqlite3.Connection) -> None:
    migrate(conn, "tracker_lineage", MIGRATIONS)


def record(
    conn: sqlite3.Connection, tracker: str, issue_key: str, ticket_keys: Iterable[str]
) -> None:
    """Record `ticket_keys` as the tickets `issue_key` stands for now, atomically."""
    ensure_schema(conn)
    with transaction(conn):
        conn.execute(
            "DELETE FROM tracker_issue_tickets WHERE tracker = ? AND issue_key = ?",
            (tracker, issue_key),
        )
        conn.executemany(
            "INSERT OR IGNORE INTO tracker_issue_tickets VALUES (?, ?, ?)",
            [(tracker, issue_key, key) for key in ticket_keys],
        )


def load(conn: sqlite3.Connection, tracker: str | None = None) -> dict[str, frozenset[str]]:
    """Issue key -> the ticket keys it was last written for, for one tracker (every
    tracker's when None: keys name their repository or project)."""
    ensure_schema(conn)
    found: dict[str, set[str]] = {}
    sql = "SELECT issue_key, ticket_key FROM tracker_issue_tickets"
    rows = (
        conn.execute(sql + " WHERE tracker = ?", (tracker,))
        if tracker is not None
        else conn.execute(sql)
    )
    for issue_key, ticket_key in rows:
        found.setdefault(issue_key, set()).add(ticket_key)
    return {key: frozenset(keys) for key, keys in found.items()}
