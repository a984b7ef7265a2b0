"""`pull` against a fake Intercom REST API."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sddkit.store import open_store
from sddkit.tickets.pull.http import PullError, RetryPolicy
from sddkit.tickets.pull.intercom import IntercomSource, from_env
from sddkit.tickets.pull.run import PullResult, PullSettings, pull
from sddkit.tickets.store import count_tickets, get_tickets, iter_tickets
from tests.support.fake_http import Fault, serve
from tests.support.fake_intercom import FakeIntercom, make_conversation

SINCE = datetime(2026, 10, 1, tzinfo=UTC)
SETTINGS = PullSettings(now=datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
NOV_2 = 1793606400


@pytest.fixture
def intercom() -> Iterator[FakeIntercom]:
    """Seven conversations changed a minute apart; #5, #6 and #7 in the same second."""
    fake = FakeIntercom(admins=[{"type": "admin", "id": "814860", "email": "ana@example.com"}])
    for number in range(1, 8):
        stamp = NOV_2 + min(number, 5) * 60
        fake.conversations[str(7000 + number)] = make_conversation(number, stamp)
    with serve(fake):
        yield fake


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = open_store(tmp_path / "store.db")
    yield connection
    connection.close()


def _source(fake: FakeIntercom, sleeps: list[float] | None = None) -> IntercomSource:
    env = {"SDDKIT_INTERCOM_URL": fake.url, "SDDKIT_INTERCOM_TOKEN": fake.token}
    source = from_env(env, SINCE, RetryPolicy(sleep=(sleeps if sleeps is not None else []).append))
    source.per_page = 2
    return source


def test_pulls_every_conversation_whole_with_its_parts(
    intercom: FakeIntercom, conn: sqlite3.Connection
) -> None:
    result = pull(conn, _source(intercom), SETTINGS)
    assert result.complete and result.summary.new == 7
    assert result.tickets == 7  # the keyset overlap is not handed on twice
    (one,) = get_tickets(conn, ["intercom:7001"])
    assert [(m.author_role, m.body) for m in one.messages] == [
        ("customer", "Export 1 is stuck"),
        ("agent", "Fixed 1"),  # the note is left out
    ]
    assert one.assignee == "ana@example.com" and one.satisfaction == 4
    assert intercom.versions == {"2.11"}
    first = intercom.bodies[0]
    assert first["query"] == {"field": "updated_at", "operator": ">",
                              "value": int(SINCE.timestamp()) - 1}  # fmt: skip
    assert first["sort"] == {"field": "updated_at", "order": "ascending"}
    retrieved = [r for r in intercom.requests if r.startswith("GET /conversations/")]
    assert len(retrieved) == 7  # each conversation read whole once


def test_a_page_of_one_second_goes_on_with_the_cursor(
    intercom: FakeIntercom, conn: sqlite3.Connection
) -> None:
    pull(conn, _source(intercom), SETTINGS)
    assert any("starting_after" in body["pagination"] for body in intercom.bodies)
    assert count_tickets(conn) == 7


def test_the_next_pull_starts_at_the_newest_change_and_a_kill_resumes(
    intercom: FakeIntercom, conn: sqlite3.Connection
) -> None:
    def killed(result: PullResult) -> None:
        if result.pages == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pull(conn, _source(intercom), SETTINGS, killed)
    stored = count_tickets(conn)
    assert 0 < stored < 7
    pull(conn, _source(intercom), SETTINGS)
    assert count_tickets(conn) == 7
    intercom.conversations["7008"] = make_conversation(8, NOV_2 + 3600)
    intercom.bodies.clear()
    later = pull(conn, _source(intercom), SETTINGS)
    assert later.summary.new == 1
    assert intercom.bodies[0]["query"]["value"] == NOV_2 + 5 * 60 - 1


def test_a_conversation_deleted_between_search_and_read_is_skipped(
    intercom: FakeIntercom, conn: sqlite3.Connection
) -> None:
    intercom.faults.append(Fault("/conversations/7002", 404, body='{"type": "error.list"}'))
    pull(conn, _source(intercom), SETTINGS)
    assert count_tickets(conn) == 6


def test_429_and_5xx_are_retried(intercom: FakeIntercom, conn: sqlite3.Connection) -> None:
    intercom.faults += [
        Fault("/conversations/search", 429, {"Retry-After": "5"}),
        Fault("/conversations/7003", 500),
    ]
    sleeps: list[float] = []
    pull(conn, _source(intercom, sleeps), SETTINGS)
    assert sleeps == [5.0, 2.0] and count_tickets(conn) == 7


def test_refused_token(intercom: FakeIntercom, conn: sqlite3.Connection) -> None:
    env = {"SDDKIT_INTERCOM_URL": intercom.url, "SDDKIT_INTERCOM_TOKEN": "wrong-token"}
    with pytest.raises(PullError) as caught:
        pull(conn, from_env(env, SINCE, None), SETTINGS)
    assert "HTTP 401" in str(caught.value) and "SDDKIT_INTERCOM_TOKEN" in str(caught.value)
    assert "wrong-token" not in str(caught.value)
    with pytest.raises(PullError, match="set SDDKIT_INTERCOM_TOKEN"):
        from_env({}, SINCE, None)


def test_deleted_conversations_are_hidden(intercom: FakeIntercom, conn: sqlite3.Connection) -> None:
    """Issue 22, finding 2: a deleted conversation leaves the search; the sweep finds it."""
    pull(conn, _source(intercom), SETTINGS)
    del intercom.conversations["7002"], intercom.conversations["7006"]
    result = pull(conn, _source(intercom), SETTINGS)
    assert (result.swept, result.gone) == (True, 2)
    visible = {t.key for t in iter_tickets(conn)}
    assert visible == {f"intercom:700{n}" for n in (1, 3, 4, 5, 7)}
    assert count_tickets(conn) == 7  # kept, hidden
    later = pull(conn, _source(intercom), SETTINGS)
    assert later.gone == 0


def test_a_sweep_waits_for_its_period(intercom: FakeIntercom, conn: sqlite3.Connection) -> None:
    settings = dataclasses.replace(SETTINGS, sweep_every=timedelta(hours=24))
    assert pull(conn, _source(intercom), settings).swept
    del intercom.conversations["7002"]
    assert not pull(conn, _source(intercom), settings).swept
    tomorrow = dataclasses.replace(settings, now=SETTINGS.now + timedelta(hours=24))
    assert pull(conn, _source(intercom), tomorrow).gone == 1


def test_an_unchanged_conversation_is_not_read_again(
    intercom: FakeIntercom, conn: sqlite3.Connection
) -> None:
    """Issue 22, finding 10: the keyset overlap re-lists the last second; a pull with no
    change reads no conversation again (a `--since` pull reads them all)."""
    pull(conn, _source(intercom), SETTINGS)
    intercom.requests.clear()
    again = pull(conn, _source(intercom), SETTINGS)
    assert again.tickets == 0
    assert not [r for r in intercom.requests if r.startswith("GET /conversations/7")]
    forced = pull(conn, _source(intercom), dataclasses.replace(SETTINGS, restart=True))
    assert forced.tickets == 7


def test_parts_beyond_the_apis_cap_are_counted(
    intercom: FakeIntercom, conn: sqlite3.Connection
) -> None:
    """Issue 22, finding 9: GET /conversations/{id} returns 500 parts at most."""
    long = intercom.conversations["7001"]
    part = long["conversation_parts"]["conversation_parts"][0]
    long["conversation_parts"]["conversation_parts"] = [
        {**part, "id": f"q{n}", "body": f"<p>Reply {n}</p>"} for n in range(620)
    ]
    result = pull(conn, _source(intercom), SETTINGS)
    assert result.cut == 1
    assert result.notes == [
        "intercom: conversation 7001 has 620 parts; the API returns 500,"
        " the other 120 are not stored"
    ]
    (one,) = get_tickets(conn, ["intercom:7001"])
    assert len(one.messages) == 501  # the opening message and 500 parts


def test_a_refused_cursor_is_dropped_and_its_second_searched_again(
    intercom: FakeIntercom, conn: sqlite3.Connection
) -> None:
    """Issue 22, finding 7: a saved cursor the API refuses no longer blocks every run."""

    def killed(result: PullResult) -> None:
        if any("starting_after" in body["pagination"] for body in intercom.bodies):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pull(conn, _source(intercom), SETTINGS, killed)
    intercom.expire_cursors()
    result = pull(conn, _source(intercom), SETTINGS)
    assert result.complete and count_tickets(conn) == 7


def test_a_refused_search_names_intercoms_message(
    intercom: FakeIntercom, conn: sqlite3.Connection
) -> None:
    intercom.faults += [
        Fault("/conversations/search", 400, body='{"type": "error.list", "errors": [{"code":'
              ' "parameter_invalid", "message": "Invalid starting_after cursor"}]}', times=9)
    ]  # fmt: skip
    with pytest.raises(PullError) as caught:
        pull(conn, _source(intercom), SETTINGS)
    assert str(caught.value) == (
        "intercom: POST /conversations/search: HTTP 400: Invalid starting_after cursor"
    )
