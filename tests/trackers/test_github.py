"""The GitHub tracker against a fake GitHub Enterprise server, with the real PyGithub."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from sddkit.trackers.base import IssueDraft, marker
from sddkit.trackers.github import GitHubTracker
from sddkit.trackers.retry import RateLimited, RetryPolicy, TrackerError
from sddkit.trackers.settings import GitHubSettings, TriageSettings
from sddkit.trackers.triage import apply_plan, plan_triage
from tests.support import trackers as fakes

NOW = fakes.NOW


def tracker(server: Any, policy: RetryPolicy) -> GitHubTracker:
    settings = GitHubSettings(repo="acme/app", url=server.api)
    return GitHubTracker(settings, fakes.GH_TOKEN, policy=policy, write_interval_s=0)


def run(server: Any, policy: RetryPolicy, themes: list[Any], tickets: dict[str, Any]) -> Any:
    gh = tracker(server, policy)
    settings = TriageSettings(min_tickets=3, min_customers=2)
    actions = plan_triage(themes, gh.filed_issues(), tickets, settings, tracker="github", now=NOW)
    return actions, apply_plan(gh, actions)


def draft(theme_id: str) -> IssueDraft:
    return IssueDraft(theme_id, f"Bug: {theme_id}", f"body\n{marker(theme_id)}", ("sddkit", "bug"))


def test_first_run_files_one_issue_per_theme_with_labels(fake_github: Any, policy: Any) -> None:
    tickets = fakes.corpus("a", 6) | fakes.corpus("b", 4)
    themes = [
        fakes.theme("T-a", [k for k in tickets if ":a" in k]),
        fakes.theme("T-b", [k for k in tickets if ":b" in k], kind="docs", label="API docs"),
    ]
    actions, result = run(fake_github, policy, themes, tickets)
    assert [a.kind for a in actions] == ["create", "create"]
    assert result.complete and len(result.done) == 2
    created = fake_github.issues
    assert {i["title"] for i in created.values()} == {"Bug: export to CSV fails", "Docs: API docs"}
    assert [lab["name"] for lab in created[1]["labels"]] == ["sddkit", "bug"]
    assert [lab["name"] for lab in created[2]["labels"]] == ["sddkit", "documentation"]
    assert marker("T-a") in created[1]["body"]
    # one request each: created with labels and marker together
    assert fake_github.writes() == [("POST", "/repos/acme/app/issues")] * 2


def test_second_run_updates_without_duplicates(fake_github: Any, policy: Any) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    more = fakes.corpus("a", 7)  # one more ticket: an update, below the comment threshold
    actions, result = run(fake_github, policy, [fakes.theme("T-a", list(more))], more)
    assert [a.kind for a in actions] == ["update"]
    assert result.complete
    assert len(fake_github.issues) == 1
    assert "7 support tickets" in fake_github.issues[1]["body"]
    assert fake_github.comments[1] == []
    again, _ = run(fake_github, policy, [fakes.theme("T-a", list(more))], more)
    assert [a.kind for a in again] == ["nothing"] and again[0].reason == "up to date"


def test_growth_adds_a_comment_once(fake_github: Any, policy: Any) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    grown = fakes.corpus("a", 12)
    actions, _ = run(fake_github, policy, [fakes.theme("T-a", list(grown))], grown)
    assert [a.kind for a in actions] == ["comment"]
    assert len(fake_github.comments[1]) == 1
    assert "grew from 6 to 12" in fake_github.comments[1][0]
    actions, _ = run(fake_github, policy, [fakes.theme("T-a", list(grown))], grown)
    assert [a.kind for a in actions] == ["nothing"]
    assert len(fake_github.comments[1]) == 1


def test_people_edits_outside_the_generated_part_survive(fake_github: Any, policy: Any) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    fake_github.issues[1]["body"] = "Triage note: see #40\n\n" + fake_github.issues[1]["body"]
    more = fakes.corpus("a", 7)
    run(fake_github, policy, [fakes.theme("T-a", list(more))], more)
    body = fake_github.issues[1]["body"]
    assert body.startswith("Triage note: see #40\n\n")
    assert "7 support tickets" in body and body.count(marker("T-a")) == 1


def test_renamed_issue_without_label_is_found_by_marker_and_keeps_its_title(
    fake_github: Any, policy: Any
) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    issue = fake_github.issues[1]
    issue["title"] = "CSV export broken for big accounts"
    issue["labels"] = []  # someone removed the sddkit label too
    fake_github.indexed.add(1)  # ... and search has indexed the issue by now
    more = fakes.corpus("a", 7)
    actions, result = run(fake_github, policy, [fakes.theme("T-a", list(more))], more)
    assert [a.kind for a in actions] == ["update"] and result.complete
    assert len(fake_github.issues) == 1
    assert issue["title"] == "CSV export broken for big accounts"


def test_closed_issue_with_new_complaints_gets_a_regression_comment(
    fake_github: Any, policy: Any
) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    closed_at = max(t.created_at for t in tickets.values()) + timedelta(hours=1)
    fake_github.close(1, closed_at, commit="a1b2c3d")
    later = tickets | fakes.corpus("late", 2, start_day=20)
    actions, _ = run(fake_github, policy, [fakes.theme("T-a", list(later))], later)
    assert [a.kind for a in actions] == ["regression"]
    assert len(fake_github.issues) == 1
    assert fake_github.issues[1]["state"] == "closed"
    assert "Possible regression: 2 new support tickets" in fake_github.comments[1][0]
    actions, _ = run(fake_github, policy, [fakes.theme("T-a", list(later))], later)
    assert [a.kind for a in actions] == ["nothing"] and len(fake_github.comments[1]) == 1


def test_crash_after_create_then_second_run_completes(fake_github: Any, policy: Any) -> None:
    tickets = fakes.corpus("a", 6) | fakes.corpus("b", 5)
    themes = [
        fakes.theme("T-a", [k for k in tickets if ":a" in k]),
        fakes.theme("T-b", [k for k in tickets if ":b" in k]),
    ]
    # Every create after the first fails: the runner "dies" half-way.
    fake_github.faults.append(fakes.Fault("POST", "/repos/acme/app/issues", 500, times=99, skip=1))
    _, result = run(fake_github, policy, themes, tickets)
    assert not result.complete and len(result.done) == 1
    assert [a.theme.id for a in result.remaining] == ["T-b"]
    assert "HTTP 500" in (result.error or "")
    fake_github.faults.clear()
    actions, result = run(fake_github, policy, themes, tickets)
    assert [a.kind for a in actions] == ["nothing", "create"]  # T-a found by label + marker
    assert result.complete and len(fake_github.issues) == 2


def test_lost_response_to_create_does_not_file_twice(fake_github: Any, policy: Any) -> None:
    fake_github.faults.append(fakes.Fault("POST", "/repos/acme/app/issues", 502, after=True))
    filed = tracker(fake_github, policy).create(draft("T-x"))
    assert filed.key == "acme/app#1" and len(fake_github.issues) == 1


def test_primary_rate_limit_waits_for_the_reset(
    fake_github: Any, policy: Any, sleeper: Any
) -> None:
    reset = int(sleeper.now) + 120
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}
    fake_github.faults.append(fakes.Fault("GET", "/repos/acme/app/issues", 403, headers))
    assert tracker(fake_github, policy).filed_issues() == []
    assert sleeper.waits == [121.0]


def test_secondary_rate_limit_honours_retry_after(
    fake_github: Any, policy: Any, sleeper: Any
) -> None:
    fault = fakes.Fault("POST", "/repos/acme/app/issues", 403, {"retry-after": "30"}, times=2)
    fault.message = "You have exceeded a secondary rate limit"
    fake_github.faults.append(fault)
    tracker(fake_github, policy).create(draft("T-x"))
    assert sleeper.waits == [30.0, 30.0] and len(fake_github.issues) == 1


def test_rate_limit_reset_too_far_gives_up_with_a_clear_error(
    fake_github: Any, policy: Any, sleeper: Any
) -> None:
    headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(sleeper.now) + 7200)}
    fake_github.faults.append(fakes.Fault("GET", "/repos/acme/app/issues", 429, headers))
    with pytest.raises(RateLimited, match="rate limit exhausted"):
        tracker(fake_github, policy).filed_issues()
    assert sleeper.waits == []


def test_server_errors_are_retried_a_bounded_number_of_times(
    fake_github: Any, policy: Any, sleeper: Any
) -> None:
    fake_github.faults.append(fakes.Fault("GET", "/repos/acme/app/issues", 503, times=99))
    with pytest.raises(TrackerError, match="gave up after 3 retries"):
        tracker(fake_github, policy).filed_issues()
    assert sleeper.waits == [2.0, 4.0, 8.0]


def test_token_never_appears_in_errors_or_logs(
    fake_github: Any, policy: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_github.faults.append(fakes.Fault("GET", "/repos/acme/app/issues", 401, times=1))
    fake_github.faults[0].message = f"Bad credentials for token {fakes.GH_TOKEN}"
    with pytest.raises(TrackerError) as error:
        tracker(fake_github, policy).filed_issues()
    assert fakes.GH_TOKEN not in str(error.value)
    assert "***" in str(error.value)
    assert fakes.GH_TOKEN not in caplog.text
    assert fake_github.seen_auth[0] == f"token {fakes.GH_TOKEN}"  # it was really sent


def test_fix_of_prefers_the_merged_pull_request(fake_github: Any, policy: Any) -> None:
    fake_github.add_issue("Bug: x", marker("T-x"), ["sddkit"])
    fake_github.close(1, NOW, commit="abc1234")
    merged = "2025-03-02T10:00:00Z"
    pull = {
        "number": 41,
        "title": "Fix CSV export",
        "html_url": "http://x/pull/41",
        "url": fake_github.api + "/repos/acme/app/issues/41",
        "state": "closed",
        "pull_request": {
            "merged_at": merged,
            "html_url": "http://x/pull/41",
            "url": fake_github.api + "/repos/acme/app/pulls/41",
        },
    }
    fake_github.timelines[1].insert(
        0,
        {
            "event": "cross-referenced",
            "created_at": merged,
            "source": {"type": "issue", "issue": pull},
        },
    )
    gh = tracker(fake_github, policy)
    [filed] = gh.filed_issues()
    fix = gh.fix_of(filed)
    assert fix is not None and (fix.kind, fix.ref, fix.title) == (
        "pull_request",
        "#41",
        "Fix CSV export",
    )
    fake_github.timelines[1].pop(0)
    fix = tracker(fake_github, policy).fix_of(filed)
    assert fix is not None and (fix.kind, fix.ref, fix.fixed_at) == ("commit", "abc1234", NOW)


def test_listing_follows_pagination(fake_github: Any, policy: Any) -> None:
    for i in range(130):
        fake_github.add_issue(f"t{i}", marker(f"T-{i}"), ["sddkit"])
    assert len(tracker(fake_github, policy).filed_issues()) == 130
