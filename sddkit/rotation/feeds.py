"""The .ics feeds: one for the whole team and one per person, sharing UIDs and SEQUENCEs."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from datetime import datetime
from pathlib import Path

from icalendar import Event

from sddkit.rotation.calendar import build_calendar, shift_event
from sddkit.rotation.config import TeamConfig
from sddkit.rotation.plan import Plan, shift_order
from sddkit.rotation.sequence import assign_sequences


def feed_name(email: str) -> str:
    """File name of a person's feed: the e-mail's local part, made file-system safe."""
    return _safe(email.split("@")[0])


def feed_names(emails: list[str]) -> dict[str, str]:
    """A distinct feed name per e-mail: the local part, or the whole address where two
    people share one (`ana@one.test`, `ana@two.test` -> `ana-one.test`, `ana-two.test`)."""
    short = {email: feed_name(email) for email in emails}
    counts = Counter(name.casefold() for name in short.values())
    counts["team"] += 1  # team.ics is the whole team's feed
    return {
        email: name if counts[name.casefold()] == 1 else _safe(email.replace("@", "-"))
        for email, name in short.items()
    }


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-") or "person"


def write_feeds(
    conn: sqlite3.Connection, config: TeamConfig, plan: Plan, out_dir: Path, dtstamp: datetime
) -> list[Path]:
    """Write team.ics and <name>.ics per person into `out_dir`; returns the paths written."""
    shifts = sorted([*plan.shifts, *plan.shadows], key=shift_order)
    sequences = assign_sequences(conn, shifts)
    events: dict[str, list[Event]] = {name: [] for name in config.members}
    team: list[Event] = []
    for shift in shifts:
        assert shift.person is not None
        person = config.person(shift.person)
        event = shift_event(
            shift,
            person,
            sequences[shift.uid],
            dtstamp,
            organizer=config.organizer,
            duties=config.rotation(shift.rotation).duties,
            reminder_minutes=config.reminder_minutes,
        )
        team.append(event)
        events.setdefault(person.name, []).append(event)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [_write(out_dir / "team.ics", team, config.calendar_name)]
    files = feed_names([person.email for person in config.people])
    for person in config.people:
        name = f"{config.calendar_name}: {person.name}"
        written.append(_write(out_dir / f"{files[person.email]}.ics", events[person.name], name))
    return written


def _write(path: Path, events: list[Event], name: str) -> Path:
    path.write_bytes(build_calendar(events, name=name).to_ical())
    return path
