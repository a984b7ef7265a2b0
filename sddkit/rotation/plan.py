"""The planner: who covers each seat of each support shift between two dates.

Rules, in order of strength:
1. Hard: nobody on leave, a day off, a public holiday (theirs or the rotation's), outside their
   working hours, before joining or after leaving, on two shifts at once, or over `max_shifts`
   in a calendar month; role seats are filled by that role only. Overrides and past shifts of
   a previous plan are kept as they are.
2. Fair: each person's count stays within 1 of their fair share. A seat's share is split among
   the people who could take it, by weight (so leave lowers a share instead of being made up
   later), and a person's fair share is the sum over the horizon.
3. Spread: a person's shifts start at least `min_gap_days` local days apart (2 = never two days
   running). The rule yields only when the alternative is an empty seat, and the plan says so.

Algorithm: seats are filled in time order, each by the eligible person furthest below their
fair share so far (ties: longest since their last shift, then a stable hash), which also
spreads shifts evenly. `balance.rebalance` then moves as few seats as possible (shortest
augmenting paths) until every count is within the fair bounds. For team-sized problems
`optimise.optimise` then makes fairness exact in hours (a mixed-integer program), changing as
few seats as possible from the previous plan (or from the greedy one); for very large ones the
greedy plan stands. With a previous plan, its assignments before `frozen_until` (the freeze
window) are pinned where still valid, and later ones are kept where still valid and fair.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby
from typing import TYPE_CHECKING

from sddkit.rotation.balance import rebalance, staff_empty
from sddkit.rotation.board import Board, Seat
from sddkit.rotation.model import ROLES, Shift
from sddkit.rotation.shadow import pick_shadows
from sddkit.rotation.spec import Member, local_span

if TYPE_CHECKING:
    from sddkit.rotation.config import TeamConfig


@dataclass(frozen=True)
class Unstaffed:
    shift: Shift  # person is None
    reason: str


@dataclass(frozen=True)
class Skipped:
    """A shift the cadence would have, dropped for the rotation's public holiday."""

    rotation: str
    day: date
    holiday: str


@dataclass
class Plan:
    start: date
    end: date
    shifts: list[Shift]  # staffed seats, sorted by start
    unstaffed: list[Unstaffed] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    shares: dict[str, float] = field(default_factory=dict)  # fair share of shifts per person
    hour_shares: dict[str, float] = field(default_factory=dict)  # fair share in hours
    notes: list[str] = field(default_factory=list)  # spread rule relaxed, overrides off-rules
    shadows: list[Shift] = field(default_factory=list)  # joiners beside a regular, not load

    def all_seats(self) -> list[Shift]:
        """Staffed and unstaffed seats together, in time order."""
        return sorted([*self.shifts, *(u.shift for u in self.unstaffed)], key=shift_order)


def shift_order(shift: Shift) -> tuple[object, ...]:
    return (shift.start, shift.rotation, ROLES.index(shift.role), shift.seat)


def plan_rotations(
    config: TeamConfig,
    start: date,
    end: date,
    *,
    previous: Sequence[Shift] = (),
    today: date | None = None,
    frozen_until: date | None = None,
    exact: bool = True,
) -> Plan:
    """Plan every rotation from `start` to `end` (inclusive dates).

    `previous` (an earlier plan) keeps its shifts dated before `today` exactly, those before
    `frozen_until` wherever their person can still do them, and later ones wherever they are
    still valid and fair. `exact=False` skips the exact optimiser (the greedy plan only).
    """
    seats, skipped = _seats(config, start, end)
    shadows = pick_shadows(list(config.members.values()), seats, config.min_gap_days)
    _share_out(config, seats)
    board = Board(config.members, seats, config.min_gap_days)
    notes: list[str] = []
    _pin_overrides(config, board, notes)
    before = {shift.uid: shift.person for shift in previous if shift.person}
    _keep_previous(board, before, today, frozen_until)
    _fill(board, notes)
    staff_empty(board)
    shares = _shares(board)
    notes += rebalance(board, shares)
    from sddkit.rotation.optimise import hour_shares, optimise  # scipy.optimize: half a second

    if exact:
        reference = {s.index: before.get(s.uid) or s.person or "" for s in seats}
        if optimise(board, reference):
            notes = [note for note in notes if note.startswith("override")]
    staffed = [seat.shift() for seat in seats if seat.person is not None]
    unstaffed = [
        Unstaffed(seat.shift(), _why_empty(board, seat)) for seat in seats if seat.person is None
    ]
    return Plan(
        start=start,
        end=end,
        shifts=sorted(staffed, key=shift_order),
        unstaffed=unstaffed,
        skipped=skipped,
        shares=shares,
        hour_shares=hour_shares(board),
        notes=notes,
        shadows=shadows,
    )


def _seats(config: TeamConfig, first: date, last: date) -> tuple[list[Seat], list[Skipped]]:
    seats: list[Seat] = []
    skipped: list[Skipped] = []
    members = list(config.members.values())
    for rotation in config.rotations:
        day = first
        while day <= last:
            if not rotation.runs_on(day):
                day += timedelta(days=1)
                continue
            holiday = rotation.holidays.name_of(day) if rotation.holidays else None
            if holiday:
                skipped.append(Skipped(rotation.name, day, holiday))
                day += timedelta(days=1)
                continue
            begin, finish = rotation.window.on(day, rotation.zone)
            for role, count in rotation.seats():
                eligible, unavailable = _availability(members, rotation.name, role, begin, finish)
                for number in range(count):
                    seat = Seat(
                        len(seats),
                        rotation,
                        day,
                        begin,
                        finish,
                        role,
                        number,
                        eligible,
                        unavailable,
                    )
                    seats.append(seat)
            day += timedelta(days=1)
    seats.sort(key=lambda s: (s.start, s.rotation.name, ROLES.index(s.role), s.seat))
    for index, seat in enumerate(seats):
        seat.index = index
    return seats, skipped


def _share_out(config: TeamConfig, seats: list[Seat]) -> None:
    """Each seat's fair share per eligible person (after shadows took joiners off seats)."""
    for seat in seats:
        count = dict(seat.rotation.seats())[seat.role]
        weights = {name: config.members[name].person.weight for name in seat.eligible}
        seat.share = {name: share / count for name, share in _water_fill(count, weights).items()}


def _availability(
    members: list[Member], rotation: str, role: str, begin: datetime, finish: datetime
) -> tuple[list[str], dict[str, str]]:
    eligible: list[str] = []
    unavailable: dict[str, str] = {}
    local: dict[str, tuple[datetime, datetime, list[date]]] = {}
    for member in members:
        if member.person.role != role or rotation not in member.rotations:
            continue
        zone = member.person.timezone
        if zone not in local:
            local[zone] = local_span(begin, finish, member.zone)
        why = member.unavailable_local(*local[zone])
        if why is None:
            eligible.append(member.person.name)
        else:
            unavailable[member.person.name] = why
    return eligible, unavailable


def _water_fill(count: int, weights: dict[str, float]) -> dict[str, float]:
    """Split `count` seats among people by weight, nobody above 1 (one person, one seat)."""
    shares: dict[str, float] = {}
    left, open_ = float(count), dict(weights)
    while open_ and left > 1e-12:
        total = sum(open_.values())
        over = {n for n, w in open_.items() if left * w / total > 1}
        if not over:
            shares.update({n: left * w / total for n, w in open_.items()})
            break
        for name in over:
            shares[name] = 1.0
            del open_[name]
        left -= len(over)
    return shares


def _pin_overrides(config: TeamConfig, board: Board, notes: list[str]) -> None:
    wanted = {(o.rotation, o.day, o.role, o.seat): o for o in config.overrides}
    for seat in board.seats:
        override = wanted.get((seat.rotation.name, seat.day, seat.role, seat.seat))
        if override is None:
            continue
        name = override.person
        if name not in seat.eligible:
            why = seat.unavailable.get(name, "not in this rotation")
            notes.append(
                f"override {seat.rotation.name} {seat.day}: {name} is {why}; kept as written"
            )
        if board.conflict(name, seat):
            notes.append(
                f"override {seat.rotation.name} {seat.day}: {name} already on a shift then; ignored"
            )
            continue
        board.assign(seat, name)
        seat.pinned = True


def _keep_previous(
    board: Board, before: Mapping[str, str | None], today: date | None, frozen_until: date | None
) -> None:
    if not before:
        return
    for seat in board.seats:
        name = before.get(seat.uid)
        if name is None or seat.person is not None:
            continue
        if today is not None and seat.day < today:
            board.assign(seat, name)  # history: kept even if no longer valid
            seat.pinned = True
        elif board.can_take(name, seat, gap=False):
            board.assign(seat, name)
            # Inside the freeze window a seat moves only when its person can no longer do it.
            frozen = frozen_until is not None and seat.day < frozen_until
            seat.pinned, seat.kept = frozen, not frozen


def _fill(board: Board, notes: list[str]) -> None:
    """Greedy in time order: the eligible person furthest below their share so far."""
    owed: defaultdict[str, float] = defaultdict(float)
    served: Counter[str] = Counter()
    for seat in board.seats:
        for name, share in seat.share.items():
            owed[name] += share
        if seat.person is None:
            _fill_one(board, seat, owed, served, notes)
        served[seat.person or ""] += 1


def _fill_one(
    board: Board, seat: Seat, owed: dict[str, float], served: Counter[str], notes: list[str]
) -> None:
    deficit = {name: round(owed[name] - served[name], 9) for name in seat.eligible}
    ranked = sorted(seat.eligible, key=deficit.__getitem__, reverse=True)
    fallback: dict[str, float] = {}  # free, but only by breaking the spread rule
    for _, group in groupby(ranked, key=deficit.__getitem__):  # furthest below share first
        rested: dict[str, float] = {}
        crowded: dict[str, float] = {}
        for name in group:
            free, spread, since = board.assess(name, seat)
            if free:
                (rested if spread else crowded)[name] = since
        if rested:
            board.assign(seat, _longest_rested(seat, rested))
            return
        fallback = fallback or crowded
    if fallback:
        notes.append(
            f"{seat.rotation.name} {seat.day} {seat.role}: spread rule relaxed "
            f"(nobody free had a {board.min_gap_days}-day gap)"
        )
        board.assign(seat, _longest_rested(seat, fallback))


def _longest_rested(seat: Seat, rested: dict[str, float]) -> str:
    """The one whose last shift is longest ago; a stable hash breaks ties without favouring
    names early in the alphabet."""
    longest = max(rested.values())
    tied = [name for name, since in rested.items() if since == longest]
    if len(tied) == 1:
        return tied[0]
    return max(tied, key=lambda name: hashlib.sha1(f"{name}|{seat.uid}".encode()).hexdigest())


def _shares(board: Board) -> dict[str, float]:
    totals = dict.fromkeys(board.members, 0.0)
    for seat in board.seats:
        for name, share in seat.share.items():
            totals[name] += share
    return {name: round(total, 6) for name, total in totals.items()}


def _why_empty(board: Board, seat: Seat) -> str:
    reasons: list[tuple[str, str]] = []
    for name in seat.eligible:
        if board.conflict(name, seat):
            reasons.append((name, "on another shift"))
        elif board.capped(name, seat):
            reasons.append((name, "at max_shifts this month"))
    reasons += list(seat.unavailable.items())
    if not reasons:
        return f"no {seat.role} is in rotation {seat.rotation.name!r}"
    if len(reasons) > 6:
        counts = Counter(why for _, why in reasons)
        return f"no {seat.role} free: " + ", ".join(f"{n} {why}" for why, n in counts.items())
    return f"no {seat.role} free: " + ", ".join(f"{name} {why}" for name, why in reasons)
