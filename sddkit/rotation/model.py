"""People and shifts. A shift has seats (one per required engineer/designer); each seat is
its own calendar event, so a swap changes one event's attendee, not the whole shift."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

ROLES = ("engineer", "designer")


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    role: str  # one of ROLES
    timezone: str  # IANA name, e.g. "Europe/Belgrade"
    weight: float = 1.0
    max_shifts: int | None = None


@dataclass(frozen=True)
class Shift:
    """One seat of one support shift. `person` is None when nobody could be assigned."""

    rotation: str
    start: datetime  # timezone-aware
    end: datetime  # timezone-aware
    role: str
    seat: int  # 0-based among the seats of this role in this shift
    person: str | None

    @property
    def uid(self) -> str:
        """Stable across re-plans and swaps: the seat's identity, not its assignee."""
        stamp = self.start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return f"{self.rotation}-{stamp}-{self.role}-{self.seat}@sddkit"

    @property
    def hours(self) -> float:
        # Via UTC: subtracting two datetimes that share a tzinfo ignores a DST change between.
        return (self.end.astimezone(UTC) - self.start.astimezone(UTC)).total_seconds() / 3600
