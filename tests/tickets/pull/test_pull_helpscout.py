"""`pull` against a fake Help Scout Mailbox API 2.0."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sddkit.store import open_store
from sddkit.tickets.pull.helpscout import HelpScoutSource, from_env
from sddkit.tickets.pull.http import PullError, RetryPolicy
from sddkit.tickets.pull.run import PullResult, PullSettings, pull
from sddkit.tickets.pull.state import load_position
from sddkit.tickets.store import count_tickets, get_tickets, iter_tickets
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
    for part in ("status=all", "embed=threads", "sortField=modifiedAt", "sortOrder=asc",
                 "modifiedSince=2026-10-01T00%3A00%3A00Z"):  # fmt: skip
        assert part in listing


def test_the_next_pull_starts_at_the_last_change_and_skips_what_is_stored(
    helpscout: FakeHelpScout, conn: sqlite3.Connection
) -> None:
    helpscout.now = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)
    pull(conn, _source(helpscout), SETTINGS)
    position = load_position(conn, "helpscout", _source(helpscout).account)
    assert position == '{"page": 1, "since": "2026-11-02T23:22:59Z"}'  # #23, less a second
    helpscout.put(make_conversation(31), "2026-11-03T11:58:00Z")
    helpscout.requests.clear()
    later = pull(conn, _source(helpscout), SETTINGS)
    assert (later.tickets, later.summary.new) == (1, 1)  # #23 is listed again, not handed on
    assert "modifiedSince=2026-11-02T23%3A22%3A59Z" in helpscout.requests[1]


def test_the_next_pull_never_starts_after_the_server_clock_less_a_margin(
    helpscout: FakeHelpScout, conn: sqlite3.Connection
) -> None:
    helpscout.now = datetime(2026, 11, 2, 23, 24, tzinfo=UTC)  # a minute after the last change
    pull(conn, _source(helpscout), SETTINGS)
    position = load_position(conn, "helpscout", _source(helpscout).account)
    assert position == '{"page": 1, "since": "2026-11-02T23:19:00Z"}'


def test_a_conversation_changing_mid_pull_is_read_again_at_the_end(
    helpscout: FakeHelpScout, conn: sqlite3.Connection
) -> None:
    def change_one_already_read(result: PullResult) -> None:
        if result.pages == 1:
            helpscout.put(make_conversation(1, status="active"), "2026-11-03T12:01:00Z")

    pull(conn, _source(helpscout), SETTINGS, change_one_already_read)
    assert count_tickets(conn) == 30
    (one,) = get_tickets(conn, ["helpscout:9001"])
    assert one.status == "active"


def test_a_killed_pull_resumes_at_its_keyset(
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
    assert (
        "page=1" in helpscout.requests[1] and "modifiedSince=2026-11-02T" in helpscout.requests[1]
    )


def test_deletions_and_changes_on_pages_read_before_a_kill_lose_nothing(
    conn: sqlite3.Connection,
) -> None:
    """Issue 22, finding 1: 200 conversations (8 pages); the pull is killed after page 3;
    five conversations on those pages are deleted and five changed; the pull resumes, and one
    more pull follows. Every live conversation is stored in its last version, the deleted are
    hidden, none is lost."""
    fake = FakeHelpScout(now=datetime(2026, 11, 10, tzinfo=UTC))
    for number in range(1, 201):
        moment = datetime(2026, 11, 2, tzinfo=UTC) + timedelta(minutes=7 * number)
        fake.put(make_conversation(number), moment.strftime("%Y-%m-%dT%H:%M:%SZ"))

    def killed(result: PullResult) -> None:
        if result.pages == 3:
            raise KeyboardInterrupt

    with serve(fake):
        with pytest.raises(KeyboardInterrupt):
            pull(conn, _source(fake), SETTINGS, killed)
        assert count_tickets(conn) == 73  # 25 a page, each after the first repeating one
        for number in (3, 17, 40, 190, 199):  # read before the kill, or not yet
            fake.delete(9000 + number)
        for number in (5, 20, 60, 185, 198):
            fake.put(make_conversation(number, subject=f"Edited {number}"), "2026-11-05T08:00:00Z")
        pull(conn, _source(fake), SETTINGS)
        pull(conn, _source(fake), SETTINGS)
    live = {f"helpscout:{i}" for i in fake.conversations}
    stored = {t.key: t for t in iter_tickets(conn)}
    assert set(stored) == live  # nothing lost, the deleted hidden
    assert all(
        stored[f"helpscout:{9000 + n}"].subject == f"Edited {n}" for n in (5, 20, 60, 185, 198)
    )
    assert count_tickets(conn) == 198  # #190 and #199 were deleted before they were read


def test_chat_threads_are_read_whole_from_the_threads_endpoint(
    conn: sqlite3.Connection,
) -> None:
    """Issue 22, finding 3: embed=threads truncates chats (197 of 2,836 characters)."""
    fake = FakeHelpScout()
    transcript = "Chat line about the export. " * 101  # 2,828 characters
    chat = make_conversation(1, type="chat")
    chat["_embedded"]["threads"][1] = {
        "id": 11, "type": "chat", "body": transcript, "createdAt": chat["createdAt"],
        "createdBy": {"id": 501, "type": "customer", "email": "c1@client.example"},
    }  # fmt: skip
    fake.put(chat, "2026-11-02T10:00:00Z")
    fake.put(make_conversation(2), "2026-11-02T11:00:00Z")
    with serve(fake):
        pull(conn, _source(fake), SETTINGS)
        threads = [r for r in fake.requests if "/threads" in r]
        assert threads == ["GET /v2/conversations/9001/threads?page=1"]  # the e-mail needs none
        fake.requests.clear()
        again = pull(conn, _source(fake), SETTINGS)
    (one,) = get_tickets(conn, ["helpscout:9001"])
    assert one.body == transcript.strip()
    assert again.tickets == 0 and not [r for r in fake.requests if "/threads" in r]


def test_deleted_and_merged_conversations_are_hidden(
    helpscout: FakeHelpScout, conn: sqlite3.Connection
) -> None:
    pull(conn, _source(helpscout), SETTINGS)
    helpscout.delete(9004)
    helpscout.delete(9005, merged_into=9006)
    result = pull(conn, _source(helpscout), SETTINGS)
    assert (result.swept, result.gone) == (True, 2)
    visible = {t.key for t in iter_tickets(conn)}
    assert "helpscout:9004" not in visible and "helpscout:9005" not in visible
    assert "helpscout:9006" in visible and count_tickets(conn) == 30
    (four,) = get_tickets(conn, ["helpscout:9004"])
    assert four.status == "deleted"


def test_an_expired_token_is_renewed_mid_pull(
    helpscout: FakeHelpScout, conn: sqlite3.Connection
) -> None:
    """Issue 22, finding 6: a token that expires during the pull is fetched again."""

    def expire(result: PullResult) -> None:
        if result.pages == 1:
            helpscout.expire_token()

    result = pull(conn, _source(helpscout), SETTINGS, expire)
    assert result.complete and count_tickets(conn) == 30
    assert helpscout.tokens_issued == 2


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
    assert message.startswith("helpscout: POST /v2/oauth2/token: HTTP 401: invalid_client:")
    assert "SDDKIT_HELPSCOUT_APP_SECRET" in message and "wrong-secret" not in message
    with pytest.raises(PullError, match="set SDDKIT_HELPSCOUT_APP_ID and"):
        from_env({}, SINCE, None)


def test_a_deletion_inside_a_page_of_one_second_shifts_nothing_past_the_walk(
    conn: sqlite3.Connection,
) -> None:
    """Pages of one second are walked by page number; a conversation read there and then
    deleted shifts the rest one place back, which the walk catches by reading the previous
    page again."""
    fake = FakeHelpScout(page_size=1)
    for number, second in ((1, 0), (2, 0), (3, 0), (4, 5)):
        fake.put(make_conversation(number), f"2026-11-02T10:00:{second:02d}Z")

    def delete_one_read(result: PullResult) -> None:
        if result.pages == 2:
            fake.delete(9001)

    with serve(fake):
        pull(conn, _source(fake), SETTINGS, delete_one_read)
        pull(conn, _source(fake), SETTINGS)
    assert {t.key for t in iter_tickets(conn)} == {"helpscout:9002", "helpscout:9003",
                                                   "helpscout:9004"}  # fmt: skip
