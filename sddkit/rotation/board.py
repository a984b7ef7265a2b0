"""The planner's working state: every seat of every shift in the horizon, who may take it,
and each person's timeline, with the hard rules checked in one place (`Board.can_take`)."""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property

from sddkit.rotation.model import Shift
from sddkit.rotation.spec import Member, Rotation

_DAY = timedelta(days=1)


@dataclass
class Seat:
    index: int
    rotation: Rotation
    day: date  # the shift's date in the rotation's time zone
    start: datetime
    end: datetime
    role: str
    seat: int
    eligible: list[str]  # in the rotation, with the role, and available
    unavailable: dict[str, str]  # in the rotation with the role, but not available: why
    share: dict[str, float] = field(default_factory=dict)  # fair share of this seat
    person: str | None = None
    pinned: bool = False  # an override or a past shift: never moved
    kept: bool = False  # still as in the previous plan: moved only if fairness needs it

    @cached_property
    def eligible_set(self) -> frozenset[str]:
        return frozenset(self.eligible)

    def shift(self) -> Shift:
        return Shift(self.rotation.name, self.start, self.end, self.role, self.seat, self.person)

    @cached_property
    def uid(self) -> str:
        return self.shift().uid


@dataclass
class Timeline:
    """One person's shifts, sorted by start; local day ordinals give the spread rule."""

    starts: list[datetime] = field(default_factory=list)
    seats: list[int] = field(default_factory=list)


class Board:
    def __init__(self, members: dict[str, Member], seats: list[Seat], min_gap_days: int) -> None:
        self.members = members
        self.seats = seats
        self.min_gap_days = min_gap_days
        self.timelines: dict[str, Timeline] = {name: Timeline() for name in members}
        self.monthly: dict[tuple[str, int, int], int] = defaultdict(int)
        self._local_day: dict[tuple[int, str], int] = {}

    def count(self, name: str) -> int:
        return len(self.timelines[name].seats)

    def local_day(self, seat: Seat, name: str) -> int:
        zone = self.members[name].person.timezone
        key = (seat.index, zone)
        if key not in self._local_day:
            local = seat.start.astimezone(self.members[name].zone)
            self._local_day[key] = local.date().toordinal()
        return self._local_day[key]

    def neighbours(self, name: str, seat: Seat) -> tuple[Seat | None, Seat | None]:
        line = self.timelines[name]
        at = bisect.bisect_left(line.starts, seat.start)
        before = self.seats[line.seats[at - 1]] if at > 0 else None
        after = self.seats[line.seats[at]] if at < len(line.seats) else None
        return before, after

    def conflict(self, name: str, seat: Seat) -> bool:
        """Taking `seat` would put `name` on two shifts at once."""
        before, after = self.neighbours(name, seat)
        return (before is not None and before.end > seat.start) or (
            after is not None and after.start < seat.end
        )

    def capped(self, name: str, seat: Seat) -> bool:
        cap = self.members[name].person.max_shifts
        return cap is not None and self.monthly[(name, seat.day.year, seat.day.month)] >= cap

    def can_take(self, name: str, seat: Seat, *, gap: bool = True) -> bool:
        if name not in seat.eligible_set:
            return False
        free, spread, _ = self.assess(name, seat)
        return free and (spread or not gap)

    def assess(self, name: str, seat: Seat) -> tuple[bool, bool, float]:
        """For someone eligible: (free to take it, spread rule kept, days since last shift)."""
        before, after = self.neighbours(name, seat)
        if (
            (before is not None and before.end > seat.start)
            or (after is not None and after.start < seat.end)
            or self.capped(name, seat)
        ):
            return False, False, 0.0
        spread = True
        if self.min_gap_days > 0:
            day = self.local_day(seat, name)
            spread = all(
                other is None or abs(self.local_day(other, name) - day) >= self.min_gap_days
                for other in (before, after)
            )
        since = float("inf") if before is None else (seat.start - before.start) / _DAY
        return True, spread, since

    def assign(self, seat: Seat, name: str) -> None:
        assert seat.person is None
        seat.person = name
        if name not in self.timelines:  # a past shift of someone no longer on the team
            return
        line = self.timelines[name]
        at = bisect.bisect_left(line.starts, seat.start)
        line.starts.insert(at, seat.start)
        line.seats.insert(at, seat.index)
        self.monthly[(name, seat.day.year, seat.day.month)] += 1

    def release(self, seat: Seat) -> None:
        name = seat.person
        assert name is not None
        seat.person = None
        if name not in self.timelines:
            return
        line = self.timelines[name]
        at = line.seats.index(seat.index)
        del line.starts[at], line.seats[at]
        self.monthly[(name, seat.day.year, seat.day.month)] -= 1

    def move(self, seat: Seat, name: str) -> None:
        self.release(seat)
        self.assign(seat, name)
