"""Golden test of the JSON figures on the hand-made history in conftest.py.

Every figure asserted below was worked out by hand from the tickets listed in conftest.py
(period 2024-03-04 .. 2024-03-31 UTC, options: weeks=2, target 24 h, repeat window 7 days,
surfaced = one of the first 2 tickets). The golden file then pins the whole output.
Regenerate it with SDDKIT_UPDATE_GOLDEN=1 after checking a change by hand.
"""

from __future__ import annotations

import dataclasses
import json
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from sddkit.errors import SddkitError
from sddkit.report.build import period
from sddkit.report.render import render_json, report_data
from sddkit.trackers.base import FiledIssue

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("SDDKIT_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


@pytest.fixture
def data(sample: Any) -> dict[str, Any]:
    return report_data(sample.report())


def test_json_matches_golden(sample: Any) -> None:
    check_golden("report.json", render_json(sample.report()))


def test_trace_of_fix_with_tickets_after(data: dict[str, Any]) -> None:
    # Fixed issues first by fix date (#1 on 03-18, #3 on 03-28), then the open #2.
    assert [t["issue_key"] for t in data["traces"]] == ["acme/app#1", "acme/app#3", "acme/app#2"]
    login = data["traces"][0]
    # Behind the fix (created before 2024-03-18): L1 c1, L2 c2, L3 c1, L4 c3 -> 4 tickets,
    # customers {c1, c2, c3} = 3.
    assert login["ticket_keys"] == [f"zendesk:L{i}" for i in (1, 2, 3, 4)]
    assert (login["tickets"], login["customers"]) == (4, 3)
    # First complaint L1 2024-02-26 09:00; filed 03-06 12:00 = 9 days 3 h = 9.125 days;
    # fixed 03-18 00:00 = 21 days - 9 h = 20.625 days (February 2024 has 29 days).
    assert login["first_complaint"] == "2024-02-26T09:00:00+00:00"
    assert login["days_to_file"] == 9.125
    assert login["days_to_fix"] == 20.625
    assert login["fix"]["ref"] == "#10"
    # Two weeks before [03-04, 03-18): L2, L3, L4 = 3 -> 1.5/week. After [03-18, 04-01):
    # L5, L6 = 2 in 2 whole weeks -> 1.0/week; L7 (04-03) is after the period. Change
    # 1.0 / 1.5 - 1 = -33.33 %.
    assert (login["before"], login["after"], login["after_weeks"]) == (3, 2, 2.0)
    assert (login["before_per_week"], login["after_per_week"]) == (1.5, 1.0)
    assert login["change"] == -0.3333
    assert login["after_keys"] == ["zendesk:L5", "zendesk:L6"]
    # Handlers of L1..L4: Nina (L1, L3), Ana (L2, L4): ties by name.
    assert login["handlers"] == [
        {"name": "Ana Petrović", "tickets": 2},
        {"name": "Nina Kovač", "tickets": 2},
    ]


def test_trace_of_fix_with_no_tickets_after_near_period_end(data: dict[str, Any]) -> None:
    invoice = data["traces"][1]
    # I1 and I2 have no customer id: each counts as its own customer; I3 is c7 -> 3.
    assert (invoice["tickets"], invoice["customers"]) == (3, 3)
    # 03-01 12:00 -> filed 03-10 00:00 = 8.5 days; -> fixed 03-28 00:00 = 26.5 days.
    assert (invoice["days_to_file"], invoice["days_to_fix"]) == (8.5, 26.5)
    # Before [03-14, 03-28): I3 only -> 1 -> 0.5/week. The after window is cut by the period
    # end: [03-28, 04-01) = 4 days = 0.5714 weeks, 0 tickets -> 0/week. 4 days is under the
    # 7-day minimum: no change (it would say -100 %), "too early to tell".
    assert (invoice["before"], invoice["after"]) == (1, 0)
    assert invoice["after_weeks"] == round(4 / 7, 4)
    assert (invoice["before_per_week"], invoice["after_per_week"], invoice["change"]) == (
        0.5,
        0.0,
        None,
    )
    assert invoice["verdict"] == "too early to tell"
    assert (invoice["since_fix"], invoice["after_window"], invoice["returned"]) == (0, 0, False)
    assert invoice["after_keys"] == []
    # The helpdesk agent outside the config keeps their email as the name.
    assert invoice["handlers"][1] == {"name": "agent.smith@helpdesk.example", "tickets": 1}


def test_fixes_group_traces_by_fix(data: dict[str, Any]) -> None:
    # Each fix here closes one issue, so its figures are its trace's: PR #10 (acme/app#1) on
    # 03-18, commit abc1234 (acme/app#3) on 03-28; the open acme/app#2 has no fix entry.
    pr, commit = data["fixes"]
    assert (pr["kind"], pr["ref"], pr["issue_keys"], pr["theme_ids"]) == (
        "pull_request",
        "#10",
        ["acme/app#1"],
        ["T-login"],
    )
    assert (pr["url"], pr["title"]) == ("https://github.com/acme/app/pull/10", "Fix")
    # As in the trace: L1-L4 behind it, 3 customers, 20.625 days from L1; 3 before (1.5/wk)
    # -> 2 after (1.0/wk), -33.33 %.
    assert (pr["tickets"], pr["customers"], pr["days_to_fix"]) == (4, 3, 20.625)
    assert (pr["before"], pr["after"], pr["before_per_week"], pr["after_per_week"]) == (
        3,
        2,
        1.5,
        1.0,
    )
    assert pr["change"] == -0.3333
    # 2 weeks after (>= 7 days) and 3 + 2 = 5 tickets (>= 5): the change stands. Since the
    # fix: L5, L6 (L7 is after the period) = 2, none after the 2-week window (it ends with
    # the period); 2 < 3: the complaints did not come back.
    assert pr["verdict"] is None
    assert (pr["since_fix"], pr["after_window"], pr["returned"]) == (2, 0, False)
    # The fix landed on Monday 03-18 00:00: weeks before it have nothing after the fix.
    assert pr["per_week_after"] == [0, 0, 1, 1]
    # Login complaints per week of the period (L1 is before it, L7 after it): 03-04 L2 L3,
    # 03-11 L4, 03-18 L5, 03-25 L6.
    assert [(w["week"], w["tickets"]) for w in pr["per_week"]] == [
        ("2024-03-04", 2),
        ("2024-03-11", 1),
        ("2024-03-18", 1),
        ("2024-03-25", 1),
    ]
    # abc1234: I1-I3, 3 customers, 26.5 days; 1 before (0.5/wk) -> 0 in 4 days, -100 %;
    # no URL or title on a bare commit. Per week: 03-04 I2 (I1 is before the period), 03-18 I3.
    assert (commit["kind"], commit["url"], commit["title"]) == ("commit", None, None)
    assert (commit["tickets"], commit["customers"], commit["days_to_fix"]) == (3, 3, 26.5)
    assert (commit["before"], commit["after"], commit["after_weeks"]) == (1, 0, 0.5714)
    assert (commit["after_per_week"], commit["change"]) == (0.0, None)
    assert commit["verdict"] == "too early to tell"
    assert [w["tickets"] for w in commit["per_week"]] == [1, 0, 1, 0]


def test_open_issue_has_no_fix_figures(data: dict[str, Any]) -> None:
    export = data["traces"][2]
    # E1 c2, E2 c6, E3 c6 -> 3 tickets, 2 customers; 03-14 08:00 -> filed 03-20 09:00 =
    # 6 days 1 h = 6.0417 days.
    assert (export["tickets"], export["customers"], export["days_to_file"]) == (3, 2, 6.0417)
    for figure in ("fix", "days_to_fix", "before", "after", "after_per_week", "change"):
        assert export[figure] is None


def test_support_health(data: dict[str, Any]) -> None:
    h = data["health"]
    # In the period: L2-L6, E1-E3, I2, I3, D1, D2, U1 = 13 tickets; customers c1-c9 plus I2
    # (no id) = 10.
    assert (h["tickets"], h["customers"]) == (13, 10)
    # First responses (h): 0.25 0.5 1 2 4 8 12 26 30 50 170 (L6 and U1 have none) -> 11;
    # median = 6th = 8; p90 = rank ceil(9.9) = 10th = 50; over 24 h: 26 30 50 170 = 4.
    # Unanswered L6 (03-25 10:00, 7 days old at NOW 04-01 09:00) and U1 (03-29 09:00, 3 days
    # old) are both past 24 h: late too. Over target (4 + 2) / (11 + 2) = 6/13.
    assert h["first_response"] == {"count": 11, "median": 8.0, "p90": 50.0}
    assert (h["over_target"], h["over_target_count"]) == (round(6 / 13, 4), 6)
    assert (h["unanswered"], h["unanswered_late"]) == (2, 2)
    # Resolution (h): L2 24, L3 4, L4 48, E1 24, E2 48, I2 24, I3 6 -> sorted 4 6 24 24 24 48 48;
    # median 24, p90 = rank ceil(6.3) = 7th = 48.
    assert h["resolution"] == {"count": 7, "median": 24.0, "p90": 48.0}
    scales = {s["scale"]: s for s in h["satisfaction"]}
    # 0-10: L2 9, L3 10, L4 3, D1 7 -> avg 7.25; promoters 2/4; detractors (<= 6) 1/4; NPS 25.
    assert scales["10"]["average"] == 7.25
    assert (scales["10"]["promoters"], scales["10"]["detractors"], scales["10"]["nps"]) == (
        0.5,
        0.25,
        25.0,
    )
    # 1-5: E1 5, E2 2 -> avg 3.5, CSAT (4-5) 1/2. good/bad: I2 good, I3 bad -> 1/2 good.
    assert (scales["5"]["average"], scales["5"]["csat"]) == (3.5, 0.5)
    assert scales["good_bad"]["good"] == 0.5
    # U1 has a score of 4 and no scale: average only.
    assert scales["unknown"]["average"] == 4.0
    assert scales["unknown"]["nps"] is None
    # Unrated: L5, L6, E3, D2.
    assert h["unrated"] == 4
    # (customer, theme) pairs: c2-login, c1-login, c3-login, c4-login, c5-login, c2-export,
    # c6-export (E2, E3 one day apart), c7-invoice, c8-dark (D1, D2 one day apart) = 9, 2 repeat.
    assert (h["repeat_pairs"], h["repeat_contacts"], h["repeat_rate"]) == (9, 2, 0.2222)
    # Weeks: 03-04: L2 L3 I2; 03-11: L4 E1; 03-18: L5 E2 E3 I3; 03-25: L6 D1 D2 U1.
    assert [(w["week"], w["tickets"]) for w in h["per_week"]] == [
        ("2024-03-04", 3),
        ("2024-03-11", 2),
        ("2024-03-18", 4),
        ("2024-03-25", 4),
    ]
    assert [(c["channel"], c["tickets"]) for c in h["per_channel"]] == [
        ("email", 6),  # L2 L4 L5 E1 I2 I3
        ("chat", 4),  # L3 L6 D1 D2
        ("web", 2),  # E2 E3
        ("phone", 1),  # U1
    ]
    assert [(c["language"], c["tickets"]) for c in h["per_language"]] == [
        ("en", 8),  # L2 L3 L5 L6 E1 I3 D1 D2
        ("fr", 2),
        ("de", 1),
        ("sr", 1),
        ("unknown", 1),  # I2
    ]
    # Bars hold (lower, upper]: <=1h 0.25 0.5 1 | 1-4h 2 4 | 4-8h 8 | 8-24h 12 | 24-48h 26 30 |
    # 48h-7d 50 | >7d 170 | no reply: L6 U1.
    assert [(b["bucket"], b["tickets"]) for b in h["frt_histogram"]] == [
        ("≤ 1 h", 3),
        ("1–4 h", 2),
        ("4–8 h", 1),
        ("8–24 h", 1),
        ("24–48 h", 2),
        ("48 h–7 d", 1),
        ("> 7 d", 1),
        ("no reply", 2),
    ]


def test_participation(data: dict[str, Any]) -> None:
    rows = {p["name"]: p for p in data["participation"]}
    # Engineers, then designers, then agents outside the config.
    assert list(rows) == [
        "Ana Petrović",
        "Nina Kovač",
        "Kasia Wójcik",
        "agent.smith@helpdesk.example",
    ]
    # Shifts starting in [03-04, 04-01): Nina 03-04 and 03-18 (8 h each), Ana 03-11 (8 h),
    # Kasia 03-11 (4 h); Ana's 02-26 and Nina's 04-01 shifts are outside; the unstaffed seat
    # counts for nobody.
    assert (rows["Nina Kovač"]["shifts"], rows["Nina Kovač"]["shift_hours"]) == (2, 16.0)
    assert (rows["Ana Petrović"]["shifts"], rows["Ana Petrović"]["shift_hours"]) == (1, 8.0)
    assert (rows["Kasia Wójcik"]["shifts"], rows["Kasia Wójcik"]["shift_hours"]) == (1, 4.0)
    # Answered in the period: Nina L3 L5 E2 E3; Ana L2 L4 I3; Kasia E1 D1 D2; Smith I2.
    assert [p["tickets_answered"] for p in rows.values()] == [3, 4, 3, 1]
    # First two tickets: login L1 (Nina, before the period) L2 (Ana); export E1 (Kasia) E2
    # (Nina); invoice I1 (Ana, before) I2 (Smith); dark D1 D2 (Kasia).
    assert rows["Nina Kovač"]["themes_fed"] == ["T-export", "T-login"]
    assert rows["Nina Kovač"]["themes_surfaced"] == ["T-export"]
    assert rows["Ana Petrović"]["themes_fed"] == ["T-invoice", "T-login"]
    assert rows["Ana Petrović"]["themes_surfaced"] == ["T-login"]
    assert rows["Ana Petrović"]["issues_fed"] == ["acme/app#1", "acme/app#3"]
    assert rows["Kasia Wójcik"]["themes_surfaced"] == ["T-dark", "T-export"]
    assert rows["Kasia Wójcik"]["issues_fed"] == ["acme/app#2"]
    assert rows["agent.smith@helpdesk.example"]["role"] == "agent"


def test_todo_ranks_open_families_without_issue(data: dict[str, Any]) -> None:
    # The SSO family: T-sso (S1 c11, S2 c12, S3 c13; en, fading) + T-sso-pl (S4 c13, S5 c14;
    # pl, stable): 5 tickets, customers {c11, c12, c13, c14} = 4 (c13 wrote in both), stable
    # (its best member's trend) -> (5 + 4) x 1 = 9, ahead of T-dark (a family of one):
    # (2 tickets + 1 customer) x 2 (growing) = 6. Ranked per theme, T-sso alone would be
    # (3 + 3) x 0.5 = 3, behind Dark mode. But Dark mode drew complaints in the period and
    # heads Fix next, while SSO had none: the to-do list follows Fix next's order, then the
    # families it does not list by their own score.
    todo = data["todo"]
    assert [(i["theme_id"], i["score"]) for i in todo] == [("T-dark", 6.0), ("T-sso", 9.0)]
    assert [r["family_id"] for r in data["fix_next"]] == ["T-dark"]
    assert [(i["size"], i["customers"], i["trend"]) for i in todo] == [
        (2, 1, "growing"),
        (5, 4, "stable"),
    ]
    assert [i["theme_ids"] for i in todo] == [["T-dark"], ["T-sso", "T-sso-pl"]]
    assert [i["languages"] for i in todo] == [["en"], ["en", "pl"]]
    # S1..S5 are all before 2024-03-04; D1, D2 are in the period. Last seen: S5 on 03-01.
    assert [i["tickets_in_period"] for i in todo] == [2, 0]
    assert todo[1]["label"] == "SSO setup question" and todo[1]["last_seen"].startswith(
        "2024-03-01"
    )
    assert data["notes"] == []


def test_an_issue_for_any_member_covers_the_family(sample: Any) -> None:
    """Triage files one issue per family and finds it again through any member: an issue
    for the Polish member takes the whole SSO family off the to-do list."""
    issue = FiledIssue(
        key="acme/app#4",
        theme_id="T-sso-pl",
        title="SSO",
        state="open",
        url="https://github.com/acme/app/issues/4",
        created_at=datetime(2024, 3, 20, tzinfo=UTC),
    )
    report = sample.report(filed=[*sample.filed, issue])
    assert [item.theme_id for item in report.todo] == ["T-dark"]


def test_a_family_grows_when_any_member_grows(sample: Any) -> None:
    themes = [
        dataclasses.replace(t, trend="growing") if t.id == "T-sso-pl" else t for t in sample.themes
    ]
    first = next(i for i in sample.report(themes=themes).todo if i.theme_id == "T-sso")
    # (5 tickets + 4 customers) x 2 = 18
    assert (first.theme_id, first.trend, first.score) == ("T-sso", "growing", 18.0)


def test_period_from_dates_includes_both_days() -> None:
    start, end = period(date(2024, 3, 4), date(2024, 3, 31))
    assert start == datetime(2024, 3, 4, tzinfo=UTC)
    assert end == datetime(2024, 4, 1, tzinfo=UTC)


def test_period_rejects_reversed_and_naive() -> None:
    with pytest.raises(SddkitError, match="before it starts"):
        period(date(2024, 3, 4), date(2024, 3, 1))
    with pytest.raises(SddkitError, match="no timezone"):
        period(datetime(2024, 3, 4), date(2024, 3, 10))


def test_json_is_valid_and_stable(sample: Any) -> None:
    text = render_json(sample.report())
    assert render_json(sample.report()) == text
    assert json.loads(text)["format"] == 3


def test_an_issue_fed_through_several_themes_is_listed_once(sample: Any) -> None:
    # acme/app#1 covers login and export (one family's issue); Nina fed both themes.
    login, *rest = sample.filed
    family_issue = dataclasses.replace(login, theme_ids=("T-login", "T-export"))
    data = report_data(sample.report(filed=[family_issue, *rest]))
    nina = next(p for p in data["participation"] if p["name"] == "Nina Kovač")
    assert nina["issues_fed"] == ["acme/app#1", "acme/app#2"]
