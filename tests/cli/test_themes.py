from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sddkit.cli import main
from sddkit.store import open_store
from sddkit.tickets.store import upsert_tickets
from tests.themes.conftest import NOW, themed_tickets

GOLDEN = Path(__file__).parent / "golden"


def _db(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    conn = open_store(db)
    upsert_tickets(conn, themed_tickets())
    conn.close()
    return db


def _run(db: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--db", str(db), "themes", *args], catch_exceptions=False)


def test_table_lists_themes_and_matches_golden(tmp_path: Path) -> None:
    result = _run(_db(tmp_path), "--now", NOW.isoformat())
    assert result.exit_code == 0, result.output
    assert result.output == (GOLDEN / "themes_table.txt").read_text(encoding="utf-8")


def test_json_and_md_formats(tmp_path: Path) -> None:
    db = _db(tmp_path)
    data = json.loads(_run(db, "--now", NOW.isoformat(), "--format", "json").output)
    assert len(data) == 5 and all(d["size"] == 12 for d in data)
    assert {d["kind"] for d in data} == {"bug", "ux", "feature"}
    md = _run(db, "--stored", "--format", "md").output
    assert md.startswith("| ID | Size |") and md.count("\n") == 2 + 5


def test_min_size_and_since_narrow_the_run(tmp_path: Path) -> None:
    db = _db(tmp_path)
    result = _run(db, "--now", NOW.isoformat(), "--min-size", "13", "--format", "json")
    assert json.loads(result.output) == []
    result = _run(db, "--now", NOW.isoformat(), "--since", "2025-03-30", "--format", "json")
    assert json.loads(result.output) == []  # one-offs only in the last days


def test_show_one_theme_matches_golden(tmp_path: Path) -> None:
    db = _db(tmp_path)
    data = json.loads(_run(db, "--now", NOW.isoformat(), "--format", "json").output)
    bug_ru = next(d for d in data if "экспорт" in d["label"])
    result = _run(db, "show", bug_ru["id"])
    assert result.exit_code == 0, result.output
    assert result.output == (GOLDEN / "themes_show.txt").read_text(encoding="utf-8")


def test_show_unknown_theme_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(_db(tmp_path)), "themes", "show", "T-nope"])
    assert result.exit_code == 1
    assert "Error: no theme 'T-nope' in the last run" in result.output


def test_bad_since_is_rejected(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.db"), "themes", "--since", "soon"])
    assert result.exit_code == 2 and "not an ISO date" in result.output
