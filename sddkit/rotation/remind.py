"""Reminders: "you are on support tomorrow", with the handoff notes of the shift before.

A seat is due a reminder when it has not started yet and starts today or tomorrow in its
person's own time zone (so a Tokyo engineer's shift is "today" when it is today in Tokyo,
whatever the date in the rotation's zone); the text says which. What was sent is kept in the
store (table `rotation_reminders`, a ledger like the invitations'), so a second run sends
nothing already sent: a daily cron job and a manual run do not double up.

The shift before is the rotation's last staffed shift that started earlier; its notes are
what its people wrote with `sddkit rotation handoff` (kept per rotation and day in the store,
table `rotation_handoffs`). Reminders are computed from the published schedule, so they name
the same people every other command does.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sddkit.errors import SddkitError
from sddkit.rotation.config import TeamConfig
from sddkit.rotation.model import Person, Shift
from sddkit.rotation.plan import Plan
from sddkit.rotation.sequence import ensure_schema
from sddkit.store import migrate, transaction

MAX_NOTE = 2000  # characters: a handoff, not a report

# A component of its own: the ledger of reminders sent (one row per seat and person).
MIGRATIONS = [
    """
    CREATE TABLE rotation_reminders (
        uid TEXT NOT NULL,
        person TEXT NOT NULL,
        via TEXT NOT NULL,
        sent_at TEXT NOT NULL,
        PRIMARY KEY (uid, person, via)
    );
    """,
]


@dataclass(frozen=True)
class Reminder:
    shift: Shift
    person: Person
    previous: Shift | None  # the rotation's shift before, if any
    note: str | None  # its handoff notes
    when: str = "tomorrow"  # or "today": in the person's own time zone

    @property
    def subject(self) -> str:
        return f"Support {self.when}: {self.shift.rotation} ({self.shift.role})"

    def text(self) -> str:
        zone = ZoneInfo(self.person.timezone)
        start, end = self.shift.start.astimezone(zone), self.shift.end.astimezone(zone)
        lines = [
            f"{self.person.name}, you are on support {self.when}: {self.shift.rotation}"
            f" ({self.shift.role}), {start:%a %d %b %H:%M}-{end:%H:%M} {self.person.timezone}."
        ]
        if self.previous is None:
            lines.append("This is the rotation's first shift: no handoff.")
        elif self.note:
            lines.append(
                f"Handoff from {self.previous.person} ({self.previous.start:%a %d %b}): {self.note}"
            )
        else:
            lines.append(f"No handoff notes from {self.previous.person}'s shift yet.")
        return "\n".join(lines)


def reminders(
    conn: sqlite3.Connection, config: TeamConfig, plan: Plan, now: datetime, via: str = ""
) -> list[Reminder]:
    """One reminder per staffed seat not yet started that starts today or tomorrow in its
    person's zone, and not yet sent `via` this channel (see `record_sent`; "" for any)."""
    notes = _notes(conn)
    sent = _sent(conn, via) if via else set()
    found: list[Reminder] = []
    for shift in plan.shifts:
        if shift.person not in config.members or shift.start <= now:
            continue
        if (shift.uid, shift.person) in sent:
            continue
        person = config.person(shift.person)
        zone = ZoneInfo(person.timezone)
        days = (shift.start.astimezone(zone).date() - now.astimezone(zone).date()).days
        if days > 1:
            continue
        previous = _before(plan, shift)
        note = notes.get((shift.rotation, previous.start.date())) if previous else None
        when = "today" if days == 0 else "tomorrow"
        found.append(Reminder(shift, person, previous, note, when))
    return found


def record_sent(conn: sqlite3.Connection, reminder: Reminder, via: str, now: datetime) -> None:
    """Keep in the ledger that this reminder went out `via` a channel, so no later run sends
    it there again (kept one by one: a failure half-way loses nothing already sent)."""
    _ensure_ledger(conn)
    with transaction(conn):
        conn.execute(
            "INSERT OR IGNORE INTO rotation_reminders(uid, person, via, sent_at)"
            " VALUES (?, ?, ?, ?)",
            (reminder.shift.uid, reminder.person.name, via, now.isoformat()),
        )


def _sent(conn: sqlite3.Connection, via: str) -> set[tuple[str, str]]:
    _ensure_ledger(conn)
    rows = conn.execute("SELECT uid, person FROM rotation_reminders WHERE via = ?", (via,))
    return {(row[0], row[1]) for row in rows}


def _ensure_ledger(conn: sqlite3.Connection) -> None:
    migrate(conn, "rotation_reminders", MIGRATIONS)


def record_handoff(
    conn: sqlite3.Connection, plan: Plan, rotation: str, day: date, note: str, now: datetime
) -> Shift:
    """Keep `note` as the handoff of `rotation`'s shift on `day` (replacing an earlier one)."""
    shift = next((s for s in plan.shifts if s.rotation == rotation and s.start.date() == day), None)
    if shift is None:
        raise SddkitError(f"no {rotation} shift on {day} in the published schedule")
    text = " ".join(note.split())
    if not text:
        raise SddkitError("the handoff note is empty")
    if len(text) > MAX_NOTE:
        raise SddkitError(f"the handoff note is {len(text)} characters; at most {MAX_NOTE}")
    ensure_schema(conn)
    with transaction(conn):
        conn.execute(
            "INSERT INTO rotation_handoffs(rotation, day, note, written_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(rotation, day) DO UPDATE SET note = excluded.note,"
            " written_at = excluded.written_at",
            (rotation, day.isoformat(), text, now.isoformat()),
        )
    return shift


def _before(plan: Plan, shift: Shift) -> Shift | None:
    earlier = [s for s in plan.shifts if s.rotation == shift.rotation and s.start < shift.start]
    return max(earlier, key=lambda s: s.start) if earlier else None


def _notes(conn: sqlite3.Connection) -> dict[tuple[str, date], str]:
    ensure_schema(conn)
    rows = conn.execute("SELECT rotation, day, note FROM rotation_handoffs")
    return {(row["rotation"], date.fromisoformat(row["day"])): row["note"] for row in rows}


def reminder_email(reminder: Reminder, organizer: Person) -> EmailMessage:
    """The reminder as a plain e-mail from the organizer to the person on support."""
    message = EmailMessage()
    message["From"] = Address(organizer.name, addr_spec=organizer.email)
    message["To"] = Address(reminder.person.name, addr_spec=reminder.person.email)
    message["Subject"] = reminder.subject
    message.set_content(reminder.text() + "\n")
    return message
