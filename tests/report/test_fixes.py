"""Grouping traces by fix, on the hand-made history of conftest.py changed so that one pull
request closes several issues (as when one subject was found as a theme per language)."""

from __future__ import annotations

import dataclasses
from typing import Any

from sddkit.report.render import charts, report_data
from sddkit.trackers.base import FiledIssue


def shared_fix(sample: Any) -> list[FiledIssue]:
    """acme/app#2 (export) is closed by PR #10 too, and a second issue on the login theme,
    acme/app#4, also names #10 but reports it a day later."""
    login, export, invoice = sample.filed
    late = dataclasses.replace(login.fix, fixed_at=login.fix.fixed_at.replace(day=19))
    return [
        login,
        dataclasses.replace(export, state="closed", fix=login.fix),
        invoice,
        dataclasses.replace(login, key="acme/app#4", fix=late),
    ]


def test_one_fix_closing_several_issues_counts_each_ticket_once(sample: Any) -> None:
    data = report_data(sample.report(filed=shared_fix(sample)))
    pr, commit = data["fixes"]
    assert commit["issue_keys"] == ["acme/app#3"]
    # Traces are ordered by fix date, so #4 (fixed 03-19) comes last.
    assert pr["issue_keys"] == ["acme/app#1", "acme/app#2", "acme/app#4"]
    assert pr["theme_ids"] == ["T-login", "T-export"]
    # The fix date is the earliest its issues report: 03-18 00:00.
    assert pr["fixed_at"] == "2024-03-18T00:00:00+00:00"
    # Tickets behind it (before 03-18), login and export together, each once although two
    # issues share the login theme: L1 c1, L2 c2, L3 c1, L4 c3, E1 c2 -> 5 tickets; customers
    # {c1, c2, c3} = 3 (c2 wrote about both; summing the issues would say 3 + 1 + 3 = 7).
    assert (pr["tickets"], pr["customers"]) == (5, 3)
    # First complaint L1 2024-02-26 09:00 -> 20.625 days.
    assert pr["days_to_fix"] == 20.625
    # Before [03-04, 03-18): L2 L3 L4 E1 = 4 -> 2.0/wk. After [03-18, 04-01): L5 L6 E2 (03-18
    # 08:00) E3 = 4 -> 2.0/wk; change 0.
    assert (pr["before"], pr["after"], pr["before_per_week"], pr["after_per_week"]) == (
        4,
        4,
        2.0,
        2.0,
    )
    assert pr["change"] == 0.0
    # Per week: 03-04 L2 L3; 03-11 L4 E1; 03-18 L5 E2 E3; 03-25 L6.
    assert [w["tickets"] for w in pr["per_week"]] == [2, 2, 3, 1]


def test_charts_mark_each_fix_once(sample: Any) -> None:
    drawn = charts(sample.report(filed=shared_fix(sample)))
    weekly = drawn["weekly"]
    # Two fixes, two dashed lines, although three issues name #10.
    assert weekly.count('<line class="fix"') == 2
    assert ">#10 (3 issues)<" in weekly and ">abc1234<" in weekly
    # One pair of bars per fix in the before/after chart, one small chart per fix.
    assert drawn["before_after"].count('<rect class="bar before" x="0" y="') == 1 + 2
    assert len(drawn["fixes"]) == 2
