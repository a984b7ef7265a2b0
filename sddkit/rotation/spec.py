"""What rotations.toml describes, as typed values: rotations, team members and overrides.

`sddkit.rotation.config` parses the file into these; the planner only ever sees these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sddkit.errors import SddkitError
from sddkit.rotation.model import Person

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_DUTIES = (
    "Answer the helpdesk queue for the whole shift: reply to new tickets, pick up unanswered "
    "ones, and escalate outages to the on-call engineer. Tag repeated problems so sddkit can "
    "group them into themes, write down anything that surprised you, and hand open "
    "conversations over in the support channel when the shift ends."
)


@dataclass(frozen=True)
class DateRange:
    """Inclusive range of calendar days."""

    first: date
    last: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.first <= day <= self.last


@dataclass(frozen=True)
class HolidaySpec:
    """Public holidays of a country (ISO code) and optional subdivision, from `holidays`."""

    country: str
    subdivision: str | None = None

    def name_of(self, day: date) -> str | None:
        found = _holiday_calendar(self.country, self.subdivision, day.year).get(day)
        return str(found) if found else None


@lru_cache(maxsize=256)
def _holiday_calendar(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    # Imported here: loading a country's calendar imports every country `holidays` knows
    # (0.15 s), which the commands that only read a published schedule never need.
    import holidays

    try:
        table = holidays.country_holidays(country, subdiv=subdivision, years=[year])
    except NotImplementedError:  # a config loaded with check_holidays=False
        where = f"{country} {subdivision or ''}".strip()
        raise SddkitError(
            f"no public holidays known for {where} (`sddkit rotation check` names the line)"
        ) from None
    return {day: str(name) for day, name in table.items()}


@dataclass(frozen=True)
class Window:
    """A local time-of-day window; `end <= start` means it runs past midnight."""

    start: time
    end: time

    def hours(self) -> float:
        minutes = _minutes(self.end) - _minutes(self.start)
        return (minutes if minutes > 0 else minutes + 24 * 60) / 60

    def on(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """Aware start and end of the window on `day` in `zone` (wall-clock times)."""
        start = datetime.combine(day, self.start, tzinfo=zone)
        end_day = day if self.end > self.start else day + timedelta(days=1)
        end = datetime.combine(end_day, self.end, tzinfo=zone)
        return start, end

    def covers(self, start: datetime, end: datetime) -> bool:
        """True when [start, end) (already in the window's zone) lies inside the window."""
        first, last = self.on(start.date(), _zone_of(start))
        if not first <= start:  # an overnight window may have begun the day before
            first, last = self.on(start.date() - timedelta(days=1), _zone_of(start))
        return first <= start and end <= last


def _zone_of(moment: datetime) -> ZoneInfo:
    assert isinstance(moment.tzinfo, ZoneInfo)
    return moment.tzinfo


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


@dataclass(frozen=True)
class Rotation:
    """A recurring support shift: on `days` of every `every_weeks`-th week since `start`."""

    name: str
    timezone: str
    window: Window
    days: tuple[int, ...]  # 0 = Monday
    start: date
    every_weeks: int = 1
    end: date | None = None
    engineers: int = 1
    designers: int = 0
    holidays: HolidaySpec | None = None
    duties: str = DEFAULT_DUTIES

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def seats(self) -> list[tuple[str, int]]:
        """(role, count) for every role this rotation needs, engineers first."""
        pairs = [("engineer", self.engineers), ("designer", self.designers)]
        return [(role, count) for role, count in pairs if count > 0]

    def runs_on(self, day: date) -> bool:
        """The cadence alone (holidays aside): a listed weekday in an active week."""
        if day < self.start or (self.end is not None and day > self.end):
            return False
        if day.weekday() not in self.days:
            return False
        anchor = self.start - timedelta(days=self.start.weekday())
        return ((day - anchor).days // 7) % self.every_weeks == 0


@dataclass(frozen=True)
class Member:
    """A person on the team and when they can take support shifts."""

    person: Person
    rotations: tuple[str, ...]  # the rotations this person is in (resolved)
    leave: tuple[DateRange, ...] = ()
    days_off: frozenset[int] = frozenset()
    working_hours: Window | None = None
    holidays: HolidaySpec | None = None
    joined: date | None = None
    left: date | None = None
    shadow_shifts: int = 0  # shifts to shadow beside a regular before serving alone
    line: int | None = field(default=None, compare=False)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.person.timezone)

    def unavailable(self, start: datetime, end: datetime) -> str | None:
        """Why this person cannot work [start, end), judged in their own time zone, or None."""
        return self.unavailable_local(*local_span(start, end, self.zone))

    def unavailable_local(self, start: datetime, end: datetime, days: list[date]) -> str | None:
        """`unavailable` for a span already in this person's zone (see `local_span`)."""
        if self.joined is not None and days[0] < self.joined:
            return "not yet on the team"
        if self.left is not None and days[-1] > self.left:
            return "left the team"
        for day in days:
            if any(day in span for span in self.leave):
                return "on leave"
            if day.weekday() in self.days_off:
                return "day off"
            if self.holidays is not None and self.holidays.name_of(day):
                return "public holiday"
        if self.working_hours is not None and not self.working_hours.covers(start, end):
            return "outside working hours"
        return None


def local_span(
    start: datetime, end: datetime, zone: ZoneInfo
) -> tuple[datetime, datetime, list[date]]:
    """[start, end) in `zone`, with the local calendar days it touches."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return local_start, local_end, _local_days(local_start, local_end)


def _local_days(start: datetime, end: datetime) -> list[date]:
    last = (end - timedelta(microseconds=1)).date()
    days = [start.date()]
    while days[-1] < last:
        days.append(days[-1] + timedelta(days=1))
    return days


@dataclass(frozen=True)
class Override:
    """A named person covers one seat of one shift (a swap or a cover), pinned by the planner."""

    rotation: str
    day: date
    role: str
    seat: int
    person: str
    reason: str = ""
    line: int | None = field(default=None, compare=False)


def weekday_numbers(names: Iterable[str]) -> tuple[int, ...]:
    return tuple(sorted({WEEKDAYS.index(name[:3].lower()) for name in names}))
