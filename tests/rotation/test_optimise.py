"""The exact optimiser against brute force: on tiny teams, every assignment is tried."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sddkit.rotation import optimise
from sddkit.rotation.config import TeamConfig, parse_config
from sddkit.rotation.counts import lowest
from sddkit.rotation.fairness import fairness
from sddkit.rotation.plan import Plan, plan_rotations

START = date(2027, 1, 4)  # a Monday


def tiny_team(people: int, windows: tuple[str, str], gap: int, leave: dict[int, int]) -> str:
    lines = [f"[team]\nmin_gap_days = {gap}"]
    rotations = (("a", windows[0], '["mon", "wed", "fri"]'), ("b", windows[1], '["tue", "thu"]'))
    for name, window, days in rotations:
        lines.append(
            f'[[rotations]]\nname = "{name}"\ntimezone = "Europe/Belgrade"\nwindow = "{window}"\n'
            f"days = {days}\nstart = {START}\nengineers = 1"
        )
    for index in range(people):
        lines.append(
            f'[[people]]\nname = "P{index}"\nemail = "p{index}@x.test"\nrole = "engineer"\n'
            'timezone = "Europe/Belgrade"'
        )
        if index in leave:
            lines.append(f'leave = ["{START + timedelta(days=leave[index])}"]')
    return "\n".join(lines) + "\n"


def best_by_brute_force(config: TeamConfig, plan: Plan) -> float | None:
    """The smallest largest |hours - fair hours| over every valid assignment of the seats."""
    seats = plan.all_seats()
    options = []
    for seat in seats:
        free = [
            p.name
            for p in config.people
            if config.member(p.name).unavailable(seat.start, seat.end) is None
        ]
        options.append(free)
    best: float | None = None
    for choice in product(*options):
        days: dict[str, list[date]] = {}
        for seat, name in zip(seats, choice, strict=True):
            days.setdefault(name, []).append(seat.start.date())
        if any(
            abs((a - b).days) < max(config.min_gap_days, 1)
            for taken in days.values()
            for i, a in enumerate(taken)
            for b in taken[i + 1 :]
        ):
            continue
        hours = dict.fromkeys(plan.hour_shares, 0.0)
        for seat, name in zip(seats, choice, strict=True):
            hours[name] += seat.hours
        worst = max(abs(hours[n] - plan.hour_shares[n]) for n in hours)
        best = worst if best is None else min(best, worst)
    return best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.integers(2, 3),
    windows=st.sampled_from([("09:00-13:00", "09:00-12:00"), ("09:00-11:00", "14:00-17:00")]),
    gap=st.integers(0, 2),
    leave=st.dictionaries(st.integers(0, 2), st.integers(0, 4), max_size=2),
)
def test_the_plan_is_as_fair_in_hours_as_the_best_assignment(
    people: int, windows: tuple[str, str], gap: int, leave: dict[int, int]
) -> None:
    config = parse_config(tiny_team(people, windows, gap, leave), Path("t.toml"))
    plan = plan_rotations(config, START, START + timedelta(days=6))
    best = best_by_brute_force(config, plan)
    if best is None:  # no assignment keeps the spread rule: the greedy plan relaxes it
        return
    assert not plan.unstaffed
    assert fairness(plan, config.people).max_hours_deviation <= best + 1e-4


def test_the_greedy_alone_is_less_fair_in_hours_on_mixed_lengths() -> None:
    """Why the optimiser exists: counting shifts is not counting hours."""
    config = parse_config(tiny_team(3, ("09:00-13:00", "09:00-12:00"), 1, {}), Path("t.toml"))
    end = START + timedelta(weeks=4) - timedelta(days=1)
    exact = fairness(plan_rotations(config, START, end), config.people)
    greedy = fairness(plan_rotations(config, START, end, exact=False), config.people)
    assert exact.max_hours_deviation < greedy.max_hours_deviation


MID_ROTATIONS = """
[[rotations]]
name = "emea"
timezone = "Europe/Belgrade"
window = "09:00-13:00"
days = "weekdays"
start = {start}
engineers = 1
[[rotations]]
name = "americas"
timezone = "America/New_York"
window = "10:00-13:00"
days = ["tue", "thu"]
start = {start}
engineers = 1
[[rotations]]
name = "design"
timezone = "Europe/Berlin"
window = "14:00-17:00"
days = ["wed"]
start = {start}
engineers = 1
designers = 1
"""


def mid_team(engineers: int, designers: int, weeks: int) -> str:
    """Three zones (New York only fits the 3 h shifts), every seventh person on leave."""
    zones = ("Europe/Belgrade", "Europe/Warsaw", "America/New_York")
    lines = [
        f"[team]\nmin_gap_days = 2\nhorizon_weeks = {weeks}",
        MID_ROTATIONS.format(start=START),
    ]
    for index in range(engineers + designers):
        role = "engineer" if index < engineers else "designer"
        lines.append(
            f'[[people]]\nname = "P{index:02}"\nemail = "p{index}@x.test"\nrole = "{role}"\n'
            f'timezone = "{zones[index % 3]}"\nworking_hours = "07:00-20:00"'
        )
        if index % 7 == 3:
            first = START + timedelta(days=(index * 11) % (7 * weeks - 14))
            lines.append(f'leave = ["{first}..{first + timedelta(days=5 + index % 9)}"]')
    return "\n".join(lines) + "\n"


def nearest_total(config: TeamConfig, plan: Plan, name: str) -> float:
    """How close `name` can get to their fair share in hours with any set of the seats they
    could take: no plan puts them closer."""
    member = config.member(name)
    totals = {0.0}
    for seat in plan.all_seats():
        if (
            seat.role == member.person.role
            and seat.rotation in member.rotations
            and member.unavailable(seat.start, seat.end) is None
        ):
            totals |= {round(total + seat.hours, 6) for total in totals}
    return min(abs(total - plan.hour_shares[name]) for total in totals)


def test_a_mid_sized_team_is_planned_at_the_optimum() -> None:
    """38 people over 13 weeks, where minimising the largest distance directly stopped far
    from the optimum (1.34 h against 0.61 h for the engineers). Here the engineers' optimum is
    the bound no plan can beat, the person furthest from any total they could make, so the
    plan must reach it."""
    config = parse_config(mid_team(33, 5, 13), Path("t.toml"))
    plan = plan_rotations(config, START, START + timedelta(weeks=13, days=-1))
    engineers = [p for p in fairness(plan, config.people).people if p.role == "engineer"]
    bound = max(nearest_total(config, plan, p.name) for p in engineers)
    assert max(abs(p.hours_deviation) for p in engineers) <= bound + 1e-4


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    people=st.integers(2, 3),
    windows=st.sampled_from([("09:00-13:00", "09:00-12:00"), ("09:00-11:00", "14:00-17:00")]),
    gap=st.integers(0, 2),
    leave=st.dictionaries(st.integers(0, 2), st.integers(0, 4), max_size=2),
)
def test_seats_found_for_the_counts_are_as_fair_as_the_best_assignment(
    people: int, windows: tuple[str, str], gap: int, leave: dict[int, int]
) -> None:
    """The path large teams take (counts first, then seats for them), forced on tiny ones."""
    config = parse_config(tiny_team(people, windows, gap, leave), Path("t.toml"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optimise, "DIRECT_VARIABLES", 0)
        plan = plan_rotations(config, START, START + timedelta(days=6))
    best = best_by_brute_force(config, plan)
    if best is None:
        return
    assert not plan.unstaffed
    assert fairness(plan, config.people).max_hours_deviation <= best + 1e-4


def test_the_counts_bound_is_the_smallest_z_the_lengths_allow() -> None:
    """Two people owed 7 h each of two 4 h and two 3 h seats: 4 + 3 each (z = 0), not 8 + 6."""
    patterns = {0.0: [[(1, 1)], [(1, 1)]], 1.0: [[(2, 0), (1, 1)], [(0, 2), (1, 1)]]}
    found = lowest(lambda z: patterns[z], [2, 2], [0.0, 1.0], [(2, 0), (0, 2)])
    assert found == (0, [(1, 1), (1, 1)])
    # At z = 1 the reference's counts are allowed and nearest to what it had.
    assert lowest(lambda z: patterns[1.0], [2, 2], [1.0], [(2, 0), (0, 2)]) == (
        0,
        [(2, 0), (0, 2)],
    )
