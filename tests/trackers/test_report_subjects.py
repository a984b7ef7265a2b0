"""The report names the issue triage names for a family, also after a re-cluster; offline
equals live (one cache per tracker)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sddkit.report.build import build_report
from sddkit.report.sources import live_filed
from sddkit.store import open_store
from sddkit.tickets.store import upsert_tickets
from sddkit.trackers.cache import load_filed
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.workflow import apply_run, plan_run
from tests.support import trackers as fakes
from tests.support.themes import save_themes
from tests.trackers.test_github import tracker

NOW = fakes.NOW
SETTINGS = TriageSettings(min_tickets=3, min_customers=2)


def test_after_a_recluster_the_report_names_the_issue_triage_names(
    fake_github: Any, policy: Any
) -> None:
    conn = open_store(":memory:")
    tickets = fakes.corpus("a", 6) | fakes.corpus("b", 5, start_day=8)
    upsert_tickets(conn, tickets.values())
    a = sorted(k for k in tickets if ":a" in k)
    b = sorted(k for k in tickets if ":b" in k)
    save_themes(conn, [fakes.theme("T-a", a, customers=6), fakes.theme("T-b", b)], NOW)
    gh = tracker(fake_github, policy)
    run = plan_run(conn, SETTINGS, kind="github", tracker=gh, cache_name=gh.name, now=NOW)
    apply_run(conn, run, gh)
    assert len(fake_github.issues) == 2
    # a week later the store is re-clustered: the same subjects under new ids
    later = NOW + timedelta(days=7)
    save_themes(conn, [fakes.theme("T-x", a, customers=6), fakes.theme("T-y", b)], later)
    again = plan_run(conn, SETTINGS, kind="github", tracker=gh, cache_name=gh.name, now=later)
    by_triage = {a.theme.id: a.issue.key for a in again.actions if a.issue is not None}
    assert by_triage == {"T-x": "acme/app#1", "T-y": "acme/app#2"}
    assert all(a.kind != "create" for a in again.actions)

    def report(filed: list[Any]) -> Any:
        return build_report(conn, since=NOW - timedelta(days=40), until=later, filed=filed,
                            shifts=[], now=later)  # fmt: skip

    live = report(gh.filed_issues())
    traced = {t.issue_key: (t.theme_label is not None, t.tickets) for t in live.traces}
    assert traced == {"acme/app#1": (True, 6), "acme/app#2": (True, 5)}
    assert live.todo == ()  # no family reads "No issue yet"
    offline = report(load_filed(conn, gh.name))
    assert offline.traces == live.traces


def test_two_families_a_person_merged_are_one_row_of_fix_next(
    fake_github: Any, policy: Any
) -> None:
    conn = open_store(":memory:")
    # complaints after the issues were filed: still pain, rows of Fix next
    tickets = fakes.corpus("a", 6, start_day=31) | fakes.corpus("b", 5, start_day=31)
    upsert_tickets(conn, tickets.values())
    a = sorted(k for k in tickets if ":a" in k)
    b = sorted(k for k in tickets if ":b" in k)
    save_themes(conn, [fakes.theme("T-a", a, customers=6), fakes.theme("T-b", b)], NOW)
    gh = tracker(fake_github, policy)
    apply_run(conn, plan_run(conn, SETTINGS, kind="github", tracker=gh, cache_name=gh.name,
                             now=NOW), gh)  # fmt: skip
    fake_github.close_as_duplicate(2, of=1, at=NOW)
    later = NOW + timedelta(days=7)
    run = plan_run(conn, SETTINGS, kind="github", tracker=gh, cache_name=gh.name, now=later)
    apply_run(conn, run, gh)

    def rows(filed: list[Any]) -> list[tuple[str | None, tuple[str, ...], int]]:
        report = build_report(conn, since=NOW - timedelta(days=40), until=later, filed=filed,
                              shifts=[], now=later)  # fmt: skip
        return [(r.issue_key, r.theme_ids, r.tickets) for r in report.fix_next]

    # one subject, one issue, one row: both families' complaints counted on #1
    assert rows(live_filed(gh)) == [("acme/app#1", ("T-a", "T-b"), 11)]
    assert rows(load_filed(conn, gh.name)) == rows(live_filed(gh))


def test_an_issue_closed_as_a_duplicate_of_a_persons_own_is_traced_to_that_ones_fix(
    fake_github: Any, policy: Any
) -> None:
    """The team had its own issue; sddkit filed the subject again; a person closed sddkit's
    as a duplicate of theirs and fixed theirs: the report traces the complaints to that fix
    (not "closed, no fix"), live and offline, and triage files nothing again."""
    conn = open_store(":memory:")
    tickets = fakes.corpus("a", 6) | fakes.corpus("late", 3, start_day=40)
    upsert_tickets(conn, tickets.values())
    save_themes(conn, [fakes.theme("T-a", sorted(tickets), customers=9)], NOW)
    person = {"login": "nina", "id": 1, "type": "User"}
    fake_github.add_issue("CSV export broken", "Seen by two customers.", [], user=person)
    gh = tracker(fake_github, policy)
    apply_run(conn, plan_run(conn, SETTINGS, kind="github", tracker=gh, cache_name=gh.name,
                             now=NOW), gh)  # fmt: skip
    assert sorted(fake_github.issues) == [1, 2]
    fixed = NOW + timedelta(days=5)
    fake_github.close_as_duplicate(2, of=1, at=NOW + timedelta(days=1))
    fake_github.reference(1, 9, merged=fixed, title="Stream the CSV export")
    fake_github.close(1, fixed)
    later = NOW + timedelta(days=14)
    run = plan_run(conn, SETTINGS, kind="github", tracker=gh, cache_name=gh.name, now=later)
    [action] = run.actions
    assert action.kind == "nothing" and "a duplicate of their acme/app#1" in action.reason
    apply_run(conn, run, gh)
    assert sorted(fake_github.issues) == [1, 2]  # nothing filed again
    assert fake_github.comments[1] == []  # and nothing written to the person's issue

    def traces(filed: list[Any]) -> list[tuple[str, str, str | None, int, int | None]]:
        report = build_report(conn, since=NOW - timedelta(days=40), until=later, filed=filed,
                              shifts=[], now=later)  # fmt: skip
        return [
            (t.issue_key, t.state, t.fix.ref if t.fix else None, t.tickets, t.after)
            for t in report.traces
            if t.theme_id == "T-a"
        ]

    live = traces(live_filed(gh))
    assert live == [("acme/app#1", "fixed", "#9", 6, 3)]
    assert traces(load_filed(conn, gh.name)) == live
