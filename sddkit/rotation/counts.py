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

from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

Pattern = tuple[int, ...]  # seats of each length, in the order of `totals`
NODE_LIMIT = 20_000  # a limit in work, not time: the same input gives the same answer


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
