from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sddkit.errors import ConfigError
from sddkit.rotation.config import TeamConfig, parse_config
from sddkit.rotation.fairness import fairness
from sddkit.rotation.plan import Plan, plan_rotations

START = date(2027, 1, 4)  # a Monday


def team(
    engineers: int,
    designers: int = 0,
    *,
    seats: tuple[int, int] = (1, 0),
    days: str = '"weekdays"',
    every: str = "1 week",
    extra: dict[int, str] | None = None,
    holidays: str = "",
    tail: str = "",
) -> TeamConfig:
    """A team in one zone; `extra` adds TOML lines to the i-th person."""
    lines = [
        "[[rotations]]",
        'name = "support"',
        'timezone = "Europe/Belgrade"',
        'window = "09:00-12:00"',
        f"days = {days}",
        f'every = "{every}"',
        f"start = {START}",
        f"engineers = {seats[0]}",
        f"designers = {seats[1]}",
        holidays,
    ]
    roles = ["engineer"] * engineers + ["designer"] * designers
    for index, role in enumerate(roles):
        lines += [
            "[[people]]",
            f'name = "P{index}"',
            f'email = "p{index}@example.com"',
            f'role = "{role}"',
            'timezone = "Europe/Belgrade"',
            (extra or {}).get(index, ""),
        ]
    return parse_config("\n".join(lines) + "\n" + tail, Path("team.toml"))


def counts(plan: Plan) -> Counter[str]:
    return Counter(shift.person for shift in plan.shifts if shift.person)


def assert_invariants(config: TeamConfig, plan: Plan) -> None:
    seen: dict[str, list[tuple[object, object]]] = {}
    for shift in plan.shifts:
        assert shift.person is not None
        member = config.members[shift.person]
        assert member.person.role == shift.role
        assert member.unavailable(shift.start, shift.end) is None, shift
        for start, end in seen.get(shift.person, []):
            assert not (start < shift.end and shift.start < end), f"double booked {shift}"  # type: ignore[operator]
        seen.setdefault(shift.person, []).append((shift.start, shift.end))
    for name, share in plan.shares.items():
        assert abs(counts(plan)[name] - share) <= 1 + 1e-6, (name, counts(plan)[name], share)


def test_round_robin_is_even_and_spread() -> None:
    config = team(5)
    plan = plan_rotations(config, START, START + timedelta(weeks=4) - timedelta(days=1))
    assert len(plan.shifts) == 20 and not plan.unstaffed
    assert set(counts(plan).values()) == {4}
    figures = fairness(plan, config.people)
    assert all(p.min_gap_days is not None and p.min_gap_days >= 5 for p in figures.people)
    assert figures.roles[0].balance == 1.0


def test_deterministic() -> None:
    config = team(4, extra={1: 'leave = ["2027-01-12..2027-01-20"]'})
    first = plan_rotations(config, START, START + timedelta(weeks=6))
    again = plan_rotations(config, START, START + timedelta(weeks=6))
    assert first.shifts == again.shifts


def test_leave_lowers_the_share_instead_of_being_made_up() -> None:
    config = team(4, extra={0: 'leave = ["2027-01-04..2027-01-15"]'})
    plan = plan_rotations(config, START, START + timedelta(weeks=4) - timedelta(days=1))
    assert plan.shares["P0"] < plan.shares["P1"]
    assert not any(s.person == "P0" and s.start.date() <= date(2027, 1, 15) for s in plan.shifts)
    assert_invariants(config, plan)


def test_weight_and_roles() -> None:
    config = team(3, 2, seats=(1, 1), extra={0: "weight = 2"})
    plan = plan_rotations(config, START, START + timedelta(weeks=8) - timedelta(days=1))
    assert_invariants(config, plan)
    assert counts(plan)["P0"] == 20 and counts(plan)["P1"] == 10  # 40 shifts, weights 2:1:1
    assert counts(plan)["P3"] + counts(plan)["P4"] == 40


def test_rotation_holidays_are_skipped() -> None:
    config = team(3, holidays='holidays = "RS"')
    plan = plan_rotations(config, date(2027, 1, 1), date(2027, 2, 20))
    holidays = {date(2027, 1, 7), date(2027, 2, 15), date(2027, 2, 16)}
    assert {s.day for s in plan.skipped} == holidays
    assert not any(s.start.date() in holidays for s in plan.shifts)
    assert plan.shifts[0].start.date() == START


def test_personal_holiday_and_day_off() -> None:
    config = team(2, extra={0: 'holidays = "RS"\ndays_off = ["mon"]'})
    plan = plan_rotations(config, START, START + timedelta(days=4))
    assert [s.person for s in plan.shifts if s.start.date() in (START, START + timedelta(3))] == [
        "P1",
        "P1",
    ]  # Monday is P0's day off, Thursday 7 January is Orthodox Christmas


def test_unstaffed_shift_says_why() -> None:
    config = team(2, seats=(2, 0), extra={1: 'leave = ["2027-01-05"]'})
    plan = plan_rotations(config, START, START + timedelta(days=2))
    assert len(plan.unstaffed) == 1
    unstaffed = plan.unstaffed[0]
    assert unstaffed.shift.start.date() == date(2027, 1, 5) and unstaffed.shift.person is None
    assert "P1 on leave" in unstaffed.reason and "P0 on another shift" in unstaffed.reason


def test_spread_rule_relaxes_only_when_it_must() -> None:
    config = team(2, days='"daily"')
    plan = plan_rotations(config, START, START + timedelta(days=13))
    assert not plan.unstaffed and not plan.notes  # alternate days: gap 2 is possible
    config = team(1, days='"daily"')
    plan = plan_rotations(config, START, START + timedelta(days=2))
    assert len(plan.shifts) == 3 and any("spread rule relaxed" in n for n in plan.notes)


def test_biweekly_cadence() -> None:
    config = team(3, days='["wed"]', every="2 weeks")
    plan = plan_rotations(config, START, START + timedelta(weeks=8) - timedelta(days=1))
    assert [s.start.date() for s in plan.shifts] == [
        date(2027, 1, 6), date(2027, 1, 20), date(2027, 2, 3), date(2027, 2, 17)
    ]  # fmt: skip


def test_override_is_pinned_and_balanced_later() -> None:
    tail = '[[overrides]]\nrotation = "support"\ndate = 2027-01-04\nperson = "P2"\n'
    config = team(3, tail=tail)
    plan = plan_rotations(config, START, START + timedelta(weeks=3) - timedelta(days=1))
    assert plan.shifts[0].person == "P2"
    assert_invariants(config, plan)


def test_replan_keeps_the_past_and_changes_little_when_someone_joins() -> None:
    end = START + timedelta(weeks=8) - timedelta(days=1)
    before = plan_rotations(team(5), START, end)
    joined = START + timedelta(weeks=4)
    config = team(6, extra={5: f"joined = {joined}"})
    after = plan_rotations(config, START, end, previous=before.shifts, today=joined)
    old = {s.uid: s.person for s in before.shifts}
    changed = [s for s in after.shifts if old[s.uid] != s.person]
    assert all(s.start.date() >= joined for s in changed)
    assert all(s.person == "P5" for s in changed)  # only what the newcomer takes moves
    assert counts(after)["P5"] == round(after.shares["P5"]) == len(changed)
    assert_invariants(config, after)


def test_replan_after_leave_moves_only_the_shifts_on_leave_plus_balance() -> None:
    end = START + timedelta(weeks=8) - timedelta(days=1)
    before = plan_rotations(team(5), START, end)
    config = team(5, extra={2: 'leave = ["2027-02-08..2027-02-12"]'})
    after = plan_rotations(config, START, end, previous=before.shifts, today=START)
    moved = sum(1 for a, b in zip(before.shifts, after.shifts, strict=True) if a.person != b.person)
    on_leave = sum(
        1
        for s in before.shifts
        if s.person == "P2" and date(2027, 2, 8) <= s.start.date() <= date(2027, 2, 12)
    )
    assert on_leave >= 1 and moved <= 3 * on_leave
    assert_invariants(config, after)


def test_past_shifts_kept_even_for_someone_who_left() -> None:
    end = START + timedelta(weeks=2) - timedelta(days=1)
    before = plan_rotations(team(3), START, end)
    config = team(3, extra={0: f"left = {START + timedelta(days=6)}"})
    after = plan_rotations(
        config, START, end, previous=before.shifts, today=START + timedelta(days=7)
    )
    for old, new in zip(before.shifts[:5], after.shifts[:5], strict=True):
        assert old == new
    assert not any(s.person == "P0" for s in after.shifts[5:])


@st.composite
def random_team(draw: st.DrawFn) -> TeamConfig:
    engineers = draw(st.integers(2, 7))
    designers = draw(st.integers(0, 3))
    seats = (draw(st.integers(1, 2 if engineers >= 4 else 1)), 1 if designers else 0)
    extra: dict[int, str] = {}
    for index in range(engineers + designers):
        parts = []
        if draw(st.booleans()):
            first = START + timedelta(days=draw(st.integers(0, 50)))
            last = first + timedelta(days=draw(st.integers(0, 15)))
            parts.append(f'leave = ["{first}..{last}"]')
        if draw(st.integers(0, 4)) == 0:
            parts.append(f"weight = {draw(st.sampled_from(['0.5', '2', '1.5']))}")
        extra[index] = "\n".join(parts)
    days = draw(st.sampled_from(['"weekdays"', '"daily"', '["tue", "thu"]', '["wed"]']))
    return team(engineers, designers, seats=seats, days=days, extra=extra)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=random_team(), weeks=st.integers(1, 10))
def test_invariants_on_random_teams(config: TeamConfig, weeks: int) -> None:
    end = START + timedelta(weeks=weeks) - timedelta(days=1)
    plan = plan_rotations(config, START, end)
    assert_invariants(config, plan)
    for unstaffed in plan.unstaffed:  # an empty seat only when nobody could take it
        assert unstaffed.reason.startswith("no ")
    assert plan_rotations(config, START, end).shifts == plan.shifts


def test_working_hours_decide_the_rotations() -> None:
    config = team(2, extra={0: 'working_hours = "20:00-13:00"'})
    assert config.members["P0"].rotations == ("support",)  # an overnight window covers 09-12
    with pytest.raises(ConfigError, match=r"team.toml:\d+: people: P1 is in no rotation"):
        team(2, extra={1: 'working_hours = "13:00-18:00"'})


def test_max_shifts_per_month_is_a_hard_cap() -> None:
    config = team(3, extra={0: "max_shifts = 2"})
    plan = plan_rotations(config, START, START + timedelta(weeks=4) - timedelta(days=1))
    assert counts(plan)["P0"] == 2
    assert counts(plan)["P1"] + counts(plan)["P2"] == 18


@pytest.mark.parametrize("exact", [True, False])
def test_max_shifts_leaves_no_seat_empty_that_a_plan_can_fill(exact: bool) -> None:
    """Two people, one capped at 8 shifts a month, the other off on Wednesdays: someone must
    keep the capped person's shifts for the Wednesdays, which the greedy alone did not."""
    config = team(
        2,
        extra={0: "max_shifts = 8", 1: 'days_off = ["wed"]'},
        tail="[team]\nmin_gap_days = 0\n",
    )
    plan = plan_rotations(config, START, START + timedelta(weeks=10, days=-1), exact=exact)
    assert plan.unstaffed == [] and len(plan.shifts) == 50
    months = Counter((s.start.month, s.person) for s in plan.shifts)
    assert max(n for (_, person), n in months.items() if person == "P0") <= 8
    assert all(s.person == "P0" for s in plan.shifts if s.start.weekday() == 2)
