"""Shadow shifts: a new joiner's first `shadow_shifts` shifts are spent beside a regular.

A shadow sits beside seat 0 of a shift of their role, in their rotations, when they are
available; shadows are at least `min_gap_days` apart. Until their last shadow shift ends
they take no seat of their own, so those seats' fair shares go to the others; a shadow is
not load (no hours, no share). In calendars and the store a shadow is a `Shift` whose seat
number is `SHADOW_SEAT` or more, so it has its own stable UID.
"""

from __future__ import annotations

from sddkit.rotation.board import Seat
from sddkit.rotation.model import Shift
from sddkit.rotation.spec import Member

SHADOW_SEAT = 100  # seat numbers from here on are shadows, not seats
WHY = "shadowing first"


def is_shadow(shift: Shift) -> bool:
    return shift.seat >= SHADOW_SEAT


def pick_shadows(members: list[Member], seats: list[Seat], min_gap_days: int) -> list[Shift]:
    """Each joiner's shadow shifts; takes them off the seats before their shadowing ends."""
    shadows: list[Shift] = []
    for index, member in enumerate(members):
        if member.shadow_shifts <= 0:
            continue
        name = member.person.name
        taken: list[Seat] = []
        for seat in seats:
            if seat.seat != 0 or name not in seat.eligible:
                continue
            if taken and _days_apart(taken[-1], seat, member) < max(min_gap_days, 1):
                continue
            taken.append(seat)
            if len(taken) == member.shadow_shifts:
                break
        until = taken[-1].end if len(taken) == member.shadow_shifts else None
        for seat in seats:
            if name in seat.eligible and (until is None or seat.start < until):
                seat.eligible.remove(name)
                seat.unavailable[name] = WHY
        number = SHADOW_SEAT + index  # one per person: two joiners may shadow one shift
        shadows += [Shift(s.rotation.name, s.start, s.end, s.role, number, name) for s in taken]
    return shadows


def _days_apart(first: Seat, second: Seat, member: Member) -> int:
    zone = member.zone
    return (second.start.astimezone(zone).date() - first.start.astimezone(zone).date()).days
