"""Exact fairness in hours for team-sized plans: a mixed-integer program (scipy's `milp`, HiGHS).

Roles never share seats, so each role is solved on its own, in two steps:
1. minimise z, the largest |hours served - fair share in hours| over the people the plan can
   still move, under the hard rules: every seat the greedy filled stays filled by someone
   eligible, nobody on two overlapping seats, at most one shift in any `min_gap_days` local
   days (dropped when keeping it would leave the plan less fair than the greedy one, which
   relaxes it the same way), `max_shifts` per calendar month;
2. with z held at its optimum, keep as many seats as possible as in the reference (the
   published schedule, or the greedy plan on a first plan), so a re-plan changes only what
   fairness needs and shifts stay spread out as the greedy spread them.

Pinned seats (history, overrides, the freeze window) are constants. When the problem is too
large (`MAX_VARIABLES`), or no solution is found in time, or none keeps the spread rule, the
greedy plan stays as it is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from sddkit.rotation.board import Board, Seat

MAX_VARIABLES = 12_000  # (seat, person) pairs of one role; beyond it the greedy plan stays
TIME_LIMIT_S = 10.0  # per solve: a safety net; NODE_LIMIT normally ends a long search
MIP_GAP = 0.01  # stop within 1% of the proven optimum
NODE_LIMIT = 2_000  # a limit in work, not time, so the same input gives the same plan
_TOLERANCE = 1e-5


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
        found = problem.solve(reference, time_limit)
        if found is not None and found[1] <= greedy + _TOLERANCE:
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
    z_floor: float = 0.0  # no plan can do better: lets the solver stop once it gets there
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)
    z_rows: list[int] = field(default_factory=list)  # rows whose z coefficient is set

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
        for seat in board.seats:
            if seat.role != role or seat.person is None:
                continue
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
        for seat in free:  # a seat the greedy filled stays filled
            self.rows.append((dict.fromkeys(by_seat[seat.index], 1.0), 1.0, 1.0))
        targets: dict[str, float] = {}
        sums: dict[str, list[float] | None] = {}
        for name, variables in by_person.items():
            self._one_at_a_time(board, name, variables)
            self._monthly_cap(board, name, variables, fixed[name])
            hours = {v: seat_hours(self.pairs[v][0]) for v in variables}
            target = shares.get(name, 0.0) - sum(seat_hours(s) for s in fixed[name])
            targets[name], sums[name] = target, _sums(list(hours.values()))
            self.z_rows.append(len(self.rows))  # hours - z <= target
            self.rows.append((hours, -np.inf, target))
            self.z_rows.append(len(self.rows))  # hours + z >= target
            self.rows.append((dict(hours), target, np.inf))
        self.z_floor = _floor(targets, sums, sum(seat_hours(seat) for seat in free))

    def _one_at_a_time(self, board: Board, name: str, variables: list[int]) -> None:
        """No two overlapping seats, and at most one seat within any min_gap_days local days."""
        ordered = sorted(variables, key=lambda v: self.pairs[v][0].start)
        for i, first in enumerate(ordered):
            seat = self.pairs[first][0]
            for second in ordered[i + 1 :]:
                if self.pairs[second][0].start >= seat.end:
                    break
                self.rows.append(({first: 1.0, second: 1.0}, -np.inf, 1.0))
        if board.min_gap_days <= 0 or not self.gap:
            return
        days = {v: board.local_day(self.pairs[v][0], name) for v in variables}
        for start in sorted(set(days.values())):
            window = [v for v, day in days.items() if start <= day < start + board.min_gap_days]
            if len(window) > 1:
                self.rows.append((dict.fromkeys(window, 1.0), -np.inf, 1.0))

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
            self.rows.append((dict.fromkeys(found, 1.0), -np.inf, float(max(cap - taken, 0))))

    def solve(
        self, reference: Mapping[int, str], time_limit: float
    ) -> tuple[list[tuple[Seat, str]], float] | None:
        """Step 1 (min z), then step 2 (fewest changes at that z): the seats and z; None if
        no solution was found in time."""
        n = self.size
        first = self._run(np.r_[np.zeros(n), 1.0], np.inf, time_limit)
        if first is None:
            return None
        best = float(first[n])
        keep = np.array([reference.get(s.index) == name for s, name in self.pairs], dtype=float)
        second = self._run(np.r_[-keep, 0.0], best + _TOLERANCE, time_limit)
        values = second if second is not None else first
        return [self.pairs[v] for v in range(n) if values[v] > 0.5], best

    def _run(self, cost: np.ndarray, z_max: float, time_limit: float) -> np.ndarray | None:
        n = self.size
        data, row_index, col_index = [], [], []
        z_sign = {row: (-1.0 if self.rows[row][2] != np.inf else 1.0) for row in self.z_rows}
        for number, (coefficients, _, _) in enumerate(self.rows):
            for variable, value in coefficients.items():
                data.append(value)
                row_index.append(number)
                col_index.append(variable)
            if number in z_sign:
                data.append(z_sign[number])
                row_index.append(number)
                col_index.append(n)
        matrix = coo_array((data, (row_index, col_index)), shape=(len(self.rows), n + 1))
        lower = np.array([row[1] for row in self.rows])
        upper = np.array([row[2] for row in self.rows])
        result = milp(
            cost,
            constraints=LinearConstraint(matrix.tocsr(), lower, upper),
            integrality=np.r_[np.ones(n), 0.0],
            bounds=Bounds(np.r_[np.zeros(n), self.z_floor], np.r_[np.ones(n), z_max]),
            options={
                "time_limit": time_limit,
                "node_limit": NODE_LIMIT,
                "disp": False,
                "mip_rel_gap": MIP_GAP,
            },
        )
        return None if result.x is None else np.asarray(result.x)


def _sums(lengths: list[float], limit: int = 20_000) -> list[float] | None:
    """Every total a subset of these shift lengths makes (None: too many to list)."""
    sums = {0.0}
    for length, count in Counter(round(h, 6) for h in lengths).items():
        sums = {round(s + k * length, 6) for s in sums for k in range(count + 1)}
        if len(sums) > limit:
            return None
    return sorted(sums)


def _floor(
    targets: Mapping[str, float], sums: Mapping[str, list[float] | None], total: float
) -> float:
    """A floor under z: the smallest z at which everyone can get a total within z of their
    target and the totals can still add up to the hours to hand out. Telling the solver
    lets it stop as soon as it meets it: a min-max bound otherwise closes slowly."""
    listed = {name: found for name, found in sums.items() if found is not None}

    def possible(z: float) -> bool:
        low = high = 0.0
        for name, found in listed.items():
            inside = [a for a in found if abs(a - targets[name]) <= z + 1e-9]
            if not inside:
                return False
            low, high = low + inside[0], high + inside[-1]
        unlisted = len(listed) < len(sums)  # anything goes for them: no upper limit known
        return low <= total + 1e-6 and (unlisted or total <= high + 1e-6)

    candidates = sorted({abs(a - targets[n]) for n, found in listed.items() for a in found})
    low, high = 0, len(candidates) - 1
    if not candidates or not possible(candidates[high]):
        return 0.0
    while low < high:  # the smallest candidate that is possible (possible grows with z)
        middle = (low + high) // 2
        if possible(candidates[middle]):
            high = middle
        else:
            low = middle + 1
    return max(candidates[low] - _TOLERANCE, 0.0)


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
