"""Triage planning is pure: themes + filed issues + settings -> actions with reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.trackers.base import CommentMark, FiledIssue
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.suggest import Counts, recorded_counts, splice
from sddkit.trackers.triage import needs_marks, plan_triage
from tests.support import trackers as fakes

NOW = fakes.NOW
GOLDEN = Path(__file__).parent / "golden"


def filed(theme_id: str, counts: Counts, **extra: Any) -> FiledIssue:
    body = f"<!-- sddkit:theme={theme_id} -->\n<!-- sddkit:tickets 000000 -->\n{counts.block()}"
    return FiledIssue("acme/app#1", theme_id, "Renamed", "open", "u", NOW, body=body, **extra)


def plan(
    themes: list[Any],
    issues: list[FiledIssue],
    tickets: dict[str, Any],
    marks: dict[str, list[CommentMark]] | None = None,
    tracker: str = "github",
    **opts: Any,
) -> Any:
    options = TriageSettings(**{"min_tickets": 3, "min_customers": 2, **opts})
    return plan_triage(themes, issues, tickets, options, tracker=tracker, now=NOW, marks=marks)


@pytest.mark.parametrize(
    ("size", "customers", "kind", "reason"),
    [
        (2, 5, "bug", "2 tickets < min 3"),
        (6, 1, "bug", "1 customers < min 2"),
        (6, 5, "question", "kind 'question' is not filed"),
    ],
)
def test_thresholds_say_why_nothing(size: int, customers: int, kind: str, reason: str) -> None:
    tickets = fakes.corpus("a", size)
    [action] = plan(
        [fakes.theme("T-a", list(tickets), kind=kind, customers=customers)], [], tickets
    )
    assert (action.kind, action.reason) == ("nothing", reason)


def test_growth_by_count_or_percentage() -> None:
    tickets = fakes.corpus("a", 12)
    theme = fakes.theme("T-a", list(tickets))
    assert plan([theme], [filed("T-a", Counts(11, 5))], tickets)[0].kind == "update"
    assert plan([theme], [filed("T-a", Counts(7, 5))], tickets)[0].kind == "comment"  # +5
    by_pct = plan([theme], [filed("T-a", Counts(9, 5))], tickets, comment_growth_pct=30)
    assert by_pct[0].kind == "comment"  # +3 = 33 %
    assert plan([theme], [filed("T-a", Counts(12, 5))], tickets)[0].kind == "nothing"


def test_update_keeps_the_title_people_gave_and_marks_duplicates() -> None:
    tickets = fakes.corpus("a", 6)
    first = filed("T-a", Counts(5, 5))
    second = replace(first, key="acme/app#9", created_at=NOW.replace(year=2026))
    [action, link] = plan([fakes.theme("T-a", list(tickets))], [second, first], tickets)
    assert action.issue == first and action.draft is not None
    assert action.draft.title == "Renamed"
    assert "same subject as acme/app#9 (linked; no new issue)" in action.reason
    assert link.kind == "link" and link.issue == second and link.draft is None


def test_counts_round_trip_and_splice_keeps_outside_text() -> None:
    counts = Counts(4, 3, 1)
    assert recorded_counts(f"x {counts.block()} y") == counts
    old = "mine\n<!-- sddkit:begin -->\nold\n<!-- sddkit:end -->\nafter"
    new = "<!-- sddkit:begin -->\nnew\n<!-- sddkit:end -->\n"
    assert splice(old, new) == "mine\n<!-- sddkit:begin -->\nnew\n<!-- sddkit:end -->\nafter"


@pytest.mark.parametrize(
    ("tracker", "name"), [("github", "github_body.md"), ("jira", "jira_body.txt")]
)
def test_body_matches_golden_file(tracker: str, name: str) -> None:
    tickets = fakes.corpus("a", 4)
    [action] = plan([fakes.theme("T-a", list(tickets))], [], tickets, tracker=tracker)
    golden = GOLDEN / name
    if not golden.exists():  # first run writes it; review and commit it
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(action.draft.body, encoding="utf-8")
    assert action.draft.body == golden.read_text(encoding="utf-8")


def test_growth_counts_from_the_last_growth_comment_when_the_body_lags() -> None:
    tickets = fakes.corpus("a", 14)
    theme = fakes.theme("T-a", list(tickets))
    issue = filed("T-a", Counts(6, 5))  # the body still says 6: the run died after commenting
    [action] = plan([theme], [issue], tickets, {issue.key: [CommentMark("T-a", "growth", 12)]})
    assert (action.kind, action.comment) == ("update", None)
    [action] = plan([theme], [issue], tickets)  # without the mark: it would comment again
    assert action.kind == "comment" and action.comment is not None
    assert action.comment.endswith("<!-- sddkit:comment theme=T-a event=growth count=14 -->")


def closed(tickets: dict[str, Any], reason: str | None = "completed", days: int = 3) -> FiledIssue:
    at = min(t.created_at for t in tickets.values()) + timedelta(days=days, hours=1)
    issue = filed("T-a", Counts(len(tickets), 5))
    return replace(issue, state="closed", closed_at=at, close_reason=reason)


def test_regression_threshold_and_repeat_per_growth() -> None:
    tickets = fakes.corpus("a", 12)  # one ticket a day; closed after the 4th: 8 after
    theme = fakes.theme("T-a", list(tickets))
    issue = closed(tickets)
    assert plan([theme], [issue], tickets, regression_min=9)[0].kind == "nothing"
    [action] = plan([theme], [issue], tickets)
    assert action.kind == "regression" and action.comment is not None
    assert "event=regression count=8" in action.comment
    said = {issue.key: [CommentMark("T-a", "regression", 4, issue.closed_at)]}
    assert plan([theme], [issue], tickets, said, comment_growth=5)[0].kind == "nothing"
    assert plan([theme], [issue], tickets, said, comment_growth=4)[0].kind == "regression"
    # A mark from before the issue was (re)closed belongs to an earlier closure.
    stale = {issue.key: [CommentMark("T-a", "regression", 8, NOW - timedelta(days=90))]}
    assert plan([theme], [issue], tickets, stale)[0].kind == "regression"


@pytest.mark.parametrize("reason", ["not_planned", "Won't Do", "won’t fix", "DUPLICATE"])
def test_closed_as_not_planned_is_left_alone(reason: str) -> None:
    tickets = fakes.corpus("a", 12)
    issue = closed(tickets, reason)
    [action] = plan([fakes.theme("T-a", list(tickets))], [issue], tickets)
    assert (action.kind, action.reason) == (
        "nothing",
        f"closed as not planned ({reason}); new tickets: 8",
    )
    theme = fakes.theme("T-a", list(tickets))
    assert needs_marks([theme], [issue], tickets, TriageSettings()) == []


def test_needs_marks_only_for_issues_that_may_get_a_comment() -> None:
    tickets = fakes.corpus("a", 12)
    theme = fakes.theme("T-a", list(tickets))
    opts = TriageSettings()
    assert needs_marks([theme], [filed("T-a", Counts(12, 5))], tickets, opts) == []
    grown = filed("T-a", Counts(10, 5))
    assert needs_marks([theme], [grown], tickets, opts) == [grown]
    assert needs_marks([theme], [closed(tickets)], tickets, opts) == [closed(tickets)]
    assert needs_marks([theme], [closed(tickets, days=11)], tickets, opts) == []  # 1 after


@settings(max_examples=50)
@given(
    theme_id=st.from_regex(r"T-[a-z0-9]{1,8}", fullmatch=True),
    event=st.sampled_from(["growth", "regression"]),
    count=st.integers(min_value=0, max_value=10**6),
    tracker=st.sampled_from(["github", "jira"]),
    text=st.text(max_size=80),
)
def test_comment_marks_round_trip(
    theme_id: str, event: str, count: int, tracker: str, text: str
) -> None:
    mark = CommentMark(theme_id, event, count)
    parsed = CommentMark.parse(f"{text}\n\n{mark.text(tracker)}")
    assert parsed is not None and parsed.ident == mark.ident


def test_a_theme_under_a_new_id_finds_its_issue_by_the_ticket_fingerprint() -> None:
    tickets = fakes.corpus("a", 12) | fakes.corpus("b", 8)
    old = fakes.theme("T-old", [k for k in tickets if ":a" in k][:10])
    [create] = plan([old], [], tickets)
    assert create.draft is not None
    issue = FiledIssue("acme/app#4", "T-old", "Bug", "open", "u", NOW, body=create.draft.body)
    # The store was lost: the same subject comes back as T-new with two more tickets.
    renamed = fakes.theme("T-new", [k for k in tickets if ":a" in k])
    unrelated = fakes.theme("T-other", [k for k in tickets if ":b" in k])
    actions = plan([renamed, unrelated], [issue], tickets)
    by_theme = {a.theme.id: a for a in actions}
    assert by_theme["T-new"].kind == "update" and by_theme["T-new"].issue == issue
    assert "found by its tickets (filed as T-old)" in by_theme["T-new"].reason
    assert by_theme["T-new"].draft is not None
    assert "sddkit:theme=T-old" in by_theme["T-new"].draft.body  # the issue keeps its id
    assert by_theme["T-other"].kind == "create"


def test_an_issue_filed_before_fingerprints_gets_one() -> None:
    tickets = fakes.corpus("a", 5)
    theme = fakes.theme("T-a", list(tickets))
    old = replace(
        filed("T-a", Counts(5, 5)), body=f"<!-- sddkit:theme=T-a -->\n{Counts(5, 5).block()}"
    )
    [action] = plan([theme], [old], tickets)
    assert action.kind == "update" and "adding the ticket fingerprint" in action.reason
    assert action.draft is not None and "sddkit:tickets " in action.draft.body
