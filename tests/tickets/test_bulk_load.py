from __future__ import annotations

import sqlite3

import pytest

from sddkit.store import open_store, transaction
from sddkit.tickets import store
from sddkit.tickets.store import bulk_load, count_tickets, ensure_schema, upsert_tickets
from tests.tickets.test_store import make

INDEXES = "SELECT name, sql, rootpage FROM sqlite_master WHERE type = 'index' ORDER BY name"


@pytest.fixture
def conn() -> sqlite3.Connection:
    conn = open_store(":memory:")
    ensure_schema(conn)
    return conn


def _indexes(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    return [tuple(row) for row in conn.execute(INDEXES)]  # type: ignore[misc]


def test_a_large_load_rebuilds_the_same_indexes(conn: sqlite3.Connection) -> None:
    before = _indexes(conn)
    with transaction(conn), bulk_load(conn, store.REBUILD_BYTES):
        assert len(_indexes(conn)) < len(before)  # only the unique index is left
        upsert_tickets(conn, [make(str(n)) for n in range(50)])
    after = _indexes(conn)
    assert [row[:2] for row in after] == [row[:2] for row in before]
    assert [row[2] for row in after] != [row[2] for row in before]
    plan = conn.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM tickets WHERE created_us > 0 ORDER BY created_us"
    ).fetchall()
    assert "tickets_created" in str([tuple(row) for row in plan])


def test_a_failed_load_keeps_the_indexes(conn: sqlite3.Connection) -> None:
    before = _indexes(conn)
    with pytest.raises(ValueError), transaction(conn), bulk_load(conn, store.REBUILD_BYTES):
        upsert_tickets(conn, [make("1")])
        raise ValueError("bad record")
    assert _indexes(conn) == before and count_tickets(conn) == 0


def test_a_small_load_keeps_the_indexes(conn: sqlite3.Connection) -> None:
    before = _indexes(conn)
    with transaction(conn), bulk_load(conn, store.REBUILD_BYTES - 1):
        assert _indexes(conn) == before


def test_a_load_smaller_than_the_table_keeps_the_indexes(
    conn: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "REBUILD_BYTES", 1)
    with transaction(conn):
        upsert_tickets(conn, [make(str(n)) for n in range(100)])
    before = _indexes(conn)
    with transaction(conn), bulk_load(conn, 100 * store.REBUILD_BYTES_PER_ROW - 1):
        assert _indexes(conn) == before
    with transaction(conn), bulk_load(conn, 100 * store.REBUILD_BYTES_PER_ROW):
        assert len(_indexes(conn)) < len(before)
