"""The came-back test: an exact one-sided test of the rate since a fix against a share of
the rate before it, on the cases issue 25 reported and against a brute-force sum."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sddkit.report.came_back import binomial_tail, came_back


def test_stragglers_after_a_fix_that_cut_a_busy_subject_do_not_count() -> None:
    # 6.5 a week before (26 in 4 weeks), 3 in the 16 weeks after: 0.19 a week, 3 % of before.
    verdict = came_back(26, 4, 3, 16)
    assert not verdict.came_back and verdict.confidence < 0.01
    # One ticket after a 16-a-week subject.
    assert not came_back(64, 4, 1, 8).came_back


def test_a_rate_back_near_the_before_rate_came_back() -> None:
    # 2.5 a week before, 2 a week in the 4 weeks since: 80 % of before.
    verdict = came_back(10, 4, 8, 4)
    # 18 tickets, each after the fix with p = 1/5 at a quarter of the rate: P(X >= 8) = 0.0163.
    assert verdict.came_back and verdict.confidence == pytest.approx(1 - 0.0163, abs=1e-4)


def test_the_same_count_means_more_after_a_quiet_subject() -> None:
    # 3 after in 4 weeks: against 40 before it is a fix that held, against 2 it is not.
    assert not came_back(40, 4, 3, 4).came_back
    assert came_back(2, 4, 3, 4).came_back


def test_a_minimum_count_and_nothing_after() -> None:
    assert came_back(0, 4, 1, 4).confidence > 0.75  # one where there were none ...
    assert not came_back(0, 4, 1, 4, minimum=3).came_back  # ... is not three
    assert came_back(5, 4, 0, 4) == (False, 0.0)
    assert came_back(5, 4, 2, 0) == (False, 0.0)


def _brute(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1))


@given(st.integers(0, 60), st.integers(0, 60), st.floats(0.0, 1.0))
def test_binomial_tail_matches_the_direct_sum(k: int, n: int, p: float) -> None:
    assert binomial_tail(k, n, p) == pytest.approx(_brute(k, n, p), abs=1e-9)


@given(
    st.integers(0, 200),
    st.integers(0, 50),
    st.floats(0.5, 20),
    st.floats(0.1, 20),
)
def test_more_tickets_after_never_make_it_less_sure(
    before: int, after: int, before_weeks: float, after_weeks: float
) -> None:
    one = came_back(before, before_weeks, after, after_weeks).confidence
    more = came_back(before, before_weeks, after + 1, after_weeks).confidence
    assert 0.0 <= one <= more + 1e-12 <= 1.0 + 1e-12
