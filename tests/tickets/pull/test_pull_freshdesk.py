"""`pull` against a fake Freshdesk that answers like the documented API v2."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sddkit.store import open_store
from sddkit.tickets.pull.freshdesk import FreshdeskSource, from_env
from sddkit.tickets.pull.http import PullError, RetryPolicy
from sddkit.tickets.pull.run import PullResult, PullSettings, pull
from sddkit.tickets.store import count_tickets, get_tickets
from tests.support.fake_freshdesk import FakeFreshdesk, make_conversation, make_ticket
from tests.support.fake_http import Fault, serve

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
SINCE = datetime(2026, 10, 1, tzinfo=UTC)
SETTINGS = PullSettings(now=NOW)


@pytest.fixture
def freshdesk() -> Iterator[FakeFreshdesk]:
    """Six tickets changed on six days; #3 spam, #4 deleted; #1 with a private note and
    #2 with 120 replies (two pages)."""
    fake = FakeFreshdesk(
        agents=[{"id": 77, "contact": {"name": "Ana", "email": "ana@example.com"}}],
        companies=[{"id": 9, "name": "Client d.o.o."}],
    )
    for number in range(1, 7):
        fake.tickets[number] = make_ticket(number, f"2026-11-0{number}T10:00:00Z")
    fake.tickets[3]["spam"] = True
    fake.tickets[4]["deleted"] = True
    fake.conversations[1] = [
        make_conversation(1, 1, incoming=False),
        make_conversation(1, 2, incoming=False, private=True),
        make_conversation(1, 3, incoming=True),
    ]
    fake.conversations[2] = [make_conversation(2, n % 10, n % 2 == 0) for n in range(120)]
    with serve(fake):
        yield fake


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = open_store(tmp_path / "store.db")
    yield connection
    connection.close()


def _source(fake: FakeFreshdesk, sleeps: list[float] | None = None) -> FreshdeskSource:
    env = {"SDDKIT_FRESHDESK_URL": fake.url, "SDDKIT_FRESHDESK_API_KEY": fake.api_key}
    policy = RetryPolicy(sleep=(sleeps if sleeps is not None else []).append)
    source = from_env(env, SINCE, policy)
    source.per_page = 2
    return source


def test_pulls_tickets_spam_and_deleted_with_conversations_and_people(
    freshdesk: FakeFreshdesk, conn: sqlite3.Connection
) -> None:
    result = pull(conn, _source(freshdesk), SETTINGS)
    assert result.complete and result.summary.new == 6
    one, two, spam, deleted = get_tickets(
        conn, ["freshdesk:1", "freshdesk:2", "freshdesk:3", "freshdesk:4"]
    )
    assert one.body == "The invoice PDF number 1 has no pages."  # include=description
    assert [m.body for m in one.messages] == ["Reply 1 on 1", "Reply 3 on 1"]  # no private note
    assert one.assignee == "ana@example.com" and one.organization == "Client d.o.o."
    assert one.customer_id == "c1@client.example"  # include=requester
    assert len(two.messages) == 120  # both pages of conversations
    assert (spam.status, deleted.status) == ("spam", "deleted")
    lists = [r for r in freshdesk.requests if r.startswith("GET /api/v2/tickets?")]
    assert all("order_by=updated_at" in r and "order_type=asc" in r for r in lists)
    assert any("filter=spam" in r for r in lists) and any("filter=deleted" in r for r in lists)


def test_tickets_changed_in_the_same_second_are_all_pulled_once(
    freshdesk: FakeFreshdesk, conn: sqlite3.Connection
) -> None:
    for number in range(10, 17):
        freshdesk.tickets[number] = make_ticket(number, "2026-11-10T10:00:00Z")
    result = pull(conn, _source(freshdesk), SETTINGS)
    assert result.summary.new == 13
    assert result.tickets == 13  # the overlap of each keyset step is not handed on twice


def test_a_ticket_changing_during_the_pull_shifts_nothing_out(
    freshdesk: FakeFreshdesk, conn: sqlite3.Connection
) -> None:
    def touch_first(result: PullResult) -> None:
        if result.pages == 1:  # ticket 1 was pulled; it changes and moves to the end
            freshdesk.tickets[1] = {**freshdesk.tickets[1], "status": 4,
                                    "updated_at": "2026-11-20T10:00:00Z"}  # fmt: skip

    pull(conn, _source(freshdesk), SETTINGS, touch_first)
    assert count_tickets(conn) == 6
    (one,) = get_tickets(conn, ["freshdesk:1"])
    assert one.status == "resolved"


def test_the_next_pull_starts_at_the_last_change_and_a_kill_loses_nothing(
    freshdesk: FakeFreshdesk, conn: sqlite3.Connection
) -> None:
    def killed(result: PullResult) -> None:
        if result.pages == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pull(conn, _source(freshdesk), SETTINGS, killed)
    assert count_tickets(conn) == 3  # 1, 2; then 2 again (skipped) and 5
    freshdesk.requests.clear()
    resumed = pull(conn, _source(freshdesk), SETTINGS)
    assert resumed.resumed and count_tickets(conn) == 6
    first_list = next(r for r in freshdesk.requests if r.startswith("GET /api/v2/tickets?"))
    assert "updated_since=2026-11-05T09%3A59%3A59Z" in first_list
    again = pull(conn, _source(freshdesk), SETTINGS)
    assert (again.summary.new, again.summary.updated) == (0, 0)


def test_rate_limited_conversations_wait_and_go_on(
    freshdesk: FakeFreshdesk, conn: sqlite3.Connection
) -> None:
    freshdesk.faults.append(Fault("/conversations", 429, {"Retry-After": "12"}))
    sleeps: list[float] = []
    pull(conn, _source(freshdesk, sleeps), SETTINGS)
    assert sleeps == [12.0] and count_tickets(conn) == 6


def test_credentials() -> None:
    with pytest.raises(PullError, match="set SDDKIT_FRESHDESK_DOMAIN"):
        from_env({}, SINCE, None)
    with pytest.raises(PullError, match="set SDDKIT_FRESHDESK_API_KEY"):
        from_env({"SDDKIT_FRESHDESK_DOMAIN": "acme"}, SINCE, None)
    source = from_env(
        {"SDDKIT_FRESHDESK_DOMAIN": "acme", "SDDKIT_FRESHDESK_API_KEY": "k"}, SINCE, None
    )
    assert (source.account, source.client.netloc) == ("acme.freshdesk.com", "acme.freshdesk.com")


def test_a_refused_key_is_one_line_without_the_key(
    freshdesk: FakeFreshdesk, conn: sqlite3.Connection
) -> None:
    env = {"SDDKIT_FRESHDESK_URL": freshdesk.url, "SDDKIT_FRESHDESK_API_KEY": "wrong-key"}
    with pytest.raises(PullError) as caught:
        pull(conn, from_env(env, SINCE, None), SETTINGS)
    assert "HTTP 401" in str(caught.value) and "SDDKIT_FRESHDESK_API_KEY" in str(caught.value)
    assert "wrong-key" not in str(caught.value)


def test_a_refused_spam_list_is_a_note_not_a_failure(
    freshdesk: FakeFreshdesk, conn: sqlite3.Connection
) -> None:
    freshdesk.filter_with_updated_since = False
    result = pull(conn, _source(freshdesk), SETTINGS)
    assert result.complete and count_tickets(conn) == 4  # 1, 2, 5, 6
    assert result.notes == [
        "freshdesk: the spam list was refused (HTTP 400); spam tickets not pulled",
        "freshdesk: the deleted list was refused (HTTP 400); deleted tickets not pulled",
    ]


def test_a_pull_with_no_change_reads_no_conversation(
    freshdesk: FakeFreshdesk, conn: sqlite3.Connection
) -> None:
    """Issue 22, finding 10: the keyset restarts a second before the last change, so the next
    pull lists the last tickets again; stored at their updated_at, they cost no request."""
    pull(conn, _source(freshdesk), SETTINGS)
    freshdesk.requests.clear()
    again = pull(conn, _source(freshdesk), SETTINGS)
    assert again.tickets == 0 and again.summary.new == 0
    assert not [r for r in freshdesk.requests if "/conversations" in r]
    freshdesk.tickets[5] = make_ticket(5, "2026-11-20T10:00:00Z", subject="Changed")
    later = pull(conn, _source(freshdesk), SETTINGS)
    assert (later.tickets, later.summary.updated) == (1, 1)
