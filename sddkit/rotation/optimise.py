"""Exact fairness in hours for team-sized plans: integer programs (scipy's `milp`, HiGHS).

Roles never share seats, so each role is solved on its own: the smallest z such that every
person with a share of its seats ends within z hours of their fair share (those the plan can
no longer move count as they stand), and at that z the plan keeping as many seats as
possible as in the reference (the published schedule, or the greedy plan on a first plan),
so a re-plan changes only what fairness needs and shifts stay spread out as the greedy
spread them. The hard rules are constraints: every seat the greedy filled stays filled by
someone eligible, nobody on two overlapping seats, at most one shift in any `min_gap_days`
local days (dropped when keeping it would leave the plan less fair than the greedy one,
which relaxes it the same way), `max_shifts` per calendar month.

Minimising z directly is slow: the relaxation reaches z = 0 (the fair shares are themselves
a fractional plan), so the solver must branch its way up to the optimum; a 50-person,
26-week plan stayed far from it within any reasonable limit. Instead each z is a question
("is there a plan within z, and which keeps most seats?") asked of a program in which each
person picks how many seats of each length they take among the counts within z of their
share, a much tighter relaxation than bounds on the hours. The z asked are the distances a
person's total can actually have, from the lowest one the seat counts allow
(`counts.lowest`: which seat goes to whom left aside, so no plan does better; usually the
answer), then by bisection up to the greedy plan's.

Above `DIRECT_VARIABLES` pairs the whole program is too slow (minutes on 120 people), so
seats are found for the counts `counts.lowest` chose: with every person's counts fixed the
rest is a transportation problem whose vertices are whole, so seat variables are continuous
and only the people whose own rows a solution breaks get those rows (and integer seats),
round by round. A plan found there is at the bound, hence optimal.

Pinned seats (history, overrides, the freeze window) are constants. When the problem is too
large (`MAX_VARIABLES`), or no solution is found within the limits, the greedy plan stays.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from sddkit.rotation.board import Board, Seat
from sddkit.rotation.counts import REACH, TOLERANCE, Hours, Pattern, floor_of, lowest, widen

MAX_VARIABLES = 400_000  # (seat, person) pairs of one role; beyond it the greedy plan stays
DIRECT_VARIABLES = 12_000  # beyond, seats are found for the counts `counts.lowest` chose
TIME_LIMIT_S = 10.0  # per solve: a safety net; NODE_LIMIT normally ends a long search
NODE_LIMIT = 2_000  # a limit in work, not time, so the same input gives the same plan

_ROUNDS = 50  # rounds of lazy rows before giving up on a z (then: no plan found)

_Row = tuple[dict[int, float], float, float]  # coefficients by variable, lower, upper bound


def seat_hours(seat: Seat) -> float:
    return (seat.end.astimezone(UTC) - seat.start.astimezone(UTC)).total_seconds() / 3600


def hour_shares(board: Board) -> dict[str, float]:
    """Each person's fair share in hours: the sum over seats of their share times its hours."""
    totals = dict.fromkeys(board.members, 0.0)
    for seat in board.seats:
        hours = seat_hours(seat)
        for name, share in seat.share.items():
            totals[name] += share * hours
    return {name: round(total, 6) for name, total in totals.items()}


def optimise(
    board: Board,
    reference: Mapping[int, str],
    *,
    max_variables: int = MAX_VARIABLES,
    time_limit: float = TIME_LIMIT_S,
) -> bool:
    """Reassign the board's free seats optimally, role by role. True when every role was
    solved with the spread rule kept (False: a role kept its greedy plan or, to be as fair,
    gave up the spread rule)."""
    shares = hour_shares(board)
    solved = True
    for role in sorted({seat.role for seat in board.seats}):
        choice, spread = _best(board, role, shares, reference, max_variables, time_limit)
        solved = solved and spread
        for seat, name in choice or ():
            if seat.person != name:
                board.move(seat, name)
    return solved


def _best(
    board: Board,
    role: str,
    shares: Mapping[str, float],
    reference: Mapping[int, str],
    max_variables: int,
    time_limit: float,
) -> tuple[list[tuple[Seat, str]] | None, bool]:
    """The optimal seats of `role` (None: keep the greedy's) and whether the spread rule
    holds: kept if that is as fair as the greedy plan."""
    greedy = _deviation(board, role, shares)
    for gap in (True, False):
        problem = _Problem.build(board, role, shares, gap=gap, max_variables=max_variables)
        if problem.size == 0:
            return None, True
        if problem.size > max_variables:
            return None, False
        found = problem.solve(reference, time_limit, greedy)
        if found is not None:
            return found[0], gap
    return None, False


def _deviation(board: Board, role: str, shares: Mapping[str, float]) -> float:
    """The largest |hours - fair hours| of `role` on the board as it stands."""
    hours: dict[str, float] = defaultdict(float)
    for seat in board.seats:
        if seat.role == role and seat.person is not None:
            hours[seat.person] += seat_hours(seat)
    names = {n for seat in board.seats if seat.role == role for n in seat.share}
    return max((abs(hours[n] - shares.get(n, 0.0)) for n in names), default=0.0)


@dataclass
class _Problem:
    pairs: list[tuple[Seat, str]]
    gap: bool = True  # keep the spread rule (min_gap_days)
    z_floor: float = 0.0  # no plan can do better (cheap bound from the shift lengths)
    settled: float = 0.0  # the largest distance of those with no seat to take: z is at least it
    rows: list[_Row] = field(default_factory=list)  # every seat filled
    personal: dict[str, list[_Row]] = field(default_factory=dict)  # one at a time, max_shifts
    hours: list[Hours] = field(default_factory=list)
    owner: list[str] = field(default_factory=list)  # the person of each seat variable

    @property
    def size(self) -> int:
        return len(self.pairs)

    @classmethod
    def build(
        cls,
        board: Board,
        role: str,
        shares: Mapping[str, float],
        *,
        gap: bool,
        max_variables: int = MAX_VARIABLES,
    ) -> _Problem:
        """The program for `role`'s free seats (only its pairs, if it has too many)."""
        fixed: dict[str, list[Seat]] = defaultdict(list)
        free: list[Seat] = []
        names: set[str] = set()  # with a fair share of the role's seats
        for seat in board.seats:
            if seat.role != role:
                continue
            names.update(seat.share)
            if seat.person is not None:
                (fixed[seat.person] if seat.pinned else free).append(seat)
        pairs = [
            (seat, name)
            for seat in free
            for name in seat.eligible
            if _fits_pinned(board, name, seat, fixed[name], gap)
        ]
        problem = cls(pairs, gap=gap)
        if pairs and len(pairs) <= max_variables:
            problem._constrain(board, free, fixed, shares)
            settled = names - {name for _, name in pairs}
            problem.settled = max(
                (abs(sum(map(seat_hours, fixed[n])) - shares.get(n, 0.0)) for n in settled),
                default=0.0,
            )
        return problem

    def _constrain(
        self,
        board: Board,
        free: list[Seat],
        fixed: Mapping[str, list[Seat]],
        shares: Mapping[str, float],
    ) -> None:
        by_seat: dict[int, list[int]] = defaultdict(list)
        by_person: dict[str, list[int]] = defaultdict(list)
        for variable, (seat, name) in enumerate(self.pairs):
            by_seat[seat.index].append(variable)
            by_person[name].append(variable)
        self.owner = [name for _, name in self.pairs]
        for seat in free:  # a seat the greedy filled stays filled
            self.rows.append((dict.fromkeys(by_seat[seat.index], 1.0), 1.0, 1.0))
        for name, variables in by_person.items():
            self.personal[name] = []
            self._one_at_a_time(board, name, variables)
            self._monthly_cap(board, name, variables, fixed[name])
            lengths: dict[float, list[int]] = defaultdict(list)
            for variable in variables:
                lengths[round(seat_hours(self.pairs[variable][0]), 6)].append(variable)
            target = shares.get(name, 0.0) - sum(seat_hours(s) for s in fixed[name])
            self.hours.append(Hours(target, dict(lengths)))
        self.z_floor = floor_of(self.hours, sum(seat_hours(seat) for seat in free))

    def _one_at_a_time(self, board: Board, name: str, variables: list[int]) -> None:
        """No two overlapping seats, and at most one seat within any min_gap_days local days."""
        ordered = sorted(variables, key=lambda v: self.pairs[v][0].start)
        for i, first in enumerate(ordered):
            seat = self.pairs[first][0]
            for second in ordered[i + 1 :]:
                if self.pairs[second][0].start >= seat.end:
                    break
                self.personal[name].append(({first: 1.0, second: 1.0}, -np.inf, 1.0))
        if board.min_gap_days <= 0 or not self.gap:
            return
        by_day = sorted((board.local_day(self.pairs[v][0], name), v) for v in variables)
        days = [day for day, _ in by_day]
        for at, start in enumerate(days):
            if at and days[at - 1] == start:
                continue  # one row per first day
            until = bisect.bisect_left(days, start + board.min_gap_days, lo=at)
            if until - at > 1:
                window = [v for _, v in by_day[at:until]]
                self.personal[name].append((dict.fromkeys(window, 1.0), -np.inf, 1.0))

    def _monthly_cap(
        self, board: Board, name: str, variables: list[int], pinned: list[Seat]
    ) -> None:
        cap = board.members[name].person.max_shifts
        if cap is None:
            return
        months: dict[tuple[int, int], list[int]] = defaultdict(list)
        for variable in variables:
            day = self.pairs[variable][0].day
            months[day.year, day.month].append(variable)
        for (year, month), found in months.items():
            taken = sum(1 for s in pinned if (s.day.year, s.day.month) == (year, month))
            limit = float(max(cap - taken, 0))
            self.personal[name].append((dict.fromkeys(found, 1.0), -np.inf, limit))

    def solve(
        self, reference: Mapping[int, str], time_limit: float, z_max: float
    ) -> tuple[list[tuple[Seat, str]], float] | None:
        """The smallest z at most `z_max` for which a plan exists, and at that z the plan
        keeping most seats of `reference`: the seats and z; None if no plan within `z_max`
        was found. The z tried are those a person's total can be off by: first the lowest
        (often the optimum), then by bisection."""
        keep = np.array([reference.get(s.index) == name for s, name in self.pairs], dtype=float)
        candidates = self._candidates(z_max)
        low = 0
        counted = self._counts(candidates, keep)
        if counted is not None:  # no plan is fairer than the counts allow: start there
            low, counts = counted
            if self.size > DIRECT_VARIABLES:  # too large for the whole program: seats only
                values = self._run(-keep, candidates[low], time_limit, counts)
                if values is not None:
                    return self._chosen(values), candidates[low]
        found: tuple[float, np.ndarray] | None = None
        high = len(candidates) - 1
        middle = low
        while low <= high:
            values = self._run(-keep, candidates[middle], time_limit)
            if values is None:
                low = middle + 1
            else:
                found, high = (candidates[middle], values), middle - 1
            middle = (low + high) // 2
        if found is None:
            return None
        z, values = found
        return self._chosen(values), z

    def _chosen(self, values: np.ndarray) -> list[tuple[Seat, str]]:
        return [self.pairs[v] for v in range(self.size) if values[v] > 0.5]

    def _counts(
        self, candidates: list[float], keep: np.ndarray
    ) -> tuple[int, list[Pattern]] | None:
        """The smallest candidate z the seat counts allow (`counts.lowest`) and the counts
        nearest the reference's there; None when someone's patterns cannot be listed."""
        if not candidates or any(h.patterns(candidates[-1]) is None for h in self.hours):
            return None
        lengths = sorted({length for h in self.hours for length in h.lengths})
        totals = [0] * len(lengths)
        for seat in {seat.index: seat for seat, _ in self.pairs}.values():
            totals[lengths.index(round(seat_hours(seat), 6))] += 1
        wanted = [
            tuple(int(sum(keep[v] for v in h.lengths.get(x, ()))) for x in lengths)
            for h in self.hours
        ]

        def options(z: float) -> list[list[Pattern] | None]:
            return [widen(h.patterns(z), list(h.lengths), lengths) for h in self.hours]

        found = lowest(options, totals, candidates, wanted)
        if found is None:
            return None
        index, chosen = found
        narrow = [
            tuple(p[lengths.index(x)] for x in h.lengths)
            for p, h in zip(chosen, self.hours, strict=True)
        ]
        return index, narrow

    def _candidates(self, z_max: float) -> list[float]:
        """Every z the optimum can be: some person's distance from their target, between the
        floor and `z_max` (with z_max itself when a total cannot be listed). Someone who can
        no longer move (they left, or all their seats are pinned) still counts: the plan
        need not be fairer to the others than that, and so changes fewer seats."""
        found = {round(d, 6) for h in self.hours for d in h.deviations()}
        found.add(round(self.settled, 6))
        if any(h.sums is None for h in self.hours) or z_max > REACH:
            found.add(round(z_max, 6))
        low = max(self.z_floor, self.settled - TOLERANCE)
        return sorted(z for z in found if low <= z <= z_max + TOLERANCE)

    def _run(
        self,
        cost: np.ndarray,
        z: float,
        time_limit: float,
        fixed: list[Pattern] | None = None,
    ) -> np.ndarray | None:
        """A plan with every person's hours within z of their target, minimising `cost`
        (None: there is none, or none was found within the limits).

        Past the seat variables come one per person and pattern (`Hours.patterns`): exactly
        one is chosen. Once every person's pattern is chosen, what is left is a
        transportation problem (seats to people by length), whose every vertex is whole:
        so the seat variables are continuous and only the patterns are branched on, except
        for the people whose own rows (no two shifts at once, the spread rule, max_shifts)
        are in the program. Those rows are added lazily, person by person, only when a
        solution breaks one; each round solves a relaxation of the full program, so the
        first solution breaking none is the full program's answer. `fixed`: each person's
        pattern is given (their counts by length), only the seats are chosen."""
        active: set[str] = set()
        for _ in range(_ROUNDS):
            values = self._solve(cost, z, time_limit, active, fixed)
            if values is None:
                return None
            broken = {
                name
                for name, rows in self.personal.items()
                if name not in active and any(_breaks(row, values) for row in rows)
            }
            fractional = {self.owner[v] for v in range(self.size) if 1e-6 < values[v] < 1 - 1e-6}
            if not broken and not fractional:
                return np.round(values)
            active |= broken | fractional
        return None

    def _solve(
        self,
        cost: np.ndarray,
        z: float,
        time_limit: float,
        active: set[str],
        fixed: list[Pattern] | None,
    ) -> np.ndarray | None:
        """One round of `_run`: the personal rows of `active` people only."""
        rows = list(self.rows)
        for name in sorted(active):
            rows += self.personal[name]
        columns = self.size
        integral = [self.owner[v] in active for v in range(self.size)]
        for at, person in enumerate(self.hours):
            patterns = [fixed[at]] if fixed is not None else person.patterns(z)
            if patterns is None:  # too many to list: bound the hours instead
                hours = {v: h for h, found in person.lengths.items() for v in found}
                rows.append((hours, person.target - z - TOLERANCE, person.target + z + TOLERANCE))
                for v in hours:
                    integral[v] = True
                continue
            if not patterns:
                return None
            chosen = range(columns, columns + len(patterns))
            columns += len(patterns)
            integral += [True] * len(patterns)
            rows.append((dict.fromkeys(chosen, 1.0), 1.0, 1.0))
            for place, found in enumerate(person.lengths.values()):
                counts = {
                    w: -float(k[place]) for w, k in zip(chosen, patterns, strict=True) if k[place]
                }
                rows.append(({**dict.fromkeys(found, 1.0), **counts}, 0.0, 0.0))
        data: list[float] = []
        row_index: list[int] = []
        col_index: list[int] = []
        for number, (coefficients, _, _) in enumerate(rows):
            data += coefficients.values()
            row_index += [number] * len(coefficients)
            col_index += coefficients.keys()
        matrix = coo_array((data, (row_index, col_index)), shape=(len(rows), columns))
        result = milp(
            np.r_[cost, np.zeros(columns - self.size)],
            constraints=LinearConstraint(
                matrix.tocsr(), np.array([r[1] for r in rows]), np.array([r[2] for r in rows])
            ),
            integrality=np.array(integral, dtype=int),
            bounds=Bounds(0, 1),
            options={
                "time_limit": time_limit,
                "node_limit": NODE_LIMIT,
                "disp": False,
                "mip_rel_gap": 0.0,  # fewest changes: a relative gap would allow a few more
            },
        )
        return None if result.x is None else np.asarray(result.x)[: self.size]


def _breaks(row: _Row, values: np.ndarray) -> bool:
    coefficients, low, high = row
    total = sum(values[v] * c for v, c in coefficients.items())
    return bool(total > high + 1e-6 or total < low - 1e-6)


def _fits_pinned(board: Board, name: str, seat: Seat, pinned: list[Seat], gap: bool) -> bool:
    """`name` may take `seat` beside their pinned seats (no overlap; with `gap`, the spread
    rule kept)."""
    for other in pinned:
        if other.start < seat.end and seat.start < other.end:
            return False
        if gap and board.min_gap_days > 0:
            apart = abs(board.local_day(other, name) - board.local_day(seat, name))
            if apart < board.min_gap_days:
                return False
    return True
