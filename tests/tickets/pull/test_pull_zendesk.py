"""`pull` against a fake Zendesk that answers like the documented API."""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Collection, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sddkit.store import open_store
from sddkit.tickets.pull import Known, Page, Source, unknown
from sddkit.tickets.pull.http import PullError, RetryPolicy
from sddkit.tickets.pull.pacing import Limits, Pacer
from sddkit.tickets.pull.run import PullResult, PullSettings, pull
from sddkit.tickets.pull.state import load_position
from sddkit.tickets.pull.zendesk import ZendeskSource, from_env
from sddkit.tickets.store import count_tickets, get_tickets, iter_tickets
from tests.support.fake_http import RateLimiter
from tests.support.fake_zendesk import EXPORT, FakeZendesk, Fault, make_comments, make_ticket

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
SINCE = datetime(2026, 10, 1, tzinfo=UTC)


def _env(fake: FakeZendesk, **extra: str) -> dict[str, str]:
    return {
        "SDDKIT_ZENDESK_URL": fake.url,
        "SDDKIT_ZENDESK_EMAIL": fake.email,
        "SDDKIT_ZENDESK_TOKEN": fake.token,
        **extra,
    }


def _source(fake: FakeZendesk, sleeps: list[float] | None = None, **retry: int) -> ZendeskSource:
    policy = RetryPolicy(sleep=(sleeps if sleeps is not None else []).append, **retry)
    source = from_env(_env(fake), SINCE, policy)
    source.per_page = 2
    return source


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = open_store(tmp_path / "store.db")
    yield connection
    connection.close()


def _settings(**changes: object) -> PullSettings:
    return PullSettings(now=NOW, **changes)  # type: ignore[arg-type]


def test_pulls_every_page_with_conversations_sideloads_and_metrics(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    result = pull(conn, _source(zendesk), _settings())

    assert (result.pages, result.tickets, result.complete) == (3, 5, True)
    assert result.summary.new == 5
    first, deleted = get_tickets(conn, ["zendesk:1", "zendesk:4"])
    assert [m.body for m in first.messages] == [
        "The CSV export number 1 spins and then shows a 504 error.",
        "Reply 2 on ticket 1",  # the private reply 1 is left out
    ]
    assert first.messages[0].author_role == "customer"
    assert first.assignee == "ana@example.com"  # users sideload
    assert first.organization == "Client d.o.o."  # organizations sideload
    assert first.first_response_at == first.created_at + timedelta(minutes=90)  # metric_sets
    assert deleted.status == "deleted"  # kept with its status, not dropped
    requests = "\n".join(zendesk.requests)
    assert "/tickets/4/comments" not in requests  # a deleted ticket has no comments to read
    assert "include=users%2Corganizations%2Cmetric_sets" in requests
    assert f"start_time={int(SINCE.timestamp())}" in zendesk.requests[0]


def test_position_is_the_last_after_cursor_and_the_next_pull_gets_only_changes(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    pull(conn, _source(zendesk), _settings())
    position = load_position(conn, "zendesk", zendesk.url.split("//")[1])
    assert position is not None and position.startswith("cursor=")

    zendesk.requests.clear()
    again = pull(conn, _source(zendesk), _settings())
    assert (again.tickets, again.summary.new, again.summary.updated) == (0, 0, 0)
    assert zendesk.requests[0].startswith(f"GET {EXPORT}?cursor=")

    updated = make_ticket(2, "2026-11-20T10:00:00Z", status="solved")
    zendesk.put(updated, make_comments(updated, replies=3))
    new = make_ticket(6, "2026-11-21T10:00:00Z")
    zendesk.put(new, make_comments(new))
    later = pull(conn, _source(zendesk), _settings())
    assert (later.summary.new, later.summary.updated, later.tickets) == (1, 1, 2)
    (two,) = get_tickets(conn, ["zendesk:2"])
    assert two.status == "solved" and len(two.messages) == 4
    assert count_tickets(conn) == 6


def test_a_re_pull_from_the_start_changes_nothing(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    pull(conn, _source(zendesk), _settings())
    before = list(iter_tickets(conn))
    again = pull(conn, _source(zendesk), _settings(restart=True))
    assert (again.summary.new, again.summary.updated, again.summary.unchanged) == (0, 0, 5)
    assert list(iter_tickets(conn)) == before


def test_rate_limit_waits_retry_after_and_5xx_backs_off(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    zendesk.faults += [
        Fault(EXPORT, 429, {"Retry-After": "37"}, '{"error": "TooManyRequests"}'),
        Fault("/tickets/1/comments.json", 503, times=2),
    ]
    sleeps: list[float] = []
    result = pull(conn, _source(zendesk, sleeps), _settings())
    assert sleeps == [37.0, 2.0, 4.0]
    assert result.summary.new == 5


def test_a_killed_pull_resumes_with_nothing_lost_or_twice(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    source = _source(zendesk)

    class KilledAfterFirstPage:
        """The real source, killed while fetching its second page."""

        name, format, account = source.name, source.format, source.account

        def pages(self, position: str | None, known: Known = unknown) -> Iterator[Page]:
            for number, page in enumerate(source.pages(position, known)):
                if number == 1:
                    raise KeyboardInterrupt
                yield page

        def gone(self, stored: Collection[str]) -> list[str]:
            return []

    killed: Source = KilledAfterFirstPage()
    with pytest.raises(KeyboardInterrupt):
        pull(conn, killed, _settings())
    assert count_tickets(conn) == 2

    zendesk.requests.clear()
    resumed = pull(conn, _source(zendesk), _settings())
    assert resumed.resumed and resumed.tickets == 3  # only what was left
    assert zendesk.requests[0].startswith(f"GET {EXPORT}?cursor=")
    rows = conn.execute("SELECT external_id FROM tickets ORDER BY CAST(external_id AS INT)")
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5"]


def test_a_server_failing_mid_way_keeps_the_pages_done_and_the_next_run_finishes(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    zendesk.faults.append(Fault("/tickets/3/comments", 500, times=10))
    with pytest.raises(PullError, match="HTTP 500: fault, gave up after 2 retries"):
        pull(conn, _source(zendesk, retries=2), _settings())
    assert count_tickets(conn) == 2
    zendesk.faults.clear()
    resumed = pull(conn, _source(zendesk), _settings())
    assert (resumed.summary.new, count_tickets(conn)) == (3, 5)


def test_an_error_inside_a_page_stores_nothing_of_it(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    zendesk.put(make_ticket(3, "2026-11-03T10:00:00Z", created_at="not a time"))
    with pytest.raises(PullError, match=r"zendesk \(.*\): ticket 3: created_at:"):
        pull(conn, _source(zendesk), _settings())
    assert count_tickets(conn) == 2  # page 1 (#1, #2); page 2 (#3, #4) not half-written
    position = load_position(conn, "zendesk", zendesk.url.split("//")[1])
    cursor = base64.b64decode(position.removeprefix("cursor=")).decode()  # type: ignore[union-attr]
    assert cursor.endswith(", 2]")  # after ticket 2


def test_5xx_without_end_gives_up_with_one_line(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    zendesk.faults.append(Fault(EXPORT, 502, times=10))
    sleeps: list[float] = []
    with pytest.raises(PullError) as caught:
        pull(conn, _source(zendesk, sleeps, retries=3), _settings())
    assert str(caught.value) == (f"zendesk: GET {EXPORT}: HTTP 502: fault, gave up after 3 retries")
    assert sleeps == [2.0, 4.0, 8.0]


def test_refused_credentials_name_the_variables_and_never_the_token(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    env = _env(zendesk, SDDKIT_ZENDESK_TOKEN="wrong-token")
    with pytest.raises(PullError) as caught:
        pull(conn, from_env(env, SINCE, None), _settings())
    message = str(caught.value)
    assert "HTTP 401" in message and "SDDKIT_ZENDESK_TOKEN" in message
    assert "wrong-token" not in message and "\n" not in message


def test_a_response_that_is_not_json_is_a_clear_error(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    zendesk.faults.append(
        Fault(EXPORT, 200, body="<html>Help Center</html>", content_type="text/html")
    )
    with pytest.raises(PullError, match=r"the response is not JSON \(text/html, HTTP 200\)"):
        pull(conn, _source(zendesk), _settings())


def test_missing_credentials() -> None:
    with pytest.raises(PullError, match="set SDDKIT_ZENDESK_SUBDOMAIN"):
        from_env({}, SINCE, None)
    with pytest.raises(PullError, match="SDDKIT_ZENDESK_EMAIL and SDDKIT_ZENDESK_TOKEN"):
        from_env({"SDDKIT_ZENDESK_SUBDOMAIN": "acme"}, SINCE, None)


def test_dry_run_stores_nothing_and_keeps_the_position(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    result = pull(conn, _source(zendesk), _settings(dry_run=True))
    assert [t.key for t in result.would_store] == [f"zendesk:{n}" for n in range(1, 6)]
    assert count_tickets(conn) == 0
    assert load_position(conn, "zendesk", zendesk.url.split("//")[1]) is None


def test_limit_stops_after_the_page_that_reaches_it(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    result = pull(conn, _source(zendesk), _settings(limit=3))
    assert (result.pages, result.tickets, result.complete) == (2, 4, False)
    rest = pull(conn, _source(zendesk), _settings())
    assert rest.tickets == 1 and count_tickets(conn) == 5


def test_a_long_conversation_is_read_page_by_page(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    ticket = make_ticket(9, "2026-11-09T10:00:00Z")
    zendesk.put(ticket, make_comments(ticket, replies=249))
    pull(conn, _source(zendesk), _settings())
    (nine,) = get_tickets(conn, ["zendesk:9"])
    assert len(nine.messages) == 250
    pages = [r for r in zendesk.requests if "/tickets/9/comments" in r]
    assert len(pages) == 3 and "page%5Bafter%5D=" in pages[2]


def test_an_oauth_token_replaces_email_and_api_token(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    env = {"SDDKIT_ZENDESK_URL": zendesk.url, "SDDKIT_ZENDESK_OAUTH_TOKEN": zendesk.oauth_token}
    result = pull(conn, from_env(env, SINCE, None), _settings())
    assert result.summary.new == 5


def test_a_resumed_page_does_not_fetch_its_stored_tickets_comments_again(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    """Issue 22, finding 10: a kill inside an export page costs at most one chunk's work."""
    source = _source(zendesk)
    source.per_page, source.chunk = 5, 2  # one export page, three chunks

    def killed(result: PullResult) -> None:
        if result.pages == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pull(conn, source, _settings(), killed)
    assert count_tickets(conn) == 4
    zendesk.requests.clear()
    resumed = pull(conn, source, _settings())
    assert (resumed.tickets, count_tickets(conn)) == (1, 5)
    comments = [r for r in zendesk.requests if "/comments.json" in r]
    assert comments == ["GET /api/v2/tickets/5/comments.json?page%5Bsize%5D=100"]
    zendesk.requests.clear()
    assert pull(conn, source, _settings(restart=False)).tickets == 0
    assert not [r for r in zendesk.requests if "/comments.json" in r]


def test_a_since_within_the_last_minute_is_moved_back_to_a_minute_ago(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    """Issue 22, finding 8: the export refuses start_time later than a minute ago."""
    source = from_env(_env(zendesk), datetime(2026, 11, 28, 11, 59, 50, tzinfo=UTC), None)
    source.clock = lambda: datetime(2026, 11, 28, 12, 0, tzinfo=UTC).timestamp()
    pull(conn, source, _settings())
    minute_ago = int(datetime(2026, 11, 28, 11, 58, 59, tzinfo=UTC).timestamp())
    assert f"start_time={minute_ago}&" in zendesk.requests[0]


def test_a_field_longer_than_the_limit_is_cut_with_a_warning_as_on_import(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    """Issue 22, finding 5: the importer's 100,000-character cap applies to pulls too."""
    ticket = zendesk.tickets[2]
    comments = make_comments(ticket)
    comments[1]["body"] = comments[1]["plain_body"] = "log line\n" * 16_700  # 150,300 characters
    comments[1]["html_body"] = f"<pre>{comments[1]['body']}</pre>"
    zendesk.put(ticket, comments)
    result = pull(conn, _source(zendesk), _settings())
    assert result.warnings == [
        f"zendesk ({_source(zendesk).account}): ticket 2: message 2 cut to 100,000 of"
        " 150,299 characters"
    ]
    (two,) = get_tickets(conn, ["zendesk:2"])
    assert len(two.messages[1].body) == 100_000


def test_paced_to_the_limit_the_server_counts_no_429(
    zendesk: FakeZendesk, conn: sqlite3.Connection
) -> None:
    """Issue 22, finding 10: the pull keeps below the limit instead of absorbing 429s (the
    server counts a half-second window: unpaced, the pull's burst is refused; paced a fifth
    below the limit, so that a request the loaded test machine sends late does not count)."""
    zendesk.limiter = RateLimiter(300, "zendesk", window_s=0.5)
    pacers: list[Pacer] = []

    def pacer(limits: Limits) -> Pacer:
        pacers.append(Pacer(limits, per_minute=240))
        return pacers[-1]

    source = from_env(_env(zendesk), SINCE, RetryPolicy(retries=0, max_wait_s=0), pacer)
    result = pull(conn, source, _settings())
    assert result.complete and count_tickets(conn) == 5
    assert zendesk.limiter.rejected == 0
    assert pacers[0].per_minute == 240
