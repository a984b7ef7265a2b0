"""The local SQLite store shared by every job.

Each component (tickets, themes, trackers, calendar, ...) owns its tables and declares its own
ordered list of migrations; `migrate` applies the ones not yet applied, recorded per component
in `schema_versions`, inside one transaction. Components therefore evolve independently.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

DEFAULT_DB = Path("sddkit.db")


def open_store(path: str | Path = DEFAULT_DB) -> sqlite3.Connection:
    """Open (creating if needed) the store with sane settings for a CLI tool."""
    target = Path(path)
    if str(target) != ":memory:":
        target.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(target), isolation_level=None)  # we manage transactions
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_versions ("
        " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
    )
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """All-or-nothing: commit on success, roll back on any exception (then re-raise)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def schema_version(conn: sqlite3.Connection, component: str) -> int:
    row = conn.execute(
        "SELECT version FROM schema_versions WHERE component = ?", (component,)
    ).fetchone()
    return int(row[0]) if row else 0


def migrate(conn: sqlite3.Connection, component: str, migrations: Sequence[str]) -> None:
    """Apply `migrations[current:]` for `component`; each item is an SQL script."""
    current = schema_version(conn, component)
    if current >= len(migrations):
        return
    with transaction(conn):
        for script in migrations[current:]:
            for statement in _split_sql(script):
                conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_versions(component, version) VALUES (?, ?)"
            " ON CONFLICT(component) DO UPDATE SET version = excluded.version",
            (component, len(migrations)),
        )


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit implicitly)."""
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [s for s in statements if s.strip(" \n\t;")]
