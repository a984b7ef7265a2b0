"""Read-only commands never change the published schedule, and `check` holds it to the hard
rules whatever put a seat there (a hand-written override, `swap --force`)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sddkit.cli import main

TODAY = ["--today", "2026-11-23"]


@pytest.fixture
def team(in_tmp: Path, repo_root: Path) -> Path:
    shutil.copy(repo_root / "rotations.toml", in_tmp / "rotations.toml")
    return in_tmp


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["rotation", *args])


def saved(folder: Path) -> tuple[int, str, list[tuple[str, str | None]]]:
    with sqlite3.connect(folder / "sddkit.db") as conn:
        rows = conn.execute("SELECT uid, person FROM rotation_plan ORDER BY uid").fetchall()
        (end,) = conn.execute("SELECT end FROM rotation_horizon").fetchone()
    return len(rows), end, rows


def test_who_feeds_and_check_far_ahead_leave_the_schedule_as_it_is(team: Path) -> None:
    assert run("plan", *TODAY).exit_code == 0
    before = saved(team)
    who = run("who", "--at", "2028-11-23T10:00", *TODAY)
    assert who.exit_code == 0, who.output
    assert "emea: on now: nobody" in who.output
    assert f"2028-11-23 is past the published schedule, which ends {before[1]}" in who.output
    assert run("who", "--at", "2028-11-23T10:00").exit_code == 0  # the real today
    assert run("ics", "--today", "2028-11-20", "--out", "cal").exit_code == 0
    assert run("check", "--today", "2028-11-20").exit_code == 0
    assert run("mine", "ana", "--today", "2028-11-20").exit_code == 0
    assert saved(team) == before
    # `plan` is where the schedule grows, and only to horizon_weeks past today.
    assert run("plan", "--today", "2026-12-21").exit_code == 0
    count, end, _ = saved(team)
    assert end == "2027-03-28" and count > before[0]


def test_a_config_change_is_shown_but_published_only_by_plan(team: Path) -> None:
    assert run("plan", *TODAY).exit_code == 0
    before = saved(team)
    config = team / "rotations.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('leave = ["2026-11-27"', 'leave = ["2026-11-25"'), "utf-8")
    who = run("who", "--at", "2026-11-25T10:00", *TODAY)
    assert "changed since the schedule was published" in who.stderr
    assert "Olga Smirnova" not in who.stdout
    assert saved(team) == before
    assert run("plan", *TODAY).exit_code == 0 and saved(team) != before


def test_an_override_onto_leave_fails_check(team: Path) -> None:
    config = team / "rotations.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[[overrides]]\nrotation = "emea"\ndate = 2026-12-08\nperson = "Olga Smirnova"\n',
        encoding="utf-8",
    )
    result = run("check", *TODAY)
    assert result.exit_code == 1
    assert (
        "emea 2026-12-08 09:00 engineer: Olga Smirnova is booked but unavailable (on leave)"
        in result.stderr
    )
    plan = run("plan", *TODAY)
    assert "Warning: emea 2026-12-08 09:00 engineer: Olga Smirnova is booked" in plan.stderr


def test_an_override_onto_a_day_off_fails_check(team: Path) -> None:
    config = team / "rotations.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[[overrides]]\nrotation = "emea"\ndate = 2026-12-04\nperson = "Marko Jovanović"\n',
        encoding="utf-8",
    )
    result = run("check", *TODAY)
    assert result.exit_code == 1
    assert "Marko Jovanović is booked but unavailable (day off)" in result.stderr


def test_a_forced_double_booking_fails_check(team: Path) -> None:
    config = team / "rotations.toml"
    backup = (
        '[[rotations]]\nname = "backup"\ntimezone = "Europe/Belgrade"\nwindow = "10:00-11:00"\n'
        'days = "weekdays"\nstart = 2026-11-02\nengineers = 1\n\n'
    )
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[[people]]", backup + "[[people]]", 1), encoding="utf-8")
    assert run("plan", *TODAY).exit_code == 0
    plan = run("plan", *TODAY, "--from", "2026-12-01", "--weeks", "1").output
    rows = [r for r in plan.splitlines() if r.startswith("Tue 2026-12-01")]
    emea = next(r for r in rows if " emea " in r).split("engineer")[-1].strip()
    other = next(r for r in rows if " backup " in r).split("engineer")[-1].strip()
    refused = run("swap", "--rotation", "backup", "--date", "2026-12-01", "--from", other,
                  "--to", emea, *TODAY)  # fmt: skip
    assert refused.exit_code == 1
    forced = run("swap", "--rotation", "backup", "--date", "2026-12-01", "--from", other,
                 "--to", emea, "--force", *TODAY)  # fmt: skip
    assert forced.exit_code == 0, forced.output
    result = run("check", *TODAY)
    assert result.exit_code == 1
    assert f"backup 2026-12-01 10:00 engineer: {emea} is double-booked" in result.stderr


def test_who_checks_the_holidays_before_it_plans_a_changed_config(team: Path) -> None:
    # Reading a published schedule skips the holidays check (bench/startup.py); a config
    # changed since is re-planned for the preview, and that plans only a checked config.
    assert run("plan", *TODAY).exit_code == 0
    config = team / "rotations.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + '\n[[overrides]]\nrotation = "emea"\ndate = 2027-01-01\nperson = "Dmitri Volkov"\n',
        encoding="utf-8",
    )
    who = run("who", "--at", "2026-11-24T10:00", *TODAY)
    assert who.exit_code == 1
    assert "overrides.date: 2027-01-01 is a public holiday (New Year's Day)" in who.stderr
