from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.store import migrate, open_store, transaction
from sddkit.tickets.model import Message, Ticket
from sddkit.tickets.store import (
    _HASH,
    _JSON,
    MIGRATIONS,
    _row,
    count_tickets,
    ensure_schema,
    get_tickets,
    iter_tickets,
    upsert_tickets,
)

BELGRADE = timezone(timedelta(hours=1))


def make(external_id: str, day: int = 1, **changes: object) -> Ticket:
    base: dict[str, object] = {
        "source": "zendesk",
        "external_id": external_id,
        "created_at": datetime(2026, 5, day, 9, 30, tzinfo=BELGRADE),
        "subject": "CSV export times out",
        "body": "Экспорт в CSV падает",
        "tags": ("export", "bug"),
        "channel": "email",
        "first_response_at": datetime(2026, 5, day, 11, 0, tzinfo=UTC),
        "satisfaction": 4.0,
        "satisfaction_scale": "5",
        "messages": (
            Message("customer", "Экспорт в CSV падает", datetime(2026, 5, day, tzinfo=UTC), "c1"),
            Message("agent", "Looking", None, "ana@example.com"),
        ),
    }
    base.update(changes)
    return Ticket(**base)  # type: ignore[arg-type]


@pytest.fixture
def conn() -> sqlite3.Connection:
    connection = open_store(":memory:")
    ensure_schema(connection)
    return connection


def test_round_trip_keeps_every_field(conn: sqlite3.Connection) -> None:
    ticket = make("1")
    upsert_tickets(conn, [ticket])
    [stored] = list(iter_tickets(conn))
    assert stored == ticket
    assert stored.created_at.utcoffset() == timedelta(hours=1)


def test_reimport_is_idempotent_and_changes_are_updates(conn: sqlite3.Connection) -> None:
    first = upsert_tickets(conn, [make("1"), make("2")])
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    again = upsert_tickets(conn, [make("1"), make("2")])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    changed = upsert_tickets(conn, [make("1", tags=("export",)), make("2"), make("3")])
    assert (changed.new, changed.updated, changed.unchanged) == (1, 1, 1)
    assert get_tickets(conn, ["zendesk:1"])[0].tags == ("export",)
    assert count_tickets(conn) == 3


def test_duplicate_key_without_update_times_keeps_the_last(conn: sqlite3.Connection) -> None:
    summary = upsert_tickets(conn, [make("1", subject="old"), make("1", subject="new")])
    assert (summary.new, summary.unchanged, summary.older) == (1, 0, 1)
    assert get_tickets(conn, ["zendesk:1"])[0].subject == "new"


def test_versions_with_equal_update_times_meet_in_any_order() -> None:
    updated = datetime(2026, 5, 2, tzinfo=UTC)
    versions = [make("1", updated_at=updated, subject=f"version {n}") for n in range(3)]
    poorer = make("1", updated_at=updated, body="", subject="no body")
    stores = []
    for order in ([*versions, poorer], [poorer, *reversed(versions)]):
        conn = open_store(":memory:")
        for version in order:
            upsert_tickets(conn, [version])
        stores.append(list(iter_tickets(conn)))
    assert stores[0] == stores[1] and stores[0][0].body == "Экспорт в CSV падает"


def test_iter_tickets_filters_half_open_range_in_order(conn: sqlite3.Connection) -> None:
    upsert_tickets(conn, [make("3", day=3), make("1", day=1), make("2", day=2)])
    since = datetime(2026, 5, 2, 8, 30, tzinfo=UTC)  # == day 2 09:30 +01:00
    until = datetime(2026, 5, 3, 8, 30, tzinfo=UTC)
    assert [t.external_id for t in iter_tickets(conn, since, until)] == ["2"]
    assert [t.external_id for t in iter_tickets(conn)] == ["1", "2", "3"]


def test_get_tickets_keeps_requested_order_and_drops_unknown(conn: sqlite3.Connection) -> None:
    upsert_tickets(conn, [make("1"), make("2"), make("x:y")])
    keys = ["zendesk:2", "helpscout:1", "zendesk:x:y", "nonsense", "zendesk:1"]
    assert [t.key for t in get_tickets(conn, keys)] == ["zendesk:2", "zendesk:x:y", "zendesk:1"]


def test_failed_transaction_leaves_store_unchanged(conn: sqlite3.Connection) -> None:
    upsert_tickets(conn, [make("1")])

    def tickets() -> object:
        yield make("1", subject="changed")
        yield make("2")
        raise RuntimeError("broken export")

    with pytest.raises(RuntimeError), transaction(conn):
        upsert_tickets(conn, tickets())  # type: ignore[arg-type]
    assert [t.subject for t in iter_tickets(conn)] == ["CSV export times out"]


def test_naive_datetimes_are_rejected(conn: sqlite3.Connection) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        upsert_tickets(conn, [make("1", created_at=datetime(2026, 1, 1))])


def test_large_batches_span_many_lookups(conn: sqlite3.Connection) -> None:
    tickets = [make(str(i), messages=()) for i in range(4500)]
    assert upsert_tickets(conn, tickets).new == 4500
    assert upsert_tickets(conn, tickets).unchanged == 4500
    assert len(get_tickets(conn, [t.key for t in tickets])) == 4500


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(),
            st.integers(),
            st.floats(),
            st.lists(st.one_of(st.none(), st.text(), st.floats()), max_size=4).map(tuple),
        ),
        max_size=8,
    )
)
@settings(max_examples=200)
def test_row_json_is_json_dumps(value: list[object]) -> None:
    # The content hash is taken over this text: it must not drift from what stores hold.
    assert _JSON(value) == json.dumps(value, ensure_ascii=False)


def test_content_hash_format_is_stable() -> None:
    # Stores hold this hash: a change would report every stored ticket as updated on the
    # next import. The value was taken from the first released format.
    ticket = make(
        "42",
        messages=(Message("customer", "Привет", datetime(2026, 5, 1, 10, tzinfo=UTC), "c1"),),
        satisfaction=0.5,
        language="ru",
    )
    assert _row(ticket)[_HASH] == "e94319cf98c158f26d5bf173746e508d"


def test_store_of_the_first_schema_migrates_and_reimports_unchanged() -> None:
    conn = open_store(":memory:")
    migrate(conn, "tickets", MIGRATIONS[:1])
    old = [make("1"), make("2", tags=()), make("4", status="spam", tags=())]
    columns = "id, source, external_id, created_at, created_us, subject, body, updated_at," \
        " solved_at, customer_id, organization, channel, status, assignee, first_response_at," \
        " satisfaction, satisfaction_scale, language, messages, content_hash"  # fmt: skip
    with transaction(conn):
        conn.executemany(
            f"INSERT INTO tickets ({columns}) VALUES ({', '.join('?' * 20)})",
            [(n, *_row(t)[: _HASH + 1]) for n, t in enumerate(old, start=1)],
        )
        conn.executemany("INSERT INTO ticket_tags VALUES (1, ?, ?)", [(0, "export"), (1, "bug")])
    ensure_schema(conn)  # drops the index, adds the hidden flag and custom fields
    with transaction(conn):
        summary = upsert_tickets(conn, [*old, make("3")])
    assert (summary.new, summary.updated, summary.unchanged) == (1, 0, 3)
    assert [t.external_id for t in iter_tickets(conn)] == ["1", "2", "3"]  # 4 is spam
    indexes = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "ticket_tags_tag" not in indexes
    assert [t.tags for t in get_tickets(conn, ["zendesk:1", "zendesk:2"])] == [
        ("export", "bug"),
        (),
    ]
