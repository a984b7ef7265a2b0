"""What the pulls remember, per (source, account): where each stopped (`pull_positions`),
which version of each ticket is stored (`pull_versions`: the vendor's change stamp, so an
unchanged ticket's conversation is never fetched again) and when the helpdesk's list was last
swept for deleted tickets (`pull_sweeps`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
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
    """,
    """
    CREATE TABLE pull_versions (
        source TEXT NOT NULL,
        account TEXT NOT NULL,
        external_id TEXT NOT NULL,
        version TEXT NOT NULL,
        PRIMARY KEY (source, account, external_id)
    ) WITHOUT ROWID;
    CREATE TABLE pull_sweeps (
        source TEXT NOT NULL,
        account TEXT NOT NULL,
        swept_at TEXT NOT NULL,
        PRIMARY KEY (source, account)
    );
    """,
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


def load_versions(
    conn: sqlite3.Connection, source: str, account: str, ids: Sequence[str]
) -> dict[str, str]:
    """The stored versions of `ids` (those never stored are absent)."""
    found: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        rows = conn.execute(
            "SELECT external_id, version FROM pull_versions WHERE source = ? AND account = ?"
            f" AND external_id IN ({','.join('?' * len(chunk))})",
            (source, account, *chunk),
        )
        found.update((str(k), str(v)) for k, v in rows)
    return found


def save_versions(
    conn: sqlite3.Connection, source: str, account: str, versions: Mapping[str, str]
) -> None:
    """Runs in the caller's transaction (the page's)."""
    conn.executemany(
        "INSERT INTO pull_versions (source, account, external_id, version) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (source, account, external_id) DO UPDATE SET version = excluded.version",
        [(source, account, key, version) for key, version in versions.items()],
    )


def forget_versions(
    conn: sqlite3.Connection, source: str, account: str, ids: Iterable[str]
) -> None:
    conn.executemany(
        "DELETE FROM pull_versions WHERE source = ? AND account = ? AND external_id = ?",
        [(source, account, key) for key in ids],
    )


def last_sweep(conn: sqlite3.Connection, source: str, account: str) -> datetime | None:
    row = conn.execute(
        "SELECT swept_at FROM pull_sweeps WHERE source = ? AND account = ?", (source, account)
    ).fetchone()
    return datetime.fromisoformat(row[0]) if row else None


def save_sweep(conn: sqlite3.Connection, source: str, account: str, now: datetime) -> None:
    conn.execute(
        "INSERT INTO pull_sweeps (source, account, swept_at) VALUES (?, ?, ?)"
        " ON CONFLICT (source, account) DO UPDATE SET swept_at = excluded.swept_at",
        (source, account, now.isoformat()),
    )
