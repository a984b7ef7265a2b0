"""One schedule, as a property: random teams, random sequences of re-plans, swaps, config
changes, days passing and display windows. After every step every reader (the plan window
that `plan`, `who`, `mine`, `check` and `ics` show, the seats `invite` and `publish` send,
the report's shifts) names the saved person for every seat, and no seat inside the freeze
window moved unless its person can no longer do it."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sddkit.errors import SddkitError
from sddkit.report.sources import team as report_team
from sddkit.rotation.config import TeamConfig, load_config
from sddkit.rotation.deliver.invites import Window, planned_shifts
from sddkit.rotation.model import Shift
from sddkit.rotation.schedule import frozen_until, load, published, replan, window
from sddkit.rotation.swap import plan_swap, write_overrides
from sddkit.store import open_store

START = date(2027, 1, 4)
DAYS = ('"weekdays"', '["tue", "thu"]', '["mon", "wed", "fri"]', '"daily"')
WINDOWS = ("09:00-12:00", "13:00-17:00", "10:00-14:00")


@st.composite
def team_text(draw: st.DrawFn) -> str:
    engineers, designers = draw(st.integers(2, 4)), draw(st.integers(0, 2))
    lines = [f"[team]\nmin_gap_days = {draw(st.integers(0, 2))}\nhorizon_weeks = 3"]
    lines.append(f"freeze_days = {draw(st.integers(0, 7))}")
    for index in range(draw(st.integers(1, 2))):
        lines.append(
            f'[[rotations]]\nname = "r{index}"\ntimezone = "Europe/Belgrade"\n'
            f'window = "{draw(st.sampled_from(WINDOWS))}"\ndays = {draw(st.sampled_from(DAYS))}\n'
            f"start = {START}\nengineers = 1\ndesigners = {1 if designers and index == 0 else 0}"
        )
    roles = ["engineer"] * engineers + ["designer"] * designers
    for index, role in enumerate(roles):
        lines.append(
            f'[[people]]\nname = "P{index}"\nemail = "p{index}@x.test"\nrole = "{role}"\n'
            f'timezone = "{draw(st.sampled_from(["Europe/Belgrade", "Europe/London"]))}"'
        )
    return "\n".join(lines) + "\n"


STEPS = st.one_of(
    st.tuples(st.just("show"), st.integers(-10, 30), st.integers(1, 6)),
    st.tuples(st.just("replan")),
    st.tuples(st.just("swap"), st.integers(0, 40), st.integers(0, 5)),
    st.tuples(st.just("leave"), st.integers(0, 5), st.integers(0, 20), st.integers(0, 6)),
    st.tuples(st.just("weight"), st.integers(0, 5)),
    st.tuples(st.just("advance"), st.integers(1, 9)),
)


def seats(conn: sqlite3.Connection, config: TeamConfig) -> dict[str, Shift]:
    saved = load(conn, config)
    assert saved is not None
    return {s.uid: s for s in saved[1].all_seats()}


def can_still_do(config: TeamConfig, shift: Shift, person: str | None) -> bool:
    member = config.members.get(person or "")
    if member is None or shift.rotation not in member.rotations:
        return False
    return member.unavailable(shift.start, shift.end) is None


def assert_everyone_reads_the_store(
    conn: sqlite3.Connection, path: Path, today: date, first: date, weeks: int
) -> None:
    config = load_config(path)
    saved = seats(conn, config)
    last = first + timedelta(weeks=weeks, days=-1)
    plan, _ = published(conn, config, today)
    shown = window(plan, first, last)
    readers = {
        "plan": shown.all_seats(),
        "invite/publish": planned_shifts(conn, config, Window.weeks_from(config, today, weeks))[0],
        "report": report_team(path, first, last, conn, today)[1],
    }
    for name, shifts in readers.items():
        for shift in shifts:
            assert saved[shift.uid].person == shift.person, (name, shift)
    assert {s.uid for s in readers["plan"] if s.person} == {s.uid for s in readers["report"]}


def add_line(path: Path, person: int, line: str) -> None:
    """Give person `person` the key of `line`, once (a second time is not valid TOML)."""
    text = path.read_text(encoding="utf-8")
    anchor = f'name = "P{person}"'
    block = text.split(anchor, 1)[1].split("[[", 1)[0] if anchor in text else ""
    if anchor in text and line.split("=")[0] not in block:
        path.write_text(text.replace(anchor, f"{anchor}\n{line}", 1), encoding="utf-8")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=team_text(), steps=st.lists(STEPS, min_size=1, max_size=6))
def test_one_schedule_under_random_changes(text: str, steps: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rotations.toml"
        path.write_text(text, encoding="utf-8")
        conn = open_store(Path(folder) / "s.db")
        today = START + timedelta(days=3)
        published(conn, load_config(path), today)
        for step in steps:
            before = seats(conn, load_config(path))
            swapped: set[str] = set()
            kind = step[0]
            if kind == "show":
                first = today + timedelta(days=int(step[1]))  # type: ignore[call-overload]
                assert_everyone_reads_the_store(conn, path, today, first, int(step[2]))  # type: ignore[call-overload]
            elif kind == "replan":
                replan(conn, load_config(path), today)
            elif kind == "advance":
                today += timedelta(days=int(step[1]))  # type: ignore[call-overload]
            elif kind == "swap":
                swapped = _swap(conn, path, today, int(step[1]), int(step[2]))  # type: ignore[call-overload]
            elif kind == "leave":
                first = today + timedelta(days=int(step[2]))  # type: ignore[call-overload]
                last = first + timedelta(days=int(step[3]))  # type: ignore[call-overload]
                add_line(path, int(step[1]), f'leave = ["{first}..{last}"]')  # type: ignore[call-overload]
            elif kind == "weight":
                add_line(path, int(step[1]), "weight = 0.5")  # type: ignore[call-overload]
            config = load_config(path)
            published(conn, config, today)
            after = seats(conn, config)
            _assert_moved_only_with_cause(config, before, after, today, kind, swapped)
            assert_everyone_reads_the_store(conn, path, today, today - timedelta(days=3), 3)


def _swap(conn: sqlite3.Connection, path: Path, today: date, pick: int, other: int) -> set[str]:
    from sddkit.rotation.schedule import record_swap

    config = load_config(path)
    plan, _ = published(conn, config, today)
    future = [s for s in plan.shifts if s.start.date() >= today]
    if not future:
        return set()
    shift = future[pick % len(future)]
    takers = [p.name for p in config.people if p.role == shift.role and p.name != shift.person]
    if not takers or shift.person is None:
        return set()
    taker = takers[other % len(takers)]
    try:
        swap = plan_swap(config, plan, shift.rotation, shift.start.date(), shift.person, taker)
        updated = write_overrides(path, swap.covers)
    except SddkitError:
        return set()  # refused (unavailable, double-booked, too close): nothing changes
    record_swap(conn, updated, [(c.shift, c.person) for c in swap.covers])
    return {c.shift.uid for c in swap.covers}


def _assert_moved_only_with_cause(
    config: TeamConfig,
    before: dict[str, Shift],
    after: dict[str, Shift],
    today: date,
    kind: object,
    swapped: set[str],
) -> None:
    freeze = frozen_until(config, today)
    for uid, old in before.items():
        new = after.get(uid)
        if new is None or new.person == old.person or uid in swapped:
            continue
        day = old.start.date()
        assert kind in ("replan", "leave", "weight"), (kind, old, new)  # only these may move
        assert day >= today, ("history moved", old, new)
        if day < freeze:
            assert not can_still_do(config, old, old.person), ("frozen seat moved", old, new)
