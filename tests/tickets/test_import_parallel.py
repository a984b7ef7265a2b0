"""The import's reading side in a second process gives the same store as in one process."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sddkit.errors import InputError
from sddkit.store import open_store
from sddkit.tickets import imports
from sddkit.tickets.imports import FIELD_LIMIT, FileResult, ImportSettings, import_files
from sddkit.tickets.store import count_tickets, iter_tickets

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MAPPING = {
    "generic/crm_export.csv": "generic/crm_mapping.toml",
    "generic/cp1251_export.csv": "generic/cp1251_mapping.toml",
}


def _mixed_export(path: Path) -> Path:
    """Several batches of Zendesk tickets: HTML and plain bodies, a second version of a
    ticket, bad records, a field over the cap, sideloaded users and metric sets after."""
    tickets: list[dict[str, Any]] = []
    for number in range(1, 4500):
        tickets.append({
            "id": number % 4000 or 1, "created_at": f"2026-09-{number % 28 + 1:02d}T08:00:00Z",
            "updated_at": f"2026-10-01T{number % 24:02d}:00:00Z",
            "subject": ["Экспорт не работает", "Export fails", "Eksport nie działa"][number % 3],
            "description": "<p>CSV <b>export</b> fails &amp; hangs</p>" if number % 2 else "ok",
            "via": {"channel": "email"}, "requester_id": number % 7,
            "tags": ["a", "b"][: number % 3],
        })  # fmt: skip
    tickets[100]["created_at"] = "yesterday"
    tickets[2100]["description"] = "x" * (FIELD_LIMIT + 5)
    tickets.insert(3000, 42)  # type: ignore[arg-type]
    document = {
        "tickets": tickets,
        "users": [{"id": 3, "email": "ana@example.com"}],
        "metric_sets": [{"ticket_id": 5, "reply_time_in_minutes": {"calendar": 30}}],
    }
    path.write_text(json.dumps(document, ensure_ascii=False).replace("}, {", "},\n{"))
    return path


def _import(
    tmp_path: Path, name: str, files: list[Path], settings: ImportSettings
) -> tuple[list[FileResult], list[Any], list[Any]]:
    conn = open_store(tmp_path / f"{name}.db")
    results = import_files(conn, files, settings)
    tickets = list(iter_tickets(conn, include_hidden=True))
    people = conn.execute("SELECT * FROM ticket_people ORDER BY 1, 2, 3").fetchall()
    return results, tickets, [tuple(row) for row in people]


SIDE_FILES = ("users.json", "agents.json", "companies.json", "admins.json", "people.csv")
EXPORTS = sorted(
    str(path.relative_to(FIXTURES))
    for path in FIXTURES.rglob("*")
    if path.suffix in (".json", ".csv") and path.name not in SIDE_FILES
)


@pytest.mark.parametrize("name", ["mixed", *EXPORTS])
def test_same_store_and_summary_in_one_or_two_processes(tmp_path: Path, name: str) -> None:
    path = _mixed_export(tmp_path / "mixed.json") if name == "mixed" else FIXTURES / name
    mapping = None
    if name in MAPPING:
        from sddkit.tickets.importers.generic import load_mapping

        mapping = load_mapping(FIXTURES / MAPPING[name])
    settings = ImportSettings(skip_bad=True, mapping=mapping)
    one = _import(tmp_path, "one", [path, path], settings)
    two = _import(
        tmp_path, "two", [path, path], ImportSettings(**{**vars(settings), "parallel": True})
    )
    assert one == two
    if name == "mixed":
        summary = one[0][0].summary
        assert (summary.new, summary.total, len(summary.bad), len(summary.warnings)) == (
            3999, 4498, 2, 1,
        )  # fmt: skip


def _counting(calls: list[Path]) -> Callable[..., Any]:
    original = imports.forked

    @contextlib.contextmanager
    def counted(produce: Callable[[], Iterator[Any]]) -> Iterator[Iterator[Any]]:
        calls.append(produce.args[0])  # type: ignore[attr-defined]
        with original(produce) as items:
            yield items

    return counted


def test_large_files_are_read_in_a_second_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = tmp_path / "small.json"
    ticket = {"id": 1, "created_at": "2026-09-01T08:00:00Z", "via": {}, "subject": "Export fails"}
    small.write_text(json.dumps({"tickets": [ticket]}))
    large = _mixed_export(tmp_path / "large.json")
    calls: list[Path] = []
    monkeypatch.setattr(imports, "forked", _counting(calls))
    monkeypatch.setattr(imports, "PARALLEL_BYTES", small.stat().st_size + 1)
    monkeypatch.setattr(imports, "can_fork", lambda: True)  # other tests may leave threads
    import_files(open_store(":memory:"), [small, large], ImportSettings(skip_bad=True))
    assert calls == [large]


def test_a_bad_record_read_in_the_second_process_stores_nothing(tmp_path: Path) -> None:
    path = _mixed_export(tmp_path / "mixed.json")
    conn = open_store(":memory:")
    with pytest.raises(InputError) as caught:
        import_files(conn, [path], ImportSettings(parallel=True))
    assert str(caught.value) == f"{path}:101: created_at: not a valid time: 'yesterday'"
    assert count_tickets(conn) == 0
