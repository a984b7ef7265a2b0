"""Spam, deleted and merged tickets stay in the store but out of every complaint path: themes,
triage and the report (issue 10, row 11). One test per consumer."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import timedelta

from sddkit.report.build import build_report
from sddkit.store import open_store
from sddkit.themes.pipeline import update_themes
from sddkit.tickets.model import MERGED_TAG, Ticket
from sddkit.tickets.store import count_tickets, upsert_tickets
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.workflow import plan_run
from tests.themes.conftest import NOW, themed_tickets


def _hidden_copies(tickets: list[Ticket]) -> list[Ticket]:
    """Copies of the PDF export complaints, as spam, deleted and merged tickets."""
    marks = [{"status": "spam"}, {"status": "deleted"}, {"status": "closed", "tags": (MERGED_TAG,)}]
    export = [t for t in tickets if t.external_id.startswith("export-en")]
    return [
        dataclasses.replace(ticket, external_id=f"hidden-{n}", **marks[n % 3])  # type: ignore[arg-type]
        for n, ticket in enumerate(export * 2)
    ]


def _store(tickets: list[Ticket]) -> sqlite3.Connection:
    conn = open_store(":memory:")
    upsert_tickets(conn, tickets)
    return conn


def test_themes_leave_hidden_tickets_out() -> None:
    visible = list(themed_tickets())
    conn = _store(visible + _hidden_copies(visible))
    themes = update_themes(conn, now=NOW)
    keys = {key for theme in themes for key in theme.ticket_keys}
    assert any(key.startswith("test:export-en") for key in keys)
    assert not any(key.startswith("test:hidden-") for key in keys)


def test_report_leaves_hidden_tickets_out() -> None:
    visible = list(themed_tickets())
    conn = _store(visible + _hidden_copies(visible))
    report = build_report(
        conn, since=NOW - timedelta(days=60), until=NOW, filed=[], shifts=[], now=NOW
    )
    assert count_tickets(conn) > len(visible)
    assert report.health.tickets == len(visible)


def test_triage_leaves_hidden_tickets_out() -> None:
    visible = list(themed_tickets())
    hidden = _hidden_copies(visible)
    conn = _store(visible + hidden)
    update_themes(conn, now=NOW)
    drafts = _drafts(conn)
    assert "test:export-en-0" in drafts
    assert not any(t.external_id in drafts for t in hidden)


def test_triage_never_quotes_a_ticket_marked_as_spam_after_the_themes_were_built() -> None:
    visible = list(themed_tickets())
    conn = _store(visible)
    update_themes(conn, now=NOW)
    export = [t for t in visible if t.external_id.startswith("export-")]
    later = NOW + timedelta(hours=1)
    upsert_tickets(conn, [dataclasses.replace(t, status="spam", updated_at=later) for t in export])
    drafts = _drafts(conn)
    assert "— `test:" in drafts  # the other themes are quoted
    assert "— `test:export-" not in drafts


def _drafts(conn: sqlite3.Connection) -> str:
    run = plan_run(
        conn, TriageSettings(min_tickets=1, min_customers=1), kind="github", tracker=None,
        cache_name="github:acme/app", now=NOW,
    )  # fmt: skip
    return "\n".join(a.draft.body for a in run.actions if a.draft is not None)
