"""`pull` against a fake Help Scout Mailbox API 2.0."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sddkit.store import open_store
from sddkit.tickets.pull.helpscout import HelpScoutSource, from_env
from sddkit.tickets.pull.http import PullError, RetryPolicy
from sddkit.tickets.pull.run import PullResult, PullSettings, pull
from sddkit.tickets.pull.state import load_position
from sddkit.tickets.store import count_tickets, get_tickets
from tests.support.fake_helpscout import FakeHelpScout, make_conversation
from tests.support.fake_http import Fault, serve

SINCE = datetime(2026, 10, 1, tzinfo=UTC)
SETTINGS = PullSettings(now=datetime(2026, 11, 28, 12, 0, tzinfo=UTC))


@pytest.fixture
def helpscout() -> Iterator[FakeHelpScout]:
    """30 conversations (two pages), #2 spam, #3 deleted, modified on successive hours."""
    fake = FakeHelpScout()
    for number in range(1, 31):
        conversation = make_conversation(number)
        if number == 2:
            conversation["status"] = "spam"
        if number == 3:
            conversation["state"] = "deleted"
        fake.put(conversation, f"2026-11-02T{number % 24:02d}:{number:02d}:00Z")
    with serve(fake):
        yield fake


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = open_store(tmp_path / "store.db")
    yield connection
    connection.close()


def _source(fake: FakeHelpScout, sleeps: list[float] | None = None) -> HelpScoutSource:
    env = {"SDDKIT_HELPSCOUT_URL": fake.url, "SDDKIT_HELPSCOUT_APP_ID": fake.app_id,
           "SDDKIT_HELPSCOUT_APP_SECRET": fake.app_secret}  # fmt: skip
    return from_env(env, SINCE, RetryPolicy(sleep=(sleeps if sleeps is not None else []).append))


def test_pulls_all_conversations_with_threads_spam_and_deleted(
    helpscout: FakeHelpScout, conn: sqlite3.Connection
) -> None:
    result = pull(conn, _source(helpscout), SETTINGS)
    assert (result.pages, result.summary.new, result.complete) == (2, 30, True)
    one, spam, deleted = get_tickets(conn, ["helpscout:9001", "helpscout:9002", "helpscout:9003"])
    assert [(m.author_role, m.body) for m in one.messages] == [
        ("customer", "Login 1 fails"),
        ("agent", "Try again, 1"),
    ]
    assert (spam.status, deleted.status) == ("spam", "deleted")
    assert helpscout.requests[0] == "POST /v2/oauth2/token"
    listing = helpscout.requests[1]
    for part in ("status=all", "embed=threads", "sortField=modifiedAt", "sortOrder=desc",
                 "modifiedSince=2026-10-01T00%3A00%3A00Z"):  # fmt: skip
        assert part in listing


def test_the_next_pull_starts_where_the_server_clock_said_this_one_began(
    helpscout: FakeHelpScout, conn: sqlite3.Connection
) -> None:
    helpscout.now = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    pull(conn, _source(helpscout), SETTINGS)
    position = load_position(conn, "helpscout", _source(helpscout).account)
    assert position == '{"page": 1, "since": "2026-11-03T11:55:00Z", "upto": null}'
    helpscout.put(make_conversation(31), "2026-11-03T11:58:00Z")
    helpscout.requests.clear()
    later = pull(conn, _source(helpscout), SETTINGS)
    assert (later.tickets, later.summary.new) == (1, 1)
    assert "modifiedSince=2026-11-03T11%3A55%3A00Z" in helpscout.requests[1]


def test_a_conversation_changing_mid_pull_is_caught_by_the_next_one(
    helpscout: FakeHelpScout, conn: sqlite3.Connection
) -> None:
    helpscout.now = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)

    def change_one_on_page_two(result: PullResult) -> None:
        if result.pages == 1:  # #1 (oldest change, on page 2) is answered: it moves to page 1
            helpscout.put(make_conversation(1, status="active"), "2026-11-03T12:01:00Z")

    pull(conn, _source(helpscout), SETTINGS, change_one_on_page_two)
    assert count_tickets(conn) >= 29  # the others all came; #1 may wait for the next pull
    pull(conn, _source(helpscout), SETTINGS)
    assert count_tickets(conn) == 30
    (one,) = get_tickets(conn, ["helpscout:9001"])
    assert one.status == "active"


def test_a_killed_pull_resumes_at_its_page(
    helpscout: FakeHelpScout, conn: sqlite3.Connection
) -> None:
    def killed(result: PullResult) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pull(conn, _source(helpscout), SETTINGS, killed)
    assert count_tickets(conn) == 25
    helpscout.requests.clear()
    resumed = pull(conn, _source(helpscout), SETTINGS)
    assert (resumed.resumed, resumed.tickets, count_tickets(conn)) == (True, 5, 30)
    assert "page=2" in helpscout.requests[1]


def test_rate_limit_is_waited_out(helpscout: FakeHelpScout, conn: sqlite3.Connection) -> None:
    helpscout.faults.append(Fault("/v2/conversations", 429, {"Retry-After": "9"}))
    sleeps: list[float] = []
    pull(conn, _source(helpscout, sleeps), SETTINGS)
    assert sleeps == [9.0] and count_tickets(conn) == 30


def test_refused_app_credentials(helpscout: FakeHelpScout, conn: sqlite3.Connection) -> None:
    env = {"SDDKIT_HELPSCOUT_URL": helpscout.url, "SDDKIT_HELPSCOUT_APP_ID": helpscout.app_id,
           "SDDKIT_HELPSCOUT_APP_SECRET": "wrong-secret"}  # fmt: skip
    with pytest.raises(PullError) as caught:
        pull(conn, from_env(env, SINCE, None), SETTINGS)
    message = str(caught.value)
    assert message.startswith("helpscout: POST /v2/oauth2/token: HTTP 401")
    assert "SDDKIT_HELPSCOUT_APP_SECRET" in message and "wrong-secret" not in message
    with pytest.raises(PullError, match="set SDDKIT_HELPSCOUT_APP_ID and"):
        from_env({}, SINCE, None)
