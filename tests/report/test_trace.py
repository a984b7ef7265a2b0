"""Edge cases of the trace: no fixes yet, a fix after the period, a theme no longer there,
an empty period, tickets without satisfaction scores."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

from sddkit.report.fix_next import CLOSED
from sddkit.report.model import ReportOptions
from sddkit.report.people import People
from sddkit.report.render import render_html, render_markdown
from sddkit.report.trace import (
    FIXED,
    NO_FIX,
    OPEN,
    commit_page,
    distinct_customers,
    handlers_of,
    trace_issue,
)
from sddkit.rotation.model import Person
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import FiledIssue, Fix

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def _ticket(ext: str, days: float, customer: str | None = None, assignee: str | None = None):
    return Ticket("csv", ext, T0 + timedelta(days=days), customer_id=customer, assignee=assignee)


def _issue(fixed_days: float | None) -> FiledIssue:
    fix = Fix("resolution", "Done", T0 + timedelta(days=fixed_days)) if fixed_days else None
    return FiledIssue("PROJ-1", "T-1", "Slow sync", "closed", "https://jira/PROJ-1", T0, fix=fix)


def test_no_fixes_yet(sample: Any) -> None:
    filed = [dataclasses.replace(i, fix=None, state="open") for i in sample.filed]
    report = sample.report(filed=filed)
    assert report.fixed == ()
    assert len(report.unfixed) == 3
    assert all(t.before is None and t.days_to_fix is None for t in report.traces)


def test_fix_after_the_period_does_not_count_yet(sample: Any) -> None:
    # Reporting on March only: the fix of 2024-03-28 lies after a period ending 03-20.
    report = sample.report(until=datetime(2024, 3, 21, tzinfo=UTC))
    keys = {t.issue_key: t for t in report.traces}
    assert keys["acme/app#3"].fix is None
    assert keys["acme/app#1"].fix is not None
    # Issue #2 was filed 03-20 09:00, inside [.., 03-21): still traced.
    assert "acme/app#2" in keys


def test_issue_filed_after_the_period_is_left_out(sample: Any) -> None:
    report = sample.report(until=datetime(2024, 3, 9, tzinfo=UTC))
    assert [t.issue_key for t in report.traces] == ["acme/app#1"]


def test_issue_whose_theme_disappeared(sample: Any) -> None:
    themes = [t for t in sample.themes if t.id != "T-export"]
    report = sample.report(themes=themes)
    export = next(t for t in report.traces if t.issue_key == "acme/app#2")
    assert (export.theme_label, export.tickets, export.first_complaint) == (None, 0, None)
    assert any("acme/app#2" in note for note in report.notes)


def test_after_window_shorter_than_weeks_is_normalised_per_week() -> None:
    # Fix on day 28; period ends day 35 -> after window is 1 week, not 4.
    tickets = [_ticket(f"b{i}", i) for i in range(0, 28, 7)]  # 4 before: 1/week
    tickets += [_ticket("a1", 29), _ticket("a2", 30)]  # 2 in the 1-week after window
    trace = trace_issue(
        _issue(28),
        None,
        tickets,
        until=T0 + timedelta(days=35),
        options=ReportOptions(weeks=4),
        people=People(),
    )
    assert (trace.before, trace.after, trace.after_weeks) == (4, 2, 1.0)
    assert (trace.before_per_week, trace.after_per_week) == (1.0, 2.0)
    assert trace.change == 1.0


def test_fix_at_period_end_has_no_after_rate() -> None:
    tickets = [_ticket("b1", 1)]
    trace = trace_issue(
        _issue(10),
        None,
        tickets,
        until=T0 + timedelta(days=10, seconds=1),
        options=ReportOptions(weeks=4),
        people=People(),
    )
    assert trace.after == 0
    assert trace.after_per_week is not None  # one second of window: zero tickets, rate 0
    trace = trace_issue(
        _issue(10),
        None,
        tickets,
        until=T0 + timedelta(days=10),
        options=ReportOptions(),
        people=People(),
    )
    assert trace.fix is None  # fixed exactly when the period ends: not inside it


def test_no_before_tickets_means_no_relative_change() -> None:
    trace = trace_issue(
        _issue(50),
        None,
        [_ticket("old", 1), _ticket("new", 51)],
        until=T0 + timedelta(days=90),
        options=ReportOptions(weeks=4),
        people=People(),
    )
    assert (trace.before, trace.after, trace.change) == (0, 1, None)


def test_distinct_customers_counts_anonymous_tickets_separately() -> None:
    tickets = [_ticket("1", 0, "c1"), _ticket("2", 1, "c1"), _ticket("3", 2), _ticket("4", 3)]
    assert distinct_customers(tickets) == 3


def test_handlers_map_emails_and_names_case_insensitively() -> None:
    people = People([Person("Sam Carter", "sam@example.com", "engineer", "America/New_York")])
    tickets = [
        _ticket("1", 0, assignee="SAM@example.com"),
        _ticket("2", 0, assignee="sam carter"),
        _ticket("3", 0, assignee="bot@helpdesk"),
        _ticket("4", 0, assignee="  "),
        _ticket("5", 0),
    ]
    handlers = handlers_of(tickets, people)
    assert [(h.name, h.tickets) for h in handlers] == [("Sam Carter", 2), ("bot@helpdesk", 1)]


def test_a_family_issue_traces_every_member_theme(sample: Any) -> None:
    """An issue naming member themes (a family: one subject in several languages) counts
    the tickets of all of them, and none of its members is on the to-do list."""
    issue = next(i for i in sample.filed if i.key == "acme/app#2")
    alone = next(t for t in sample.report().traces if t.issue_key == "acme/app#2")
    other = next(t for t in sample.themes if t.id != issue.theme_id)
    family = dataclasses.replace(issue, theme_ids=(issue.theme_id, other.id))
    filed = [family if i.key == issue.key else i for i in sample.filed]
    report = sample.report(filed=filed)
    traced = next(t for t in report.traces if t.issue_key == "acme/app#2")
    assert traced.tickets > alone.tickets
    assert other.id not in {item.theme_id for item in report.todo}
    # the same members read from the body's themes= marker (an issue from the tracker)
    body = dataclasses.replace(issue, body=f"<!-- sddkit:themes={issue.theme_id},{other.id} -->")
    filed = [body if i.key == issue.key else i for i in sample.filed]
    again = next(t for t in sample.report(filed=filed).traces if t.issue_key == "acme/app#2")
    assert again.tickets == traced.tickets


def test_issue_states_read_as_at_the_end_of_the_period(sample: Any) -> None:
    """Not planned, a duplicate or won't fix is "closed, no fix" (even with a fix the cache
    kept); a reopened issue is open (the fix it once had no longer holds); a close after the
    period had not happened yet; a close with no fix found is no fix."""
    login, export, invoice = sample.filed
    filed = [
        dataclasses.replace(login, close_reason="not_planned"),
        dataclasses.replace(export, fix=invoice.fix),  # open (reopened) with an old fix
        dataclasses.replace(invoice, closed_at=datetime(2024, 4, 2, tzinfo=UTC)),
    ]
    report = sample.report(filed=filed)
    states = {t.issue_key: (t.state, t.fix) for t in report.traces}
    assert states == {
        "acme/app#1": (NO_FIX, None),
        "acme/app#2": (OPEN, None),
        "acme/app#3": (OPEN, None),
    }
    assert sorted(t.issue_key for t in report.open_issues) == ["acme/app#2", "acme/app#3"]
    won_t = dataclasses.replace(login, close_reason="Won’t Fix", fix=None)
    assert sample.report(filed=[won_t]).traces[0].state == NO_FIX
    no_fix_found = dataclasses.replace(login, fix=None)
    assert sample.report(filed=[no_fix_found]).traces[0].state == NO_FIX
    assert sample.report(filed=[login]).traces[0].state == FIXED


def test_a_subject_closed_without_a_fix_still_drawing_complaints(sample: Any) -> None:
    login = dataclasses.replace(sample.filed[0], close_reason="duplicate", fix=None)
    report = sample.report(filed=[login, *sample.filed[1:]])
    row = next(r for r in report.fix_next if r.family_id == "T-login")
    # L5 (03-20) and L6 (03-25) after the close on 03-18: not "open", not "no issue".
    assert (row.status, row.issue_key, row.closed_at) == (CLOSED, "acme/app#1", login.closed_at)
    assert (row.tickets, row.days_open, row.command) == (2, None, None)
    md = render_markdown(report)
    assert "closed, no fix (2024-03-18)" in md and "**1 issue** closed with no fix" in md


def test_a_commit_fix_shows_its_short_sha_and_web_page(sample: Any) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"
    api = f"https://api.github.com/repos/acme/app/commits/{sha}"
    invoice = sample.filed[2]
    fix = dataclasses.replace(invoice.fix, ref=sha, url=api)
    report = sample.report(filed=[*sample.filed[:2], dataclasses.replace(invoice, fix=fix)])
    [trace] = [t for t in report.fixed if t.fix and t.fix.kind == "commit"]
    assert trace.fix is not None
    assert (trace.fix.ref, trace.fix.url) == (
        "0123456",
        f"https://github.com/acme/app/commit/{sha}",
    )
    assert commit_page(f"https://ghe.example.com/api/v3/repos/o/r/commits/{sha}") == (
        f"https://ghe.example.com/o/r/commit/{sha}"
    )
    assert commit_page("https://example.com/x") == "https://example.com/x"
    html = render_html(report)
    assert api not in html and sha not in html.replace(f"/commit/{sha}", "")
