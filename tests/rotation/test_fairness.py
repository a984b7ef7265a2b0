from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.rotation.fairness import Fairness, PersonFigures, _role, balance_score, fairness
from sddkit.rotation.model import Person, Shift
from sddkit.rotation.plan import Plan
from sddkit.rotation.render import fairness_text

ZONE = ZoneInfo("Europe/Belgrade")


def test_balance_score_examples() -> None:
    assert balance_score([6, 6, 6]) == 1.0
    assert balance_score([3, 6]) == 0.5
    assert balance_score([0, 0]) == 1.0
    assert balance_score([0, 3, 6]) == pytest.approx((0 + 0 + 0.5) / 3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=2, max_size=12))
def test_balance_score_bounds(hours: list[float]) -> None:
    score = balance_score(hours)
    assert 0 <= score <= 1
    assert (score == 1) == (len(set(hours)) == 1 or max(hours) == 0)


def test_person_figures() -> None:
    people = [
        Person("A", "a@x.io", "engineer", "Europe/Belgrade"),
        Person("B", "b@x.io", "engineer", "Europe/Belgrade"),
    ]

    def shift(day: int, who: str) -> Shift:
        start = datetime(2027, 1, day, 9, tzinfo=ZONE)
        return Shift("s", start, start + timedelta(hours=3), "engineer", 0, who)

    plan = Plan(
        date(2027, 1, 1),
        date(2027, 1, 31),
        [shift(4, "A"), shift(6, "B"), shift(11, "A"), shift(12, "A")],
        shares={"A": 2.0, "B": 2.0},
        hour_shares={"A": 6.0, "B": 6.0},
    )
    figures = fairness(plan, people)
    a, b = figures.people
    assert (a.shifts, a.hours, a.min_gap_days, a.mean_gap_days) == (3, 9, 1, 4)
    assert (b.shifts, b.min_gap_days) == (1, None)
    assert figures.roles[0].spread_shifts == 2 and figures.roles[0].balance == pytest.approx(1 / 3)
    assert figures.max_deviation == 1 and figures.max_hours_deviation == 3
    assert (a.hours_deviation, b.hours_deviation) == (3, -3)
    assert figures.hours_limit == 3 and figures.fair  # within one shift's hours
    plan.shifts.append(shift(13, "A"))
    assert not fairness(plan, people).fair


def test_share_balance_judges_load_against_fair_shares() -> None:
    # A lead at half weight: 2 shifts against a share of 2, B: 4 against 4. Raw hours look
    # unbalanced (6 h vs 12 h: 0.5), but both carry exactly their share: 1.0.
    people = [
        Person("Lead", "l@x.io", "engineer", "Europe/Belgrade", weight=0.5),
        Person("B", "b@x.io", "engineer", "Europe/Belgrade"),
    ]

    def shift(day: int, who: str) -> Shift:
        start = datetime(2027, 1, day, 9, tzinfo=ZONE)
        return Shift("s", start, start + timedelta(hours=3), "engineer", 0, who)

    shifts = [shift(4, "Lead"), shift(11, "Lead"), *(shift(d, "B") for d in (5, 7, 12, 14))]
    plan = Plan(date(2027, 1, 1), date(2027, 1, 31), shifts, shares={"Lead": 2.0, "B": 4.0})
    role = fairness(plan, people).roles[0]
    assert role.balance == pytest.approx(0.5)
    assert role.share_balance == pytest.approx(1.0)
    # One shift moved from B to the lead: 3/2 vs 3/4 of their shares -> 0.75/1.5 = 0.5.
    moved = [*shifts[:2], shift(5, "Lead"), *shifts[3:]]
    plan = Plan(date(2027, 1, 1), date(2027, 1, 31), moved, shares={"Lead": 2.0, "B": 4.0})
    assert fairness(plan, people).roles[0].share_balance == pytest.approx(0.5)


def test_an_unimprovable_split_is_not_called_unbalanced() -> None:
    def person(name: str, shifts: int, share: float) -> PersonFigures:
        return PersonFigures(name, "engineer", shifts, shifts * 3.0, share, share * 3, None, None)

    even = [person("A", 7, 7.5), person("B", 8, 7.5)]
    text = fairness_text(Fairness(even, [_role("engineer", even)], 3.0))
    assert "87.5% against fair shares (as even as whole shifts allow)" in text
    uneven = [person("A", 6, 7.5), person("B", 9, 7.5)]
    text = fairness_text(Fairness(uneven, [_role("engineer", uneven)], 3.0))
    assert "66.7% against fair shares (unbalanced)" in text
