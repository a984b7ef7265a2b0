"""Bring every person's shift count within their fair bounds, moving as few seats as possible.

A move hands one seat from a person to another who may take it. To fix a person above their
bound we search breadth-first for the shortest chain A -> B -> ... -> Z of such hand-overs that
ends at someone with room (each person in between gives one seat and takes one, so only A and
Z change count); to fix someone below, a chain that starts at someone with a seat to spare.
This is the augmenting-path step of a flow rounding, which is why the fractional fair shares
can be met to within one: every successful chain lowers the total excess by one.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable

from sddkit.rotation.board import Board, Seat

_EPS = 1e-6


def staff_empty(board: Board) -> None:
    """Fill seats the greedy left empty although someone eligible could take them after
    handing one of their own seats on: the shortest chain "A takes the empty seat and gives
    up a seat of theirs (same month, when `max_shifts` blocks A; the overlapping one, when a
    shift at the same time does) to B, who gives up one to C, ... who is free". The spread
    rule may yield here: an empty seat is worse than two shifts close together."""
    for seat in board.seats:
        if seat.person is None and seat.eligible:
            _staff(board, seat)


def _staff(board: Board, empty: Seat) -> None:
    came_from: dict[int, tuple[int, str]] = {}  # seat -> (the seat its person takes, person)
    seen: set[str] = set()
    queue = deque([empty.index])
    while queue:
        needing = board.seats[queue.popleft()]
        for name in needing.eligible:
            if name in seen or name == needing.person:
                continue
            seen.add(name)
            if board.can_take(name, needing, gap=False):
                _hand_on(board, came_from, needing.index, name)
                return
            for given in _releases(board, name, needing):
                if given.index not in came_from and given.index != empty.index:
                    came_from[given.index] = (needing.index, name)
                    queue.append(given.index)


def _releases(board: Board, name: str, wanted: Seat) -> list[Seat]:
    """`name`'s own seats, any one of which they could give up to take `wanted`."""
    own = [board.seats[i] for i in board.timelines[name].seats]
    overlapping = [s for s in own if s.start < wanted.end and wanted.start < s.end]
    if overlapping:
        candidates = overlapping if len(overlapping) == 1 else []
    else:
        month = (wanted.day.year, wanted.day.month)
        candidates = [s for s in own if (s.day.year, s.day.month) == month]
    candidates = [s for s in candidates if not s.pinned]
    found = []
    for seat in candidates:
        board.release(seat)
        if board.can_take(name, wanted, gap=False):
            found.append(seat)
        board.assign(seat, name)
    return found


def _hand_on(board: Board, came_from: dict[int, tuple[int, str]], last: int, name: str) -> None:
    """Apply the chain ending with `name` taking seat `last`, back to the empty seat."""
    steps = [(last, name)]
    while steps[-1][0] in came_from:
        steps.append(came_from[steps[-1][0]])
    for index, person in reversed(steps):  # from the empty seat on: free a seat, then take
        seat = board.seats[index]
        if seat.person is not None:
            board.release(seat)
        board.assign(seat, person)


def rebalance(board: Board, shares: dict[str, float]) -> list[str]:
    """Move unpinned seats until counts are in [floor(share), ceil(share)]; returns notes.

    First with the spread rule kept; if someone would still be more than one shift from their
    share, again with it relaxed (and a note saying so).
    """
    strict = {name: (math.floor(s + _EPS), math.ceil(s - _EPS)) for name, s in shares.items()}
    for keep in (True, False):  # move newly planned seats first, a previous plan's last
        _settle(board, strict, gap=True, keep=keep)
    loose = {
        name: (math.ceil(s - 1 - _EPS), math.floor(s + 1 + _EPS)) for name, s in shares.items()
    }
    if not _violations(board, loose):
        return []
    _settle(board, loose, gap=False, keep=False)
    notes = ["spread rule relaxed in places to keep everyone within one shift of their share"]
    notes += [
        f"{name}: {board.count(name)} shifts against a fair share of {shares[name]:.2f}; "
        "no valid move gets closer"
        for name in _violations(board, loose)
    ]
    return notes


def _violations(board: Board, bounds: dict[str, tuple[int, int]]) -> dict[str, bool]:
    """People outside their bounds (value: True when below)."""
    found: dict[str, bool] = {}
    for name, (low, high) in bounds.items():
        count = board.count(name)
        if count < low or count > high:
            found[name] = count < low
    return found


def _settle(board: Board, bounds: dict[str, tuple[int, int]], *, gap: bool, keep: bool) -> None:
    stuck: set[str] = set()
    while True:
        bad = {n: below for n, below in _violations(board, bounds).items() if n not in stuck}
        if not bad:
            return
        name, below = min(bad.items())
        if below:
            donors = [n for n, (low, _) in bounds.items() if board.count(n) > low]
            fixed = _augment(board, donors, {name}.__contains__, gap, keep)
        else:
            fixed = _augment(board, [name], lambda n: board.count(n) < bounds[n][1], gap, keep)
        if not fixed:
            stuck.add(name)


def _augment(
    board: Board, sources: list[str], is_target: Callable[[str], bool], gap: bool, keep: bool
) -> bool:
    """Shortest chain of hand-overs from a source to a target; applied if found."""
    came_from: dict[str, tuple[str, int]] = {}
    seen = set(sources)
    queue = deque(sorted(sources))
    while queue:
        giver = queue.popleft()
        for index in list(board.timelines[giver].seats):
            seat = board.seats[index]
            if seat.pinned or (keep and seat.kept):
                continue
            for taker in seat.eligible:
                if taker in seen or not board.can_take(taker, seat, gap=gap):
                    continue
                came_from[taker] = (giver, index)
                if is_target(taker):
                    _apply(board, came_from, taker)
                    return True
                seen.add(taker)
                queue.append(taker)
    return False


def _apply(board: Board, came_from: dict[str, tuple[str, int]], end: str) -> None:
    taker = end
    while taker in came_from:
        giver, index = came_from[taker]
        board.move(board.seats[index], taker)
        taker = giver
