"""Triage planning is pure: themes + filed issues + settings -> actions with reasons."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sddkit.trackers.base import FiledIssue
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.suggest import Counts, recorded_counts, splice
from sddkit.trackers.triage import plan_triage
from tests.support import trackers as fakes

NOW = fakes.NOW
GOLDEN = Path(__file__).parent / "golden"


def filed(theme_id: str, counts: Counts, **extra: Any) -> FiledIssue:
    body = f"<!-- sddkit:theme={theme_id} -->\n{counts.block()}"
    return FiledIssue("acme/app#1", theme_id, "Renamed", "open", "u", NOW, body=body, **extra)


def plan(themes: list[Any], issues: list[FiledIssue], tickets: dict[str, Any], **opts: Any) -> Any:
    settings = TriageSettings(**{"min_tickets": 3, "min_customers": 2, **opts})
    return plan_triage(themes, issues, tickets, settings, tracker="github", now=NOW)


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
    [action] = plan([fakes.theme("T-a", list(tickets))], [second, first], tickets)
    assert action.issue == first and action.draft is not None
    assert action.draft.title == "Renamed"
    assert "also marked: acme/app#9" in action.reason


def test_counts_round_trip_and_splice_keeps_outside_text() -> None:
    counts = Counts(4, 3, 1)
    assert recorded_counts(f"x {counts.block()} y") == counts
    old = "mine\n<!-- sddkit:begin -->\nold\n<!-- sddkit:end -->\nafter"
    new = "<!-- sddkit:begin -->\nnew\n<!-- sddkit:end -->\n"
    assert splice(old, new) == "mine\n<!-- sddkit:begin -->\nnew\n<!-- sddkit:end -->\nafter"


def test_github_body_matches_golden_file() -> None:
    tickets = fakes.corpus("a", 4)
    [action] = plan([fakes.theme("T-a", list(tickets))], [], tickets)
    golden = GOLDEN / "github_body.md"
    if not golden.exists():  # first run writes it; review and commit it
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(action.draft.body, encoding="utf-8")
    assert action.draft.body == golden.read_text(encoding="utf-8")
