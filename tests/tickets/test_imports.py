from __future__ import annotations

import contextlib
import gzip
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sddkit.errors import InputError, SddkitError
from sddkit.store import open_store
from sddkit.tickets.imports import ImportSettings, import_file, import_files
from sddkit.tickets.store import count_tickets, iter_tickets

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def zendesk(tickets: list[dict[str, object]]) -> str:
    return json.dumps({"tickets": tickets, "end_of_stream": True}, ensure_ascii=False)


def zd(id_: object, subject: str = "Export fails", **extra: object) -> dict[str, object]:
    return {"id": id_, "created_at": "2026-09-01T08:00:00Z", "subject": subject,
            "description": "CSV export fails", "via": {"channel": "email"},
            "requester_id": 1, **extra}  # fmt: skip


@pytest.fixture
def conn() -> sqlite3.Connection:
    return open_store(":memory:")


def test_reimport_is_idempotent_and_newer_export_updates(conn: sqlite3.Connection) -> None:
    path = FIXTURES / "zendesk/incremental_tickets.json"
    assert import_file(conn, path).new == 2
    again = import_file(conn, path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


def test_changed_ticket_is_updated(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(zendesk([zd(1), zd(2)]))
    import_file(conn, path)
    path.write_text(zendesk([zd(1, subject="Export still fails"), zd(2), zd(3)]))
    summary = import_file(conn, path)
    assert (summary.new, summary.updated, summary.unchanged) == (1, 1, 1)


def test_bad_record_fails_whole_import_naming_line_and_field(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    good = tmp_path / "good.json"
    good.write_text(zendesk([zd(1)]))
    import_file(conn, good)
    bad = tmp_path / "bad.json"
    bad.write_text(zendesk([zd(2), zd(3, created_at="yesterday")]).replace("}, {", "},\n{"))
    with pytest.raises(InputError) as caught:
        import_files(conn, [good, bad])
    assert str(caught.value).startswith(f"{bad}:2: created_at: not a valid time")
    assert [t.external_id for t in iter_tickets(conn)] == ["1"]


def test_skip_bad_lists_bad_rows_and_stores_good(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    lines = [json.dumps(zd(1)), "{not json", json.dumps(zd(None)), json.dumps(zd(4))]
    path.write_text("\n".join(lines))
    summary = import_file(conn, path, ImportSettings(skip_bad=True))
    assert summary.new == 2
    assert summary.bad == [
        f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes",
        f"{path}:3: id: missing or invalid id: None",
    ]


def test_csv_column_count_mismatch_is_reported(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = tmp_path / "fd.csv"
    path.write_text("Ticket ID,Subject,Created time\n1,A,2026-07-01 10:00\n2,B\n")
    with pytest.raises(InputError, match=r"fd.csv:3: expected 3 columns, found 2"):
        import_file(conn, path)
    assert count_tickets(conn) == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_encodings(conn: sqlite3.Connection, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "fd.csv"
    text = "Ticket ID,Subject,Created time\n1,Не работает экспорт отчёта в CSV,2026-07-01 10:00\n"
    path.write_bytes(text.encode(encoding))
    import_file(conn, path)
    [ticket] = iter_tickets(conn)
    assert ticket.subject == "Не работает экспорт отчёта в CSV" and ticket.language == "ru"


def test_gzip_and_top_level_array_stream(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = tmp_path / "tickets.json.gz"
    records = [zd(i, subject=f"Ticket {i} " + "x" * 3000) for i in range(300)]
    with gzip.open(path, "wt", encoding="utf-8") as out:
        json.dump(records, out, indent=2)  # elements span many 64 KiB read chunks
    seen: list[tuple[int, int]] = []
    summary = import_file(conn, path, ImportSettings(format="zendesk"),
                          progress=lambda _p, pos, size: seen.append((pos, size)))  # fmt: skip
    assert summary.new == 300
    assert seen[-1][0] == seen[-1][1] == path.stat().st_size


def test_unknown_format_is_a_clear_error(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="cannot tell which export this CSV file is"):
        import_file(conn, path)


def test_truncated_json_is_an_error(conn: sqlite3.Connection, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text(zendesk([zd(1), zd(2)])[:-40])
    with pytest.raises(InputError, match=r"x\.json:1: "):
        import_file(conn, path)
    assert count_tickets(conn) == 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".json", ".csv", ".jsonl", ""]))
def test_random_bytes_never_crash_or_corrupt(tmp_path: Path, data: bytes, suffix: str) -> None:
    conn = open_store(":memory:")
    import_file(conn, FIXTURES / "freshdesk/tickets.json")
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    with contextlib.suppress(SddkitError):
        import_file(conn, path, ImportSettings(skip_bad=True))
    assert [t.external_id for t in iter_tickets(conn)][:1] == ["20"]
    conn.execute("PRAGMA integrity_check").fetchone()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
KEYS = ["id", "created_at", "subject", "description", "via", "tags", "satisfaction_rating"]
keys = st.sampled_from([*KEYS, "metric_set", "comments", "requester_id"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(records=st.lists(st.dictionaries(keys, json_values, max_size=10), max_size=4))
def test_malformed_records_are_reported_not_crashes(
    tmp_path: Path, records: list[dict[str, object]]
) -> None:
    conn = open_store(":memory:")
    path = tmp_path / "z.json"
    path.write_text(zendesk(records))
    try:
        summary = import_file(conn, path, ImportSettings(format="zendesk", skip_bad=True))
    except SddkitError:
        assert count_tickets(conn) == 0
    else:
        assert summary.total + len(summary.bad) >= count_tickets(conn)


def test_import_restores_the_page_cache_size(conn: sqlite3.Connection, tmp_path: Path) -> None:
    conn.execute("PRAGMA cache_size = -1234")
    path = tmp_path / "export.json"
    path.write_text(zendesk([zd(1)]))
    import_file(conn, path)
    path.write_text("{broken")
    with pytest.raises(InputError):
        import_file(conn, path)
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == -1234
