"""What was last sent to whom: one row per (shift UID, attendee) in the store.

The row keeps enough of the shift (times, seat, the person's zone) to cancel it after it has
left the plan, and a fingerprint of start/end/attendee to notice when it changed. A row is
written right after the server accepts that one message, so an interrupted run resumes where
it stopped instead of sending duplicates.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sddkit.rotation.deliver.itip import Invitation
from sddkit.rotation.model import Person, Shift
from sddkit.store import migrate, transaction

COMPONENT = "deliver"
MIGRATIONS = [
    """
    CREATE TABLE deliver_sent (
        uid TEXT NOT NULL,
        attendee TEXT NOT NULL,          -- lower-cased e-mail address
        name TEXT NOT NULL,
        rotation TEXT NOT NULL,
        role TEXT NOT NULL,
        seat INTEGER NOT NULL,
        start_utc TEXT NOT NULL,
        end_utc TEXT NOT NULL,
        timezone TEXT NOT NULL,          -- the attendee's zone, to word a later CANCEL
        sequence INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        method TEXT NOT NULL CHECK (method IN ('REQUEST', 'CANCEL')),
        message_id TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (uid, attendee)
    );
    CREATE INDEX deliver_sent_start ON deliver_sent(start_utc);
    """,
]


@dataclass(frozen=True)
class SentRecord:
    uid: str
    attendee: str
    name: str
    rotation: str
    role: str
    seat: int
    start: datetime  # UTC
    end: datetime  # UTC
    timezone: str
    sequence: int
    fingerprint: str
    method: str
    message_id: str
    sent_at: datetime

    def person(self) -> Person:
        return Person(name=self.name, email=self.attendee, role=self.role, timezone=self.timezone)

    def shift(self) -> Shift:
        zone = ZoneInfo(self.timezone)
        return Shift(
            rotation=self.rotation,
            start=self.start.astimezone(zone),
            end=self.end.astimezone(zone),
            role=self.role,
            seat=self.seat,
            person=self.name,
        )


def ensure_schema(conn: sqlite3.Connection) -> None:
    migrate(conn, COMPONENT, MIGRATIONS)


def fingerprint(shift: Shift, email: str) -> str:
    """Changes exactly when what the attendee's calendar shows about the seat changes."""
    parts = (_utc(shift.start), _utc(shift.end), email.lower(), shift.rotation, shift.role)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def load_sent(conn: sqlite3.Connection) -> dict[tuple[str, str], SentRecord]:
    rows = conn.execute("SELECT * FROM deliver_sent ORDER BY start_utc, uid, attendee")
    return {(row["uid"], row["attendee"]): _record(row) for row in rows}


def record_sent(
    conn: sqlite3.Connection, invitation: Invitation, message_id: str, now: datetime
) -> None:
    shift, person = invitation.shift, invitation.recipient
    with transaction(conn):
        conn.execute(
            "INSERT INTO deliver_sent VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(uid, attendee) DO UPDATE SET name = excluded.name,"
            " start_utc = excluded.start_utc, end_utc = excluded.end_utc,"
            " timezone = excluded.timezone, sequence = excluded.sequence,"
            " fingerprint = excluded.fingerprint, method = excluded.method,"
            " message_id = excluded.message_id, sent_at = excluded.sent_at",
            (
                shift.uid,
                person.email.lower(),
                person.name,
                shift.rotation,
                shift.role,
                shift.seat,
                _utc(shift.start),
                _utc(shift.end),
                person.timezone,
                invitation.sequence,
                fingerprint(shift, person.email),
                invitation.method,
                message_id,
                _utc(now),
            ),
        )


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _record(row: sqlite3.Row) -> SentRecord:
    return SentRecord(
        uid=row["uid"],
        attendee=row["attendee"],
        name=row["name"],
        rotation=row["rotation"],
        role=row["role"],
        seat=row["seat"],
        start=datetime.fromisoformat(row["start_utc"]),
        end=datetime.fromisoformat(row["end_utc"]),
        timezone=row["timezone"],
        sequence=row["sequence"],
        fingerprint=row["fingerprint"],
        method=row["method"],
        message_id=row["message_id"],
        sent_at=datetime.fromisoformat(row["sent_at"]),
    )
