"""The importer's correctness rules (issue 10's audit, rows 1-13): newest wins, the same
inputs give the same store in any order, poorer exports never blank richer data, files without
tickets and undecidable encodings are refused, and spam / deleted / merged tickets are kept but
marked."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from itertools import permutations
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sddkit.errors import InputError
from sddkit.store import open_store
from sddkit.tickets.importers.generic import load_mapping
from sddkit.tickets.imports import FIELD_LIMIT, ImportSettings, import_file, import_files
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import count_tickets, get_tickets, iter_tickets

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def zd(id_: object, updated: str = "2026-09-01T10:00:00Z", **extra: object) -> dict[str, object]:
    return {"id": id_, "created_at": "2026-09-01T08:00:00Z", "updated_at": updated,
            "subject": "Export fails", "description": "CSV export fails",
            "via": {"channel": "email"}, "requester_id": 1, "status": "open", **extra}  # fmt: skip


def write(path: Path, tickets: list[dict[str, object]], **extra: object) -> Path:
    path.write_text(json.dumps({"tickets": tickets, **extra}, ensure_ascii=False))
    return path


@pytest.fixture
def conn() -> sqlite3.Connection:
    return open_store(":memory:")


def stored(conn: sqlite3.Connection) -> dict[str, Ticket]:
    return {t.external_id: t for t in iter_tickets(conn, include_hidden=True)}


# Rows 2 and 3: the newest updated_at wins, across files and within one file.


def test_older_export_imported_later_never_rolls_back(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    new = write(tmp_path / "new.json", [zd(1, "2026-09-03T10:00:00Z", status="solved")])
    old = write(tmp_path / "old.json", [zd(1, "2026-09-02T10:00:00Z", status="open")])
    import_file(conn, new)
    summary = import_file(conn, old)
    assert (summary.new, summary.updated, summary.unchanged, summary.older) == (0, 0, 0, 1)
    assert stored(conn)["1"].status == "solved"


def test_duplicate_ids_in_one_file_keep_the_newest_copy(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    path = write(tmp_path / "dup.json", [
        zd(1, "2026-09-03T10:00:00Z", status="solved"),
        zd(1, "2026-09-02T10:00:00Z", status="open"),
        zd(2), zd(2, "2026-09-04T10:00:00Z", status="pending"),
    ])  # fmt: skip
    summary = import_file(conn, path)
    assert (summary.new, summary.unchanged, summary.older) == (2, 0, 2)
    assert stored(conn)["1"].status == "solved" and stored(conn)["2"].status == "pending"


# Row 4: the same inputs give the same store whatever the order.


def _dump(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    rows = conn.execute("SELECT * FROM tickets ORDER BY source, external_id").fetchall()
    return [tuple(row)[1:] for row in rows]  # the row id depends on the insertion order


def test_same_files_in_any_order_give_the_same_store(tmp_path: Path) -> None:
    users = [{"id": 7, "name": "Ana", "email": "ana@example.com"}]
    orgs = [{"id": 50, "name": "Acme"}]
    files = [
        write(tmp_path / "a.json", [zd(1, "2026-09-02T10:00:00Z", assignee_id=7,
                                       organization_id=50)], users=users, organizations=orgs),
        write(tmp_path / "b.json", [zd(1, "2026-09-03T10:00:00Z", assignee_id=7,
                                       organization_id=50, status="solved")]),
        write(tmp_path / "c.json", [zd(1, "2026-09-01T10:00:00Z", status="new"), zd(2)]),
    ]  # fmt: skip
    stores = []
    for order in permutations(files):
        conn = open_store(":memory:")
        for path in order:
            import_file(conn, path)
        stores.append(_dump(conn))
        ticket = stored(conn)["1"]
        assert (ticket.status, ticket.assignee, ticket.organization) == (
            "solved", "ana@example.com", "Acme")  # fmt: skip
    assert all(store == stores[0] for store in stores)


# Row 8: a poorer export never blanks richer stored data.


def test_csv_view_without_description_keeps_the_json_body_and_conversation(
    tmp_path: Path,
) -> None:
    rich = FIXTURES / "zendesk/incremental_tickets.json"
    poor = FIXTURES / "zendesk/view_without_description.csv"
    results = []
    for order in ([rich, poor], [poor, rich]):
        conn = open_store(":memory:")
        for path in order:
            import_file(conn, path)
        ticket = stored(conn)["35437"]
        assert ticket.body.startswith("Hi, I requested a password reset")
        assert len(ticket.messages) == 2
        assert ticket.status == "pending"  # the CSV view is newer
        results.append(_dump(conn))
    assert results[0] == results[1]


# Row 10: a file with no tickets is an error.


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.json", ""),
        ("blank.json", "  \n\n "),
        ("header.csv", "Ticket ID,Subject,Created time\n"),
        ("comments.json", '{"comments": [{"id": 1, "body": "hi"}], "count": 1}'),
        ("audits.json", '{"audits": [{"id": 1, "ticket_id": 2, "events": []}]}'),
    ],
)
def test_file_without_tickets_is_an_error(
    conn: sqlite3.Connection, tmp_path: Path, name: str, content: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=rf"{name}: no tickets"):
        import_file(conn, path)


# Row 6: the text encoding.


def test_short_non_utf8_file_is_refused_with_a_hint(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    good = tmp_path / "good.csv"
    good.write_text("Ticket ID,Subject,Created time\n1,Не приходит письмо,2026-07-01 10:00\n")
    import_file(conn, good)
    path = tmp_path / "short.csv"
    path.write_bytes(good.read_text().encode("cp1251"))
    with pytest.raises(InputError, match=r"short\.csv: cannot tell .* --encoding") as caught:
        import_file(conn, path)
    assert "\n" not in str(caught.value)
    assert stored(conn)["1"].subject == "Не приходит письмо"
    assert import_file(conn, path, ImportSettings(encoding="cp1251")).unchanged == 1


def test_unknown_encoding_is_refused(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Ticket ID,Subject,Created time\n1,A,2026-07-01 10:00\n")
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        import_file(conn, path, ImportSettings(encoding="klingon"))


# Row 9: a forced format whose required fields are missing is refused.


@pytest.mark.parametrize(
    ("fixture", "forced", "missing"),
    [("freshdesk/tickets.json", "zendesk", "via"),
     ("zendesk/incremental_tickets.json", "freshdesk", "source")],
)  # fmt: skip
def test_forced_format_on_another_vendors_file_is_refused(
    conn: sqlite3.Connection, fixture: str, forced: str, missing: str
) -> None:
    with pytest.raises(InputError, match=rf"not a {forced} export: .*{missing}"):
        import_file(conn, FIXTURES / fixture, ImportSettings(format=forced))
    assert count_tickets(conn) == 0


# Row 1: joined pages.


def test_jsonl_of_page_objects(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    pages = [{"tickets": [zd(1), zd(2)], "end_of_stream": False},
             {"tickets": [zd(3)], "users": [{"id": 1, "email": "c@example.com"}],
              "end_of_stream": True}]  # fmt: skip
    path.write_text("".join(json.dumps(page) + "\n" for page in pages))
    assert import_file(conn, path).new == 3
    assert {t.customer_id for t in stored(conn).values()} == {"c@example.com"}


@pytest.mark.parametrize("indent", [None, 2])
def test_concatenated_json_pages(
    conn: sqlite3.Connection, tmp_path: Path, indent: int | None
) -> None:
    path = tmp_path / "pages.json"
    pages = [{"tickets": [zd(1), zd(2)]}, {"tickets": [zd(3)]}]
    path.write_text("".join(json.dumps(page, indent=indent) for page in pages))
    assert import_file(conn, path).new == 3


def test_concatenated_top_level_arrays(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = tmp_path / "fd.json"
    records = json.loads((FIXTURES / "freshdesk/tickets.json").read_text())
    path.write_text(json.dumps(records[:1]) + "\n" + json.dumps(records[1:], indent=1))
    assert import_file(conn, path).new == len(records)


# Row 7: --timezone applies to naive times in JSON.


def test_timezone_applies_to_naive_json_times(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = write(tmp_path / "naive.json", [zd(1, "2026-09-01T12:00:00",
                                              created_at="2026-09-01T10:00:00")])  # fmt: skip
    import_file(conn, path, ImportSettings(timezone=ZoneInfo("Europe/Belgrade")))
    ticket = stored(conn)["1"]
    assert ticket.created_at == datetime(2026, 9, 1, 8, tzinfo=UTC)
    assert ticket.updated_at == datetime(2026, 9, 1, 10, tzinfo=UTC)


# Row 5: a top-level metric_sets sideload.


def test_top_level_metric_sets_are_read(conn: sqlite3.Connection) -> None:
    import_file(conn, FIXTURES / "zendesk/tickets_with_metric_sets.json")
    tickets = stored(conn)
    assert tickets["101"].first_response_at == tickets["101"].created_at + timedelta(minutes=42)
    assert tickets["101"].solved_at == datetime(2026, 9, 3, 12, tzinfo=UTC)
    assert tickets["102"].first_response_at is None  # not answered yet
    assert tickets["103"].first_response_at == tickets["103"].created_at + timedelta(minutes=5)


# Row 12: one field over the limit is cut with a warning.


def test_oversized_field_is_cut_with_a_warning(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = write(tmp_path / "big.json", [zd(1, description="x" * (FIELD_LIMIT + 10))])
    [result] = import_files(conn, [path])
    assert len(stored(conn)["1"].body) == FIELD_LIMIT
    assert result.summary.warnings == [
        f"{path}:1: ticket 1: body cut to {FIELD_LIMIT:,} of {FIELD_LIMIT + 10:,} characters"
    ]


# Row 13: custom fields are kept and usable in mappings.


def test_custom_fields_are_kept(conn: sqlite3.Connection) -> None:
    import_file(conn, FIXTURES / "zendesk/incremental_tickets.json")
    import_file(conn, FIXTURES / "freshdesk/tickets.json")
    import_file(conn, FIXTURES / "helpscout/spam_and_deleted.json")
    import_file(conn, FIXTURES / "intercom/conversations.json")
    by_key = {t.key: t for t in iter_tickets(conn, include_hidden=True)}
    assert by_key["zendesk:35436"].custom_fields == {"27642": "745"}
    assert by_key["freshdesk:20"].custom_fields == {"cf_plan": "Pro"}
    assert any(t.custom_fields.get("Plan") == "Pro" for k, t in by_key.items()
               if k.startswith("helpscout:"))  # fmt: skip
    assert any(t.custom_fields.get("product_area") == "billing" for k, t in by_key.items()
               if k.startswith("intercom:"))  # fmt: skip


def test_custom_fields_from_a_mapping(conn: sqlite3.Connection, tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('source = "crm"\n[columns]\nexternal_id = "n"\ncreated_at = "t"\n'
                       '[custom_fields]\nplan = "Plan"\nproduct_area = "Area"\n')  # fmt: skip
    path = tmp_path / "crm.csv"
    path.write_text("n,t,Plan,Area\n1,2026-07-01 10:00,Pro,billing\n2,2026-07-01 11:00,,\n")
    import_file(conn, path, ImportSettings(mapping=load_mapping(mapping)))
    tickets = stored(conn)
    assert tickets["1"].custom_fields == {"plan": "Pro", "product_area": "billing"}
    assert tickets["2"].custom_fields == {}


# Row 11: spam, deleted and merged tickets are stored with their status, but hidden.


def test_spam_deleted_and_merged_are_stored_but_hidden(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    path = write(tmp_path / "z.json", [
        zd(1), zd(2, status="deleted"), zd(3, status="closed", tags=["closed_by_merge"]),
        zd(4, status="closed", via={"channel": "web", "source": {"rel": "merge"}}),
    ])  # fmt: skip
    import_file(conn, path)
    import_file(conn, FIXTURES / "freshdesk/spam_and_deleted.json")
    import_file(conn, FIXTURES / "helpscout/spam_and_deleted.json")
    everything = stored(conn)
    assert everything["2"].status == "deleted" and everything["3"].status == "closed"
    assert everything["501"].status == "spam" and everything["502"].status == "deleted"
    assert everything["9001"].status == "spam" and everything["9002"].status == "deleted"
    visible = {t.key for t in iter_tickets(conn)}
    assert visible == {"zendesk:1", "freshdesk:503", "helpscout:9003"}
    keys = ["zendesk:1", "zendesk:2", "freshdesk:501", "helpscout:9002"]
    assert [t.key for t in get_tickets(conn, keys, visible_only=True)] == ["zendesk:1"]
    assert len(get_tickets(conn, keys)) == 4
