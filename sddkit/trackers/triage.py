"""Triage: what to do in the tracker for each theme (pure planning), and doing it.

`plan_triage` decides, per theme, one action with a reason:

- ``create``      no issue carries the theme's marker and the theme passes the thresholds;
- ``update``      the issue's recorded counts differ from the theme's (body rewritten);
- ``comment``     the theme grew by at least `comment_growth` tickets or `comment_growth_pct`
                  percent since the last growth comment or recorded count (a short comment,
                  then the body rewritten);
- ``regression``  the issue was closed as completed and at least `regression_min` tickets
                  arrived after it closed; repeated only when `comment_growth` more arrived
                  since the last regression comment (comment, then body);
- ``link``        a further issue of a subject that already has one (two filed issues found to
                  be one subject): one comment naming the issue that counts the subject, once
                  (none on an issue a person closed as a duplicate: the subject's tickets,
                  both issues' included, are counted on the issue it duplicates);
- ``nothing``     up to date, below the thresholds, a kind that is not filed, or closed as
                  not planned (won't do, duplicate…: new tickets there are not a regression).

Themes are planned by subject (`subjects.pair_subjects`): a family with the issues it
continues, found by lineage (the tickets each issue was written for), by marker or by ticket
fingerprint (a lost store); an issue continues one family only. One issue per subject,
thresholds on its totals; an existing issue keeps its own marker id. A subject with several
issues counts on its primary (oldest open) issue, links the others to it, and never files
another.

The title of an existing issue is never changed (people rename issues), nor its labels/state.
When sddkit last commented comes from the marks on its comments (`CommentMark`), passed in as
`marks`; the tracker is the ledger, so this holds across stateless runs and crashes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import (
    CommentMark,
    FiledIssue,
    IssueDraft,
    Tracker,
    closed_as_not_planned,
    theme_id_in,
)
from sddkit.trackers.family import Unit
from sddkit.trackers.identity import fingerprint_in
from sddkit.trackers.retry import RateLimited, TrackerError
from sddkit.trackers.rewrite import Journal, rewrite_body, settle_pending
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.subjects import pair_subjects
from sddkit.trackers.suggest import (
    BODY_LIMITS,
    Counts,
    broken,
    outside_length,
    recorded_counts,
    render_draft,
    splice,
)

ACTIONS = ("create", "update", "comment", "regression", "link", "nothing")
# Room left in a body for what people may add between planning and the write.
EDIT_ROOM = 2_000


@dataclass(frozen=True)
class Action:
    kind: str  # one of ACTIONS
    theme: Theme
    reason: str
    draft: IssueDraft | None = None  # create; update/comment/regression: the body to write
    # (link: none, a comment only)
    issue: FiledIssue | None = None
    comment: str | None = None  # ends with the comment's CommentMark

    @property
    def writes(self) -> bool:
        return self.kind != "nothing"


@dataclass
class Outcome:
    action: Action
    issue: FiledIssue | None = None
    notes: tuple[str, ...] = ()  # e.g. a person's edit that was overwritten and restored


@dataclass
class ApplyResult:
    done: list[Outcome] = field(default_factory=list)
    failed: list[tuple[Action, str]] = field(default_factory=list)  # with the tracker's reason
    remaining: list[Action] = field(default_factory=list)  # never tried: the run stopped
    stopped: str | None = None  # why (a rate limit that resets too late)
    notes: list[str] = field(default_factory=list)  # earlier runs' writes, checked now

    @property
    def complete(self) -> bool:
        return not self.failed and not self.remaining

    @property
    def not_done(self) -> list[Action]:
        return [action for action, _ in self.failed] + self.remaining

    @property
    def error(self) -> str | None:
        """The first reason something was not done."""
        return self.failed[0][1] if self.failed else self.stopped


def plan_triage(
    themes: Iterable[Theme],
    filed: Sequence[FiledIssue],
    tickets: Mapping[str, Ticket],
    settings: TriageSettings,
    *,
    tracker: str,
    now: datetime,
    marks: Mapping[str, Sequence[CommentMark]] | None = None,
    lineage: Mapping[str, frozenset[str]] | None = None,
) -> list[Action]:
    """One action per subject (`subjects.pair_subjects`), largest first, plus a link for each
    further issue of a subject. Pure: reads nothing but the templates.

    `marks` maps issue keys to the marks of sddkit's comments on them (see `needs_marks`);
    `lineage` issue keys to the tickets each was written for (`lineage.load`).
    """
    marks = marks or {}
    actions = []
    taken = {issue.theme_id for issue in filed}
    for subject in pair_subjects(themes, filed, tickets, now, lineage):
        unit, primary = subject.unit, subject.primary
        if primary is None:
            action = _for_new(unit, tickets, settings, tracker, now, _free_marker(unit, taken))
            if action.draft is not None:
                taken.add(action.draft.theme_id)
            actions.append(action)
            continue
        action = _for_filed(
            unit, primary, tickets, settings, tracker, now, marks.get(primary.key, ())
        )
        if primary.key in subject.by_tickets:
            action = _note(action, f"; found by its tickets (filed as {primary.theme_id})")
        if subject.duplicates:
            keys = ", ".join(i.key for i in subject.duplicates)
            action = _note(action, f"; {keys} closed by a person as its duplicate (counted here)")
        others = subject.others
        if others:
            keys = ", ".join(i.key for i in others)
            action = _note(action, f"; same subject as {keys} (linked; no new issue)")
        actions.append(action)
        actions.extend(_link(unit, o, primary, tracker, marks.get(o.key, ())) for o in others)
    return actions


def _link(
    unit: Unit, issue: FiledIssue, primary: FiledIssue, tracker: str, marks: Sequence[CommentMark]
) -> Action:
    """A further issue of a subject: one comment pointing to the issue that counts it, then
    left alone (its counts stop; a person may close it as a duplicate)."""
    mark = CommentMark(issue.theme_id, "link", _number(primary.key))
    if any(m.ident == mark.ident for m in marks):
        return Action("nothing", unit.theme, f"same subject as {primary.key} (linked)", issue=issue)
    text = (
        f"Same subject as {primary.key}: its support tickets are counted there from now on, "
        "and this issue is no longer updated. Reported by sddkit."
    )
    reason = f"same subject as {primary.key}: link it there"
    return Action(
        "link", unit.theme, reason, issue=issue, comment=f"{text}\n\n{mark.text(tracker)}"
    )


def _number(key: str) -> int:
    """The number of an issue key ("acme/app#12", "SUP-12"), for a link's mark."""
    digits = "".join(ch for ch in key.rsplit("#", 1)[-1].rsplit("-", 1)[-1] if ch.isdigit())
    return int(digits) if digits else 0


def needs_marks(
    themes: Iterable[Theme],
    filed: Sequence[FiledIssue],
    tickets: Mapping[str, Ticket],
    settings: TriageSettings,
    lineage: Mapping[str, frozenset[str]] | None = None,
) -> list[FiledIssue]:
    """The issues whose comment marks can change the plan: those that may get a comment
    (growth, regression, or a link to the issue counting their subject)."""
    wanted = []
    for subject in pair_subjects(themes, filed, tickets, None, lineage):
        primary = subject.primary
        if primary is not None and _may_comment(subject.unit.theme, primary, tickets, settings):
            wanted.append(primary)
        wanted.extend(subject.others)
    return wanted


def _may_comment(
    theme: Theme, issue: FiledIssue, tickets: Mapping[str, Ticket], settings: TriageSettings
) -> bool:
    if issue.state == "closed":
        if closed_as_not_planned(issue.close_reason, settings.not_planned):
            return False
        return _after_close(theme, issue, tickets) >= max(1, settings.regression_min)
    recorded = recorded_counts(issue.body)
    return recorded is not None and theme.size > recorded.tickets


def _after_close(theme: Theme, issue: FiledIssue, tickets: Mapping[str, Ticket]) -> int:
    closed_at = issue.closed_at
    if issue.state != "closed" or closed_at is None:
        return 0
    return sum(
        1 for key in theme.ticket_keys if key in tickets and tickets[key].created_at > closed_at
    )


def _free_marker(unit: Unit, taken: set[str]) -> str:
    """The marker id a new issue of `unit` is filed under: its theme id, or when an issue
    already carries that one (it now continues another subject, by its tickets), the first
    of "T-x.2", "T-x.3"… none carries. A create first looks for an issue with its marker
    (one a lost response or another runner filed), so a taken marker would find that issue
    and the subject would never be filed (CLINC150 test as a weekly stream: 2 of the 39
    subjects missed)."""
    marker_id = unit.theme.id
    n = 1
    while marker_id in taken:
        n += 1
        marker_id = f"{unit.theme.id}.{n}"
    return marker_id


def _for_new(
    unit: Unit,
    tickets: Mapping[str, Ticket],
    settings: TriageSettings,
    tracker: str,
    now: datetime,
    marker_id: str,
) -> Action:
    theme = unit.theme
    if theme.kind not in settings.kinds:
        return Action("nothing", theme, f"kind {theme.kind!r} is not filed")
    if theme.size < settings.min_tickets:
        return Action("nothing", theme, f"{theme.size} tickets < min {settings.min_tickets}")
    if theme.customer_count < settings.min_customers:
        return Action(
            "nothing", theme, f"{theme.customer_count} customers < min {settings.min_customers}"
        )
    counts = Counts(theme.size, theme.customer_count)
    draft = render_draft(
        theme,
        tickets,
        settings,
        tracker=tracker,
        counts=counts,
        now=now,
        members=unit.members,
        marker_id=marker_id,
    )
    what = f"family of {len(unit.members)} themes" if unit.is_family else "theme"
    reason = f"new {what}: {theme.size} tickets from {theme.customer_count} customers"
    return Action("create", theme, reason, draft=draft)


def _for_filed(
    unit: Unit,
    issue: FiledIssue,
    tickets: Mapping[str, Ticket],
    settings: TriageSettings,
    tracker: str,
    now: datetime,
    marks: Sequence[CommentMark],
) -> Action:
    theme = unit.theme
    recorded = recorded_counts(issue.body)
    after_close = _after_close(theme, issue, tickets)
    if issue.state != "closed":
        after_close = recorded.after_close if recorded else 0
    counts = Counts(theme.size, theme.customer_count, after_close)

    def rewrite(kind: str, reason: str, comment: str | None = None) -> Action:
        draft = render_draft(
            theme,
            tickets,
            settings,
            tracker=tracker,
            counts=counts,
            now=now,
            members=unit.members,
            marker_id=issue.theme_id,
            room=BODY_LIMITS[tracker] - outside_length(issue.body) - EDIT_ROOM,
        )
        body = splice(issue.body, draft.body)
        draft = IssueDraft(draft.theme_id, issue.title, body, issue.labels, draft.issue_type)
        return Action(kind, theme, reason, draft=draft, issue=issue, comment=comment)

    def with_mark(text: str, event: str, count: int) -> str:
        return f"{text}\n\n{CommentMark(issue.theme_id, event, count).text(tracker)}"

    if issue.state == "closed":
        since = issue.closed_at.date().isoformat() if issue.closed_at else "?"
        if closed_as_not_planned(issue.close_reason, settings.not_planned):
            why = f"closed as not planned ({issue.close_reason})"
            if issue.canonical is not None:  # the report follows that issue to its fix
                why = f"closed by a person as a duplicate of their {issue.canonical.key}"
            return Action("nothing", theme, f"{why}; new tickets: {after_close}", issue=issue)
        closed_at = issue.closed_at
        earlier = [
            m.count
            for m in marks
            if m.event == "regression" and (m.at is None or closed_at is None or m.at >= closed_at)
        ]
        last = max(earlier, default=None)
        # The first comment needs regression_min new tickets; each repeat comment_growth more.
        if last is None:
            needed = max(1, settings.regression_min)
            rule = f"comments from {needed}"
        else:
            needed = last + max(1, settings.comment_growth)
            rule = f"last regression comment at {last}, next from {needed}"
        if after_close < needed:
            reason = f"closed, {after_close} new tickets since {since} ({rule})"
            return Action("nothing", theme, reason, issue=issue)
        new = after_close - (last or 0)
        text = (
            f"Possible regression: {new} new support ticket{'s' if new != 1 else ''} "
            f"about this since {'the last such note' if last else 'it was closed'} "
            f"({after_close} since it was closed on {since}, {theme.size} in the theme). "
            "Reported by sddkit."
        )
        return rewrite(
            "regression",
            f"closed, {after_close} new tickets since {since}",
            with_mark(text, "regression", after_close),
        )
    if recorded is None:
        return rewrite("update", "issue body has no sddkit counts; rewriting them")
    # The last growth comment counts even if the body was not rewritten after it (a crash).
    base = max([recorded.tickets, *(m.count for m in marks if m.event == "growth")])
    grew = theme.size - base
    pct = 100.0 * grew / base if base else 0.0
    if grew > 0 and (grew >= settings.comment_growth or pct >= settings.comment_growth_pct):
        text = (
            f"This theme grew from {base} to {theme.size} support tickets "
            f"(+{grew}, {pct:+.0f}%), now from {theme.customer_count} customers; "
            f"trend: {theme.trend}. Reported by sddkit."
        )
        return rewrite(
            "comment",
            f"grew {base} → {theme.size} tickets",
            with_mark(text, "growth", theme.size),
        )
    if (recorded.tickets, recorded.customers) != (counts.tickets, counts.customers):
        return rewrite(
            "update",
            f"counts {recorded.tickets}/{recorded.customers} → "
            f"{counts.tickets}/{counts.customers} (tickets/customers)",
        )
    if theme_id_in(issue.body) != issue.theme_id or broken(issue.body):
        return rewrite(
            "update", "rebuilding sddkit's part (its marker or begin/end line was edited)"
        )
    if not fingerprint_in(issue.body):  # filed before issues carried one
        return rewrite(
            "update", "adding the ticket fingerprint (finds the issue after a lost store)"
        )
    return Action("nothing", theme, "up to date", issue=issue)


def _note(action: Action, text: str) -> Action:
    return Action(
        action.kind, action.theme, action.reason + text, action.draft, action.issue, action.comment
    )


def apply_plan(
    tracker: Tracker,
    actions: Sequence[Action],
    on_written: Callable[[FiledIssue], None] | None = None,
    journal: Journal | None = None,
) -> ApplyResult:
    """Perform the actions in order. A failed action is recorded with the tracker's reason
    and the others still run (one theme's oversized body or rejected field never blocks the
    rest); only a rate limit that resets too late stops the run, leaving the rest `remaining`.
    `on_written` gets each issue as soon as it is written (the store records its key first).

    For growth/regression the comment is posted before the body is rewritten: if the run
    dies in between, the next run still sees the old counts in the body and plans the same
    comment, which the tracker finds by its mark and does not post again; then it rewrites
    the body. (Body first would lose the comment: the next run would see the new counts.)
    With a `journal`, body writes an earlier run did not check are checked first (`rewrite`).
    """
    result = ApplyResult()
    if journal is not None:
        result.notes = settle_pending(tracker, journal)
    pending = [a for a in actions if a.writes]
    for index, action in enumerate(pending):
        try:
            outcome = _perform(tracker, action, journal)
        except RateLimited as error:
            result.failed.append((action, str(error)))
            result.stopped = str(error)
            result.remaining = list(pending[index + 1 :])
            break
        except TrackerError as error:
            result.failed.append((action, str(error)))
            continue
        if on_written is not None and outcome.issue is not None:
            on_written(outcome.issue)
        result.done.append(outcome)
    return result


def _perform(tracker: Tracker, action: Action, journal: Journal | None) -> Outcome:
    """One action. A body is rewritten into what the issue says at the time of the write, and
    an edit saved during the write is restored (`rewrite.rewrite_body`)."""
    if action.kind == "link":
        assert action.issue is not None and action.comment is not None
        tracker.comment(action.issue, action.comment)
        return Outcome(action, action.issue)
    assert action.draft is not None
    if action.kind == "create":
        return Outcome(action, tracker.create(action.draft))
    assert action.issue is not None
    if action.comment:
        tracker.comment(action.issue, action.comment)
    written = rewrite_body(tracker, action.issue, action.draft, journal)
    return Outcome(action, written.issue, written.notes)
