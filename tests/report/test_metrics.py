from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.report.metrics import (
    frt_buckets,
    frt_histogram,
    per_week,
    percentile,
    repeat_contacts,
    satisfaction,
    satisfied_share,
    support_health,
)
from sddkit.report.model import ReportOptions
from sddkit.tickets.model import Ticket

T0 = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday


def _t(ext: str, hours: float = 0, **fields: Any) -> Ticket:
    return Ticket("csv", ext, T0 + timedelta(hours=hours), **fields)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 1e4, allow_nan=False), min_size=1, max_size=40),
    st.floats(0.01, 1.0),
)
def test_percentile_is_nearest_rank(values: list[float], share: float) -> None:
    result = percentile(values, share)
    assert result in values
    at_or_below = sum(1 for v in values if v <= result)
    below = sum(1 for v in values if v < result)
    assert at_or_below >= share * len(values) - 1e-9
    assert below < math.ceil(share * len(values))


def test_percentile_of_nothing() -> None:
    assert percentile([], 0.9) is None


def test_satisfaction_by_scale_with_unrated() -> None:
    tickets = [
        _t("a", satisfaction=10, satisfaction_scale="10"),
        _t("b", satisfaction=6, satisfaction_scale="10"),  # a detractor (<= 6)
        _t("c", satisfaction=8, satisfaction_scale="10"),  # passive
        _t("d", satisfaction=4, satisfaction_scale="5"),
        _t("e", satisfaction=3, satisfaction_scale="5"),
        _t("f"),
    ]
    scores, unrated = satisfaction(tickets)
    ten, five = scores
    assert (ten.count, ten.average, ten.nps) == (3, 8.0, 0.0)  # 1/3 promoters - 1/3 detractors
    assert (five.csat, five.nps) == (0.5, None)
    assert unrated == 1


def test_no_satisfaction_at_all() -> None:
    assert satisfaction([_t("a"), _t("b")]) == ((), 2)


def test_repeat_contact_window_is_inclusive_and_per_theme() -> None:
    tickets = [
        _t("1", 0, customer_id="c1"),
        _t("2", 24 * 7, customer_id="c1"),  # exactly 7 days later: a repeat
        _t("3", 0, customer_id="c2"),
        _t("4", 24 * 7 + 1, customer_id="c2"),  # just over: not a repeat
        _t("5", 1, customer_id="c1"),  # same customer, other theme
        _t("6", 2),  # no customer
    ]
    theme_of = {"csv:1": "A", "csv:2": "A", "csv:3": "A", "csv:4": "A", "csv:5": "B", "csv:6": "A"}
    assert repeat_contacts(tickets, theme_of, timedelta(days=7)) == (3, 1)


def test_per_week_includes_empty_weeks_and_partial_edges() -> None:
    tickets = [_t("1", 1), _t("2", 24 * 15)]
    weeks = per_week(tickets, T0 + timedelta(days=2), T0 + timedelta(days=17))
    assert [(w.isoformat(), n) for w, n in weeks] == [
        ("2024-01-01", 1),
        ("2024-01-08", 0),
        ("2024-01-15", 1),
    ]


def test_histogram_bucket_edges() -> None:
    # Bars hold (lower, upper]: exactly 1 h and exactly the 24 h target are in the lower bar,
    # as the over-target share counts only times over the target.
    counts = dict(frt_histogram([0.99, 1, 1.01, 23.99, 24, 24.01, 168, 500], 24, no_reply=3))
    assert counts["≤ 1 h"] == 2 and counts["1–4 h"] == 1 and counts["8–24 h"] == 2
    assert counts["24–48 h"] == 1 and counts["48 h–7 d"] == 1 and counts["> 7 d"] == 1
    assert counts["no reply"] == 3


def test_histogram_takes_the_target_as_an_edge() -> None:
    assert [label for label, _ in frt_buckets(10)] == [
        "≤ 1 h",
        "1–4 h",
        "4–8 h",
        "8–10 h",
        "10–24 h",
        "24–48 h",
        "48 h–7 d",
        "> 7 d",
    ]
    counts = dict(frt_histogram([10, 10.5], 10))
    assert (counts["8–10 h"], counts["10–24 h"]) == (1, 1)


def test_unanswered_tickets_count_against_the_target_once_older_than_it() -> None:
    tickets = [
        _t("answered-late", 0, first_response_at=T0 + timedelta(hours=30)),
        _t("answered-on-time", 0, first_response_at=T0 + timedelta(hours=24)),
        _t("waiting-long", 0),  # 48 h old at `now`: late
        _t("waiting-short", 40),  # 8 h old at `now`: not judged yet
    ]
    health = support_health(
        tickets,
        {},
        since=T0,
        until=T0 + timedelta(days=7),
        now=T0 + timedelta(hours=48),
        options=ReportOptions(),
    )
    # Late: answered-late and waiting-long; judged: those two and answered-on-time.
    assert (health.over_target_count, health.over_target) == (2, 2 / 3)
    assert (health.unanswered, health.unanswered_late) == (2, 1)
    assert health.frt_histogram[-1] == ("no reply", 1)


def test_satisfied_share_over_mixed_scales() -> None:
    tickets = [
        _t("a", satisfaction=7, satisfaction_scale="10"),  # satisfied (not a detractor)
        _t("b", satisfaction=6, satisfaction_scale="10"),
        _t("c", satisfaction=4, satisfaction_scale="5"),  # satisfied
        _t("d", satisfaction=0, satisfaction_scale="good_bad"),
        _t("e", satisfaction=3, satisfaction_scale=None),  # unknown scale: left out
        _t("f"),
    ]
    assert satisfied_share(tickets) == (0.5, 4)
    assert satisfied_share([]) == (None, 0)


def test_empty_period_health() -> None:
    health = support_health(
        [], {}, since=T0, until=T0 + timedelta(days=14), now=T0, options=ReportOptions()
    )
    assert health.tickets == 0
    assert health.first_response.median is None
    assert health.over_target is None and health.repeat_rate is None
    assert [n for _, n in health.per_week] == [0, 0]
