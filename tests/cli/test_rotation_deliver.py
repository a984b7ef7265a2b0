from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sddkit.cli import main
from tests.support.servers import Mailbox, write_team

ARGS = ["--today", "2026-11-02", "--now", "2026-11-01T12:00:00+0000", "--weeks", "1"]


def run(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        ["--db", str(tmp_path / "sddkit.db"), "--config", str(tmp_path / "rotations.toml"), *args],
    )
    return result.exit_code, result.output


def test_invite_dry_run_then_apply_then_nothing(tmp_path: Path, mailbox: Mailbox) -> None:
    write_team(tmp_path / "rotations.toml", smtp_port=mailbox.port)
    code, out = run(tmp_path, "rotation", "invite", *ARGS)
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "Invitations from Nina Kovač <nina@example.com>, 2026-11-02 to 2026-11-08:"
    assert lines[1].split() == [
        "REQUEST", "marko@example.com", "emea", "engineer", "Mon", "2", "Nov", "2026,",
        "09:00–12:00", "CET", "SEQUENCE", "0",
    ]  # fmt: skip
    assert lines[-1] == (
        "Would send 5 messages (5 invitations, 0 cancellations) to 4 people."
        " Run again with --apply to send."
    )
    assert mailbox.messages == []

    code, out = run(tmp_path, "rotation", "invite", *ARGS, "--apply")
    assert code == 0, out
    assert out.splitlines()[-1] == "Sent 5 messages (5 invitations, 0 cancellations) to 4 people."
    assert len(mailbox.messages) == 5

    code, out = run(tmp_path, "rotation", "invite", *ARGS, "--apply")
    assert (code, out.splitlines()[-1]) == (0, "Every calendar is up to date: nothing to send.")
    assert len(mailbox.messages) == 5


def test_invite_refusal_exits_1_with_progress(tmp_path: Path, mailbox: Mailbox) -> None:
    write_team(tmp_path / "rotations.toml", smtp_port=mailbox.port)
    mailbox.refuse_at = 2
    code, out = run(tmp_path, "rotation", "invite", *ARGS, "--apply")
    assert code == 1
    assert "Error: SMTP server refused the message to" in out
    assert "(1 of 5 sent and recorded; run again to send the rest)" in out
    code, out = run(tmp_path, "rotation", "invite", *ARGS, "--apply")
    assert code == 0 and "Sent 4 messages" in out


def test_missing_password_is_a_clear_error(
    tmp_path: Path, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SDDKIT_SMTP_PASSWORD", raising=False)
    path = write_team(tmp_path / "rotations.toml", smtp_port=mailbox.port)
    path.write_text(
        path.read_text().replace('security = "none"', 'user = "nina"\nsecurity = "none"')
    )
    code, out = run(tmp_path, "rotation", "invite", *ARGS, "--apply")
    assert code == 1
    assert "Error: SDDKIT_SMTP_PASSWORD is not set: the SMTP user 'nina' needs a password" in out


def test_bad_smtp_section_names_line_and_field(tmp_path: Path) -> None:
    path = write_team(tmp_path / "rotations.toml", smtp_port=25)
    path.write_text(path.read_text().replace("port = 25", "port = 0"))
    code, out = run(tmp_path, "rotation", "invite", *ARGS, "--apply")
    line = path.read_text().splitlines().index("port = 0") + 1
    assert code == 1
    assert f"rotations.toml:{line}: smtp.port: expected a port number 1-65535, got 0" in out


def test_publish_dry_run_apply_and_idempotent(
    tmp_path: Path, radicale: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDDKIT_CALDAV_PASSWORD", "x")
    url = radicale.new_calendar()
    write_team(tmp_path / "rotations.toml", caldav_url=url)
    code, out = run(tmp_path, "rotation", "publish", *ARGS)
    assert code == 0, out
    assert out.splitlines()[0] == f"Calendar {url}, 2026-11-02 to 2026-11-08:"
    assert "  create   2026-11-02 09:00 CET  Support: emea (engineer) — Marko Jovanović" in out
    assert out.splitlines()[-1] == (
        "Would create 5, update 0, delete 0 (0 unchanged). Run again with --apply to write."
    )
    code, out = run(tmp_path, "rotation", "publish", *ARGS, "--apply")
    assert out.splitlines()[-1] == "Created 5, updated 0, deleted 0 (0 unchanged)."
    code, out = run(tmp_path, "rotation", "publish", *ARGS, "--apply")
    assert out.splitlines()[-1] == "The calendar is up to date (5 events)."
