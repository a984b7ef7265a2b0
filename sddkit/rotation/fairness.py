"""Fairness figures of a plan, the ones on-call tools' users ask for.

Per person: shifts, hours, fair share in shifts and in hours, the gap between their shifts.
For the team: the max-min spread of shifts and hours per role, the largest distance from a
fair share, and the balance score: the mean over pairs of people of min(hours)/max(hours)
(Grafana OnCall calls a schedule balanced at 95% or more).

That raw score punishes differences a team wants (a lead at half weight, someone on leave, a
rotation only some people fit), so the same score is also given over each person's shifts
divided by their fair share: the load relative to what they should carry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from itertools import combinations, pairwise

from sddkit.rotation.model import ROLES, Person, Shift
from sddkit.rotation.plan import Plan


@dataclass(frozen=True)
class PersonFigures:
    name: str
    role: str
    shifts: int
    hours: float
    share: float  # fair share of shifts
    hour_share: float  # fair share in hours
    min_gap_days: float | None  # None with fewer than two shifts
    mean_gap_days: float | None

    @property
    def deviation(self) -> float:
        return self.shifts - self.share

    @property
    def hours_deviation(self) -> float:
        return self.hours - self.hour_share


@dataclass(frozen=True)
class RoleFigures:
    role: str
    spread_shifts: int  # max - min shifts
    spread_hours: float
    balance: float  # mean over pairs of min(hours)/max(hours), 1.0 = perfectly even
    share_balance: float  # the same over shifts / fair share: 1.0 = everyone at their share
    whole: bool = False  # every count within one shift of its share: no plan is more even


@dataclass(frozen=True)
class Fairness:
    people: list[PersonFigures]
    roles: list[RoleFigures]
    hours_limit: float = 0.0  # the longest shift: nobody should be further from their share

    @property
    def max_deviation(self) -> float:
        """Largest |shifts - fair share of shifts|."""
        return max((abs(p.deviation) for p in self.people), default=0.0)

    @property
    def max_hours_deviation(self) -> float:
        """Largest |hours - fair share in hours|: what the planner minimises."""
        return max((abs(p.hours_deviation) for p in self.people), default=0.0)

    @property
    def fair(self) -> bool:
        return self.max_hours_deviation <= self.hours_limit + 1e-6


def fairness(plan: Plan, people: Sequence[Person]) -> Fairness:
    by_person: dict[str, list[Shift]] = {person.name: [] for person in people}
    for shift in plan.shifts:
        if shift.person in by_person:
            by_person[shift.person].append(shift)
    figures = [_person(person, by_person[person.name], plan) for person in people]
    roles = [
        _role(role, [f for f in figures if f.role == role])
        for role in ROLES
        if any(f.role == role for f in figures)
    ]
    longest = max((shift.hours for shift in plan.all_seats()), default=0.0)
    return Fairness(figures, roles, hours_limit=round(longest, 2))


def _person(person: Person, shifts: list[Shift], plan: Plan) -> PersonFigures:
    starts = sorted(shift.start for shift in shifts)
    gaps = [(b - a) / timedelta(days=1) for a, b in pairwise(starts)]
    return PersonFigures(
        name=person.name,
        role=person.role,
        shifts=len(shifts),
        hours=round(sum(shift.hours for shift in shifts), 2),
        share=plan.shares.get(person.name, 0.0),
        hour_share=plan.hour_shares.get(person.name, 0.0),
        min_gap_days=round(min(gaps), 2) if gaps else None,
        mean_gap_days=round(sum(gaps) / len(gaps), 2) if gaps else None,
    )


def _role(role: str, figures: list[PersonFigures]) -> RoleFigures:
    shifts = [f.shifts for f in figures]
    hours = [f.hours for f in figures]
    return RoleFigures(
        role=role,
        spread_shifts=max(shifts) - min(shifts),
        spread_hours=round(max(hours) - min(hours), 2),
        balance=balance_score(hours),
        share_balance=balance_score([f.shifts / f.share for f in figures if f.share > 0]),
        whole=all(
            math.floor(f.share + 1e-6) <= f.shifts <= math.ceil(f.share - 1e-6) for f in figures
        ),
    )


def balance_score(hours: Sequence[float]) -> float:
    """Mean over pairs of min/max; two people with no hours count as balanced."""
    pairs = list(combinations(hours, 2))
    if not pairs:
        return 1.0
    total = sum(min(a, b) / max(a, b) if max(a, b) > 0 else 1.0 for a, b in pairs)
    return total / len(pairs)
