from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sddkit.store import migrate, open_store, schema_version, transaction

MIGRATIONS = [
    "CREATE TABLE a (x INTEGER);",
    "CREATE TABLE b (y TEXT); INSERT INTO b VALUES ('one;two');",
]


def test_migrate_applies_each_migration_once(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    migrate(conn, "demo", MIGRATIONS[:1])
    assert schema_version(conn, "demo") == 1
    migrate(conn, "demo", MIGRATIONS)
    migrate(conn, "demo", MIGRATIONS)  # second call is a no-op
    assert schema_version(conn, "demo") == 2
    assert [tuple(row) for row in conn.execute("SELECT y FROM b")] == [("one;two",)]


def test_components_are_versioned_independently(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    migrate(conn, "one", MIGRATIONS[:1])
    assert schema_version(conn, "two") == 0


def test_failed_migration_leaves_store_unchanged(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, "bad", ["CREATE TABLE c (z INTEGER); CREATE TABLE c (z INTEGER);"])
    assert schema_version(conn, "bad") == 0
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'c'").fetchone() is None


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    migrate(conn, "demo", MIGRATIONS[:1])
    with pytest.raises(RuntimeError), transaction(conn):
        conn.execute("INSERT INTO a VALUES (1)")
        raise RuntimeError("boom")
    assert conn.execute("SELECT COUNT(*) FROM a").fetchone()[0] == 0
