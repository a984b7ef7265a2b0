"""One triage run over the store: load themes and tickets, plan, apply, refresh the cache."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sddkit.themes.model import Theme
from sddkit.themes.store import load_themes
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import get_tickets
from sddkit.trackers import lineage
from sddkit.trackers.base import FiledIssue, Tracker
from sddkit.trackers.cache import PendingWrites, load_filed, remember_filed, save_filed
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.triage import Action, ApplyResult, apply_plan, needs_marks, plan_triage


@dataclass
class TriageRun:
    tracker: str  # e.g. "github:acme/app"
    actions: list[Action]
    result: ApplyResult | None = None  # None for a dry run
    cached: int = 0  # issues saved into the store's cache after --apply


def plan_run(
    conn: sqlite3.Connection,
    settings: TriageSettings,
    *,
    kind: str,
    tracker: Tracker | None,
    cache_name: str,
    now: datetime,
) -> TriageRun:
    """Plan against the tracker (the ledger), or against the store's cache when offline."""
    themes = load_themes(conn)
    keys = sorted({key for theme in themes for key in theme.ticket_keys})
    tickets = {ticket.key: ticket for ticket in get_tickets(conn, keys, visible_only=True)}
    if tracker is None:
        filed = load_filed(conn, cache_name)
        lines = lineage.load(conn, cache_name)
        actions = plan_triage(
            themes, filed, tickets, settings, tracker=kind, now=now, lineage=lines
        )
        return TriageRun(cache_name, actions)
    known = [issue.key for issue in load_filed(conn, tracker.name)]
    lines = lineage.load(conn, tracker.name)
    actions = plan_against(
        tracker, themes, tickets, settings, kind=kind, now=now, known=known, lineage=lines
    )
    return TriageRun(tracker.name, actions)


def plan_against(
    tracker: Tracker,
    themes: Sequence[Theme],
    tickets: Mapping[str, Ticket],
    settings: TriageSettings,
    *,
    kind: str,
    now: datetime,
    known: Sequence[str] = (),
    lineage: Mapping[str, frozenset[str]] | None = None,
) -> list[Action]:
    """The plan from the tracker's issues and, for those that may get a comment, the marks
    of sddkit's comments on them: a comment posted by an earlier (perhaps crashed) run is
    known. Offline plans (from the cache) go without marks.

    `known` are keys the store recorded as written: any the tracker's listing missed (its
    search lags) is read by key; `lineage`: the tickets each issue was written for."""
    filed = tracker.filed_issues()
    listed = {issue.key for issue in filed}
    for key in known:
        if key not in listed:
            issue = tracker.find(key)
            if issue is not None:
                filed.append(issue)
    marks = {
        issue.key: tracker.comment_marks(issue)
        for issue in needs_marks(themes, filed, tickets, settings, lineage)
    }
    return plan_triage(
        themes, filed, tickets, settings, tracker=kind, now=now, marks=marks, lineage=lineage
    )


def apply_run(conn: sqlite3.Connection, run: TriageRun, tracker: Tracker) -> TriageRun:
    """Perform the plan; unless a rate limit stopped it, cache the tracker's issues (with
    their fixes), also after some actions failed. Each issue written is recorded at once,
    with the tickets it was written for (`lineage`)."""
    tickets_of = {
        (a.issue.key if a.issue else a.draft.theme_id if a.draft else ""): a.theme.ticket_keys
        for a in run.actions
        if a.kind not in ("nothing", "link")
    }

    def written(issue: FiledIssue) -> None:
        remember_filed(conn, tracker.name, issue)
        keys = tickets_of.get(issue.key) or tickets_of.get(issue.theme_id) or ()
        lineage.record(conn, tracker.name, issue.key, keys)

    run.result = apply_plan(tracker, run.actions, written, PendingWrites(conn, tracker.name))
    if run.result.stopped is None:
        issues = refresh_cache(conn, tracker)
        run.cached = len(issues)
    return run


def refresh_cache(conn: sqlite3.Connection, tracker: Tracker) -> list[FiledIssue]:
    """Read every sddkit issue and the fix of each closed one into the store's cache."""
    issues = [
        replace(issue, fix=tracker.fix_of(issue)) if issue.state == "closed" else issue
        for issue in tracker.filed_issues()
    ]
    save_filed(conn, tracker.name, issues)
    return issues


def cache_name(kind: str, settings: TriageSettings) -> str:
    """The tracker's `name` without building it (for --offline)."""
    if kind == "github" and settings.github is not None:
        return f"github:{settings.github.repo}"
    if kind == "jira" and settings.jira is not None:
        return f"jira:{settings.jira.project}"
    return kind
