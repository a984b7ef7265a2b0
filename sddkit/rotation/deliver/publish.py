"""`rotation publish`: make a CalDAV collection show exactly the planned shifts.

The server is the ledger: each run reads the collection, compares it with the plan and
creates, updates or deletes only what differs, so runs are idempotent and an interrupted run
is finished by the next one. sddkit touches only the events it owns: a UID ending in
`@sddkit` *and* an `X-SDDKIT-TEAM` naming this team, within the planned days (past shifts
stay as history). Events carry SCHEDULE-AGENT=CLIENT so a scheduling server (RFC 6638) does
not e-mail attendees on its own: invitations are `rotation invite`'s job.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import icalendar

from sddkit.rotation.calendar import build_calendar, shift_event
from sddkit.rotation.config import TeamConfig
from sddkit.rotation.deliver.caldav import CalendarCollection, PublishError, RemoteEvent
from sddkit.rotation.deliver.invites import Window, planned_shifts
from sddkit.rotation.model import Person, Shift
from sddkit.rotation.spec import DEFAULT_DUTIES

TEAM_PROPERTY = "X-SDDKIT-TEAM"
UID_SUFFIX = "@sddkit"
# Set by servers or by the stamp of each run; not part of what the event says.
_VOLATILE = {"DTSTAMP", "CREATED", "LAST-MODIFIED"}
CREATE, UPDATE, DELETE, UNCHANGED = "create", "update", "delete", "unchanged"


@dataclass(frozen=True)
class Change:
    action: str  # CREATE | UPDATE | DELETE | UNCHANGED
    uid: str
    href: str
    summary: str
    start: datetime
    body: bytes | None = None  # the resource to PUT (create/update)


def team_event(
    shift: Shift,
    person: Person,
    organizer: Person,
    *,
    team: str,
    sequence: int,
    dtstamp: datetime,
    duties: str = DEFAULT_DUTIES,
    reminder_minutes: int = 0,
) -> icalendar.Event:
    """The feed's event for `shift`, marked as this team's and as not to be scheduled."""
    event = shift_event(
        shift,
        person,
        sequence,
        dtstamp,
        organizer=organizer,
        duties=duties,
        reminder_minutes=reminder_minutes,
    )
    for name in ("ORGANIZER", "ATTENDEE"):
        event[name].params["SCHEDULE-AGENT"] = "CLIENT"
    event.add(TEAM_PROPERTY, team)
    return event


def plan_publication(
    wanted: Mapping[str, icalendar.Event],
    remote: Sequence[RemoteEvent],
    collection: CalendarCollection,
    *,
    team: str,
    window: Window,
) -> list[Change]:
    """The changes that make `remote` hold exactly `wanted` among the events we own."""
    for item in remote:
        if item.uid in wanted and not _ours(item, team):
            raise PublishError(
                f"the calendar already has an event with UID {item.uid} that is not team"
                f" {team}'s ({item.href}); publish each team to its own calendar"
            )
    changes: list[Change] = []
    seen: set[str] = set()
    for item in remote:
        if not _owned(item, team, window, wanted):
            continue
        event = wanted.get(item.uid)
        if event is None or item.uid in seen:  # gone from the plan, or a duplicate
            changes.append(_change(DELETE, item.uid, item.href, item.event))
        elif _signature(event) == _signature(item.event):
            changes.append(_change(UNCHANGED, item.uid, item.href, event))
        else:
            changes.append(_change(UPDATE, item.uid, item.href, event, body=_resource(event)))
        seen.add(item.uid)
    for uid, event in wanted.items():
        if uid not in seen:
            href = collection.href_for(uid)
            changes.append(_change(CREATE, uid, href, event, body=_resource(event)))
    changes.sort(key=lambda c: (c.start, c.uid, c.action != DELETE))
    return changes


def pending_publication(
    conn: sqlite3.Connection,
    config: TeamConfig,
    collection: CalendarCollection,
    *,
    today: date,
    weeks: int,
    now: datetime,
) -> list[Change]:
    """Plan `weeks` from `today` and diff it against what the collection holds now."""
    window = Window.weeks_from(config, today, weeks)
    shifts, sequences = planned_shifts(conn, config, window)
    people = {person.name: person for person in config.people}
    duties = {rotation.name: rotation.duties for rotation in config.rotations}
    wanted = {
        shift.uid: team_event(
            shift,
            people[shift.person],
            config.organizer,
            team=config.name,
            sequence=sequences[shift.uid],
            dtstamp=now,
            duties=duties.get(shift.rotation, DEFAULT_DUTIES),
            reminder_minutes=config.reminder_minutes,
        )
        for shift in shifts
        if shift.person is not None
    }
    return plan_publication(
        wanted, collection.events(), collection, team=config.name, window=window
    )


def apply_publication(collection: CalendarCollection, changes: Sequence[Change]) -> None:
    """Write the changes in order; each is complete on its own, so a re-run resumes."""
    for change in changes:
        if change.action == DELETE:
            collection.delete(change.href)
        elif change.body is not None:
            collection.put(change.href, change.body, create=change.action == CREATE)


def _owned(
    item: RemoteEvent, team: str, window: Window, wanted: Mapping[str, icalendar.Event]
) -> bool:
    if not _ours(item, team):
        return False
    if item.uid in wanted:
        return True
    start = item.event.decoded("DTSTART", None)
    rotation = item.uid.rsplit("-", 3)[0]
    return isinstance(start, datetime) and window.holds(rotation, start)


def _ours(item: RemoteEvent, team: str) -> bool:
    return item.uid.endswith(UID_SUFFIX) and str(item.event.get(TEAM_PROPERTY, "")) == team


def _change(
    action: str, uid: str, href: str, event: icalendar.Event, body: bytes | None = None
) -> Change:
    start = event.decoded("DTSTART", None)
    when = start if isinstance(start, datetime) else datetime.min.replace(tzinfo=UTC)
    return Change(action, uid, href, str(event.get("SUMMARY", uid)), when, body)


def _resource(event: icalendar.Event) -> bytes:
    return bytes(build_calendar([event]).to_ical())


def _signature(event: icalendar.Event) -> frozenset[tuple[str, str]]:
    """What the event says, independent of how a server re-serialises it."""
    items: set[tuple[str, str]] = set()
    for name in event:
        if name in _VOLATILE:
            continue
        found = event[name]
        for value in found if isinstance(found, list) else [found]:
            items.add((name, _canonical(name, event, value)))
    return frozenset(items)


def _canonical(name: str, event: icalendar.Event, value: Any) -> str:
    if name in ("DTSTART", "DTEND"):
        moment = event.decoded(name)
        return moment.astimezone(UTC).isoformat() if isinstance(moment, datetime) else str(moment)
    params = getattr(value, "params", {})
    rendered = value.to_ical() if hasattr(value, "to_ical") else str(value)
    text = rendered.decode() if isinstance(rendered, bytes) else str(rendered)
    return text + "".join(f";{k.upper()}={params[k]}" for k in sorted(params, key=str.upper))
