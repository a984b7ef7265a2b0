from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path

from click.testing import CliRunner

from sddkit.cli import main
from sddkit.store import open_store
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import upsert_tickets
from tests.themes.conftest import NOW, theme_of, themed_tickets

GOLDEN = Path(__file__).parent / "golden"
# Themes are titled by their commonest subject line sharing their keywords (`label.make_title`).
EXPORT_EN = "The monthly report PDF export crashes with an error every time Thanks"
EXPORT_RU = "Ошибка при экспорте отчета в PDF, экспорт не работает"
# Agents' tags: the PDF export subject carries the same tag in English and Russian, so its two
# themes are one family; the other subjects have a tag of their own.
TAGS = {"export-en": "pdf-export", "export-ru": "pdf-export", "password-pl": "password",
        "invoice-sr": "invoices", "darkmode-en": "dark-mode"}  # fmt: skip


def tagged_tickets() -> Iterator[Ticket]:
    for ticket in themed_tickets():
        tag = TAGS.get(theme_of(ticket.key))
        yield dataclasses.replace(ticket, tags=(tag,)) if tag else ticket


def _db(tmp_path: Path) -> Path:
    db = tmp_path / "s.db"
    conn = open_store(db)
    upsert_tickets(conn, tagged_tickets())
    conn.close()
    return db


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SDDKIT_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def _run(db: Path, *args: str, backend: str = "char-ngram"):  # type: ignore[no-untyped-def]
    """These tests are about listing and showing themes and families: the n-gram backend
    keeps one theme per language, so the families (linked by tags) show; the multilingual
    default is checked in `test_default_backend_puts_one_subject_in_two_languages_together`
    and in tests/themes."""
    return CliRunner().invoke(
        main, ["--db", str(db), "themes", "--backend", backend, *args], catch_exceptions=False
    )


def test_default_backend_puts_one_subject_in_two_languages_together(tmp_path: Path) -> None:
    result = _run(_db(tmp_path), "--now", NOW.isoformat(), "--format", "json", backend="hybrid")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    languages = sorted(tuple(sorted(t["languages"])) for t in found)
    assert languages == [("en",), ("en", "ru"), ("pl",), ("sr",)]
    assert {t["size"] for t in found} == {12, 24}


def test_table_lists_themes_and_matches_golden(tmp_path: Path) -> None:
    result = _run(_db(tmp_path), "--now", NOW.isoformat())
    assert result.exit_code == 0, result.output
    check_golden("themes_table.txt", result.output)
    # The English and Russian export themes share a FAMILY (the English one founds it: same
    # size, older); the three other subjects are families of one, their FAMILY blank.
    header, *rows = result.output.splitlines()[:6]
    col = header.index("FAMILY")
    families = {row.split()[0]: row[col : col + 8].strip() for row in rows}
    assert families == {"T-19eb0b": "T-19eb0b", "T-a7a09a": "T-19eb0b", "T-a980bb": "",
                        "T-c51444": "", "T-c68db0": ""}  # fmt: skip
    assert result.output.endswith("\n5 themes in 4 families\n")


def test_json_and_md_formats(tmp_path: Path) -> None:
    db = _db(tmp_path)
    data = json.loads(_run(db, "--now", NOW.isoformat(), "--format", "json").output)
    assert len(data) == 5 and all(d["size"] == 12 for d in data)
    assert {d["kind"] for d in data} == {"bug", "ux", "feature"}
    family = {d["id"]: d["family_id"] for d in data if d["family_id"]}
    assert family == {"T-19eb0b": "T-19eb0b", "T-a7a09a": "T-19eb0b"}
    assert sum(d["family_id"] is None for d in data) == 3
    md = _run(db, "--stored", "--format", "md").output
    assert md.startswith("| ID | Size |") and "| Family |" in md
    # header, rule, 5 rows, a blank line, the summary
    assert md.count("\n") == 2 + 5 + 2 and md.endswith("\n\n5 themes in 4 families\n")


def test_by_family_lists_one_row_per_family_with_totals(tmp_path: Path) -> None:
    db = _db(tmp_path)
    _run(db, "--now", NOW.isoformat())
    result = _run(db, "--stored", "--by-family")
    assert result.exit_code == 0, result.output
    check_golden("themes_by_family.txt", result.output)
    data = json.loads(_run(db, "--stored", "--by-family", "--format", "json").output)
    # PDF export: 12 English + 12 Russian tickets = 24; customers 9 + 9 = 18 (the members'
    # sum); titled by its English member (which founded it: same size, first seen earlier).
    first = data[0]
    assert (first["id"], first["tickets"], first["customers"]) == ("T-19eb0b", 24, 18)
    assert first["theme_ids"] == ["T-19eb0b", "T-a7a09a"]
    assert first["languages"] == {"en": 12, "ru": 12} and first["kind"] == "bug"
    assert first["label"] == EXPORT_EN
    assert [len(d["theme_ids"]) for d in data] == [2, 1, 1, 1]
    md = _run(db, "--stored", "--by-family", "--format", "md").output
    assert "| T-19eb0b | T-19eb0b, T-a7a09a | 24 | 18 | bug |" in md


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
    check_golden("themes_show.txt", result.output)
    # Its family: the English member (id, language, size, label) and the link's evidence:
    # the shared tag on every ticket of both, and the token "PDF" in both languages.
    assert "family:    T-19eb0b, 2 themes, 24 tickets, languages en 12, ru 12" in result.output
    assert f"  T-19eb0b  en       12  {EXPORT_EN}" in result.output
    assert "T-19eb0b ~ T-a7a09a: cosine 1.00, strength" in result.output
    assert "(tag pdf-export, token pdf)" in result.output


def test_show_accepts_a_family_id_and_a_theme_on_its_own(tmp_path: Path) -> None:
    db = _db(tmp_path)
    data = json.loads(_run(db, "--now", NOW.isoformat(), "--format", "json").output)
    by_family = _run(db, "show", "T-19eb0b").output
    assert by_family.startswith(f"T-19eb0b  {EXPORT_EN}\n")
    assert f"  T-a7a09a  ru       12  {EXPORT_RU}\n" in by_family
    alone = next(d["id"] for d in data if d["family_id"] is None)
    assert "family:    none (on its own)" in _run(db, "show", alone).output


def test_show_unknown_theme_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(_db(tmp_path)), "themes", "show", "T-nope"])
    assert result.exit_code == 1
    assert "Error: no theme or family 'T-nope' in the last run" in result.output


def test_bad_since_is_rejected(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.db"), "themes", "--since", "soon"])
    assert result.exit_code == 2 and "expected an ISO 8601 date or date-time" in result.output


def test_model_backend_without_a_model_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = _run(_db(tmp_path), "--backend", "sentence-transformers")
    assert result.exit_code == 1
    assert "needs a local model folder" in result.output
