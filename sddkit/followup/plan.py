"""From the store to the drafts: the report's fixes and traces for the period, the full
tickets behind them, the selection and a draft for each recipient."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sddkit.followup import ledger
from sddkit.followup.draft import Drafter
from sddkit.followup.helpdesks import WRITABLE
from sddkit.followup.model import Draft
from sddkit.followup.select import Selection, select
from sddkit.followup.settings import FollowupSettings
from sddkit.report.build import build_report
from sddkit.report.model import Report, ReportOptions
from sddkit.tickets.store import get_tickets
from sddkit.trackers.base import FiledIssue


@dataclass(frozen=True)
class FollowupPlan:
    selection: Selection
    drafts: list[Draft]  # one per recipient, in the selection's order


def plan_followups(
    conn: sqlite3.Connection,
    *,
    filed: list[FiledIssue],
    since: date | datetime,
    until: date | datetime,
    now: datetime,
    settings: FollowupSettings,
    options: ReportOptions | None = None,
    template_dir: Path | None = None,
) -> FollowupPlan:
    """The follow-ups for the fixes made in the period (dates: whole UTC days, as the
    report reads them)."""
    report = build_report(
        conn, since=since, until=until, filed=filed, shifts=[], now=now, options=options
    )
    return followups_of(conn, report, settings, template_dir=template_dir)


def followups_of(
    conn: sqlite3.Connection,
    report: Report,
    settings: FollowupSettings,
    *,
    template_dir: Path | None = None,
    writable: Collection[str] = WRITABLE,
) -> FollowupPlan:
    """The follow-ups for the fixes made in the report's period; `writable` names the ticket
    sources that can be written to (the demo's own, which no API serves, for its dry run)."""
    wanted = {key for fix in report.fixes if report.since <= fix.fixed_at for key in fix.issue_keys}
    traces = [t for t in report.traces if t.issue_key in wanted]
    keys = sorted({k for t in traces for k in (*t.ticket_keys, *t.after_keys)})
    tickets = {ticket.key: ticket for ticket in get_tickets(conn, keys)}
    selection = select(
        report.fixes,
        traces,
        tickets,
        since=report.since,
        until=report.until,
        told=ledger.told_pairs(conn),
        writable=writable,
        settings=settings,
    )
    drafter = Drafter(settings, template_dir)
    return FollowupPlan(selection, [drafter.draft(r) for r in selection.recipients])
