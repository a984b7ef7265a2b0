"""Business hours for response targets: a first response is measured in the hours the team
is open (a ticket that arrives on Friday evening and is answered on Monday morning waited a
few business hours, not 60 hours). Public holidays come from the same calendars the
rotation uses (`sddkit.rotation.spec.HolidaySpec`, the `holidays` package)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sddkit.rotation.spec import HolidaySpec

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class BusinessHours:
    """Open from `start` to `end` (local wall-clock, same day) on `days` (0 = Monday) in
    `timezone`, except on the public holidays of `holidays`."""

    timezone: str
    start: time = time(9)
    end: time = time(17)
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    holidays: HolidaySpec | None = None

    def hours_between(self, begin: datetime, finish: datetime) -> float:
        """Business hours in [begin, finish); 0 when finish is not after begin."""
        if finish <= begin:
            return 0.0
        zone = ZoneInfo(self.timezone)
        day = begin.astimezone(zone).date()
        last = finish.astimezone(zone).date()
        total = 0.0
        while day <= last:
            if self.is_open_on(day):
                opens = datetime.combine(day, self.start, tzinfo=zone)
                closes = datetime.combine(day, self.end, tzinfo=zone)
                overlap = min(closes, finish) - max(opens, begin)
                total += max(overlap.total_seconds(), 0.0)
            day += timedelta(days=1)
        return total / 3600

    def is_open_at(self, moment: datetime) -> bool:
        """Whether the team is open at this moment (its local day and time of day)."""
        local = moment.astimezone(ZoneInfo(self.timezone))
        return self.is_open_on(local.date()) and self.start <= local.time() < self.end

    def is_open_on(self, day: date) -> bool:
        if day.weekday() not in self.days:
            return False
        return self.holidays is None or self.holidays.name_of(day) is None

    def describe(self) -> str:
        """E.g. "Mon–Fri 09:00–17:00 Europe/Belgrade, RS holidays off"."""
        names = [DAY_NAMES[d].capitalize() for d in sorted(self.days)]
        consecutive = sorted(self.days) == list(range(min(self.days), max(self.days) + 1))
        days = f"{names[0]}–{names[-1]}" if consecutive and len(names) > 2 else ", ".join(names)
        text = f"{days} {self.start:%H:%M}–{self.end:%H:%M} {self.timezone}"
        if self.holidays:
            region = "-".join(p for p in (self.holidays.country, self.holidays.subdivision) if p)
            text += f", {region} holidays off"
        return text
