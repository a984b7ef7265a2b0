"""The GitHub tracker against a fake GitHub Enterprise server, with the real PyGithub."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest

from sddkit.store import open_store
from sddkit.trackers.base import IssueDraft, marker
from sddkit.trackers.cache import load_filed
from sddkit.trackers.github import GitHubTracker
from sddkit.trackers.retry import RateLimited, RetryPolicy, TrackerError
from sddkit.trackers.settings import GitHubSettings, TriageSettings
from sddkit.trackers.triage import apply_plan
from sddkit.trackers.workflow import TriageRun, apply_run, plan_against
from tests.support import trackers as fakes

NOW = fakes.NOW


def tracker(server: Any, policy: RetryPolicy) -> GitHubTracker:
    settings = GitHubSettings(repo="acme/app", url=server.api)
    return GitHubTracker(settings, fakes.GH_TOKEN, policy=policy, write_interval_s=0)


def run(
    server: Any, policy: RetryPolicy, themes: list[Any], tickets: dict[str, Any], **opts: Any
) -> Any:
    gh = tracker(server, policy)
    settings = TriageSettings(min_tickets=3, min_customers=2, **opts)
    actions = plan_against(gh, themes, tickets, settings, kind="github", now=NOW)
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


def test_closed_issue_comments_from_regression_min_then_once_per_growth(
    fake_github: Any, policy: Any
) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    closed_at = max(t.created_at for t in tickets.values()) + timedelta(hours=1)
    fake_github.close(1, closed_at, commit="a1b2c3d")

    def late(n: int) -> tuple[list[Any], dict[str, Any]]:
        later = tickets | fakes.corpus("late", n, start_day=20)
        return [fakes.theme("T-a", list(later))], later

    actions, _ = run(fake_github, policy, *late(2))  # below regression_min (3)
    assert [a.kind for a in actions] == ["nothing"] and "comments from 3" in actions[0].reason
    actions, _ = run(fake_github, policy, *late(3))
    assert [a.kind for a in actions] == ["regression"]
    assert fake_github.issues[1]["state"] == "closed" and len(fake_github.issues) == 1
    [note] = fake_github.comments[1]
    assert "Possible regression: 3 new support tickets" in note
    assert "<!-- sddkit:comment theme=T-a event=regression count=3 -->" in note
    for n in (3, 7):  # again, and +4 < comment_growth (5): the mark says it was said
        actions, _ = run(fake_github, policy, *late(n))
        assert [a.kind for a in actions] == ["nothing"], actions[0].reason
    assert "last regression comment at 3, next from 8" in actions[0].reason
    actions, _ = run(fake_github, policy, *late(8))
    assert [a.kind for a in actions] == ["regression"] and len(fake_github.comments[1]) == 2
    assert "5 new support tickets about this since the last such note" in fake_github.comments[1][1]


@pytest.mark.parametrize("reason", ["not_planned", "duplicate"])
def test_issue_closed_as_not_planned_gets_no_regression_and_has_no_fix(
    fake_github: Any, policy: Any, reason: str
) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    closed_at = max(t.created_at for t in tickets.values()) + timedelta(hours=1)
    fake_github.close(1, closed_at, commit="a1b2c3d", reason=reason)
    later = tickets | fakes.corpus("late", 9, start_day=20)
    actions, _ = run(fake_github, policy, [fakes.theme("T-a", list(later))], later)
    assert [(a.kind, a.reason) for a in actions] == [
        ("nothing", f"closed as not planned ({reason}); new tickets: 9")
    ]
    assert fake_github.comments[1] == [] and fake_github.writes() == [
        ("POST", "/repos/acme/app/issues")
    ]
    gh = tracker(fake_github, policy)
    [filed] = gh.filed_issues()
    assert filed.close_reason == reason and gh.fix_of(filed) is None


def test_comment_post_lost_after_it_was_stored_is_not_posted_twice(
    fake_github: Any, policy: Any
) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    fake_github.faults.append(
        fakes.Fault("POST", "/repos/acme/app/issues/1/comments", 502, after=True)
    )
    grown = fakes.corpus("a", 12)
    actions, result = run(fake_github, policy, [fakes.theme("T-a", list(grown))], grown)
    assert [a.kind for a in actions] == ["comment"] and result.complete
    assert fake_github.log.count(("POST", "/repos/acme/app/issues/1/comments")) == 1
    [note] = fake_github.comments[1]
    assert "<!-- sddkit:comment theme=T-a event=growth count=12 -->" in note
    assert "12 support tickets" in fake_github.issues[1]["body"]


def test_run_killed_between_comment_and_body_is_completed_once(
    fake_github: Any, policy: Any
) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    fake_github.faults.append(fakes.Fault("PATCH", "/repos/acme/app/issues/1", 500, times=99))
    grown = fakes.corpus("a", 12)
    themes = [fakes.theme("T-a", list(grown))]
    actions, result = run(fake_github, policy, themes, grown)
    assert not result.complete and [a.kind for a in result.not_done] == ["comment"]
    assert len(fake_github.comments[1]) == 1
    assert "6 support tickets" in fake_github.issues[1]["body"]  # the body write was lost
    fake_github.faults.clear()
    # Replaying the same (stale) plan: the tracker finds the comment by its mark.
    assert apply_plan(tracker(fake_github, policy), actions).complete
    assert len(fake_github.comments[1]) == 1
    assert "12 support tickets" in fake_github.issues[1]["body"]


def test_next_run_after_a_kill_knows_the_comment_from_its_mark(
    fake_github: Any, policy: Any
) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    fake_github.faults.append(fakes.Fault("PATCH", "/repos/acme/app/issues/1", 500, times=99))
    grown = fakes.corpus("a", 12)
    run(fake_github, policy, [fakes.theme("T-a", list(grown))], grown)
    fake_github.faults.clear()
    more = fakes.corpus("a", 14)  # grew again meanwhile, by less than comment_growth
    actions, result = run(fake_github, policy, [fakes.theme("T-a", list(more))], more)
    assert [a.kind for a in actions] == ["update"] and result.complete
    assert len(fake_github.comments[1]) == 1
    assert "14 support tickets" in fake_github.issues[1]["body"]


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
    assert [a.theme.id for a in result.not_done] == ["T-b"]
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


def closed_issue(server: Any, policy: Any, *, commit: str | None = "abc1234") -> Any:
    server.add_issue("Bug: x", marker("T-x"), ["sddkit"])
    server.close(1, NOW, commit=commit)
    return tracker(server, policy)


def fix_of(server: Any, policy: Any) -> Any:
    gh = tracker(server, policy)
    [filed] = gh.filed_issues()
    return gh.fix_of(filed)


@pytest.mark.parametrize("event", ["cross-referenced", "connected"])
def test_fix_is_the_same_repo_pull_request_merged_near_the_close(
    fake_github: Any, policy: Any, event: str
) -> None:
    closed_issue(fake_github, policy)
    fake_github.reference(1, 38, merged=NOW - timedelta(days=9), title="Groundwork")
    fake_github.reference(1, 41, merged=NOW - timedelta(hours=2), event=event)
    fake_github.reference(1, 43, merged=None, title="Open follow-up")
    fake_github.reference(1, 7, merged=NOW, repo="acme/other", title="Elsewhere")
    fix = fix_of(fake_github, policy)
    assert fix is not None
    assert (fix.kind, fix.ref, fix.title) == ("pull_request", "#41", "Fix CSV export")
    assert fix.fixed_at == NOW - timedelta(hours=2)
    assert fix.url == f"{fake_github.base}/acme/app/pull/41"


def test_fix_is_the_closing_commit_when_no_pull_request_was_merged_near_the_close(
    fake_github: Any, policy: Any
) -> None:
    closed_issue(fake_github, policy)
    fake_github.reference(1, 38, merged=NOW - timedelta(days=9), title="Groundwork")
    fake_github.reference(1, 7, merged=NOW, repo="acme/other", title="Elsewhere")
    fix = fix_of(fake_github, policy)
    assert fix is not None and (fix.kind, fix.ref, fix.fixed_at) == ("commit", "abc1234", NOW)


def test_fix_falls_back_to_the_nearest_referencing_pull_request(
    fake_github: Any, policy: Any
) -> None:
    closed_issue(fake_github, policy, commit=None)
    fake_github.reference(1, 38, merged=NOW - timedelta(days=9), title="Groundwork")
    fake_github.reference(1, 39, merged=NOW - timedelta(days=3), title="Real fix")
    fix = fix_of(fake_github, policy)
    assert fix is not None and (fix.ref, fix.title) == ("#39", "Real fix")
    fake_github.timelines[1] = [e for e in fake_github.timelines[1] if e["event"] == "closed"]
    assert fix_of(fake_github, policy) is None  # closed by hand, nothing references it


def test_listing_follows_pagination(fake_github: Any, policy: Any) -> None:
    for i in range(130):
        fake_github.add_issue(f"t{i}", marker(f"T-{i}"), ["sddkit"])
    assert len(tracker(fake_github, policy).filed_issues()) == 130


def test_an_oversized_issue_fails_alone_and_the_other_themes_are_filed(
    fake_github: Any, policy: Any
) -> None:
    tickets = fakes.corpus("a", 6) | fakes.corpus("b", 5)
    big = fakes.theme("T-a", [k for k in tickets if ":a" in k])
    run(fake_github, policy, [big], tickets)
    notes = "My long notes. " * 4400  # 66,000 characters of a person's text
    fake_github.issues[1]["body"] = notes + "\n" + fake_github.issues[1]["body"]
    grown = fakes.theme("T-a", [k for k in tickets if ":a" in k], customers=9)
    other = fakes.theme("T-b", [k for k in tickets if ":b" in k])
    actions, result = run(fake_github, policy, [grown, other], tickets)
    assert [a.kind for a in actions] == ["update", "create"]
    assert [o.action.theme.id for o in result.done] == ["T-b"]
    [(failed, reason)] = result.failed
    assert failed.theme.id == "T-a" and "over the tracker's limit of 65,536" in reason
    assert fake_github.issues[1]["body"].startswith(notes)  # nothing was lost


def test_the_trackers_own_reason_is_reported(fake_github: Any, policy: Any) -> None:
    huge = IssueDraft("T-x", "Bug", "x" * 70_000 + marker("T-x"), ("sddkit",))
    with pytest.raises(TrackerError, match="HTTP 422: Validation Failed; body is too long"):
        tracker(fake_github, policy).create(huge)


def test_an_edit_made_after_planning_is_kept(fake_github: Any, policy: Any) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    gh = tracker(fake_github, policy)
    grown = fakes.corpus("a", 8)
    settings = TriageSettings(min_tickets=3, min_customers=2)
    actions = plan_against(
        gh, [fakes.theme("T-a", list(grown))], grown, settings, kind="github", now=NOW
    )
    fake_github.issues[1]["body"] += "\n\nNina: the fix is in review."  # between read and write
    assert apply_plan(gh, actions).complete
    body = fake_github.issues[1]["body"]
    assert "8 support tickets" in body and body.endswith("Nina: the fix is in review.")


def test_dropped_labels_never_make_a_duplicate(fake_github: Any, policy: Any) -> None:
    fake_github.drop_labels = True  # a token without push access; search has not indexed yet
    fake_github.faults.append(fakes.Fault("POST", "/repos/acme/app/issues", 502, after=True))
    tickets = fakes.corpus("a", 6)
    actions, result = run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    assert [a.kind for a in actions] == ["create"] and result.complete
    [outcome] = result.done
    assert outcome.issue is not None and outcome.issue.labels == ()
    actions, result = run(fake_github, policy, [fakes.theme("T-a", list(tickets))], tickets)
    assert [a.kind for a in actions] == ["nothing"]
    assert len(fake_github.issues) == 1


def test_each_written_issue_is_in_the_store_at_once_and_read_by_key_later(
    fake_github: Any, policy: Any, tmp_path: Any
) -> None:
    conn = open_store(tmp_path / "sddkit.db")
    tickets = fakes.corpus("a", 6) | fakes.corpus("b", 5)
    themes = [
        fakes.theme("T-a", [k for k in tickets if ":a" in k]),
        fakes.theme("T-b", [k for k in tickets if ":b" in k]),
    ]
    gh = tracker(fake_github, policy)
    settings = TriageSettings(min_tickets=3, min_customers=2)
    actions = plan_against(gh, themes, tickets, settings, kind="github", now=NOW)
    # T-b's create is rate limited far into the future: the run stops after T-a.
    reset = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(NOW.timestamp()) + 10**6)}
    fake_github.faults.append(
        fakes.Fault("POST", "/repos/acme/app/issues", 403, headers=reset, skip=1)
    )
    run = apply_run(conn, TriageRun(gh.name, actions), gh)
    assert run.result is not None and run.result.stopped is not None
    assert [i.key for i in load_filed(conn, gh.name)] == ["acme/app#1"]
    # The issue lost its label and search has not indexed it: the store's key finds it.
    fake_github.issues[1]["labels"] = []
    for n in range(100):  # and is no longer among the newest issues
        fake_github.add_issue(f"Someone's {n}", "text", [])
    without = plan_against(gh, themes, tickets, settings, kind="github", now=NOW)
    assert [a.kind for a in without] == ["create", "create"]
    with_known = plan_against(
        gh, themes, tickets, settings, kind="github", now=NOW, known=["acme/app#1"]
    )
    assert [a.kind for a in with_known] == ["nothing", "create"]


def test_a_stored_key_whose_issue_was_deleted_is_skipped(fake_github: Any, policy: Any) -> None:
    tickets = fakes.corpus("a", 6)
    gh = tracker(fake_github, policy)
    settings = TriageSettings(min_tickets=3, min_customers=2)
    themes = [fakes.theme("T-a", list(tickets))]
    actions = plan_against(
        gh, themes, tickets, settings, kind="github", now=NOW, known=["acme/app#99"]
    )
    assert [a.kind for a in actions] == ["create"]
    assert ("GET", "/repos/acme/app/issues/99") in fake_github.log
