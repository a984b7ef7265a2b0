"""`sddkit followup` end to end against the four fake helpdesks: a real store, the real
writers and the pull's HTTP client, through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sddkit.cli import main
from sddkit.followup import ledger
from sddkit.store import open_store, schema_version
from tests.followup.conftest import EXPECTED, PERIOD, Desks
from tests.support.fake_http import Fault

ARGS = ["followup", "--no-tracker", *PERIOD]


def run(*extra: str) -> Result:
    return CliRunner().invoke(main, [*ARGS, *extra])


def test_dry_run_writes_nothing(workspace: Path, desks: Desks) -> None:
    result = run("--show")
    assert result.exit_code == 0, result.output
    assert desks.notes() == {}
    assert not any(" /api/v2/tickets/" in r and r.startswith("PUT") for r in desks.zendesk.requests)
    assert all(r.startswith("GET") for r in desks.freshdesk.requests)
    conn = open_store(workspace / "sddkit.db")
    assert schema_version(conn, ledger.COMPONENT) == 0  # not even the ledger's table
    assert "1 fix in the period: 6 customers to tell, 2 left out." in result.output
    assert "left out: 1 answered after the fix, 1 left alone" in result.output
    assert "dry run: nothing written" in result.output


def test_show_prints_every_draft_in_its_language(workspace: Path, desks: Desks) -> None:
    output = run("--show").output
    for key, language in EXPECTED.items():
        assert f"--- {key} ({language}, internal note) ---" in output
    assert "Sync still failing" in output  # c1 is told on their latest ticket
    assert "Sync fails on the iPad" not in output
    assert "„Синхронизација не ради”" in output and "12. марта 2026." in output
    assert "„Synchronizacja nie działa”" in output and "12 marca 2026" in output
    assert "«Синхронизация не работает»" in output and "12 марта 2026 г." in output
    assert "„Sinhronizacija ne radi”" in output and "12. marta 2026." in output
    assert "Synchronisierung geht nicht" in output and "12 March 2026" in output
    assert "zendesk / en (internal notes): 2: zendesk:3, zendesk:7" in output


def test_without_show_no_customer_words_are_printed(workspace: Path, desks: Desks) -> None:
    output = run().output
    assert "Sync still failing" not in output and "c7@client.example" not in output


def test_apply_twice_writes_each_note_once(workspace: Path, desks: Desks) -> None:
    first = run("--apply")
    assert first.exit_code == 0, first.output
    assert "Wrote 6 follow-ups; 0 already on their ticket, 0 already told." in first.output
    notes = desks.notes()
    assert sorted(notes) == sorted(EXPECTED)
    assert all(len(bodies) == 1 for bodies in notes.values())
    second = run("--apply")
    assert second.exit_code == 0, second.output
    assert "0 customers to tell" in second.output
    assert desks.notes() == notes
    told = ledger.told(open_store(workspace / "sddkit.db"))
    assert sorted(t.ticket_key for t in told) == sorted(EXPECTED)


def test_notes_are_internal_and_marked(workspace: Path, desks: Desks) -> None:
    run("--apply")
    comment = desks.zendesk.written[0][1]
    assert comment["public"] is False and "sddkit-followup:" in comment["body"]
    assert desks.freshdesk.written[0][1]["private"] is True
    assert desks.helpscout.written[0][1]["type"] == "note"
    assert desks.intercom.written[0][1]["part_type"] == "note"


def configure(workspace: Path, table: str, line: str) -> None:
    config = workspace / "rotations.toml"
    text = config.read_text(encoding="utf-8").replace(f"[{table}]\n", f"[{table}]\n{line}\n")
    config.write_text(text, encoding="utf-8")


def test_public_replies_only_when_configured(workspace: Path, desks: Desks) -> None:
    configure(workspace, "followup.zendesk", "public = true")
    assert run("--apply").exit_code == 0
    assert all(comment["public"] is True for _, comment in desks.zendesk.written)
    assert desks.freshdesk.written[0][1]["private"] is True  # the others stay notes


def test_public_replies_through_every_helpdesk(workspace: Path, desks: Desks) -> None:
    configure(workspace, "followup", "public = true")
    result = run("--apply", "--show")
    assert result.exit_code == 0, result.output
    assert "[sddkit] Follow-up draft" not in result.output  # no line for the agent
    assert desks.zendesk.written[0][1]["public"] is True
    assert desks.freshdesk.written[0][1]["private"] is False  # POST …/reply
    assert desks.helpscout.written[0][1]["type"] == "message"  # to c7@client.example
    assert desks.intercom.written[0][1]["part_type"] == "comment"


def test_a_note_already_on_the_ticket_is_recorded_not_rewritten(
    workspace: Path, desks: Desks
) -> None:
    """A store that never saw the first run (a fresh CI runner): the marker decides."""
    assert run("--apply").exit_code == 0
    conn = open_store(workspace / "sddkit.db")
    conn.execute("DELETE FROM followup_ledger")
    conn.close()
    before = desks.notes()
    again = run("--apply")
    assert again.exit_code == 0, again.output
    assert "Wrote 0 follow-ups; 6 already on their ticket" in again.output
    assert desks.notes() == before


def test_a_failed_write_is_not_retried_and_the_rerun_writes_it(
    workspace: Path, desks: Desks
) -> None:
    desks.freshdesk.faults.append(Fault("/notes", 502))
    failed = run("--apply")
    assert failed.exit_code == 1
    assert "freshdesk: POST /api/v2/tickets/1/notes: HTTP 502: fault (not retried)" in failed.output
    assert "freshdesk:1" not in desks.notes()
    assert run("--apply").exit_code == 0
    assert len(desks.notes()["freshdesk:1"]) == 1


def test_missing_credentials_stop_before_any_write(
    workspace: Path, desks: Desks, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SDDKIT_INTERCOM_ADMIN_ID")
    result = run("--apply")
    assert result.exit_code == 1
    assert "intercom: set SDDKIT_INTERCOM_ADMIN_ID" in result.output
    assert desks.notes() == {}
    assert desks.zendesk.token not in result.output


def test_the_report_counts_the_customers_told(workspace: Path, desks: Desks) -> None:
    assert run("--apply").exit_code == 0
    result = CliRunner().invoke(
        main, ["report", "--no-tracker", *PERIOD, "--format", "md", "--out", "out"]
    )
    assert result.exit_code == 0, result.output
    markdown = (workspace / "out" / "report.md").read_text(encoding="utf-8")
    assert "| #7 | 6 | 0 | - (0 rated) |" in markdown


def test_a_refused_write_is_reported_and_the_others_go_on(workspace: Path, desks: Desks) -> None:
    desks.zendesk.tickets[3]["status"] = "closed"  # closed since the last pull
    result = run("--apply")
    assert result.exit_code == 1
    assert "failed: zendesk: ticket 3: HTTP 422: Status: closed prevents ticket update" in (
        result.output
    )
    assert "Wrote 5 follow-ups; 0 already on their ticket, 0 already told; 1 refused" in (
        result.output
    )
    assert sorted(desks.notes()) == sorted(set(EXPECTED) - {"zendesk:3"})
    conn = open_store(workspace / "sddkit.db")
    assert ledger.told_pairs(conn) == {("pull_request:#7", c) for c in
                                       ("c2", "c6", "c7@client.example", "c8", "c9")}  # fmt: skip
