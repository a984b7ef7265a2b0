"""Triage: what to do in the tracker for each theme (pure planning), and doing it.

`plan_triage` decides, per theme, one action with a reason:

- ``create``      no issue carries the theme's marker and the theme passes the thresholds;
- ``update``      the issue's recorded counts differ from the theme's (body rewritten);
- ``comment``     the theme grew by at least `comment_growth` tickets or `comment_growth_pct`
                  percent since the recorded count (body rewritten, then a short comment);
- ``regression``  the issue is closed and new tickets arrived after it closed (comment, and the
                  body records how many so the next run does not repeat itself);
- ``nothing``     up to date, below the thresholds, or a kind that is not filed.

The title of an existing issue is never changed (people rename issues), nor its labels/state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import FiledIssue, IssueDraft, Tracker
from sddkit.trackers.retry import TrackerError
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.suggest import Counts, recorded_counts, render_draft, splice

ACTIONS = ("create", "update", "comment", "regression", "nothing")


@dataclass(frozen=True)
class Action:
    kind: str  # one of ACTIONS
    theme: Theme
    reason: str
    draft: IssueDraft | None = None  # create; update/comment/regression: the body to write
    issue: FiledIssue | None = None
    comment: str | None = None

    @property
    def writes(self) -> bool:
        return self.kind != "nothing"


@dataclass
class Outcome:
    action: Action
    issue: FiledIssue | None = None


@dataclass
class ApplyResult:
    done: list[Outcome] = field(default_factory=list)
    remaining: list[Action] = field(default_factory=list)
    error: str | None = None

    @property
    def complete(self) -> bool:
        return self.error is None


def plan_triage(
    themes: Iterable[Theme],
    filed: Sequence[FiledIssue],
    tickets: Mapping[str, Ticket],
    settings: TriageSettings,
    *,
    tracker: str,
    now: datetime,
) -> list[Action]:
    """One action per theme, largest themes first. Pure: reads nothing but the templates."""
    by_theme: dict[str, list[FiledIssue]] = {}
    for issue in sorted(filed, key=lambda i: (i.created_at, i.key)):
        by_theme.setdefault(issue.theme_id, []).append(issue)
    actions = []
    for theme in sorted(themes, key=lambda t: (-t.size, t.id)):
        issues = by_theme.get(theme.id, [])
        if issues:
            action = _for_filed(theme, issues[0], tickets, settings, tracker, now)
            if len(issues) > 1:
                extra = ", ".join(i.key for i in issues[1:])
                action = _note(action, f"; also marked: {extra} (duplicates, left alone)")
        else:
            action = _for_new(theme, tickets, settings, tracker, now)
        actions.append(action)
    return actions


def _for_new(
    theme: Theme,
    tickets: Mapping[str, Ticket],
    settings: TriageSettings,
    tracker: str,
    now: datetime,
) -> Action:
    if theme.kind not in settings.kinds:
        return Action("nothing", theme, f"kind {theme.kind!r} is not filed")
    if theme.size < settings.min_tickets:
        return Action("nothing", theme, f"{theme.size} tickets < min {settings.min_tickets}")
    if theme.customer_count < settings.min_customers:
        return Action(
            "nothing", theme, f"{theme.customer_count} customers < min {settings.min_customers}"
        )
    counts = Counts(theme.size, theme.customer_count)
    draft = render_draft(theme, tickets, settings, tracker=tracker, counts=counts, now=now)
    reason = f"new theme: {theme.size} tickets from {theme.customer_count} customers"
    return Action("create", theme, reason, draft=draft)


def _for_filed(
    theme: Theme,
    issue: FiledIssue,
    tickets: Mapping[str, Ticket],
    settings: TriageSettings,
    tracker: str,
    now: datetime,
) -> Action:
    recorded = recorded_counts(issue.body)
    after_close = recorded.after_close if recorded else 0
    if issue.state == "closed" and issue.closed_at is not None:
        closed_at = issue.closed_at
        after_close = sum(
            1 for key in theme.ticket_keys if key in tickets and tickets[key].created_at > closed_at
        )
    counts = Counts(theme.size, theme.customer_count, after_close)

    def rewrite(kind: str, reason: str, comment: str | None = None) -> Action:
        draft = render_draft(theme, tickets, settings, tracker=tracker, counts=counts, now=now)
        body = splice(issue.body, draft.body)
        draft = IssueDraft(draft.theme_id, issue.title, body, issue.labels, draft.issue_type)
        return Action(kind, theme, reason, draft=draft, issue=issue, comment=comment)

    if issue.state == "closed":
        new = after_close - (recorded.after_close if recorded else 0)
        if new >= max(1, settings.regression_min):
            since = issue.closed_at.date().isoformat() if issue.closed_at else "?"
            text = (
                f"Possible regression: {new} new support ticket{'s' if new != 1 else ''} "
                f"about this since it was closed on {since} ({after_close} in all since then, "
                f"{theme.size} in the theme). Reported by sddkit."
            )
            return rewrite("regression", f"closed, {new} new tickets since {since}", text)
        return Action("nothing", theme, "closed, no new tickets since", issue=issue)
    if recorded is None:
        return rewrite("update", "issue body has no sddkit counts; rewriting them")
    grew = theme.size - recorded.tickets
    pct = 100.0 * grew / recorded.tickets if recorded.tickets else 0.0
    if grew > 0 and (grew >= settings.comment_growth or pct >= settings.comment_growth_pct):
        text = (
            f"This theme grew from {recorded.tickets} to {theme.size} support tickets "
            f"(+{grew}, {pct:+.0f}%), now from {theme.customer_count} customers; "
            f"trend: {theme.trend}. Reported by sddkit."
        )
        return rewrite("comment", f"grew {recorded.tickets} → {theme.size} tickets", text)
    if (recorded.tickets, recorded.customers) != (counts.tickets, counts.customers):
        return rewrite(
            "update",
            f"counts {recorded.tickets}/{recorded.customers} → "
            f"{counts.tickets}/{counts.customers} (tickets/customers)",
        )
    return Action("nothing", theme, "up to date", issue=issue)


def _note(action: Action, text: str) -> Action:
    return Action(
        action.kind, action.theme, action.reason + text, action.draft, action.issue, action.comment
    )


def apply_plan(tracker: Tracker, actions: Sequence[Action]) -> ApplyResult:
    """Perform the actions in order; stop at the first failure and say what remains.

    For growth/regression the body is written before the comment: if the run dies in
    between, the next run sees the new count and does not comment twice.
    """
    result = ApplyResult()
    pending = [a for a in actions if a.writes]
    for index, action in enumerate(pending):
        try:
            result.done.append(Outcome(action, _perform(tracker, action)))
        except TrackerError as error:
            result.error = str(error)
            result.remaining = list(pending[index:])
            break
    return result


def _perform(tracker: Tracker, action: Action) -> FiledIssue:
    assert action.draft is not None
    if action.kind == "create":
        return tracker.create(action.draft)
    assert action.issue is not None
    issue = tracker.update(action.issue, action.draft)
    if action.comment:
        tracker.comment(issue, action.comment)
    return issue
