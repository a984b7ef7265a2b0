"""`sddkit rotation remind` and `handoff` against a local webhook (pytest-httpserver) and a
local SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from sddkit.cli import main
from tests.support.servers import Mailbox, write_team

TODAY = ["--today", "2026-11-02", "--now", "2026-11-02T15:00:00+0000"]
NOTE = "Ticket 42 waits for billing <!channel> see <https://evil.test|the docs> & more"


def run(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner(env=env).invoke(
        main,
        ["--db", str(tmp_path / "sddkit.db"), "--config", str(tmp_path / "rotations.toml"), *args],
    )
    return result.exit_code, result.output


@pytest.fixture
def team(tmp_path: Path, mailbox: Mailbox) -> Path:
    write_team(tmp_path / "rotations.toml", smtp_port=mailbox.port)
    code, out = run(
        tmp_path, "rotation", "handoff", "--rotation", "emea", "--date", "2026-11-02", NOTE,
        "--now", "2026-11-02T11:00:00+0000",
    )  # fmt: skip
    assert code == 0, out
    return tmp_path


def test_dry_run_shows_the_reminder_and_sends_nothing(
    team: Path, httpserver: HTTPServer, mailbox: Mailbox
) -> None:
    env = {"SDDKIT_REMIND_WEBHOOK": httpserver.url_for("/hooks/T000/SECRET")}
    code, out = run(team, "rotation", "remind", *TODAY, "--via", "webhook", env=env)
    assert code == 0, out
    assert "you are on support tomorrow: emea (engineer), Tue 03 Nov 09:00-12:00" in out
    assert "Handoff from " in out and "Ticket 42 waits for billing" in out
    assert out.splitlines()[-1] == "Would send 1 reminder(s). Run again with --send to send."
    assert httpserver.log == [] and mailbox.messages == []


def test_send_posts_escaped_text_to_the_webhook(team: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hooks/T000/SECRET", method="POST").respond_with_data("ok")
    env = {"SDDKIT_REMIND_WEBHOOK": httpserver.url_for("/hooks/T000/SECRET")}
    code, out = run(team, "rotation", "remind", *TODAY, "--send", env=env)
    assert code == 0, out
    assert "SECRET" not in out
    ((request, _),) = httpserver.log
    text = json.loads(request.get_data())["text"]
    assert "you are on support tomorrow" in text
    # The note can neither ping the channel nor disguise a link.
    assert "&lt;!channel&gt;" in text and "<" not in text and "&amp; more" in text


def test_send_by_email(team: Path, mailbox: Mailbox) -> None:
    code, out = run(team, "rotation", "remind", *TODAY, "--via", "email", "--send")
    assert code == 0, out
    (message,) = mailbox.messages
    assert message["From"].addresses[0].addr_spec == "nina@example.com"
    assert message["Subject"] == "Support tomorrow: emea (engineer)"
    body = message.get_content()
    assert "you are on support tomorrow" in body and "Ticket 42 waits for billing" in body


def test_webhook_errors_name_the_host_not_the_secret(team: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/hooks/T000/SECRET").respond_with_data("no", status=500)
    env = {"SDDKIT_REMIND_WEBHOOK": httpserver.url_for("/hooks/T000/SECRET")}
    code, out = run(team, "rotation", "remind", *TODAY, "--send", env=env)
    assert code == 1
    assert out == f"Error: the webhook at {httpserver.host}:{httpserver.port} refused: HTTP 500\n"
    code, out = run(team, "rotation", "remind", *TODAY, "--send", env={"SDDKIT_REMIND_WEBHOOK": ""})
    assert code == 1 and "set $SDDKIT_REMIND_WEBHOOK" in out


def test_handoff_needs_a_shift_that_day(team: Path) -> None:
    code, out = run(team, "rotation", "handoff", "--rotation", "emea", "--date", "2026-11-07", "x")
    assert code == 1 and "no emea shift on 2026-11-07" in out


def test_send_twice_sends_once(team: Path, httpserver: HTTPServer, mailbox: Mailbox) -> None:
    httpserver.expect_request("/hooks/T000/SECRET", method="POST").respond_with_data("ok")
    env = {"SDDKIT_REMIND_WEBHOOK": httpserver.url_for("/hooks/T000/SECRET")}
    both = ["--via", "webhook", "--via", "email", "--send"]
    code, out = run(team, "rotation", "remind", *TODAY, *both, env=env)
    assert code == 0 and "Sent 2 reminder(s) via webhook, email" in out, out
    code, out = run(team, "rotation", "remind", *TODAY, *both, env=env)
    assert code == 0 and "Nothing to send: every reminder due was sent already." in out, out
    assert len(httpserver.log) == 1 and len(mailbox.messages) == 1
    code, out = run(team, "rotation", "remind", *TODAY, "--via", "webhook", env=env)
    assert "Nothing to send: nobody on support today or tomorrow not yet reminded." in out
    # A channel not used before still gets its own copy, once.
    code, out = run(team, "rotation", "remind", *TODAY, "--via", "email", "--send")
    assert code == 0 and "Nothing to send" in out


def test_today_and_tomorrow_are_the_persons_own_dates(team: Path) -> None:
    # 23:30 UTC on Monday is 00:30 on Tuesday in Belgrade: Tuesday's shift is today there.
    late = ["--now", "2026-11-02T23:30:00+0000"]
    code, out = run(team, "rotation", "remind", *late)
    assert code == 0, out
    assert "you are on support today: emea (engineer), Tue 03 Nov 09:00-12:00" in out
    assert "you are on support tomorrow: emea (engineer), Wed 04 Nov 09:00-12:00" in out
