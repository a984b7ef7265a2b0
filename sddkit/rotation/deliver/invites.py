"""`rotation invite`: work out which iTIP messages the plan needs, then send them.

The diff is a pure function of the plan, the shared SEQUENCE ledger and what was sent before:
a seat nobody was told about gets a REQUEST; a seat whose time or SEQUENCE moved gets an
updated REQUEST; a seat that left the plan, or moved from A to B, gets a CANCEL to whoever
was invited to it (and, for a move, a REQUEST to B with the same raised SEQUENCE).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sddkit.rotation.config import TeamConfig
from sddkit.rotation.deliver.itip import CANCEL, REQUEST, Invitation, compose
from sddkit.rotation.deliver.ledger import (
    SentRecord,
    ensure_schema,
    fingerprint,
    load_sent,
    record_sent,
)
from sddkit.rotation.deliver.smtp import DeliveryError, MailSender
from sddkit.rotation.model import Person, Shift
from sddkit.rotation.schedule import published
from sddkit.rotation.sequence import assign_sequences

DEFAULT_WEEKS = 8


@dataclass(frozen=True)
class Window:
    """The days a run plans: [start, end) in each rotation's own time zone."""

    start: date
    end: date
    zones: Mapping[str, ZoneInfo]  # rotation name -> zone

    @classmethod
    def weeks_from(cls, config: TeamConfig, today: date, weeks: int) -> Window:
        zones = {rotation.name: rotation.zone for rotation in config.rotations}
        return cls(today, today + timedelta(weeks=weeks), zones)

    def holds(self, rotation: str, moment: datetime) -> bool:
        zone = self.zones.get(rotation, ZoneInfo("UTC"))
        low = datetime.combine(self.start, time(), zone)
        high = datetime.combine(self.end, time(), zone)
        return low <= moment < high


def plan_invitations(
    shifts: Sequence[Shift],
    sequences: Mapping[str, int],
    people: Mapping[str, Person],
    sent: Mapping[tuple[str, str], SentRecord],
    *,
    window: Window,
    now: datetime,
) -> list[Invitation]:
    """Every message needed so each attendee's calendar matches `shifts` (nothing if none)."""
    wanted: dict[tuple[str, str], tuple[Shift, Person]] = {}
    for shift in shifts:
        if shift.person is not None and shift.end > now:
            person = people[shift.person]
            wanted[shift.uid, person.email.lower()] = (shift, person)
    planned = {shift.uid for shift in shifts}
    invitations = [
        _cancel(record, sequences)
        for key, record in sent.items()
        if record.method == REQUEST
        and key not in wanted
        and record.end > now
        and (record.uid in planned or window.holds(record.rotation, record.start))
    ]
    for key, (shift, person) in wanted.items():
        request = _request(shift, person, sequences[shift.uid], sent.get(key))
        if request is not None:
            invitations.append(request)
    invitations.sort(key=lambda i: (i.shift.start, i.uid, i.method != CANCEL, i.recipient.email))
    return invitations


def _cancel(record: SentRecord, sequences: Mapping[str, int]) -> Invitation:
    # A CANCEL must out-rank the REQUEST it withdraws, even when the seat left the plan and
    # so got no new SEQUENCE from the shared ledger.
    sequence = max(sequences.get(record.uid, 0), record.sequence + 1)
    return Invitation(CANCEL, record.shift(), record.person(), sequence)


def _request(
    shift: Shift, person: Person, sequence: int, last: SentRecord | None
) -> Invitation | None:
    if last is None:
        return Invitation(REQUEST, shift, person, sequence)
    same = last.method == REQUEST and last.fingerprint == fingerprint(shift, person.email)
    if same and last.sequence >= sequence:
        return None
    if last.sequence >= sequence:
        # Re-invited after a CANCEL (or changed without the shared SEQUENCE moving): clients
        # ignore anything not newer than what they hold.
        sequence = last.sequence + 1
    return Invitation(REQUEST, shift, person, sequence, update=last.method == REQUEST)


def planned_shifts(
    conn: sqlite3.Connection, config: TeamConfig, window: Window
) -> tuple[list[Shift], dict[str, int]]:
    """The staffed seats in `window` of the published schedule (the one every command reads),
    and their SEQUENCE from the shared ledger."""
    plan, _ = published(conn, config, window.start)
    last_day = window.end - timedelta(days=1)
    shifts = [
        s for s in [*plan.shifts, *plan.shadows] if window.start <= s.start.date() <= last_day
    ]
    return shifts, assign_sequences(conn, shifts)


def pending_invitations(
    conn: sqlite3.Connection,
    config: TeamConfig,
    *,
    today: date,
    weeks: int,
    now: datetime,
) -> list[Invitation]:
    """Plan `weeks` from `today` and diff it against what the store says was sent."""
    ensure_schema(conn)
    window = Window.weeks_from(config, today, weeks)
    shifts, sequences = planned_shifts(conn, config, window)
    people = {person.name: person for person in config.people}
    invitations = plan_invitations(
        shifts, sequences, people, load_sent(conn), window=window, now=now
    )
    duties = {rotation.name: rotation.duties for rotation in config.rotations}
    return [
        replace(
            i,
            duties=duties.get(i.shift.rotation, i.duties),
            reminder_minutes=config.reminder_minutes,
        )
        for i in invitations
    ]


def send_invitations(
    conn: sqlite3.Connection,
    invitations: Sequence[Invitation],
    organizer: Person,
    sender: MailSender,
    *,
    now: datetime,
) -> int:
    """Send each message and record it as soon as the server accepts it; return the count.

    On a refusal the messages already accepted stay recorded, so running again sends only
    the rest.
    """
    for done, invitation in enumerate(invitations):
        message = compose(invitation, organizer, now)
        try:
            sender.send(message)
        except DeliveryError as error:
            raise DeliveryError(
                f"{error} ({done} of {len(invitations)} sent and recorded;"
                " run again to send the rest)"
            ) from error
        record_sent(conn, invitation, str(message["Message-ID"]), now)
    return len(invitations)
