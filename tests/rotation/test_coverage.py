"""Coverage: arrivals replayed against a schedule, on a team that answers only on shift."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sddkit.rotation.coverage import (
    Arrival,
    Cover,
    Span,
    arrivals_by_hour,
    backtest,
    fit,
    predict,
    smallest_change,
    uncovered_hours,
)

MONDAY = datetime(2027, 1, 4, tzinfo=UTC)
HOUR = timedelta(hours=1)


def weekday_spans(weeks: int, start: int = 9, end: int = 13) -> list[Span]:
    return [
        Span(day + start * HOUR, day + end * HOUR, "emea")
        for week in range(weeks)
        for offset in range(5)
        if (day := MONDAY + timedelta(weeks=week, days=offset))
    ]


def on_shift_only(weeks: int, cover: Cover) -> list[Arrival]:
    """A ticket every two hours, answered half an hour after arrival on shift, else half an
    hour after the next shift starts."""
    arrivals = []
    moment = MONDAY + timedelta(minutes=30)
    while moment < MONDAY + timedelta(weeks=weeks):
        if cover.on_at(moment) is not None:
            responded = moment + HOUR / 2
        else:
            following = cover.next_after(moment)
            responded = (following.start if following else moment) + HOUR / 2
        arrivals.append(Arrival(moment, responded))
        moment += 2 * HOUR
    return arrivals


def test_cover_answers_who_is_on_and_who_is_next() -> None:
    cover = Cover(weekday_spans(1))
    assert cover.on_at(MONDAY + 10 * HOUR) is not None
    assert cover.on_at(MONDAY + 13 * HOUR) is None
    following = cover.next_after(MONDAY + 14 * HOUR)
    assert following is not None and following.start == MONDAY + timedelta(days=1, hours=9)


def test_a_team_answering_only_on_shift_is_predicted_with_its_waits() -> None:
    cover = Cover(weekday_spans(5))  # a week more: every arrival has a next shift
    arrivals = on_shift_only(4, cover)
    overall, per_rotation = predict(arrivals, cover, fit(arrivals, cover))
    actual = sorted(a.hours or 0 for a in arrivals)
    assert overall.p90 is not None and abs(overall.p90 - actual[int(0.9 * len(actual))]) < 2.5
    assert set(per_rotation) == {"emea"} and per_rotation["emea"].tickets == len(arrivals)


def test_the_smallest_change_meeting_the_target_and_its_cost() -> None:
    spans = weekday_spans(4)
    cover = Cover(spans)
    arrivals = [a for a in on_shift_only(4, cover) if a.at.weekday() < 5 and 7 <= a.at.hour < 15]
    pace = fit(arrivals, cover)
    before, _ = predict(arrivals, cover, pace)
    assert before.p90 is not None and before.p90 > 3
    change = smallest_change(arrivals, spans, pace, 3.0, (MONDAY, MONDAY + timedelta(weeks=4)))
    assert change is not None and change.predicted.p90 is not None and change.predicted.p90 <= 3
    assert change.person_hours == 5 * (change.earlier + change.later)  # a week: 5 shifts
    assert change.describe() == "emea: end 2 h later"  # tickets up to 15:00


def test_arrivals_and_uncovered_hours_by_hour_of_week() -> None:
    cover = Cover(weekday_spans(2))
    table = arrivals_by_hour(on_shift_only(2, cover))
    assert table[0][0] == 2 and table[0][1] == 0  # 00:30 on both Mondays
    uncovered = uncovered_hours(cover, MONDAY, MONDAY + timedelta(weeks=2))
    assert [h for h in range(24) if not uncovered[0][h]] == [9, 10, 11, 12]
    assert all(uncovered[6])


def test_backtest_compares_each_week_with_what_happened() -> None:
    cover = Cover(weekday_spans(7))
    arrivals = on_shift_only(6, cover)
    found = backtest(arrivals, cover, MONDAY + timedelta(weeks=6), weeks=2, history=4)
    assert [w.start for w in found.weeks] == [MONDAY + timedelta(weeks=4 + i) for i in range(2)]
    assert found.error is not None and abs(found.error) < 0.2
