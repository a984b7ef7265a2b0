from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sddkit.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def run(*args: str) -> object:
    return CliRunner().invoke(main, ["--db", "store.db", "tickets", *args])


def test_import_prints_summary_and_reimport_is_unchanged(in_tmp: Path) -> None:
    path = str(FIXTURES / "zendesk/incremental_tickets.json")
    first = run("import", path)
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == (
        f"{path} (zendesk, utf-8): 2 new, 0 updated, 0 unchanged, 0 bad"
    )
    second = run("import", path)
    assert second.stdout.strip().endswith("0 new, 0 updated, 2 unchanged, 0 bad")


def test_bad_row_exits_non_zero_and_stores_nothing(in_tmp: Path) -> None:
    bad = in_tmp / "bad.csv"
    bad.write_text("Ticket ID,Subject,Created time\n1,A,2026-07-01 10:00\n,B,2026-07-01\n")
    good = str(FIXTURES / "freshdesk/tickets_export.csv")
    result = run("import", good, str(bad))
    assert result.exit_code == 1
    assert f"Error: {bad}:3: Ticket ID: missing or invalid id: ''" in result.stderr
    stats = run("stats", "--json")
    assert json.loads(stats.stdout)["total"] == 0


def test_unknown_language_is_a_one_line_error(in_tmp: Path) -> None:
    path = str(FIXTURES / "zendesk/incremental_tickets.json")
    result = run("import", "--languages", "en,xx", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: unknown language code(s): xx"
    assert "Traceback" not in result.stderr
    assert json.loads(run("stats", "--json").stdout)["total"] == 0


def test_skip_bad_lists_rows_and_imports_the_rest(in_tmp: Path) -> None:
    bad = in_tmp / "bad.csv"
    bad.write_text("Ticket ID,Subject,Created time\n1,A,2026-07-01 10:00\n2,B,soon\n")
    result = run("import", "--skip-bad", str(bad))
    assert result.exit_code == 0
    assert f"bad: {bad}:3: Created time: not a valid time: 'soon'" in result.stderr
    assert "1 new, 0 updated, 0 unchanged, 1 bad" in result.stdout


def test_mapping_timezone_and_format_options(in_tmp: Path) -> None:
    result = run(
        "import",
        "--mapping",
        str(FIXTURES / "generic/crm_mapping.toml"),
        str(FIXTURES / "generic/crm_export.csv"),
    )
    assert "(mapped, utf-8): 2 new" in result.stdout
    forced = run("import", "--format", "intercom", str(FIXTURES / "freshdesk/tickets.json"))
    assert (
        forced.exit_code == 1
        and "tickets.json:2: source: expected an object, got int" in forced.stderr
    )
    zone = run("import", "--timezone", "Mars/Olympus", str(FIXTURES / "freshdesk/tickets.json"))
    assert zone.exit_code == 2 and "unknown time zone" in zone.stderr


def test_stats_text_output(in_tmp: Path) -> None:
    run("import", str(FIXTURES / "zendesk/incremental_tickets.json"))
    run("import", str(FIXTURES / "freshdesk/tickets_export.csv"))
    result = run("stats")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Tickets: 4",
        "",
        "By ISO week:",
        "  2026-W27        2",
        "  2026-W36        2",
        "",
        "By channel:",
        "  email        2",
        "  web          2",
        "",
        "By language:",
        "  en        2",
        "  ru        1",
        "  pl        1",
        "",
        "First response:",
        "  median  1.2 h",
        "  p90     1.6 h",  # nearest rank: the larger of the two times
        "  (2 of 4 tickets answered)",
    ]
    since = run("stats", "--since", "2026-08-01", "--json")
    assert json.loads(since.stdout)["by_week"] == {"2026-W36": 2}


def test_people_files_resolve_assignees(in_tmp: Path) -> None:
    from sddkit.store import open_store
    from sddkit.tickets.store import get_tickets

    result = run(
        "import",
        str(FIXTURES / "freshdesk/tickets.json"),
        "--people",
        str(FIXTURES / "freshdesk/agents.json"),
        "--people",
        str(FIXTURES / "freshdesk/companies.json"),
    )
    assert result.exit_code == 0, result.output
    [ticket] = get_tickets(open_store(in_tmp / "store.db"), ["freshdesk:20"])
    assert (ticket.assignee, ticket.organization) == ("lena@example.com", "Acme d.o.o.")


def test_bad_people_file_exits_non_zero(in_tmp: Path) -> None:
    (in_tmp / "people.csv").write_text("id,name,email\n,Ana,ana@example.com\n")
    result = run("import", str(FIXTURES / "freshdesk/tickets.json"), "--people", "people.csv")
    assert result.exit_code == 1
    assert "people.csv:2: id: missing" in result.output


def _zendesk_file(path: Path, updated: str, status: str, description: str = "fails") -> str:
    ticket = {"id": 1, "created_at": "2026-09-01T08:00:00Z", "updated_at": updated,
              "subject": "Export", "description": description, "via": {"channel": "email"},
              "requester_id": 1, "status": status}  # fmt: skip
    path.write_text(json.dumps({"tickets": [ticket]}))
    return str(path)


def test_older_export_is_reported_as_skipped_and_cut_fields_warned(in_tmp: Path) -> None:
    new = _zendesk_file(in_tmp / "new.json", "2026-09-03T10:00:00Z", "solved", "x" * 100_001)
    first = run("import", new)
    assert first.exit_code == 0, first.output
    assert f"warning: {new}:1: ticket 1: body cut to 100,000 of 100,001 characters" in (
        first.stderr
    )
    old = _zendesk_file(in_tmp / "old.json", "2026-09-02T10:00:00Z", "open")
    second = run("import", old)
    assert second.stdout.strip().endswith("0 new, 0 updated, 0 unchanged, 1 older skipped, 0 bad")


def test_file_without_tickets_exits_non_zero(in_tmp: Path) -> None:
    empty = in_tmp / "view.csv"
    empty.write_text("Ticket ID,Subject,Created time\n")
    result = run("import", str(empty))
    assert result.exit_code == 1
    assert f"Error: {empty}: no tickets in this file" in result.stderr


def test_encoding_option(in_tmp: Path) -> None:
    path = in_tmp / "short.csv"
    path.write_bytes("Ticket ID,Subject,Created time\n1,Не приходит письмо,2026-07-01 10:00\n"
                     .encode("cp1251"))  # fmt: skip
    refused = run("import", str(path))
    [error] = [line for line in refused.stderr.splitlines() if line.startswith("Error:")]
    assert refused.exit_code == 1 and "--encoding" in error
    given = run("import", "--encoding", "cp1251", str(path))
    assert given.exit_code == 0 and "(freshdesk-csv, cp1251): 1 new" in given.stdout
