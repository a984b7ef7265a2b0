"""Shifts as RFC 5545 events and calendars.

Every event gets an explicit UID (the seat's, stable across re-plans and swaps) and DTSTAMP,
so the same plan always gives byte-identical output; times carry their TZID and the calendar
carries the matching VTIMEZONE definitions, so clients show the right local time across DST.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from sddkit import __version__
from sddkit.rotation.model import Person, Shift
from sddkit.rotation.shadow import is_shadow
from sddkit.rotation.spec import DEFAULT_DUTIES

PRODID = f"-//sddkit//sddkit {__version__}//EN"


def shift_event(
    shift: Shift,
    person: Person,
    sequence: int,
    dtstamp: datetime,
    *,
    organizer: Person | None = None,
    duties: str = DEFAULT_DUTIES,
    reminder_minutes: int = 0,
) -> Event:
    """One seat of one shift as a VEVENT for `person` (its attendee), with a VALARM
    `reminder_minutes` before it starts (none at 0)."""
    if dtstamp.tzinfo is None:
        raise ValueError("dtstamp must be timezone-aware")
    event = Event()
    event.add("uid", shift.uid)
    event.add("dtstamp", dtstamp.astimezone(UTC))
    event.add("sequence", sequence)
    event.add("dtstart", shift.start)
    event.add("dtend", shift.end)
    shadowing = " (shadowing)" if is_shadow(shift) else ""
    event.add("summary", f"Support{shadowing}: {shift.rotation} ({shift.role}) — {person.name}")
    event.add("description", _description(shift, person, duties))
    event.add("categories", ["Support"])
    event.add("transp", "OPAQUE")
    event.add("status", "CONFIRMED")
    if organizer is not None:
        event.add("organizer", _address(organizer, role=None))
    event.add("attendee", _address(person, role="REQ-PARTICIPANT"))
    if reminder_minutes > 0:
        event.add_component(_alarm(shift, reminder_minutes))
    return event


def _alarm(shift: Shift, minutes: int) -> Alarm:
    alarm = Alarm()
    alarm.add("uid", f"{shift.uid.removesuffix('@sddkit')}-reminder@sddkit")
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Support shift ({shift.rotation}) starts in {_lead(minutes)}")
    alarm.add("trigger", -timedelta(minutes=minutes))
    return alarm


def _lead(minutes: int) -> str:
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} day{'s' if days > 1 else ''}"
    if minutes % 60 == 0:
        return f"{minutes // 60} h"
    return f"{minutes} min"


def _description(shift: Shift, person: Person, duties: str) -> str:
    local = shift.start.astimezone(ZoneInfo(person.timezone))
    shadowing = ", shadowing a regular: watch, ask and help" if is_shadow(shift) else ""
    return (
        f"{person.name} is on customer support for the {shift.rotation} rotation "
        f"({shift.role}{shadowing}), {local:%a %d %b %H:%M} {person.timezone} time, "
        f"{shift.hours:g} hours.\n\n"
        f"What to do: {' '.join(duties.split())}\n\n"
        "Can't make it? Swap with a teammate: sddkit rotation swap "
        f"--rotation {shift.rotation} --date {shift.start.date()} --from '{person.name}' --to NAME"
    )


def _address(person: Person, role: str | None) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = vText(person.name)
    if role is not None:
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText("NEEDS-ACTION")
        address.params["RSVP"] = vText("TRUE")
    return address


def build_calendar(
    events: Iterable[Event], method: str | None = None, *, name: str | None = None
) -> Calendar:
    """A VCALENDAR with the events and the VTIMEZONE of every TZID they use."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method is not None:
        calendar.add("method", method)
    if name is not None:
        calendar.add("x-wr-calname", name)
    starts: list[date] = []
    for event in events:
        calendar.add_component(event)
        starts.append(event.start.date() if isinstance(event.start, datetime) else event.start)
    if starts:  # transitions from the year before the first shift to the year after the last
        calendar.add_missing_timezones(
            first_date=date(min(starts).year - 1, 1, 1), last_date=date(max(starts).year + 2, 1, 1)
        )
    return calendar
