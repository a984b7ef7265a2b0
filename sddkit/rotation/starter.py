"""A commented starting rotations.toml for a team: what `sddkit init` writes.

Every key a team usually needs is there with a comment saying what it does, and the less
common ones are shown commented out, so the file doubles as a reference. The text is
checked by the real parser before anyone sees it, so a starter always loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sddkit.rotation.config import parse_config
from sddkit.rotation.countries import zone_countries


@dataclass(frozen=True)
class Starter:
    team: str
    timezone: str  # the rotation's, and everyone's until edited
    people: Sequence[tuple[str, str]]  # (name, e-mail)
    start: date  # the Monday the rotation starts
    holidays: str | None = None  # a country code; default: the time zone's country


def next_monday(today: date) -> date:
    return today + timedelta(days=(7 - today.weekday()) % 7 or 7)


def starter_text(starter: Starter, path: Path) -> str:
    """The file's text, validated (ConfigError naming `path` if a flag made it invalid)."""
    country = starter.holidays or next(iter(zone_countries().get(starter.timezone, ())), None)
    holidays = f'holidays = "{country}"' if country else '# holidays = "RS"'
    people = starter.people or [
        ("Ana Example", "ana@example.com"),
        ("Ben Example", "ben@example.com"),
    ]
    text = _HEADER.format(team=_quoted(starter.team), organizer=_quoted(people[0][0]))
    text += _ROTATION.format(zone=starter.timezone, start=starter.start, holidays=holidays)
    for name, email in people:
        text += _PERSON.format(
            name=_quoted(name), email=_quoted(email), zone=starter.timezone, holidays=holidays
        )
    text += _OVERRIDES
    parse_config(text, path)
    return text


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


_HEADER = """\
# The support rotation of {team}: who is on support when. Written by `sddkit init`;
# edit it freely (sddkit keeps comments and layout when it adds a swap).
# Check it:            sddkit rotation check
# Publish the plan:    sddkit rotation plan
# Who is on now:       sddkit rotation who
# Guide: docs/rotations.md

[team]
name = "{team}"
# organizer: a person below; sends the invitations, owns the calendar
organizer = "{organizer}"
min_gap_days = 2                   # a person's shifts at least this many days apart (0: off)
horizon_weeks = 13                 # the published schedule reaches this far ahead (at most 104)
freeze_days = 7                    # a re-plan moves no shift this close unless it must
# reminder_minutes = 1440          # calendar alarm before a shift (0: none)
"""

_ROTATION = """
[[rotations]]
name = "support"
# the window is wall-clock time in this time zone, across daylight-saving changes
timezone = "{zone}"
window = "09:00-12:00"             # may run past midnight: "22:00-01:00"
days = "weekdays"                  # or "daily", or ["tue", "thu"]
every = "1 week"                   # "2 weeks": every other week
start = {start}
engineers = 1                      # seats per shift
designers = 0
# public holidays (ISO country code, or {{ country = "DE", subdivision = "BE" }}): no shift
{holidays}
duties = "Answer the helpdesk queue; file what you learn as tickets."
"""

_PERSON = """
[[people]]
name = "{name}"
email = "{email}"
role = "engineer"                  # engineer | designer
timezone = "{zone}"
{holidays}
# working_hours = "08:00-18:00"    # never scheduled outside these local hours
# weight = 1.0                     # 0.5: half as many shifts as others
# max_shifts = 4                   # at most this many in a calendar month
# days_off = ["fri"]
# leave = ["2027-02-01..2027-02-05"]
"""

_OVERRIDES = """
# A swap or a cover, versioned with the team (`sddkit rotation swap` writes these):
# [[overrides]]
# rotation = "support"
# date = 2027-01-06
# person = "Ben Example"
# reason = "swap with Ana"
"""
