"""How many seats of each length each person takes: the small program behind exact fairness.

Which seats a person takes matters for the hard rules, but how fair a plan is depends only on
how many seats of each length each person gets. So the optimiser first asks a program with
one variable per person and count pattern (the counts within z of their fair share, see
`optimise._Hours.patterns`), and one row per length saying all free seats of that length are
taken. It drops every rule about which seat goes to whom, so it is a relaxation: no plan is
fairer than its smallest z. That bound is usually the optimum itself, and it is found in a
fraction of a second where the whole program (a variable per person and seat) takes minutes
on hundreds of people; the optimiser then only has to find seats for these counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

Pattern = tuple[int, ...]  # seats of each length, in the order of `totals`
NODE_LIMIT = 20_000  # a limit in work, not time: the same input gives the same answer
TOLERANCE = 1e-5
REACH = 48.0  # hours past a person's target that their possible totals are listed to
_PATTERNS = 20_000  # count combinations listed per person; beyond, hours are bounded


def lowest(
    options: Callable[[float], Sequence[list[Pattern] | None]],
    totals: Sequence[int],
    candidates: Sequence[float],
    wanted: Sequence[Pattern],
) -> tuple[int, list[Pattern]] | None:
    """The index of the smallest z in `candidates` (ascending) for which everyone can have
    one of `options(z)` (each person's patterns) and the seats of each length add up to
    `totals`; with, at that z, the patterns nearest to `wanted` (fewest seats added or taken
    away per person and length). None: no candidate allows it, or a person's patterns
    cannot be listed."""
    low, high = 0, len(candidates) - 1
    found: tuple[int, list[Pattern]] | None = None
    while low <= high:
        middle = (low + high) // 2
        chosen = _choose(options(candidates[middle]), totals, wanted)
        if chosen is None:
            low = middle + 1
        else:
            found, high = (middle, chosen), middle - 1
    return found


def _choose(
    people: Sequence[list[Pattern] | None], totals: Sequence[int], wanted: Sequence[Pattern]
) -> list[Pattern] | None:
    if any(not patterns for patterns in people):
        return None
    columns: list[tuple[int, Pattern]] = []  # (person, pattern)
    for person, patterns in enumerate(people):
        columns += [(person, pattern) for pattern in patterns or ()]
    data: list[float] = []
    rows: list[int] = []
    cols: list[int] = []
    for column, (person, pattern) in enumerate(columns):
        data.append(1.0)  # one pattern per person
        rows.append(person)
        cols.append(column)
        for at, count in enumerate(pattern):
            if count:
                data.append(float(count))
                rows.append(len(people) + at)
                cols.append(column)
    bounds = np.r_[np.ones(len(people)), np.asarray(totals, dtype=float)]
    matrix = coo_array((data, (rows, cols)), shape=(len(bounds), len(columns))).tocsr()
    cost = np.array(
        [sum(abs(a - b) for a, b in zip(p, wanted[person], strict=True)) for person, p in columns],
        dtype=float,
    )
    result = milp(
        cost,
        constraints=LinearConstraint(matrix, bounds, bounds),
        integrality=np.ones(len(columns)),
        bounds=Bounds(0, 1),
        options={"node_limit": NODE_LIMIT, "disp": False, "mip_rel_gap": 0.0},
    )
    if result.x is None:
        return None
    picked = [columns[c] for c in range(len(columns)) if result.x[c] > 0.5]
    return [pattern for _, pattern in sorted(picked)]


@dataclass(frozen=True)
class Hours:
    """One person on the free seats: the hours they should get there, and their variables
    by seat length."""

    target: float
    lengths: dict[float, list[int]]

    @cached_property
    def sums(self) -> list[float] | None:
        """Every total their eligible seats can make up to `REACH` hours past the target
        (None: too many to list)."""
        lengths = [length for length, found in self.lengths.items() for _ in found]
        return _sums(lengths, max(self.target, 0.0) + REACH)

    def deviations(self) -> list[float]:
        return [abs(total - self.target) for total in self.sums or ()]

    def patterns(self, z: float) -> list[tuple[int, ...]] | None:
        """Every number of seats of each length whose hours are within z of the target
        (None: too many to list). Choosing one of these rather than bounding the hours
        tightens the relaxation: each z is settled 1.3 to 8 times faster on the bench's teams.
        Listed length by length, never past the upper end, so a person eligible for hundreds
        of seats but owed a few has a few patterns."""
        low, high = self.target - z - TOLERANCE, self.target + z + TOLERANCE
        found: list[tuple[int, ...]] = []
        options = [(length, len(seats)) for length, seats in self.lengths.items()]

        def extend(prefix: tuple[int, ...], total: float) -> bool:
            if len(prefix) == len(options):
                if total >= low:
                    found.append(prefix)
                return len(found) <= _PATTERNS
            length, most = options[len(prefix)]
            rest = sum(h * n for h, n in options[len(prefix) + 1 :])
            for k in range(most + 1):
                hours = total + k * length
                if hours > high:
                    break
                if hours + rest >= low and not extend((*prefix, k), hours):
                    return False
            return True

        return found if extend((), 0.0) else None


def widen(
    patterns: list[Pattern] | None, own: list[float], lengths: list[float]
) -> list[Pattern] | None:
    """Patterns over a person's own lengths, as counts over every length (0 for the rest)."""
    if patterns is None:
        return None
    return [tuple(p[own.index(x)] if x in own else 0 for x in lengths) for p in patterns]


def _sums(lengths: list[float], ceiling: float, limit: int = 20_000) -> list[float] | None:
    """Every total up to `ceiling` a subset of these shift lengths makes (None: too many)."""
    sums = {0.0}
    for length, count in Counter(round(h, 6) for h in lengths).items():
        sums = {
            round(s + k * length, 6)
            for s in sums
            for k in range(min(count, int((ceiling + TOLERANCE - s) // length)) + 1)
        }
        if len(sums) > limit:
            return None
    return sorted(sums)


def floor_of(people: list[Hours], total: float) -> float:
    """A floor under z: the smallest z at which everyone can get a total within z of their
    target and the totals can still add up to the hours to hand out. The first z asked."""
    listed = [person for person in people if person.sums is not None]

    def possible(z: float) -> bool:
        low = high = 0.0
        for person in listed:
            inside = [a for a in person.sums or () if abs(a - person.target) <= z + 1e-9]
            if not inside:
                return False
            low, high = low + inside[0], high + inside[-1]
        unlisted = len(listed) < len(people)  # anything goes for them: no upper limit known
        return low <= total + 1e-6 and (unlisted or total <= high + 1e-6)

    candidates = sorted({d for person in listed for d in person.deviations()})
    low, high = 0, len(candidates) - 1
    if not candidates or not possible(candidates[high]):
        return 0.0
    while low < high:  # the smallest candidate that is possible (possible grows with z)
        middle = (low + high) // 2
        if possible(candidates[middle]):
            high = middle
        else:
            low = middle + 1
    return max(candidates[low] - TOLERANCE, 0.0)
