from __future__ import annotations

import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from sddkit.rotation.config import TeamConfig, load_config
from sddkit.rotation.schedule import (
    anchor,
    fingerprint,
    frozen_until,
    horizon_end,
    load,
    published,
    record_swap,
    replan,
    window,
)
from sddkit.store import open_store

TODAY = date(2026, 11, 23)  # a Monday


@pytest.fixture
def team(tmp_path: Path, repo_root: Path) -> Path:
    path = tmp_path / "rotations.toml"
    shutil.copy(repo_root / "rotations.toml", path)
    return path


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return open_store(tmp_path / "s.db")


def edit(path: Path, old: str, new: str) -> TeamConfig:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_config(path)


def people(shifts: object) -> dict[str, str | None]:
    return {s.uid: s.person for s in shifts}  # type: ignore[attr-defined]


def test_first_publication_is_the_same_whatever_window_is_shown(team: Path, tmp_path: Path) -> None:
    config = load_config(team)
    plan, changes = published(open_store(":memory:"), config, TODAY)
    assert changes.first_plan
    assert (plan.start, plan.end) == (anchor(config, TODAY), horizon_end(config, TODAY))
    assert plan.start == date(2026, 5, 4) and plan.end == date(2027, 2, 28)
    # Another store, another day of the same week is not the same question; the same day is.
    again, _ = published(open_store(":memory:"), config, TODAY)
    assert people(again.all_seats()) == people(plan.all_seats())
    short, long = (
        window(plan, TODAY, TODAY),
        window(plan, TODAY - timedelta(1), TODAY + timedelta(42)),
    )
    assert people(short.shifts).items() <= people(long.shifts).items()


def test_showing_never_changes_and_the_store_is_the_truth(
    team: Path, conn: sqlite3.Connection
) -> None:
    config = load_config(team)
    plan, _ = published(conn, config, TODAY)
    for day in (TODAY, TODAY + timedelta(days=3)):  # same week: nothing to extend
        again, changes = published(conn, config, day)
        assert not changes.items and again.all_seats() == plan.all_seats()
    saved = load(conn, config)
    assert saved is not None and saved[1].all_seats() == plan.all_seats()
    assert saved[0].fingerprint == fingerprint(config)


def test_comments_do_not_count_as_a_config_change(team: Path, conn: sqlite3.Connection) -> None:
    published(conn, load_config(team), TODAY)
    config = edit(team, "[team]", "# the team\n[team]")
    _, changes = published(conn, config, TODAY)
    assert not changes.items and not changes.first_plan


def test_a_leaver_moves_only_what_they_cannot_do_inside_the_freeze(
    team: Path, conn: sqlite3.Connection
) -> None:
    before, _ = published(conn, load_config(team), TODAY)
    today = TODAY + timedelta(days=7)
    leaver = next(s.person for s in before.shifts if s.start.date() == today + timedelta(days=3))
    assert leaver is not None
    config = edit(team, f'name = "{leaver}"', f'name = "{leaver}"\nleft = {today}')
    after, changes = published(conn, config, today)
    old, new = people(before.all_seats()), people(after.all_seats())
    freeze = frozen_until(config, today)
    for shift in before.all_seats():
        day = shift.start.date()
        if day < today:
            assert new[shift.uid] == old[shift.uid]  # history
        elif day < freeze:
            assert new[shift.uid] == old[shift.uid] or old[shift.uid] == leaver
    assert not any(s.person == leaver for s in after.shifts if s.start.date() > today)
    moved = {c.uid for c in changes.items}
    assert {s.uid for s in before.shifts if s.person == leaver and s.start.date() > today} <= moved


def test_a_joiner_changes_nothing_inside_the_freeze(team: Path, conn: sqlite3.Connection) -> None:
    published(conn, load_config(team), TODAY)
    config = edit(
        team,
        "[[people]]",
        '[[people]]\nname = "Zoe New"\nemail = "zoe@example.com"\nrole = "engineer"\n'
        f'timezone = "Europe/Belgrade"\njoined = {TODAY}\n\n[[people]]',
    )
    after, changes = published(conn, config, TODAY)
    freeze = frozen_until(config, TODAY)
    assert changes.items and all(c.uid for c in changes.items)
    assert all((c.after or c.before).start.date() >= freeze for c in changes.items)  # type: ignore[union-attr]
    assert any(s.person == "Zoe New" for s in after.shifts)


def test_time_passing_extends_the_horizon_without_moving_a_seat(
    team: Path, conn: sqlite3.Connection
) -> None:
    config = load_config(team)
    before, _ = published(conn, config, TODAY)
    later, changes = published(conn, config, TODAY + timedelta(weeks=2))
    assert later.end == before.end + timedelta(weeks=2) and not changes.items
    old = people(before.all_seats())
    assert {uid: old[uid] for uid in old} == {
        uid: p for uid, p in people(later.all_seats()).items() if uid in old
    }


def test_explicit_replan_can_preview_without_saving(team: Path, conn: sqlite3.Connection) -> None:
    config = load_config(team)
    plan, _ = published(conn, config, TODAY)
    preview, changes = replan(conn, config, TODAY, save_it=False)
    assert not changes.items  # already the fairest plan: nothing to change
    assert preview.all_seats() == plan.all_seats()


def test_record_swap_changes_only_its_seats(team: Path, conn: sqlite3.Connection) -> None:
    config = load_config(team)
    plan, _ = published(conn, config, TODAY)
    shift = next(s for s in plan.shifts if s.start.date() > TODAY + timedelta(days=20))
    other = next(p.name for p in config.people if p.role == shift.role and p.name != shift.person)
    record_swap(conn, config, [(shift, other)])
    after, changes = published(conn, config, TODAY)
    assert not changes.items
    diff = {
        uid
        for uid, person in people(after.all_seats()).items()
        if people(plan.all_seats())[uid] != person
    }
    assert diff == {shift.uid}
