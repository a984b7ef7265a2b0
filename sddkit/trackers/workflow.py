"""One triage run over the store: load themes and tickets, plan, apply, refresh the cache.

Which issues are sddkit's is decided here from everything that identifies them, not the
marker line alone (`gather`, `recognise`): the tracker's listing (marker, ``sddkit`` label or
other sddkit lines), the keys the store recorded (read by key, so an issue the search has not
indexed, whose label was renamed, or that was moved to another project or transferred to
another repository is followed to its new key), then for an issue whose marker a person
deleted: the id the store knew it by, the member ids of its ``themes=`` line, its ticket
fingerprint, or, with the ``sddkit`` label, its title. An issue none of these names is left
alone; the trackers never return another repository's or project's issue from a listing.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sddkit.themes.model import Theme
from sddkit.themes.store import load_themes
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import get_tickets
from sddkit.trackers import lineage
from sddkit.trackers.base import SDDKIT_LABEL, FiledIssue, IssueDraft, Tracker
from sddkit.trackers.cache import PendingWrites, load_filed, remember_filed, save_filed
from sddkit.trackers.family import family_units
from sddkit.trackers.identity import best_match, fingerprint_in
from sddkit.trackers.rewrite import Journal, describe, unseen_overwrite
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.suggest import private_of, title_for
from sddkit.trackers.triage import Action, ApplyResult, apply_plan, needs_marks, plan_triage
from sddkit.trackers.verdicts import with_verdicts


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
    known = load_filed(conn, tracker.name)
    lines = lineage.load(conn, tracker.name)
    actions = plan_against(
        tracker, themes, tickets, settings, kind=kind, now=now, known=known, lineage=lines
    )
    journal = PendingWrites(conn, tracker.name)
    return TriageRun(tracker.name, _writing_back(tracker, actions, journal))


def _writing_back(tracker: Tracker, actions: list[Action], journal: Journal) -> list[Action]:
    """`actions` with each open issue left alone whose body the store has not seen checked
    an update, when its history shows an earlier run's unchecked write over a person's edit
    (`rewrite.unchecked_overwrite`: that run stopped before its check and its store was
    lost): writing the edit back need not wait for the subject's counts to change. One
    history read per such issue, once: after the run the store has seen its body. Closed
    issues (most of a tracker's, over the years) wait for their next write."""
    planned = []
    for action in actions:
        issue = action.issue
        if action.kind == "nothing" and issue is not None and issue.state != "closed":
            lost = unseen_overwrite(tracker, issue, journal)
            if lost is not None:
                why = f"{describe(lost)}, overwritten by an earlier run's unchecked write"
                draft = IssueDraft(issue.theme_id, issue.title, issue.body, issue.labels)
                action = Action("update", action.theme, f"{why}: written back", draft, issue)
        planned.append(action)
    return planned


def plan_against(
    tracker: Tracker,
    themes: Sequence[Theme],
    tickets: Mapping[str, Ticket],
    settings: TriageSettings,
    *,
    kind: str,
    now: datetime,
    known: Sequence[FiledIssue | str] = (),
    lineage: Mapping[str, frozenset[str]] | None = None,
) -> list[Action]:
    """The plan from the tracker's issues and, for those that may get a comment, the marks
    of sddkit's comments on them: a comment posted by an earlier (perhaps crashed) run is
    known. Offline plans (from the cache) go without marks.

    `known` are the issues (or keys) the store recorded as written (`gather`); `lineage`:
    the tickets each issue was last written for."""
    filed = recognise(gather(tracker, known), known, themes, tickets)
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
        planned = [a.issue for a in run.actions if a.issue is not None]
        done = [o.issue for o in run.result.done if o.issue is not None]
        issues = refresh_cache(conn, tracker, [*planned, *done])
        run.cached = len(issues)
    return run


def refresh_cache(
    conn: sqlite3.Connection, tracker: Tracker, seen: Sequence[FiledIssue] = ()
) -> list[FiledIssue]:
    """Read every sddkit issue and the fix of each closed one into the store's cache: those
    listed, those the store (or this run, `seen`) knows by key, each under its current key."""
    known = [*load_filed(conn, tracker.name), *seen]
    issues = [
        replace(issue, fix=tracker.fix_of(issue)) if issue.state == "closed" else issue
        for issue in recognise(gather(tracker, known), known)
    ]
    save_filed(conn, tracker.name, issues)
    return issues


def gather(tracker: Tracker, known: Sequence[FiledIssue | str]) -> list[FiledIssue]:
    """The tracker's listing (unmarked issues too), and each issue the store recorded that
    the listing missed, read by key and followed if it moved. An issue without its marker
    keeps the id the store knew it by (also one the listing found under its new key). A
    closed one carries the issue a person closed it as a duplicate of, if any."""
    found = {issue.key: issue for issue in tracker.filed_issues(unmarked=True)}
    for record in known:
        key = record if isinstance(record, str) else record.key
        issue = found[key] if key in found else tracker.find(key)
        if issue is None:
            continue
        issue = found.get(issue.key, issue)
        if not issue.theme_id and not isinstance(record, str) and record.theme_id:
            issue = replace(issue, theme_id=record.theme_id, theme_ids=record.theme_ids)
        found[issue.key] = issue
    return with_verdicts(tracker, list(found.values()))


def recognise(
    filed: Sequence[FiledIssue],
    known: Sequence[FiledIssue | str] = (),
    themes: Sequence[Theme] = (),
    tickets: Mapping[str, Ticket] | None = None,
) -> list[FiledIssue]:
    """`filed` with the theme id of each issue that lost its marker (see the module
    docstring); those nothing identifies are dropped (never written)."""
    stored = {r.key: r for r in known if not isinstance(r, str) and r.theme_id}
    lost = [issue for issue in filed if not issue.theme_id]
    found: dict[str, str] = {}
    if lost and themes:
        units = family_units(list(themes), tickets or {}, None)
        ids = {
            u.theme.id: u.theme.id if u.theme.id in u.member_ids else u.member_ids[0] for u in units
        }
        claimed = {t for issue in filed for t in issue.covered if t}
        alone = [
            (u.theme.id, u.theme.ticket_keys) for u in units if not claimed & set(u.member_ids)
        ]
        hashes = {i.key: fingerprint_in(i.body) for i in lost}
        found = {key: ids[unit] for unit, key in best_match(alone, hashes).items()}
        # A title names a unit only if no other unit has it (many themes share one label).
        title = {u.theme.id: title_for(u.theme, private_of(u.theme, tickets or {})) for u in units}
        named = Counter(title.values())
        titles = {
            title[u.theme.id]: ids[u.theme.id]
            for u in units
            if not claimed & set(u.member_ids) and named[title[u.theme.id]] == 1
        }
        for issue in lost:
            if issue.key not in found and SDDKIT_LABEL in issue.labels and issue.title in titles:
                found[issue.key] = titles[issue.title]
    out = []
    for issue in filed:
        if not issue.theme_id:
            record = stored.get(issue.key)
            theme_id = (
                (record.theme_id if record else None)
                or (issue.theme_ids[0] if issue.theme_ids else None)
                or found.get(issue.key)
            )
            if not theme_id:
                continue
            theme_ids = issue.theme_ids or (record.theme_ids if record else ())
            issue = replace(issue, theme_id=theme_id, theme_ids=theme_ids)
        out.append(issue)
    return out
