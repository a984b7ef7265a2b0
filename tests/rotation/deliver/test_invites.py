from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest

from sddkit.rotation.config import load_config
from sddkit.rotation.deliver.invites import pending_invitations, send_invitations
from sddkit.rotation.deliver.settings import SmtpSettings
from sddkit.rotation.deliver.smtp import DeliveryError, SmtpSender
from sddkit.rotation.model import Shift
from sddkit.rotation.schedule import published, window
from sddkit.store import open_store
from tests.support.servers import Mailbox, write_team

TODAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
LEAVE = 'leave = ["2026-11-04..2026-11-06"]'


def deliver(conn: sqlite3.Connection, config_path: Path, settings: SmtpSettings) -> int:
    config = load_config(config_path)
    invitations = pending_invitations(conn, config, today=TODAY, weeks=2, now=NOW)
    with SmtpSender(settings) as sender:
        return send_invitations(conn, invitations, config.organizer, sender, now=NOW)


def itip(message: EmailMessage) -> tuple[str, str, str, int, str]:
    """(recipient, METHOD, UID, SEQUENCE, attendee) read from the parsed message."""
    alternative = message.get_payload()[0]  # type: ignore[index]
    part = alternative.get_payload()[1]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    assert part.get_param("method") == calendar["METHOD"]
    assert str(event["ORGANIZER"]) == "mailto:nina@example.com"
    return (
        message["To"].addresses[0].addr_spec,
        str(calendar["METHOD"]),
        str(event["UID"]),
        int(event["SEQUENCE"]),
        str(event["ATTENDEE"]).removeprefix("mailto:"),
    )


def seats(conn: sqlite3.Connection, config_path: Path) -> dict[str, Shift]:
    """The published schedule the next run will see, over the two weeks it invites for."""
    config = load_config(config_path)
    plan = window(published(conn, config, TODAY)[0], TODAY, date(2026, 11, 15))
    return {shift.uid: shift for shift in plan.shifts}


def emails(config_path: Path) -> dict[str, str]:
    return {p.name: p.email for p in load_config(config_path).people}


@pytest.fixture
def conn(tmp_path: Path) -> sqlite3.Connection:
    return open_store(tmp_path / "sddkit.db")


def test_first_run_invites_everyone_then_nothing(
    tmp_path: Path, conn: sqlite3.Connection, mailbox: Mailbox, smtp_settings: SmtpSettings
) -> None:
    path = write_team(tmp_path / "rotations.toml")
    plan = seats(conn, path)
    assert deliver(conn, path, smtp_settings) == len(plan) == 10
    got = sorted(itip(m) for m in mailbox.messages)
    to = emails(path)
    assert got == sorted(
        (to[s.person or ""], "REQUEST", uid, 0, to[s.person or ""]) for uid, s in plan.items()
    )
    assert all(envelope[0] == "nina@example.com" for envelope in mailbox.envelopes)
    assert deliver(conn, path, smtp_settings) == 0
    assert len(mailbox.messages) == 10


def test_leave_sends_only_cancels_and_requests_for_moved_seats(
    tmp_path: Path, conn: sqlite3.Connection, mailbox: Mailbox, smtp_settings: SmtpSettings
) -> None:
    path = write_team(tmp_path / "rotations.toml")
    before = seats(conn, path)
    deliver(conn, path, smtp_settings)
    mailbox.messages.clear()
    write_team(path, ana_leave=LEAVE)
    after = seats(conn, path)
    moved = {uid for uid in before if before[uid].person != after[uid].person}
    assert moved, "the leave must move some seats for this test to mean anything"
    to = emails(path)

    deliver(conn, path, smtp_settings)

    expected = []
    for uid in moved:
        old, new = to[before[uid].person or ""], to[after[uid].person or ""]
        expected += [(old, "CANCEL", uid, 1, old), (new, "REQUEST", uid, 1, new)]
    assert sorted(itip(m) for m in mailbox.messages) == sorted(expected)
    assert deliver(conn, path, smtp_settings) == 0


def test_removed_shifts_are_cancelled(
    tmp_path: Path, conn: sqlite3.Connection, mailbox: Mailbox, smtp_settings: SmtpSettings
) -> None:
    path = write_team(tmp_path / "rotations.toml")
    before = seats(conn, path)
    deliver(conn, path, smtp_settings)
    mailbox.messages.clear()
    write_team(path, rotation_extra="end = 2026-11-10")
    after = seats(conn, path)
    removed = set(before) - set(after)
    assert len(removed) == 3  # 11, 12 and 13 November
    changed = {uid for uid in after if after[uid].person != before[uid].person}

    deliver(conn, path, smtp_settings)

    got = [itip(m) for m in mailbox.messages]
    cancels = {(uid, seq) for _, method, uid, seq, _ in got if method == "CANCEL"}
    assert {uid for uid, _ in cancels} == removed | changed
    assert {seq for uid, seq in cancels if uid in removed} == {1}
    for message in mailbox.messages:
        if itip(message)[1] == "CANCEL":
            assert "Cancelled support shift" in message["Subject"]

    # The seats come back: each is re-invited with a SEQUENCE above the CANCEL's.
    mailbox.messages.clear()
    write_team(path)
    deliver(conn, path, smtp_settings)
    back = {uid: seq for _, method, uid, seq, _ in map(itip, mailbox.messages) if uid in removed}
    assert set(back) == removed
    assert all(seq >= 2 for seq in back.values())


def test_interrupted_run_resumes_without_duplicates(
    tmp_path: Path, conn: sqlite3.Connection, mailbox: Mailbox, smtp_settings: SmtpSettings
) -> None:
    path = write_team(tmp_path / "rotations.toml")
    mailbox.refuse_at = 3
    with pytest.raises(DeliveryError, match=r"550 5\.7\.1.*\(2 of 10 sent and recorded"):
        deliver(conn, path, smtp_settings)
    assert len(mailbox.messages) == 2
    assert deliver(conn, path, smtp_settings) == 8
    keys = Counter((to, uid) for to, _, uid, _, _ in map(itip, mailbox.messages))
    assert len(keys) == 10
    assert set(keys.values()) == {1}
