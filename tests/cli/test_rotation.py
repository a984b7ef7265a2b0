from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from icalendar import Calendar

from sddkit.cli import main

GOLDEN = Path(__file__).parent / "golden"
TODAY = ["--today", "2026-11-23"]


@pytest.fixture
def team(in_tmp: Path, repo_root: Path) -> Path:
    shutil.copy(repo_root / "rotations.toml", in_tmp / "rotations.toml")
    return in_tmp


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["rotation", *args], catch_exceptions=False)


def test_plan_table_matches_golden(team: Path) -> None:
    result = run("plan", *TODAY, "--weeks", "2")
    assert result.exit_code == 0, result.output
    assert result.output == (GOLDEN / "rotation_plan.txt").read_text(encoding="utf-8")


def test_plan_reports_changes_after_an_edit(team: Path) -> None:
    first = run("plan", *TODAY, "--weeks", "2")
    assert "No published schedule before: this is the first." in first.output
    again = run("plan", *TODAY, "--weeks", "1")  # another window: nothing changes
    assert "No changes to the published schedule" in again.output
    (line,) = [
        row
        for row in first.output.splitlines()
        if row.startswith("Wed 2026-11-25") and "emea" in row
    ]
    person = line.split("engineer")[-1].strip()
    assert person == "Olga Smirnova"  # as in the golden plan
    config = team / "rotations.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('leave = ["2026-11-27"', 'leave = ["2026-11-25", "2026-11-27"'),
        encoding="utf-8",
    )
    changed = run("plan", *TODAY, "--weeks", "2")
    assert "Changes to the published schedule" in changed.output
    assert f"Wed 2026-11-25 09:00 emea engineer: {person} -> " in changed.output


def test_who_and_plan_agree_on_a_fresh_checkout_whatever_the_window(team: Path) -> None:
    """Every emea shift of two weeks: `who` at its start names whom `plan` shows."""
    who = {
        day: run("who", "--at", f"2026-11-{day}T09:30", *TODAY).output
        for day in (23, 24, 25, 26, 27, 30)
    }
    shown = run("plan", *TODAY, "--from", "2026-11-20", "--weeks", "3").output
    for day, output in who.items():
        (row,) = [
            r
            for r in shown.splitlines()
            if r.startswith(f"{r[:3]} 2026-11-{day}") and " emea " in r
        ]
        person = row.split("engineer")[-1].strip()
        assert f"emea: on now: {person} (engineer)" in output


def test_plan_json_and_csv(team: Path) -> None:
    data = json.loads(run("plan", *TODAY, "--weeks", "1", "--format", "json", "--no-save").output)
    assert len(data["shifts"]) == 6 and data["skipped"][0]["holiday"] == "Thanksgiving Day"
    assert all(shift["uid"].endswith("@sddkit") for shift in data["shifts"])
    (team / "plan.json").write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["rotation", "plan", *TODAY, "--weeks", "1", "--format", "csv", "--previous", "plan.json"],
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "uid,rotation,start,end,role,seat,person,hours" and len(lines) == 7
    assert "No changes to the published schedule" in result.stderr


def test_who_mine_check(team: Path) -> None:
    who = run("who", "--at", "2026-11-24T10:30", *TODAY)
    assert "emea: on now: Piotr Nowak (engineer)" in who.output
    assert (
        "americas: on now: nobody; next: Priya Shah (engineer) at Tue 2026-11-24 10:00 EST"
        in who.output
    )
    mine = run("mine", "priya", *TODAY, "--weeks", "2")
    assert mine.output.startswith("Priya Shah (America/New_York): 2 shifts, 6 hours")
    assert "Tue 2026-11-24  10:00-13:00" in mine.output
    check = run("check", *TODAY)
    assert check.exit_code == 0, check.output
    assert "Largest distance from a fair share" in check.output and "balance" in check.output


def test_check_fails_on_an_unstaffed_shift(team: Path) -> None:
    config = team / "rotations.toml"
    text = config.read_text(encoding="utf-8").replace(
        'holidays = "US"\njoined = 2026-05-11', 'holidays = "US"\nleft = 2026-11-20'
    )
    config.write_text(
        text.replace('name = "Sam Carter"', 'name = "Sam Carter"\nleave = ["2026-12-01"]'),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["rotation", "check", *TODAY])
    assert result.exit_code == 1
    assert (
        "Error: unstaffed americas 2026-12-01: no engineer free: Sam Carter on leave,"
        " Priya Shah left the team" in result.stderr
    )


def test_bad_config_is_one_line_error(team: Path) -> None:
    config = team / "rotations.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("window =", "windw =", 1), encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["rotation", "plan", *TODAY])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: rotations.toml:16: rotations.windw: unknown key (did you mean 'window'?)\n"
    )


def test_swap_then_ics_raises_sequence(team: Path) -> None:
    ics_args = ["ics", *TODAY, "--weeks", "2", "--now", "2026-11-23T08:00", "--out", "cal"]
    assert run(*ics_args).exit_code == 0
    first = read_all(team / "cal")
    swap = run(
        "swap",
        *TODAY,
        "--rotation",
        "emea",
        "--date",
        "2026-11-24",
        "--from",
        "Piotr",
        "--to",
        "Ana",
    )
    assert "closer than min_gap_days = 2 (--force to swap anyway)" in swap.output
    assert swap.exit_code == 1 and run(*ics_args).exit_code == 0
    assert read_all(team / "cal") == first  # nothing changed
    swap = run("swap", *TODAY, "--rotation", "emea", "--date", "2026-11-24", "--from", "Piotr",
               "--to", "Ana", "--force")  # fmt: skip
    assert swap.exit_code == 0
    assert "Warning: Ana Petrović would serve emea 2026-11-23 and emea 2026-11-24" in swap.output
    assert "emea Tue 2026-11-24 09:00 engineer: Piotr Nowak -> Ana Petrović" in swap.output
    assert 'reason = "covers for Piotr Nowak"' in (team / "rotations.toml").read_text(
        encoding="utf-8"
    )
    assert run(*ics_args).exit_code == 0
    second = read_all(team / "cal")
    uid = "emea-20261124T080000Z-engineer-0@sddkit"
    assert first["team.ics"][uid]["SEQUENCE"] == 0 and second["team.ics"][uid]["SEQUENCE"] == 1
    # A swap changes only what it must: one seat, one calendar update.
    team_feed = second["team.ics"]
    assert [u for u in team_feed if team_feed[u] != first["team.ics"].get(u)] == [uid]
    assert uid in first["piotr.ics"] and uid not in second["piotr.ics"] and uid in second["ana.ics"]
    unchanged = "emea-20261123T080000Z-engineer-0@sddkit"
    assert second["team.ics"][unchanged]["SEQUENCE"] == 0


def read_all(folder: Path) -> dict[str, dict[str, dict[str, object]]]:
    """Re-read every .ics written and check the properties every event must carry."""
    feeds: dict[str, dict[str, dict[str, object]]] = {}
    names = sorted(path.name for path in folder.glob("*.ics"))
    assert names == sorted(
        ["team.ics", "nina.ics", "ana.ics", "marko.ics", "piotr.ics", "olga.ics", "dmitri.ics",
         "sam.ics", "priya.ics", "kasia.ics", "lena.ics", "jonas.ics"]
    )  # fmt: skip
    for name in names:
        calendar = Calendar.from_ical((folder / name).read_bytes())
        assert str(calendar["VERSION"]) == "2.0" and "sddkit" in str(calendar["PRODID"])
        zones = {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")}
        events = {}
        for event in calendar.walk("VEVENT"):
            assert event["DTSTART"].params["TZID"] in zones
            assert event["DTEND"].params["TZID"] in zones
            assert event.decoded("DTSTAMP").isoformat() == "2026-11-23T08:00:00+00:00"
            assert "What to do:" in str(event["DESCRIPTION"])
            assert str(event["ATTENDEE"]).startswith("mailto:")
            events[str(event["UID"])] = {"SEQUENCE": int(event["SEQUENCE"])}
        feeds[name] = events
    assert sum(len(events) for name, events in feeds.items() if name != "team.ics") == len(
        feeds["team.ics"]
    )
    return feeds


def test_every_rotation_command_has_help_and_is_documented(repo_root: Path) -> None:
    from sddkit.cli.rotation import rotation

    guide = (repo_root / "docs" / "rotations.md").read_text(encoding="utf-8")
    for name in ("plan", "who", "mine", "check", "swap", "ics"):
        result = CliRunner().invoke(main, ["rotation", name, "--help"])
        assert result.exit_code == 0 and len(result.output.splitlines()) > 4
        assert f"sddkit rotation {name}" in guide
        assert "..." not in (rotation.commands[name].get_short_help_str(70))


def test_names_match_without_accents_and_zones_suggest_a_spelling(team: Path) -> None:
    mine = run("mine", "kasia wojcik", *TODAY, "--weeks", "4")
    assert mine.exit_code == 0 and mine.output.startswith("Kasia Wójcik (Europe/Warsaw)")
    assert run("mine", "NINA KOVAC", *TODAY).output.startswith("Nina Kovač")
    who = CliRunner().invoke(main, ["rotation", "who", "--tz", "Europe/Warsow"])
    assert who.exit_code == 2 and "did you mean 'Europe/Warsaw'?" in who.output


def test_unstaffed_reasons_go_below_the_table(team: Path) -> None:
    config = team / "rotations.toml"
    text = config.read_text(encoding="utf-8").replace(
        'holidays = "US"\njoined = 2026-05-11', 'holidays = "US"\nleft = 2026-11-20'
    )
    config.write_text(
        text.replace('name = "Sam Carter"', 'name = "Sam Carter"\nleave = ["2026-12-01"]'),
        encoding="utf-8",
    )
    shown = run("plan", *TODAY, "--weeks", "2").output
    table = shown.split("\n\n")[0].splitlines()
    assert max(len(line) for line in table) < 80
    assert "Tue 2026-12-01  10:00-13:00 EST  americas  engineer  UNSTAFFED" in table
    assert (
        "Unstaffed:\n  Tue 2026-12-01 americas engineer: no engineer free: Sam Carter on leave,"
        in shown
    )


def test_replan_is_explicit_and_can_be_previewed(team: Path) -> None:
    assert run("plan", *TODAY).exit_code == 0
    preview = run("plan", *TODAY, "--replan", "--no-save")
    assert preview.exit_code == 0 and "No changes to the published schedule" in preview.output
    assert "Fairness over the published schedule (2026-05-04 to 2027-02-28)" in preview.output
    check = run("check", *TODAY)
    assert "Fair hours" in check.output and "hours (limit: one shift, 3 hours)" in check.output
