"""Build the report: read the store once, then compute every section from plain lists."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from itertools import chain
from typing import TYPE_CHECKING

from sddkit.errors import SddkitError
from sddkit.report.canned import canned_replies
from sddkit.report.closed_loop import closed_loops
from sddkit.report.fix_next import fix_next, in_fix_next_order
from sddkit.report.fixes import group_fixes
from sddkit.report.history import customers_first_seen, history_start, read_tickets
from sddkit.report.metrics import support_health
from sddkit.report.model import Report, ReportOptions
from sddkit.report.onboarding import first_seen, onboarding
from sddkit.report.participation import participation, todo
from sddkit.report.people import People
from sddkit.report.theme_tickets import group_tickets
from sddkit.report.trace import issue_themes, trace_issues
from sddkit.rotation.model import Person, Shift
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import FiledIssue

if TYPE_CHECKING:
    from sddkit.followup.ledger import Told


def build_report(
    conn: sqlite3.Connection,
    *,
    since: datetime | date,
    until: datetime | date,
    filed: list[FiledIssue],
    shifts: list[Shift],
    now: datetime,
    people: Sequence[Person] = (),
    options: ReportOptions | None = None,
) -> Report:
    """The report for the period, from the store's tickets and latest themes.

    `since`/`until` as dates are whole UTC days, both included; as datetimes they are the
    half-open interval [since, until). `people` (the config's) maps helpdesk assignees to
    rotation members; without it assignees are shown as written.
    """
    from sddkit.followup.ledger import told
    from sddkit.themes.store import load_themes
    from sddkit.tickets.store import iter_tickets
    from sddkit.trackers import lineage
    from sddkit.trackers.subjects import report_subjects

    with _collector_paused():
        start, end = period(since, until)
        options = options or ReportOptions()
        themes = load_themes(conn)
        # Issues found as triage finds them (by marker, lineage, fingerprint), not by the
        # theme ids they were filed under: a re-cluster keeps every family's issue. Families
        # a person's duplicate verdict joined are one family here, as one issue there.
        themes, filed = report_subjects(themes, filed, lineage.load(conn))
        in_period, outside = read_tickets(
            conn,
            themes,
            filed,
            start=start,
            end=end,
            first_k=options.surfaced_first_k,
            custom_fields=options.segment_field is not None,
        )
        if options.canned_replies is not None:  # they need the tags, fields and messages
            in_period = list(iter_tickets(conn, since=start, until=end))
        customers = {t.customer_id for t in in_period if t.customer_id}
        return assemble_report(
            period_tickets=in_period,
            other_tickets=outside,
            themes=themes,
            filed=filed,
            shifts=shifts,
            people=people,
            since=start,
            until=end,
            now=now,
            options=options,
            started=customers_first_seen(conn, customers),
            history_from=history_start(conn),
            told=told(conn),
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while the report is built. Reading tens of thousands
    of tickets allocates enough objects to start the collector again and again, its full
    passes walking everything the process holds; what is allocated here stays in use until
    the report is done, so those passes free nothing (a tenth of a 100k-ticket report's
    build, bench/report_speed.py). Cycles made meanwhile are collected once it resumes."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def period(since: datetime | date, until: datetime | date) -> tuple[datetime, datetime]:
    """[start, end) as aware datetimes; dates are whole UTC days with `until` included."""
    start = _moment(since, 0)
    end = _moment(until, 1)
    if end < start:
        raise SddkitError(f"the period ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})")
    return start, end


def _moment(value: datetime | date, extra_days: int) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise SddkitError(f"{value.isoformat()} has no timezone")
        return value
    return datetime.combine(value + timedelta(days=extra_days), time(0), tzinfo=UTC)


def assemble_report(
    *,
    period_tickets: Sequence[Ticket],
    other_tickets: Iterable[Ticket],
    themes: Sequence[Theme],
    filed: Sequence[FiledIssue],
    shifts: Sequence[Shift],
    people: Sequence[Person],
    since: datetime,
    until: datetime,
    now: datetime,
    options: ReportOptions,
    started: Mapping[str, datetime] | None = None,
    history_from: datetime | None = None,
    told: Sequence[Told] = (),
) -> Report:
    """The whole report from plain data. `period_tickets` are those created in [since, until);
    `other_tickets` are theme tickets outside it (needed for first complaints and the weeks
    before a fix). `started` maps customers to when the store first saw them (onboarding),
    `history_from` when the store's history starts; by default both are read off the
    tickets given. `told` is the follow-up ledger's customers told about each fix (the
    closed loops)."""
    in_period = [t for t in period_tickets if since <= t.created_at < until]
    grouped = group_tickets(themes, chain(other_tickets, in_period))
    if history_from is None:
        history_from = min((t.created_at for t in grouped.by_key.values()), default=None)
    directory = People(people)
    traces = trace_issues(filed, grouped, until=until, options=options, people=directory)
    fixes = group_fixes(traces, grouped.by_key, since=since, until=until, options=options)
    pain = fix_next(grouped, filed, traces, in_period, since=since, until=until, options=options)
    return Report(
        since=since,
        until=until,
        generated_at=now,
        options=options,
        traces=tuple(traces),
        fixes=tuple(fixes),
        fix_next=tuple(pain),
        health=support_health(
            in_period, grouped.theme_of, since=since, until=until, now=now, options=options
        ),
        participation=tuple(
            participation(
                shifts,
                in_period,
                grouped,
                filed,
                since=since,
                until=until,
                people=directory,
                options=options,
            )
        ),
        todo=tuple(in_fix_next_order(todo(grouped, filed, since=since, until=until), pain)),
        notes=tuple(_notes(in_period, themes, filed)),
        canned_replies=tuple(canned_replies(in_period, options.canned_replies))
        if options.canned_replies
        else (),
        onboarding=onboarding(
            in_period,
            started if started is not None else first_seen(grouped.by_key.values()),
            grouped,
            options.onboarding_days,
            history_from,
        ),
        history_start=history_from,
        closed_loops=tuple(
            closed_loops(
                fixes,
                traces,
                told,
                {**grouped.by_key, **{t.key: t for t in in_period}},
                until=until,
                now=now,
            )
        )
        if told
        else (),
    )


def _notes(
    tickets: Sequence[Ticket], themes: Sequence[Theme], filed: Sequence[FiledIssue]
) -> list[str]:
    """Caveats the reader should see before trusting the figures."""
    notes = []
    if not tickets:
        notes.append("No tickets were created in this period.")
    if not themes:
        notes.append("No themes yet: run `sddkit themes` to group tickets into themes.")
    if not filed:
        notes.append("No issues filed yet: run `sddkit triage` to file the top themes.")
    known = {theme.id for theme in themes}
    orphans = sorted(
        {issue.key for issue in filed if not any(t in known for t in issue_themes(issue))}
    )
    if orphans and themes:
        notes.append(
            "Issues whose theme is not in the latest theme run (no tickets traced): "
            + ", ".join(orphans)
        )
    return notes
