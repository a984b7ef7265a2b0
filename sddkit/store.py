"""The local SQLite store shared by every job.

Each component (tickets, themes, trackers, calendar, ...) owns its tables and declares its own
ordered list of migrations; `migrate` applies the ones not yet applied, recorded per component
in `schema_versions`, inside one transaction. Components therefore evolve independently.
A component whose recorded version is higher than the migrations this sddkit knows was
written by a newer sddkit: `migrate` refuses it (`NewerStore`) before anything is written.

The store holds customer e-mails and whole ticket texts, so a new store file is created
readable by its owner only (0600; SQLite gives its -wal and -shm files the same mode).
`store_lock` lets one writer at a time run a job that must not overlap (`triage --apply`).
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sddkit.errors import SddkitError

DEFAULT_DB = Path("sddkit.db")
OWNER_ONLY = 0o600


class NewerStore(SddkitError):
    """The store was written by a newer sddkit; reading or writing it could corrupt it."""


class StoreBusy(SddkitError):
    """Another process holds the store's lock for longer than we wait."""


def open_store(path: str | Path = DEFAULT_DB) -> sqlite3.Connection:
    """Open (creating if needed, owner-only) the store with sane settings for a CLI tool."""
    target = Path(path)
    if str(target) != ":memory:":
        target.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(target, os.O_RDWR | os.O_CREAT, OWNER_ONLY))
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
    """Apply `migrations[current:]` for `component`; each item is an SQL script. The version
    is read again under the write lock: two processes opening a new store at once (two CI
    jobs) would otherwise both create the same tables, and the second fail."""
    if _checked_version(conn, component, migrations) == len(migrations):
        return
    with transaction(conn):
        current = _checked_version(conn, component, migrations)
        if current == len(migrations):
            return
        for script in migrations[current:]:
            for statement in _split_sql(script):
                conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_versions(component, version) VALUES (?, ?)"
            " ON CONFLICT(component) DO UPDATE SET version = excluded.version",
            (component, len(migrations)),
        )


def _checked_version(conn: sqlite3.Connection, component: str, migrations: Sequence[str]) -> int:
    current = schema_version(conn, component)
    if current > len(migrations):
        raise NewerStore(
            f"{_path_of(conn)} was written by a newer sddkit ({component} schema {current}, "
            f"this sddkit knows {len(migrations)}): upgrade sddkit, or use another --db"
        )
    return current


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


def _path_of(conn: sqlite3.Connection) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return str(row[2]) if row and row[2] else "the store"


@contextmanager
def store_lock(
    path: str | Path,
    wait_s: float,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[None]:
    """Hold the store's lock (an advisory `flock` on ``<store>.lock``, `msvcrt.locking` on
    Windows; released by the OS when the process dies, even by kill -9), waiting up to
    `wait_s` seconds for another holder; `StoreBusy` names the holder if it is still there.
    An in-memory store needs none.
    """
    if str(path) == ":memory:":
        yield
        return
    lock_path = Path(f"{path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, OWNER_ONLY)
    try:
        deadline = clock() + max(0.0, wait_s)
        while True:
            if _try_lock(fd):
                break
            if clock() >= deadline:
                holder = _holder(fd)
                raise StoreBusy(
                    f"{path} is in use by another sddkit run ({holder or 'unknown'}); "
                    f"waited {wait_s:.0f} s: try again when it has finished"
                ) from None
            sleep(min(0.2, max(0.0, deadline - clock())))
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"pid {os.getpid()} since {stamp}".encode())
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _holder(fd: int) -> str:
    """Who holds the lock, as its holder wrote it ("pid 42 since …")."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 200).decode("utf-8", "replace").strip()
    except OSError:  # Windows: the locked byte cannot be read
        return ""


def _try_lock(fd: int) -> bool:
    """Take the lock on `fd` without waiting; False if another process holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # BlockingIOError on POSIX, PermissionError on Windows
        return False
    return True
