"""Where each pull stopped, per (source, account), in the store's `pull_positions` table."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sddkit.store import migrate

COMPONENT = "pull"
MIGRATIONS = [
    """
    CREATE TABLE pull_positions (
        source TEXT NOT NULL,
        account TEXT NOT NULL,
        position TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        PRIMARY KEY (source, account)
    );
    """
]


def ensure_schema(conn: sqlite3.Connection) -> None:
    migrate(conn, COMPONENT, MIGRATIONS)


def load_position(conn: sqlite3.Connection, source: str, account: str) -> str | None:
    ensure_schema(conn)
    row = conn.execute(
        "SELECT position FROM pull_positions WHERE source = ? AND account = ?", (source, account)
    ).fetchone()
    return str(row[0]) if row else None


def save_position(
    conn: sqlite3.Connection, source: str, account: str, position: str, now: datetime
) -> None:
    """Record the position; runs in the caller's transaction (the page's)."""
    conn.execute(
        "INSERT INTO pull_positions (source, account, position, saved_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (source, account) DO UPDATE"
        " SET position = excluded.position, saved_at = excluded.saved_at",
        (source, account, position, now.isoformat()),
    )
