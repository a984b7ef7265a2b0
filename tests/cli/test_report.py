"""`sddkit report` end to end: a real store (tickets, themes, cached tracker issues) and a real
team config, through the CLI."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from sddkit.cli import main
from sddkit.store import open_store
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import upsert_tickets
from sddkit.trackers.base import FiledIssue, Fix, marker
from sddkit.trackers.cache import load_filed, save_filed
from tests.support import trackers as fakes
from tests.support.themes import save_themes

CONFIG = """
[team]
name = "Acme"
organizer = "Nina Kovač"

[[rotations]]
name = "emea"
timezone = "Europe/Belgrade"
window = "09:00-12:00"
days = "weekdays"
start = 2026-03-02
engineers = 1

[[people]]
name = "Nina Kovač"
email = "nina@example.com"
role = "engineer"
timezone = "Europe/Belgrade"

[[people]]
name = "Ana Petrović"
email = "ana@example.com"
role = "engineer"
timezone = "Europe/Belgrade"
"""

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)


def _ticket(ext: str, day: int, customer: str, assignee: str) -> Ticket:
    created = MONDAY + timedelta(days=day)
    return Ticket(
        "zendesk",
        ext,
        created,
        subject="Sync fails",
        customer_id=customer,
        assignee=assignee,
        channel="email",
        language="en",
        first_response_at=created + timedelta(hours=2),
        satisfaction=9,
        satisfaction_scale="10",
    )


@pytest.fixture
def workspace(in_tmp: Path) -> Path:
    (in_tmp / "rotations.toml").write_text(CONFIG, encoding="utf-8")
    conn = open_store(in_tmp / "sddkit.db")
    # Sync theme: 3 tickets before the fix on day 10, 1 after.
    tickets = [
        _ticket("1", 0, "c1", "nina@example.com"),
        _ticket("2", 3, "c2", "ana@example.com"),
        _ticket("3", 8, "c1", "nina@example.com"),
        _ticket("4", 15, "c3", "ana@example.com"),
    ]
    upsert_tickets(conn, tickets)
    keys = tuple(t.key for t in tickets)
    theme = Theme(
        "T-sync",
        "Sync fails",
        "bug",
        ("sync",),
        keys,
        keys[:1],
        3,
        tickets[0].created_at,
        tickets[-1].created_at,
        "stable",
    )
    save_themes(conn, [theme], MONDAY)
    fix = Fix("pull_request", "#7", MONDAY + timedelta(days=10), "https://github.com/a/b/pull/7")
    save_filed(
        conn,
        "github",
        [
            FiledIssue(
                "a/b#5",
                "T-sync",
                "Sync fails",
                "closed",
                "https://github.com/a/b/issues/5",
                MONDAY + timedelta(days=4),
                MONDAY + timedelta(days=10),
                fix,
            ),
        ],
    )
    conn.close()
    return in_tmp


ARGS = [
    "report",
    "--since",
    "2026-03-02",
    "--until",
    "2026-03-29",
    "--now",
    "2026-03-30T09:00:00+00:00",
    "--no-tracker",
]


def test_report_offline_writes_three_files(workspace: Path) -> None:
    result = CliRunner().invoke(main, ARGS)
    assert result.exit_code == 0, result.output
    summary = "4 tickets, 1 fix traced (closing 1 issue), 0 theme families need an issue"
    assert summary in result.output
    assert "Fix next:" not in result.output  # one ticket after the fix, 3 before: it held
    data = json.loads((workspace / "report" / "report.json").read_text(encoding="utf-8"))
    trace = data["traces"][0]
    # Fix on day 10: tickets on days 0, 3, 8 behind it (customers c1, c2); day 15 after.
    assert (trace["tickets"], trace["customers"], trace["before"], trace["after"]) == (3, 2, 3, 1)
    assert trace["days_to_fix"] == 10.0
    assert [h["name"] for h in trace["handlers"]] == ["Nina Kovač", "Ana Petrović"]
    people = {p["name"]: p for p in data["participation"]}
    # 20 weekdays in the period, one engineer each, shared by Nina and Ana.
    assert people["Nina Kovač"]["shifts"] + people["Ana Petrović"]["shifts"] == 20
    assert people["Nina Kovač"]["tickets_answered"] == 2
    # Patterns, weekly (wide and phone), before/after, FRT, one small chart for the one fix.
    assert (workspace / "report" / "report.html").read_text(encoding="utf-8").count("<svg") == 6
    (fix,) = data["fixes"]
    assert (fix["issue_keys"], fix["tickets"], fix["before"], fix["after"]) == (["a/b#5"], 3, 3, 1)
    assert "a/b#5" in (workspace / "report" / "report.md").read_text(encoding="utf-8")


def test_report_selected_format_and_out_dir(workspace: Path) -> None:
    result = CliRunner().invoke(main, [*ARGS, "--format", "md", "--out", "weekly"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (workspace / "weekly").iterdir()) == ["report.md"]


def test_report_without_config_still_runs(workspace: Path) -> None:
    (workspace / "rotations.toml").unlink()
    result = CliRunner().invoke(main, [*ARGS, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads((workspace / "report" / "report.json").read_text(encoding="utf-8"))
    # The note says what the rotation section shows (it is not left out).
    [note] = [note for note in data["notes"] if "No team config" in note]
    assert "rotation section lists the helpdesk assignees" in note
    assert [p["name"] for p in data["participation"]] == ["ana@example.com", "nina@example.com"]
    assert data["traces"][0]["handlers"][0]["name"] == "nina@example.com"


def test_reversed_period_is_an_error(workspace: Path) -> None:
    result = CliRunner().invoke(
        main, ["report", "--since", "2026-03-10", "--until", "2026-03-01", "--no-tracker"]
    )
    assert result.exit_code == 1
    assert "before it starts" in result.output
    assert not (workspace / "report").exists()


def test_live_mode_without_tracker_config_points_to_no_tracker(workspace: Path) -> None:
    result = CliRunner().invoke(main, ARGS[:-1])
    assert result.exit_code == 1
    assert "no tracker configured" in result.output and "--no-tracker" in result.output


def test_empty_store(in_tmp: Path) -> None:
    result = CliRunner().invoke(main, ARGS)
    assert result.exit_code == 0, result.output
    md = (in_tmp / "report" / "report.md").read_text(encoding="utf-8")
    assert "No tickets were created in this period." in md


def test_live_tracker_mode_reads_fix_and_refreshes_cache(
    workspace: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    github = fakes.FakeGitHub(httpserver.url_for("/"), fakes.GH_TOKEN)
    httpserver.expect_request(re.compile(".*")).respond_with_handler(github.handle)
    issue = github.add_issue(
        "Sync fails",
        f"Customers report sync failures.\n\n{marker('T-sync')}",
        ["sddkit"],
        created_at=(MONDAY + timedelta(days=4)).isoformat().replace("+00:00", "Z"),
    )
    github.close(issue["number"], MONDAY + timedelta(days=12), commit="c0ffee1")
    config = workspace / "rotations.toml"
    config.write_text(
        CONFIG + f'\n[github]\nrepo = "acme/app"\nurl = "{github.api}"\n', encoding="utf-8"
    )
    monkeypatch.setenv("GITHUB_TOKEN", fakes.GH_TOKEN)

    result = CliRunner().invoke(main, [*ARGS[:-1], "--format", "json"])

    assert result.exit_code == 0, result.output
    assert fakes.GH_TOKEN not in result.output
    assert github.writes() == []  # the report only reads the tracker
    data = json.loads((workspace / "report" / "report.json").read_text(encoding="utf-8"))
    (trace,) = data["traces"]
    assert trace["issue_key"].endswith("#1")
    assert (trace["fix"]["kind"], trace["fix"]["ref"]) == ("commit", "c0ffee1")
    # Fix on day 12: days 0, 3, 8 before it; day 15 after.
    assert (trace["tickets"], trace["after"], trace["days_to_fix"]) == (3, 1, 12.0)
    conn = open_store(workspace / "sddkit.db")
    cached = {i.key: i for i in load_filed(conn, "github:acme/app")}  # triage's cache name
    conn.close()
    assert cached[trace["issue_key"]].fix is not None
    assert "a/b#5" not in cached  # the tracker's cache now mirrors the tracker
    # offline, the report reads that cache only (not every tracker's: no issue twice)
    offline = CliRunner().invoke(main, [*ARGS[:-1], "--format", "json", "--no-tracker"])
    assert offline.exit_code == 0, offline.output
    again = json.loads((workspace / "report" / "report.json").read_text(encoding="utf-8"))
    assert again["traces"] == data["traces"]


def test_config_report_section_sets_defaults_and_options_win(workspace: Path) -> None:
    config = workspace / "rotations.toml"
    config.write_text(CONFIG + "\n[report]\nweeks = 1\n", encoding="utf-8")
    assert CliRunner().invoke(main, [*ARGS, "--format", "json"]).exit_code == 0
    data = json.loads((workspace / "report" / "report.json").read_text(encoding="utf-8"))
    # Fix on day 10 at 08:00; the week before, [day 3 08:00, day 10 08:00), holds the
    # tickets of day 3 (at the very start, included) and day 8.
    assert (data["options"]["weeks"], data["traces"][0]["before"]) == (1, 2)
    assert CliRunner().invoke(main, [*ARGS, "--format", "json", "--weeks", "2"]).exit_code == 0
    data = json.loads((workspace / "report" / "report.json").read_text(encoding="utf-8"))
    # Two weeks before also reach the ticket of day 0.
    assert (data["options"]["weeks"], data["traces"][0]["before"]) == (2, 3)


def test_bad_report_config_is_a_one_line_error(workspace: Path) -> None:
    config = workspace / "rotations.toml"
    config.write_text(CONFIG + "\n[report]\nweks = 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ARGS)
    assert result.exit_code == 1
    assert "rotations.toml:" in result.output and "report.weks: unknown key" in result.output
    assert not (workspace / "report").exists()


def test_output_names_the_top_of_fix_next(workspace: Path) -> None:
    config = workspace / "rotations.toml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "\n[report]\nregression_min = 1\nregression_confidence = 0.5\n"
    )
    result = CliRunner().invoke(main, [*ARGS, "--format", "json"])
    assert result.exit_code == 0, result.output
    # Ticket 4 (c3, day 15) came after the fix on day 10, 3 before it in 4 weeks: one in the
    # 2.5 weeks since is 56 % sure to be above a quarter of the rate before, enough at 0.5.
    assert "Fix next: Sync fails (came back after fix, 1 customer)." in result.output


def test_the_configs_not_planned_reasons_read_closed_issues(workspace: Path) -> None:
    """The report reads a close as triage does ([triage] not_planned): a close reason listed
    there is "closed, no fix", whatever fix the cache kept."""
    conn = open_store(workspace / "sddkit.db")
    [issue] = load_filed(conn)
    save_filed(conn, "github", [dataclasses.replace(issue, close_reason="wontfix")])
    conn.close()
    states = []
    for extra in ("", '\n[triage]\nnot_planned = ["wontfix"]\n'):
        config = workspace / "rotations.toml"
        config.write_text(CONFIG + extra, encoding="utf-8")
        result = CliRunner().invoke(main, [*ARGS, "--format", "json"])
        assert result.exit_code == 0, result.output
        data = json.loads((workspace / "report" / "report.json").read_text(encoding="utf-8"))
        states.append(data["traces"][0]["state"])
    assert states == ["fixed", "closed, no fix"]
