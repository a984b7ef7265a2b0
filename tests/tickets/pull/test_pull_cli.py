"""`sddkit tickets pull` through click's CliRunner, against the fake Zendesk."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sddkit.cli import main
from sddkit.store import open_store
from sddkit.tickets.store import count_tickets
from tests.support.fake_http import serve
from tests.support.fake_intercom import FakeIntercom
from tests.support.fake_intercom import make_conversation as intercom_conversation
from tests.support.fake_zendesk import EXPORT, FakeZendesk, Fault


def _run(fake: FakeZendesk, db: Path, *args: str, token: str | None = None) -> tuple[int, str]:
    env = {
        "SDDKIT_ZENDESK_URL": fake.url,
        "SDDKIT_ZENDESK_EMAIL": fake.email,
        "SDDKIT_ZENDESK_TOKEN": token or fake.token,
    }
    result = CliRunner().invoke(
        main,
        ["--db", str(db), "tickets", "pull", "--source", "zendesk", *args],
        env=env,
    )
    return result.exit_code, result.output


def test_pull_then_pull_again(zendesk: FakeZendesk, tmp_path: Path) -> None:
    db = tmp_path / "sddkit.db"
    args = ("--now", "2026-11-28T12:00:00Z")
    code, output = _run(zendesk, db, *args)
    account = zendesk.url.split("//")[1]
    assert (code, output) == (
        0,
        f"zendesk ({account}): 5 tickets in 1 page: 5 new, 0 updated, 0 unchanged\n",
    )
    thirty_days_before = int(datetime(2026, 10, 29, 12, tzinfo=UTC).timestamp())
    assert f"start_time={thirty_days_before}&" in zendesk.requests[0]
    code, output = _run(zendesk, db, *args)
    assert output.endswith(": 0 tickets in 1 page: 0 new, 0 updated, 0 unchanged\n")
    conn = open_store(db)
    assert count_tickets(conn) == 5


def test_dry_run_lists_what_would_be_stored(zendesk: FakeZendesk, tmp_path: Path) -> None:
    code, output = _run(zendesk, tmp_path / "s.db", "--since", "2026-11-04", "--dry-run")
    assert code == 0
    lines = output.splitlines()
    assert lines[:2] == [
        "would store zendesk:4 [deleted]: Export 4 times out",
        "would store zendesk:5 [closed]: Export 5 times out",
    ]
    assert lines[2].endswith("2 tickets in 1 page (dry run: nothing stored)")
    assert count_tickets(open_store(tmp_path / "s.db")) == 0


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (
            "bad-token",
            "HTTP 401: Couldn't authenticate you: the credentials were refused; check"
            " SDDKIT_ZENDESK_EMAIL",
        ),
        ("", "Error: zendesk: set SDDKIT_ZENDESK_EMAIL and SDDKIT_ZENDESK_TOKEN"),
    ],
)
def test_credential_errors_are_one_line(
    zendesk: FakeZendesk, tmp_path: Path, token: str, expected: str
) -> None:
    result = CliRunner().invoke(
        main,
        ["--db", str(tmp_path / "s.db"), "tickets", "pull", "--source", "zendesk"],
        env={
            "SDDKIT_ZENDESK_URL": zendesk.url,
            "SDDKIT_ZENDESK_EMAIL": zendesk.email,
            "SDDKIT_ZENDESK_TOKEN": token,
        },
    )
    assert result.exit_code == 1
    assert expected in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "bad-token" not in result.output


def test_limit_says_there_is_more_and_ci_gets_no_progress_line(
    zendesk: FakeZendesk, tmp_path: Path
) -> None:
    zendesk.page_size_cap = 2
    env = {
        "SDDKIT_ZENDESK_URL": zendesk.url,
        "SDDKIT_ZENDESK_EMAIL": zendesk.email,
        "SDDKIT_ZENDESK_TOKEN": zendesk.token,
    }
    args = ["--db", str(tmp_path / "s.db"), "tickets", "pull", "--source", "zendesk",
            "--now", "2026-11-28T12:00:00Z"]  # fmt: skip
    result = CliRunner().invoke(main, [*args, "--limit", "1"], env=env)
    assert result.exit_code == 0
    assert result.stdout.endswith(
        "2 tickets in 1 page: 2 new, 0 updated, 0 unchanged; more to pull: run again\n"
    )
    assert result.stderr == ""  # not a terminal: no progress line


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("freshdesk", "Error: freshdesk: set SDDKIT_FRESHDESK_DOMAIN (or SDDKIT_FRESHDESK_URL)"),
        (
            "helpscout",
            "Error: helpscout: set SDDKIT_HELPSCOUT_APP_ID and SDDKIT_HELPSCOUT_APP_SECRET",
        ),
        ("intercom", "Error: intercom: set SDDKIT_INTERCOM_TOKEN"),
    ],
)
def test_each_helpdesk_names_its_missing_variables(
    tmp_path: Path, source: str, expected: str
) -> None:
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "s.db"), "tickets", "pull", "--source", source]
    )
    assert (result.exit_code, result.output) == (1, expected + "\n")


def test_time_spent_waiting_on_rate_limits_is_reported(
    zendesk: FakeZendesk, tmp_path: Path
) -> None:
    zendesk.faults.append(Fault(EXPORT, 429, {"Retry-After": "1"}))
    env = {
        "SDDKIT_ZENDESK_URL": zendesk.url,
        "SDDKIT_ZENDESK_EMAIL": zendesk.email,
        "SDDKIT_ZENDESK_TOKEN": zendesk.token,
    }
    args = ["--db", str(tmp_path / "s.db"), "tickets", "pull", "--source", "zendesk",
            "--now", "2026-11-28T12:00:00Z"]  # fmt: skip
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0
    paced, waited = result.stderr.splitlines()
    assert paced.startswith("paced to 700 requests a minute: ")  # exports: 10 a minute
    assert waited == "waited 1 s for retries (1 rate limited)"
    assert "5 new" in result.stdout


def test_the_summary_counts_deletions_and_conversations_cut(tmp_path: Path) -> None:
    fake = FakeIntercom(admins=[{"type": "admin", "id": "814860", "email": "ana@example.com"}])
    for number in (1, 2):
        conversation = intercom_conversation(number, 1793606400 + number * 60)
        fake.conversations[conversation["id"]] = conversation
    parts = fake.conversations["7001"]["conversation_parts"]
    parts["conversation_parts"] = parts["conversation_parts"] * 260  # 520 parts
    args = ["--db", str(tmp_path / "s.db"), "tickets", "pull", "--source", "intercom",
            "--now", "2026-11-28T12:00:00Z", "--rate-limit", "6000"]  # fmt: skip
    with serve(fake):
        env = {"SDDKIT_INTERCOM_URL": fake.url, "SDDKIT_INTERCOM_TOKEN": fake.token}
        first = CliRunner().invoke(main, args, env=env)
        del fake.conversations["7002"]
        second = CliRunner().invoke(main, args, env=env)
    assert first.exit_code == 0, first.output
    assert first.stdout.endswith(
        ": 2 tickets in 1 page: 2 new, 0 updated, 0 unchanged; 1 conversations only in part"
        " (the API's limit, see the notes)\n"
    )
    assert "note: intercom: conversation 7001 has 520 parts; the API returns 500" in first.stderr
    assert second.stdout.endswith("0 unchanged; 1 deleted in the helpdesk, hidden\n")
