from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from sddkit.store import (
    NewerStore,
    StoreBusy,
    migrate,
    open_store,
    schema_version,
    store_lock,
    transaction,
)

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


def test_a_new_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "new" / "s.db"
    conn = open_store(db)
    migrate(conn, "demo", MIGRATIONS)
    conn.execute("INSERT INTO a VALUES (1)")
    for path in [db, *tmp_path.glob("new/s.db-*")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_a_store_from_a_newer_sddkit_is_refused_before_any_write(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    conn = open_store(db)
    migrate(conn, "demo", [*MIGRATIONS, "CREATE TABLE c (z INTEGER);"])  # the newer sddkit
    with pytest.raises(NewerStore) as raised:
        migrate(conn, "demo", MIGRATIONS)
    assert str(raised.value) == (
        f"{db} was written by a newer sddkit (demo schema 3, this sddkit knows 2): "
        "upgrade sddkit, or use another --db"
    )
    assert schema_version(conn, "demo") == 3


def test_the_store_lock_lets_one_holder_in_and_names_it_to_the_next(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from sddkit.store import store_lock\n"
            "with store_lock(sys.argv[1], 0):\n"
            "    print('held', flush=True); time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        waits: list[float] = []
        clock = iter([0.0, 0.5, 0.5, 1.0, 1.0, 2.5])
        with (
            pytest.raises(StoreBusy) as raised,
            store_lock(db, 2, sleep=waits.append, clock=lambda: next(clock)),
        ):
            pass
        assert waits == [0.2, 0.2]
        message = str(raised.value)
        assert message.startswith(f"{db} is in use by another sddkit run (pid {holder.pid} since ")
        assert message.endswith("waited 2 s: try again when it has finished")
    finally:
        holder.kill()
        holder.wait()
    with store_lock(db, 0):  # a killed holder's lock is gone with its process
        assert stat.S_IMODE(Path(f"{db}.lock").stat().st_mode) == 0o600
