from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from sddkit.rotation.calendar import build_calendar, shift_event
from sddkit.rotation.config import parse_config
from sddkit.rotation.model import Person, Shift
from sddkit.rotation.plan import plan_rotations

STAMP = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
ANA = Person("Ana Petrović", "ana@example.com", "engineer", "Europe/Belgrade")
NINA = Person("Nina Kovač", "nina@example.com", "engineer", "Europe/Belgrade")


def config_for(zone: str, window: str) -> str:
    return f"""
[[rotations]]
name = "night"
timezone = "{zone}"
window = "{window}"
days = "daily"
start = 2027-03-01
[[people]]
name = "A"
email = "a@example.com"
role = "engineer"
timezone = "{zone}"
[[people]]
name = "B"
email = "b@example.com"
role = "engineer"
timezone = "{zone}"
"""


@pytest.mark.parametrize(
    ("zone", "day", "window", "hours", "offsets"),
    [
        # Clocks go forward at 02:00 on these days: the 01:00-04:00 shift lasts 2 hours.
        ("Europe/Belgrade", date(2027, 3, 28), "01:00-04:00", 2.0, ("+0100", "+0200")),
        ("America/New_York", date(2027, 3, 14), "01:00-04:00", 2.0, ("-0500", "-0400")),
        # Clocks go back: 4 hours.
        ("Europe/Belgrade", date(2027, 10, 31), "01:00-04:00", 4.0, ("+0200", "+0100")),
        ("America/New_York", date(2027, 11, 7), "00:30-03:30", 4.0, ("-0400", "-0500")),
        # A normal 09:00 shift on the day of the change keeps its wall-clock time.
        ("Europe/Belgrade", date(2027, 3, 28), "09:00-12:00", 3.0, ("+0200", "+0200")),
        ("America/New_York", date(2027, 3, 14), "09:00-12:00", 3.0, ("-0400", "-0400")),
    ],
)
def test_shift_on_dst_day(
    zone: str, day: date, window: str, hours: float, offsets: tuple[str, str]
) -> None:
    config = parse_config(config_for(zone, window), Path("dst.toml"))
    plan = plan_rotations(config, day, day)
    (shift,) = plan.shifts
    assert shift.hours == hours
    assert (shift.start.strftime("%z"), shift.end.strftime("%z")) == offsets
    assert shift.start.strftime("%H:%M") == window[:5]
    person = config.person(shift.person or "")
    text = build_calendar([shift_event(shift, person, 0, STAMP)]).to_ical()
    event = Calendar.from_ical(text).walk("VEVENT")[0]
    assert event["DTSTART"].params["TZID"] == zone
    assert event.decoded("DTSTART") == shift.start
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=hours) or (
        event.decoded("DTEND").astimezone(UTC) - event.decoded("DTSTART").astimezone(UTC)
        == timedelta(hours=hours)
    )
    zones = Calendar.from_ical(text).walk("VTIMEZONE")
    assert [z["TZID"] for z in zones] == [zone]


def test_event_properties_are_explicit_and_reproducible() -> None:
    start = datetime(2027, 3, 2, 9, tzinfo=ZoneInfo("Europe/Belgrade"))
    shift = Shift("emea", start, start + timedelta(hours=3), "engineer", 0, ANA.name)
    one = shift_event(shift, ANA, 4, STAMP, organizer=NINA, duties="Answer tickets.")
    two = shift_event(shift, ANA, 4, STAMP, organizer=NINA, duties="Answer tickets.")
    assert one.to_ical() == two.to_ical()
    assert str(one["UID"]) == "emea-20270302T080000Z-engineer-0@sddkit"
    assert one.decoded("DTSTAMP") == STAMP
    assert one["SEQUENCE"] == 4
    assert "Answer tickets." in str(one["DESCRIPTION"])
    assert str(one["ATTENDEE"]) == "mailto:ana@example.com"
    assert str(one["ORGANIZER"]) == "mailto:nina@example.com"


def test_naive_dtstamp_is_refused() -> None:
    start = datetime(2027, 3, 2, 9, tzinfo=ZoneInfo("Europe/Belgrade"))
    shift = Shift("emea", start, start + timedelta(hours=3), "engineer", 0, ANA.name)
    with pytest.raises(ValueError, match="timezone-aware"):
        shift_event(shift, ANA, 0, datetime(2027, 3, 1))


def test_calendar_has_method_name_and_each_timezone_once() -> None:
    events = []
    for zone in ("Europe/Belgrade", "America/New_York", "Europe/Belgrade"):
        start = datetime(2027, 3, 2, 9, tzinfo=ZoneInfo(zone))
        shift = Shift(zone, start, start + timedelta(hours=3), "engineer", 0, ANA.name)
        events.append(shift_event(shift, ANA, 0, STAMP))
    calendar = Calendar.from_ical(build_calendar(events, "REQUEST", name="Team").to_ical())
    assert str(calendar["METHOD"]) == "REQUEST" and str(calendar["X-WR-CALNAME"]) == "Team"
    assert sorted(str(z["TZID"]) for z in calendar.walk("VTIMEZONE")) == [
        "America/New_York",
        "Europe/Belgrade",
    ]
    assert len(calendar.walk("VEVENT")) == 3


def test_a_reminder_alarm_comes_before_the_shift_when_asked_for() -> None:
    zone = ZoneInfo("Europe/Belgrade")
    start = datetime(2027, 3, 2, 9, tzinfo=zone)
    shift = Shift("emea", start, start + timedelta(hours=3), "engineer", 0, ANA.name)
    assert not shift_event(shift, ANA, 0, STAMP).walk("VALARM")
    event = shift_event(shift, ANA, 0, STAMP, reminder_minutes=24 * 60)
    calendar = Calendar.from_ical(build_calendar([event]).to_ical())
    (alarm,) = calendar.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == -timedelta(days=1)
    assert str(alarm["DESCRIPTION"]) == "Support shift (emea) starts in 1 day"
    later = shift_event(shift, ANA, 0, STAMP, reminder_minutes=90)
    assert later.walk("VALARM")[0].decoded("TRIGGER") == -timedelta(minutes=90)
