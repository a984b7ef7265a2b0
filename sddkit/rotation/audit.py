"""What `check` holds the published schedule to: the hard rules, seat by seat.

The planner never breaks them on its own, but two things put seats in the schedule that it
did not choose: a hand-written `[[overrides]]` block (kept as written, even onto someone's
leave) and `swap --force` (made even when it double-books someone). Both are errors here, so
`check` fails on them instead of only noting them. Seats before `first` are history and are
not judged: they happened, whatever the rules say now.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from itertools import pairwise

from sddkit.rotation.config import TeamConfig
from sddkit.rotation.model import Shift
from sddkit.rotation.plan import Plan


def violations(config: TeamConfig, plan: Plan, first: date, last: date) -> list[str]:
    """One line per broken hard rule among the staffed seats dated `first` to `last`."""
    shown = [s for s in plan.shifts if first <= s.start.date() <= last and s.person]
    found = [_unavailable(config, shift) for shift in shown]
    found += _double_booked(plan.shifts, first, last)
    months = {(s.start.year, s.start.month) for s in shown}
    found += _over_cap(config, [s for s in plan.shifts if (s.start.year, s.start.month) in months])
    return [line for line in found if line]


def _label(shift: Shift) -> str:
    return f"{shift.rotation} {shift.start:%Y-%m-%d %H:%M} {shift.role}"


def _unavailable(config: TeamConfig, shift: Shift) -> str | None:
    member = config.members.get(shift.person or "")
    if member is None:
        return f"{_label(shift)}: {shift.person} is not in [[people]]"
    why = member.unavailable(shift.start, shift.end)
    return (
        None
        if why is None
        else f"{_label(shift)}: {shift.person} is booked but unavailable ({why})"
    )


def _double_booked(shifts: list[Shift], first: date, last: date) -> list[str]:
    """Someone on two seats at once (in any rotations), one of them dated `first` to `last`."""
    by_person: dict[str, list[Shift]] = defaultdict(list)
    for shift in shifts:
        by_person[shift.person or ""].append(shift)
    found = []
    for name, own in sorted(by_person.items()):
        own.sort(key=lambda s: s.start)
        for before, after in pairwise(own):
            inside = first <= before.start.date() <= last or first <= after.start.date() <= last
            if name and inside and after.start < before.end:
                found.append(f"{_label(after)}: {name} is double-booked (also {_label(before)})")
    return found


def _over_cap(config: TeamConfig, shifts: list[Shift]) -> list[str]:
    counts = Counter((s.person or "", s.start.year, s.start.month) for s in shifts)
    found = []
    for (name, year, month), count in sorted(counts.items()):
        member = config.members.get(name)
        cap = member.person.max_shifts if member else None
        if cap is not None and count > cap:
            found.append(f"{name}: {count} shifts in {year}-{month:02} (max_shifts = {cap})")
    return found
