"""Warnings about a config that is valid but probably not what the team meant, for `check`.

- A rotation only one person (or only as many people as it has seats) can cover: nobody can
  swap with them or cover their leave.
- The hours of the week no rotation covers (UTC, the week asked about): customers writing
  then wait for the next shift, and nothing else would say so.
- A rotation's public holidays from a country none of its people live in, by their time
  zones (tzdata's zone tables): `holidays = "SR"` (Suriname) for a Belgrade team plans on
  the wrong days without a word. The likely code is named.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from sddkit.rotation.config import TeamConfig
from sddkit.rotation.countries import country_name, zone_countries

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def advise(config: TeamConfig, week_of: date) -> list[str]:
    """One line per likely mistake; empty when none is seen."""
    return [*_thin(config), *_holidays(config), *_uncovered(config, week_of)]


def _thin(config: TeamConfig) -> list[str]:
    found = []
    for rotation in config.rotations:
        for role, count in rotation.seats():
            able = [
                m.person.name
                for m in config.members.values()
                if m.person.role == role and rotation.name in m.rotations
            ]
            if len(able) <= count:
                found.append(
                    f"rotation {rotation.name!r}: only {', '.join(able)} can take its {role}"
                    f" seat{'s' if count > 1 else ''}; nobody can swap with them or cover"
                    " their leave"
                )
    return found


def _holidays(config: TeamConfig) -> list[str]:
    countries = zone_countries()
    if not countries:
        return []
    found = []
    for rotation in config.rotations:
        if rotation.holidays is None:
            continue
        zones = {rotation.timezone} | {
            m.person.timezone for m in config.members.values() if rotation.name in m.rotations
        }
        near = Counter(code for zone in zones for code in countries.get(zone, ())[:1])
        code = rotation.holidays.country
        if not near or any(code in countries.get(zone, ()) for zone in zones):
            continue
        likely = near.most_common(1)[0][0]
        found.append(
            f"rotation {rotation.name!r}: holidays = {code!r} ({country_name(code)}) is the"
            f" country of none of its people's time zones; did you mean {likely!r}"
            f" ({country_name(likely)})?"
        )
    return found


def _uncovered(config: TeamConfig, week_of: date) -> list[str]:
    """UTC hours of the days that have shifts, in the week of `week_of`, that no rotation's
    window covers (whole hours; holidays aside)."""
    monday = week_of - timedelta(days=week_of.weekday())
    covered: set[datetime] = set()
    for rotation in config.rotations:
        for offset in range(-1, 8):
            day = monday + timedelta(days=offset)
            if not rotation.runs_on(day):
                continue
            start, end = rotation.window.on(day, rotation.zone)
            hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
            while hour < end:
                if hour >= start and hour + timedelta(hours=1) <= end:
                    covered.add(hour)
                hour += timedelta(hours=1)
    by_gaps: dict[str, list[str]] = {}
    for offset in range(7):
        day = monday + timedelta(days=offset)
        midnight = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
        hours = [h for h in range(24) if midnight + timedelta(hours=h) in covered]
        if hours:
            missing = [h for h in range(24) if h not in hours]
            by_gaps.setdefault(hour_ranges(missing), []).append(_DAYS[offset])
    return [
        f"no rotation covers {gaps} UTC on {', '.join(days)} (week of {monday})"
        for gaps, days in by_gaps.items()
        if gaps
    ]


def hour_ranges(hours: list[int]) -> str:
    """[0, 1, 2, 8] -> '00-03, 08-09'."""
    spans: list[list[int]] = []
    for hour in hours:
        if spans and spans[-1][1] == hour:
            spans[-1][1] = hour + 1
        else:
            spans.append([hour, hour + 1])
    return ", ".join(f"{a:02}-{b:02}" for a, b in spans)
