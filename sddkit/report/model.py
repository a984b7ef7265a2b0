"""The report's plain data: what `build` computes and `render` turns into HTML, Markdown, JSON.

Every figure is defined once, in docs/report.md; the field comments here say where each comes
from. Durations are in hours or days as the name says, rates are fractions in 0..1.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sddkit.report.business_hours import BusinessHours
from sddkit.tickets.satisfaction import SCALES
from sddkit.trackers.settings import TriageSettings

if TYPE_CHECKING:
    from sddkit.report.canned import CannedReplySource


_TRIAGE = TriageSettings()


@dataclass(frozen=True)
class TriageRules:
    """What triage files and how it reads a closed issue (the config's [triage]): the report
    offers `sddkit triage --apply` only for a family triage would file, and reads "closed as
    not planned" with the same close reasons."""

    kinds: tuple[str, ...] = _TRIAGE.kinds
    min_tickets: int = _TRIAGE.min_tickets
    min_customers: int = _TRIAGE.min_customers
    not_planned: tuple[str, ...] = _TRIAGE.not_planned


@dataclass(frozen=True)
class ReportOptions:
    """Knobs of the figures; the defaults are the documented ones."""

    weeks: int = 4  # before/after window around a fix, in weeks
    frt_target_hours: float = 24.0  # first-response target
    repeat_window_days: float = 7.0  # repeat contact: same customer, same theme, within this
    surfaced_first_k: int = 3  # a person surfaced a theme if they handled one of its first k
    # A before/after change is shown only once the after window is this long and the two
    # windows hold this many tickets; until then the fix is "too early to tell".
    min_after_days: float = 7.0
    min_window_tickets: int = 5
    # Complaints came back after a fix when the rate since it is, with this confidence, above
    # this share of the rate before it (came_back.py), and at least regression_min arrived.
    regression_share: float = 0.25
    regression_confidence: float = 0.9
    regression_min: int = 3
    onboarding_days: float = 30.0  # a customer's first days, counted from when first seen
    # First responses measured in business hours against the target; None: calendar hours.
    business_hours: BusinessHours | None = None
    # Where the export names the canned reply an agent used; None: no such section.
    canned_replies: CannedReplySource | None = None
    # A custom field (e.g. "plan") whose values break down the customers of "Fix next" rows.
    segment_field: str | None = None
    triage: TriageRules = TriageRules()  # from the config's [triage], not [report]


@dataclass(frozen=True)
class Handler:
    """Someone who answered tickets (a person from the config, or the raw assignee)."""

    name: str
    tickets: int


@dataclass(frozen=True)
class FixInfo:
    kind: str
    ref: str
    fixed_at: datetime
    url: str | None
    title: str | None


@dataclass(frozen=True)
class Trace:
    """One filed issue followed from its complaints to its fix and beyond."""

    issue_key: str
    issue_title: str
    issue_url: str
    issue_state: str  # state as the tracker reports it now
    state: str  # at the end of the period: trace.OPEN, FIXED or NO_FIX (closed, no fix)
    theme_id: str
    theme_label: str | None  # None when the theme is no longer in the latest run
    tickets: int  # tickets behind the issue: the theme's tickets up to the fix (all if unfixed)
    customers: int  # distinct customers among those tickets
    first_complaint: datetime | None
    filed_at: datetime
    closed_at: datetime | None  # when the tracker closed it, if before the end of the period
    fix: FixInfo | None  # None when not fixed by the end of the period
    days_to_fix: float | None  # first complaint -> fix, in days
    days_to_file: float | None  # first complaint -> filed, in days
    before: int | None  # theme tickets in [fix - weeks, fix)
    after: int | None  # theme tickets in [fix, min(fix + weeks, period end))
    after_weeks: float | None  # length of the after window in weeks (< weeks near period end)
    before_per_week: float | None
    after_per_week: float | None
    change: float | None  # after/before per week - 1; None if no before tickets or a verdict
    verdict: str | None  # why there is no change yet: TOO_EARLY / TOO_FEW (see trace.py)
    since_fix: int | None  # theme tickets from the fix to the end of the period
    after_window: int | None  # of those, created after the `weeks` window
    returned: bool  # complaints came back (came_back.py)
    returned_confidence: float | None  # how sure: 1 - p of the test; None without a fix
    handlers: tuple[Handler, ...]  # who answered the tickets behind the issue
    ticket_keys: tuple[str, ...]  # tickets behind the issue
    after_keys: tuple[str, ...]  # theme tickets from the fix to the end of the period


@dataclass(frozen=True)
class FixSummary:
    """One fix (a pull request, commit or resolution: kind + ref) with every issue it closed.

    One change often closes several issues, e.g. when the same subject was clustered into a
    theme per language; the figures here count each ticket once across those issues' themes.
    """

    kind: str
    ref: str
    fixed_at: datetime  # the earliest date any of its issues reports for it
    url: str | None
    title: str | None
    issue_keys: tuple[str, ...]  # the issues it closed, in trace order
    theme_ids: tuple[str, ...]
    tickets: int  # distinct tickets behind its issues (created before the fix)
    customers: int  # distinct customers among those tickets
    first_complaint: datetime | None
    days_to_fix: float | None  # first complaint -> fix, in days
    before: int  # its themes' tickets in [fix - weeks, fix)
    after: int  # its themes' tickets in [fix, min(fix + weeks, period end))
    after_weeks: float
    before_per_week: float
    after_per_week: float | None  # None when the fix lands at the very end of the period
    change: float | None  # after/before per week - 1; None if no before tickets or a verdict
    verdict: str | None  # why there is no change yet: TOO_EARLY / TOO_FEW (see trace.py)
    since_fix: int  # its themes' tickets from the fix to the end of the period
    after_window: int  # of those, created after the `weeks` window
    returned: bool  # complaints came back (came_back.py)
    returned_confidence: float  # how sure: 1 - p of the test
    per_week: tuple[tuple[date, int], ...]  # its themes' tickets per week of the period
    per_week_after: tuple[int, ...]  # of each week's, created at or after the fix


@dataclass(frozen=True)
class Distribution:
    """Summary of durations in hours."""

    count: int
    median: float | None
    p90: float | None


@dataclass(frozen=True)
class Satisfaction:
    """Scores on one scale; which of the rate fields is set depends on the scale."""

    scale: str  # "10", "5", "good_bad" or "unknown"
    count: int
    average: float
    promoters: float | None = None  # 10-point: share of 9-10
    detractors: float | None = None  # 10-point: share of 0-6
    nps: float | None = None  # 10-point: (promoters - detractors) * 100
    csat: float | None = None  # 5-point: share of 4-5
    good: float | None = None  # good/bad: share good


@dataclass(frozen=True)
class Health:
    tickets: int
    customers: int
    first_response: Distribution  # hours, over tickets that got a response (but those below)
    over_target: float | None  # late / judged: FRT > target, or no reply and older than it
    over_target_count: int  # the late tickets (answered late + unanswered past the target)
    unanswered: int  # tickets with no first response recorded
    unanswered_late: int  # of those, older than the target when the report was made
    resolution: Distribution  # hours, over solved tickets
    satisfaction: tuple[Satisfaction, ...]
    unrated: int  # tickets without a satisfaction score
    repeat_pairs: int  # (customer, theme) pairs with tickets in the period
    repeat_contacts: int  # of those, pairs with two tickets within the window
    repeat_rate: float | None
    per_week: tuple[tuple[date, int], ...]  # Monday (UTC) -> tickets, every week of the period
    per_channel: tuple[tuple[str, int], ...]  # most first
    per_language: tuple[tuple[str, int], ...]  # most first
    frt_histogram: tuple[tuple[str, int], ...]  # bar label -> tickets; last: no reply, late
    # Business hours: answered while closed, no business hour waited (not in first_response).
    answered_off_hours: int = 0


@dataclass(frozen=True)
class Participation:
    """One person's share of the rotation during the period."""

    name: str
    role: str
    shifts: int
    shift_hours: float
    tickets_answered: int
    themes_fed: tuple[str, ...]  # themes with any ticket they answered
    themes_surfaced: tuple[str, ...]  # themes where they answered one of the first k tickets
    issues_fed: tuple[str, ...]  # filed issues of the themes they fed
    # Quality (on_shift.py): of the tickets they answered, those first answered during their
    # own shifts and the rest; first responses anyone got during their shifts; the median
    # first response of their tickets (hours) and the share satisfied among the rated.
    answered_on_shift: int = 0
    answered_off_shift: int = 0
    responses_on_shift: int = 0
    first_response_median: float | None = None
    satisfied: float | None = None
    rated: int = 0


@dataclass(frozen=True)
class TodoItem:
    """A theme family with no filed issue (a theme on its own is a family of one), and why it
    ranks where it does. The figures are the family's: its members' totals."""

    theme_id: str  # the family id (its founding theme's id)
    label: str
    kind: str
    size: int  # the members' tickets
    customers: int  # distinct customers across the members
    trend: str  # growing if any member grows, else stable if any is stable, else fading
    tickets_in_period: int
    last_seen: datetime
    score: float
    theme_ids: tuple[str, ...] = ()  # the members, founder first
    languages: tuple[str, ...] = ()  # most tickets first


@dataclass(frozen=True)
class FixNextItem:
    """One row of "Fix next": a theme family still drawing complaints (see fix_next.py)."""

    family_id: str  # the family's founding theme
    label: str
    status: str  # fix_next.NO_ISSUE, OPEN or RETURNED
    theme_ids: tuple[str, ...]  # the members, founder first
    languages: tuple[str, ...]  # of the complaints counted, most first
    tickets: int  # complaints counted: in the period, from `since` on
    customers: int  # distinct customers among them
    trend: str  # the themes' trend: growing if any member grows, else stable, else fading
    since: datetime  # complaints counted from: period start, the issue's filing, or its fix
    per_week: float | None  # tickets / weeks from `since` to the end of the period
    satisfied: float | None  # share satisfied among the rated ones (metrics.satisfied_share)
    rated: int
    repeat_rate: float | None  # (customer, family) pairs with two tickets within the window
    issue_key: str | None
    issue_url: str | None
    days_open: float | None  # open issues: filed -> end of the period, in days
    fixed_at: datetime | None  # RETURNED: the fix the complaints came back after
    command: str | None  # no issue yet, and triage would file one: the command that does
    score: float  # (tickets + customers) x trend weight
    # Customers per value of options.segment_field (segments.py); empty without one.
    segments: tuple[tuple[str, int], ...] = ()
    confidence: float | None = None  # RETURNED: how sure they came back (came_back.py)
    closed_at: datetime | None = None  # CLOSED: when its issue was closed without a fix
    not_filed: str | None = None  # no issue yet, and triage would not file one: why


@dataclass(frozen=True)
class Onboarding:
    """Tickets written in the customer's first `days` days (onboarding.py)."""

    days: float
    tickets: int
    customers: int  # distinct new customers among them
    share: float | None  # of the period's tickets with a customer id
    themes: tuple[tuple[str, int], ...]  # theme families they met most: (title, tickets)
    satisfied: float | None  # share satisfied among their rated tickets (satisfied_share)
    rated: int
    others_satisfied: float | None  # the same for the other tickets, to compare
    others_rated: int
    # Left out: tickets within `days` of a customer's first sight, when that sight falls in
    # the first `days` of the store's history (they may have been customers long before).
    unsure: int = 0
    unsure_customers: int = 0


@dataclass(frozen=True)
class CannedReply:
    """One canned reply (macro) and how often the customer wrote back after it (canned.py)."""

    name: str
    uses: int  # tickets of the period it was used on
    follow_ups: int  # of those, where the customer wrote again within the window
    rate: float
    examples: tuple[tuple[str, str], ...]  # (ticket key, the follow-up's first words)


@dataclass(frozen=True)
class ClosedLoop:
    """A fix's follow-ups and what came after them (closed_loop.py)."""

    kind: str
    ref: str
    told: int  # customers told about the fix (sddkit followup's ledger)
    wrote_again: int  # of those, customers who wrote about its subject after being told
    satisfied: float | None  # share satisfied among their rated tickets after being told
    rated: int


@dataclass(frozen=True)
class Report:
    since: datetime
    until: datetime  # exclusive
    generated_at: datetime
    options: ReportOptions
    traces: tuple[Trace, ...]
    health: Health
    participation: tuple[Participation, ...]
    todo: tuple[TodoItem, ...]
    notes: tuple[str, ...] = field(default=())  # data caveats shown at the top of the report
    fixes: tuple[FixSummary, ...] = field(default=())  # fixed traces grouped by fix, by date
    fix_next: tuple[FixNextItem, ...] = field(default=())  # current pain, most first
    onboarding: Onboarding | None = None
    canned_replies: tuple[CannedReply, ...] = ()  # with options.canned_replies set
    history_start: datetime | None = None  # the store's earliest ticket
    closed_loops: tuple[ClosedLoop, ...] = ()  # fixes whose customers were told, by fix date

    def with_note(self, note: str) -> Report:
        return replace(self, notes=(*self.notes, note))

    @property
    def last_day(self) -> date:
        """The last day inside the period (`until` itself is excluded)."""
        return (self.until - timedelta(microseconds=1)).date()

    @property
    def fixed(self) -> tuple[Trace, ...]:
        return tuple(t for t in self.traces if t.fix is not None)

    @property
    def unfixed(self) -> tuple[Trace, ...]:
        """Open issues and those closed with no fix."""
        return tuple(t for t in self.traces if t.fix is None)

    @property
    def scale(self) -> str | None:
        """The helpdesk's satisfaction scale, when the period's scores are all on one."""
        known = {s.scale for s in self.health.satisfaction if s.scale in SCALES}
        return known.pop() if len(known) == 1 else None

    @property
    def open_issues(self) -> tuple[Trace, ...]:
        return tuple(t for t in self.traces if t.state == "open")
