"""The rotation's tables in the store: the SEQUENCE ledger and the published schedule
(`rotation_plan`, its seats; `rotation_horizon`, its dates and the config it was planned for).

Calendar clients only replace an event they already have when its SEQUENCE goes up, so the
feed, the e-mail invitations and CalDAV all take it from one ledger: a shift UID's sequence is
raised whenever its start, end or person changed since the last time it was published.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from sddkit.rotation.model import Shift
from sddkit.store import migrate, transaction

MIGRATIONS = [
    """
    CREATE TABLE rotation_sequences (
        uid TEXT PRIMARY KEY,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        person TEXT,
        sequence INTEGER NOT NULL
    );
    CREATE TABLE rotation_plan (
        uid TEXT PRIMARY KEY,
        rotation TEXT NOT NULL,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        role TEXT NOT NULL,
        seat INTEGER NOT NULL,
        person TEXT
    );
    CREATE INDEX rotation_plan_start ON rotation_plan(start);
    """,
    """
    ALTER TABLE rotation_plan ADD COLUMN reason TEXT;
    CREATE TABLE rotation_horizon (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        details TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE rotation_handoffs (
        rotation TEXT NOT NULL,
        day TEXT NOT NULL,
        note TEXT NOT NULL,
        written_at TEXT NOT NULL,
        PRIMARY KEY (rotation, day)
    );
    """,
]


def ensure_schema(conn: sqlite3.Connection) -> None:
    migrate(conn, "rotation", MIGRATIONS)


def assign_sequences(conn: sqlite3.Connection, shifts: Iterable[Shift]) -> dict[str, int]:
    """SEQUENCE per shift UID: 0 when first seen, +1 each time start, end or person changes."""
    ensure_schema(conn)
    result: dict[str, int] = {}
    with transaction(conn):
        for shift in shifts:
            state = (shift.start.isoformat(), shift.end.isoformat(), shift.person)
            row = conn.execute(
                "SELECT start, end, person, sequence FROM rotation_sequences WHERE uid = ?",
                (shift.uid,),
            ).fetchone()
            if row is None:
                sequence = 0
            elif (row["start"], row["end"], row["person"]) == state:
                sequence = int(row["sequence"])
            else:
                sequence = int(row["sequence"]) + 1
            conn.execute(
                "INSERT INTO rotation_sequences(uid, start, end, person, sequence)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(uid) DO UPDATE SET start = excluded.start,"
                " end = excluded.end, person = excluded.person, sequence = excluded.sequence",
                (shift.uid, *state, sequence),
            )
            result[shift.uid] = sequence
    return result
