"""The report read from a real SQLite store gives the same figures as the report over the
whole history in memory, although it reads only part of the tickets outside the period."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sddkit.report.build import build_report
from sddkit.report.history import customers_first_seen, read_tickets
from sddkit.report.render import report_data
from sddkit.store import open_store
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import upsert_tickets
from tests.report.conftest import SINCE, UNTIL
from tests.support.themes import save_themes


def store_of(sample: Any, path: Path) -> Any:
    conn = open_store(path)
    upsert_tickets(conn, sample.tickets)
    save_themes(conn, sample.themes, SINCE)
    return conn


def report_from_store(sample: Any, path: Path) -> Any:
    """The sample's report, built from a store at `path` holding its tickets and themes."""
    return build_report(
        store_of(sample, path),
        since=SINCE,
        until=UNTIL,
        filed=sample.filed,
        shifts=sample.shifts,
        now=sample.now,
        people=sample.people,
        options=sample.options,
    )


def test_store_report_equals_the_report_over_all_tickets(sample: Any, tmp_path: Path) -> None:
    from_store = report_from_store(sample, tmp_path / "store.db")
    assert report_data(from_store) == report_data(sample.report())


def test_only_the_tickets_a_figure_needs_are_read(sample: Any, tmp_path: Path) -> None:
    conn = store_of(sample, tmp_path / "store.db")
    in_period, outside = read_tickets(
        conn, sample.themes, sample.filed, start=SINCE, end=UNTIL, first_k=1
    )
    assert len(in_period) == 13
    # L1 and L7 (login, covered by acme/app#1), I1 (invoice, acme/app#3); the SSO family has
    # two themes: all of S1-S5. Dark mode has no ticket outside the period.
    assert sorted(t.external_id for t in outside) == [
        "I1",
        "L1",
        "L7",
        "S1",
        "S2",
        "S3",
        "S4",
        "S5",
    ]
    # A theme alone, with no issue and its languages stored: only its first k=1 ticket
    # before the period is read.
    alone = [t for t in sample.themes if t.id not in ("T-sso", "T-sso-pl")]
    _, outside = read_tickets(conn, alone, [], start=SINCE, end=UNTIL, first_k=1)
    assert sorted(t.external_id for t in outside) == ["I1", "L1"]


def test_customers_first_seen_is_their_earliest_visible_ticket(tmp_path: Path) -> None:
    def ticket(ext: str, day: int, customer: str, status: str | None = None) -> Ticket:
        return Ticket(
            "zendesk",
            ext,
            datetime(2024, 3, day, 9, tzinfo=UTC),
            customer_id=customer,
            status=status,
        )

    conn = open_store(tmp_path / "store.db")
    upsert_tickets(
        conn,
        [
            ticket("1", 20, "ann"),
            ticket("2", 5, "ann"),
            ticket("3", 2, "bob", status="spam"),  # no complaint: not when bob started
            ticket("4", 12, "bob"),
            ticket("5", 1, "cy"),  # not asked about
        ],
    )
    seen = customers_first_seen(conn, ["ann", "bob", "dee"])
    assert seen == {
        "ann": datetime(2024, 3, 5, 9, tzinfo=UTC),
        "bob": datetime(2024, 3, 12, 9, tzinfo=UTC),
    }
