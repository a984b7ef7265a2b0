"""The Jira tracker against fake Jira Cloud and Server, with the real jira client."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from sddkit.trackers.base import IssueDraft, marker
from sddkit.trackers.jira import JiraTracker
from sddkit.trackers.retry import RetryPolicy, TrackerError
from sddkit.trackers.settings import JiraSettings, TriageSettings
from sddkit.trackers.triage import apply_plan, plan_triage
from sddkit.trackers.verdicts import with_verdicts
from sddkit.trackers.workflow import plan_against
from tests.support import trackers as fakes

NOW = fakes.NOW


def tracker(server: Any, policy: RetryPolicy) -> JiraTracker:
    settings = JiraSettings(
        url=server.base, project="SUP", deployment="cloud" if server.cloud else "server"
    )
    email = "nina@example.com" if server.cloud else None
    return JiraTracker(settings, fakes.JIRA_TOKEN, email=email, policy=policy)


def run(
    server: Any, policy: RetryPolicy, themes: list[Any], tickets: dict[str, Any], **opts: Any
) -> Any:
    jira = tracker(server, policy)
    settings = TriageSettings(min_tickets=3, jira=jira._settings, **opts)
    actions = plan_against(jira, themes, tickets, settings, kind="jira", now=NOW)
    return actions, apply_plan(jira, actions)


@pytest.mark.parametrize("deployment", ["cloud", "server"])
def test_files_then_updates_then_comments_without_duplicates(
    deployment: str, request: pytest.FixtureRequest, policy: Any
) -> None:
    server = request.getfixturevalue(f"fake_jira_{deployment}")
    tickets = fakes.corpus("a", 6)
    actions, result = run(server, policy, [fakes.theme("T-a", list(tickets))], tickets)
    assert [a.kind for a in actions] == ["create"] and result.complete
    issue = server.issues["SUP-1"]["fields"]
    assert issue["labels"] == ["sddkit", "bug"] and issue["issuetype"] == {"name": "Bug"}
    assert marker("T-a") in issue["description"] and "{quote}" in issue["description"]
    more = fakes.corpus("a", 7)
    actions, _ = run(server, policy, [fakes.theme("T-a", list(more))], more)
    assert [a.kind for a in actions] == ["update"]
    assert "*7 support tickets*" in server.issues["SUP-1"]["fields"]["description"]
    grown = fakes.corpus("a", 14)
    actions, _ = run(server, policy, [fakes.theme("T-a", list(grown))], grown)
    assert [a.kind for a in actions] == ["comment"] and len(server.comments["SUP-1"]) == 1
    assert list(server.issues) == ["SUP-1"]


def test_issue_type_per_kind_comes_from_settings(fake_jira_server: Any, policy: Any) -> None:
    tickets = fakes.corpus("a", 6)
    settings = JiraSettings(
        url=fake_jira_server.base,
        project="SUP",
        deployment="server",
        issue_types={"docs": "Documentation", "default": "Task"},
    )
    jira = JiraTracker(settings, fakes.JIRA_TOKEN, policy=policy)
    triage = TriageSettings(min_tickets=3, jira=settings)
    themes = [fakes.theme("T-d", list(tickets), kind="docs")]
    actions = plan_triage(themes, [], tickets, triage, tracker="jira", now=NOW)
    apply_plan(jira, actions)
    assert fake_jira_server.issues["SUP-1"]["fields"]["issuetype"] == {"name": "Documentation"}


def test_resolved_issue_gets_regression_comment_and_fix(fake_jira_server: Any, policy: Any) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_jira_server, policy, [fakes.theme("T-a", list(tickets))], tickets)
    fake_jira_server.resolve("SUP-1", "2025-02-10T12:00:00.000+0000")
    later = tickets | fakes.corpus("late", 3, start_day=25)
    actions, _ = run(fake_jira_server, policy, [fakes.theme("T-a", list(later))], later)
    assert [a.kind for a in actions] == ["regression"]
    assert "3 new support tickets" in fake_jira_server.comments["SUP-1"][0]
    jira = tracker(fake_jira_server, policy)
    [filed] = jira.filed_issues()
    fix = jira.fix_of(filed)
    assert fix is not None and (fix.kind, fix.ref) == ("resolution", "Fixed")
    assert fix.fixed_at.isoformat() == "2025-02-10T12:00:00+00:00"


@pytest.mark.parametrize("resolution", ["Won't Do", "Duplicate", "Cannot Reproduce"])
def test_issue_resolved_as_not_planned_gets_no_regression_and_no_fix(
    fake_jira_server: Any, policy: Any, resolution: str
) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_jira_server, policy, [fakes.theme("T-a", list(tickets))], tickets)
    fake_jira_server.resolve("SUP-1", "2025-02-10T12:00:00.000+0000", resolution)
    later = tickets | fakes.corpus("late", 4, start_day=25)
    actions, _ = run(fake_jira_server, policy, [fakes.theme("T-a", list(later))], later)
    assert [(a.kind, a.reason) for a in actions] == [
        ("nothing", f"closed as not planned ({resolution}); new tickets: 4")
    ]
    assert fake_jira_server.comments["SUP-1"] == []
    jira = tracker(fake_jira_server, policy)
    [filed] = jira.filed_issues()
    assert jira.fix_of(filed) is None


def test_not_planned_resolutions_are_configurable(fake_jira_server: Any, policy: Any) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_jira_server, policy, [fakes.theme("T-a", list(tickets))], tickets)
    fake_jira_server.resolve("SUP-1", "2025-02-10T12:00:00.000+0000", "Rejected")
    later = tickets | fakes.corpus("late", 4, start_day=25)
    themes = [fakes.theme("T-a", list(later))]
    actions, _ = run(fake_jira_server, policy, themes, later, not_planned=("rejected",))
    assert actions[0].reason.startswith("closed as not planned (Rejected)")
    actions, _ = run(fake_jira_server, policy, themes, later)  # the default list: a regression
    assert [a.kind for a in actions] == ["regression"]


def test_regression_comment_carries_a_footer_mark_and_is_not_repeated(
    fake_jira_cloud: Any, policy: Any
) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_jira_cloud, policy, [fakes.theme("T-a", list(tickets))], tickets)
    fake_jira_cloud.resolve("SUP-1", "2025-02-10T12:00:00.000+0000", "Done")
    later = tickets | fakes.corpus("late", 3, start_day=25)
    # A lost response after the comment was stored: the retry finds it by its mark.
    fake_jira_cloud.faults.append(
        fakes.Fault("POST", "/rest/api/2/issue/SUP-1/comment", 502, after=True)
    )
    actions, result = run(fake_jira_cloud, policy, [fakes.theme("T-a", list(later))], later)
    assert [a.kind for a in actions] == ["regression"] and result.complete
    [note] = fake_jira_cloud.comments["SUP-1"]
    assert note.endswith("{color:#97a0af}sddkit:comment theme=T-a event=regression count=3{color}")
    actions, _ = run(fake_jira_cloud, policy, [fakes.theme("T-a", list(later))], later)
    assert [a.kind for a in actions] == ["nothing"] and len(fake_jira_cloud.comments["SUP-1"]) == 1


def test_fix_is_a_linked_github_pull_request_dated_by_the_resolution(
    fake_jira_server: Any, policy: Any
) -> None:
    fake_jira_server.add_issue(
        {
            "project": {"key": "SUP"},
            "summary": "Bug: x",
            "description": marker("T-x"),
            "issuetype": {"name": "Bug"},
            "labels": ["sddkit"],
        }
    )
    fake_jira_server.resolve("SUP-1", "2025-02-10T12:00:00.000+0000")
    fake_jira_server.link_pull("SUP-1", "https://wiki.example.com/csv", title="Design notes")
    jira = tracker(fake_jira_server, policy)
    [filed] = jira.filed_issues()
    fix = jira.fix_of(filed)
    assert fix is not None and (fix.kind, fix.ref) == ("resolution", "Fixed")  # not a PR link
    pr = "https://github.com/acme/app/pull/41"
    fake_jira_server.link_pull("SUP-1", pr, title="Fix CSV export")
    fake_jira_server.link_pull(
        "SUP-1", "https://github.com/acme/app/pull/44", title="Draft", resolved=False
    )
    fix = tracker(fake_jira_server, policy).fix_of(filed)
    assert fix is not None
    assert (fix.kind, fix.ref, fix.url, fix.title) == (
        "pull_request",
        "acme/app#41",
        pr,
        "Fix CSV export",
    )
    assert fix.fixed_at.isoformat() == "2025-02-10T12:00:00+00:00"


def test_label_removed_issue_found_by_text_search(fake_jira_cloud: Any, policy: Any) -> None:
    tickets = fakes.corpus("a", 6)
    run(fake_jira_cloud, policy, [fakes.theme("T-a", list(tickets))], tickets)
    fake_jira_cloud.issues["SUP-1"]["fields"]["labels"] = []
    fake_jira_cloud.issues["SUP-1"]["fields"]["summary"] = "Renamed by PM"
    fake_jira_cloud.indexed.add("SUP-1")
    [filed] = tracker(fake_jira_cloud, policy).filed_issues()
    assert (filed.key, filed.title, filed.theme_id) == ("SUP-1", "Renamed by PM", "T-a")


def test_rate_limit_429_is_retried(fake_jira_cloud: Any, policy: Any, sleeper: Any) -> None:
    fake_jira_cloud.faults.append(
        fakes.Fault("GET", "/rest/api/2/search/jql", 429, {"Retry-After": "5"})
    )
    assert tracker(fake_jira_cloud, policy).filed_issues() == []
    assert sleeper.waits == [5.0]


def test_token_never_appears_in_errors_or_logs(
    fake_jira_cloud: Any, policy: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_jira_cloud.faults.append(fakes.Fault("GET", "/rest/api/2/search/jql", 400))
    with pytest.raises(TrackerError) as error:
        tracker(fake_jira_cloud, policy).filed_issues()
    assert "HTTP 400" in str(error.value)
    assert fakes.JIRA_TOKEN not in str(error.value) and fakes.JIRA_TOKEN not in caplog.text


def test_cloud_without_email_is_a_clear_error(fake_jira_cloud: Any, policy: Any) -> None:
    settings = JiraSettings(url=fake_jira_cloud.base, project="SUP")
    with pytest.raises(TrackerError, match="JIRA_EMAIL"):
        JiraTracker(settings, fakes.JIRA_TOKEN, policy=policy)


def test_server_non_admin_updates_with_notifications(fake_jira_server: Any, policy: Any) -> None:
    fake_jira_server.admin = False
    tickets = fakes.corpus("a", 6)
    run(fake_jira_server, policy, [fakes.theme("T-a", list(tickets))], tickets)
    grown = fakes.corpus("a", 8)
    actions, result = run(fake_jira_server, policy, [fakes.theme("T-a", list(grown))], grown)
    assert [a.kind for a in actions] == ["comment"] and result.complete
    assert "8 support tickets" in fake_jira_server.issues["SUP-1"]["fields"]["description"]


def test_an_oversized_description_fails_alone_with_jiras_reason(
    fake_jira_cloud: Any, policy: Any
) -> None:
    tickets = fakes.corpus("a", 6) | fakes.corpus("b", 5)
    first = fakes.theme("T-a", [k for k in tickets if ":a" in k])
    run(fake_jira_cloud, policy, [first], tickets)
    fields = fake_jira_cloud.issues["SUP-1"]["fields"]
    # 32,900 characters of notes before sddkit's part
    fields["description"] = "Notes. " * 4700 + "\n" + fields["description"]
    grown = fakes.theme("T-a", [k for k in tickets if ":a" in k], customers=9)
    other = fakes.theme("T-b", [k for k in tickets if ":b" in k])
    actions, result = run(fake_jira_cloud, policy, [grown, other], tickets)
    assert [a.kind for a in actions] == ["update", "create"]
    assert [o.action.theme.id for o in result.done] == ["T-b"]
    [(_, reason)] = result.failed
    assert "over the tracker's limit of 32,767" in reason
    huge = IssueDraft("T-x", "Bug", "x" * 40_000 + marker("T-x"), ("sddkit",))
    with pytest.raises(TrackerError, match="exceeds the allowed limit of 32,767"):
        tracker(fake_jira_cloud, policy).create(huge)


@pytest.mark.parametrize("deployment", ["cloud", "server"])
def test_lost_creates_and_search_lag_never_make_duplicates(
    deployment: str, request: pytest.FixtureRequest, policy: Any
) -> None:
    server = request.getfixturevalue(f"fake_jira_{deployment}")
    server.lag = True  # nothing sddkit files is searchable during this test
    server.add_issue(  # someone else's issue, already indexed
        {"project": {"key": "SUP"}, "summary": "Other", "issuetype": {"name": "Task"}}
    )
    server.indexed.add("SUP-1")
    server.faults.append(fakes.Fault("POST", "/rest/api/2/issue", 502, after=True, times=3))
    tickets = fakes.corpus("a", 6) | fakes.corpus("b", 5)
    themes = [
        fakes.theme("T-a", [k for k in tickets if ":a" in k]),
        fakes.theme("T-b", [k for k in tickets if ":b" in k]),
    ]
    actions, result = run(server, policy, themes, tickets)
    assert [a.kind for a in actions] == ["create", "create"] and result.complete
    again, result = run(server, policy, themes, tickets)  # a re-run within the lag
    assert [a.kind for a in again] == ["nothing", "nothing"] and result.complete
    assert sorted(server.issues) == ["SUP-1", "SUP-2", "SUP-3"]


def test_rate_limit_on_the_read_back_after_a_create_does_not_file_twice(
    fake_jira_server: Any, policy: Any
) -> None:
    # jira's create_issue posts, then reads the issue back: the post has landed by then.
    fake_jira_server.faults.append(
        fakes.Fault("GET", r"/rest/api/2/issue/SUP-1", 429, headers={"retry-after": "1"})
    )
    filed = tracker(fake_jira_server, policy).create(
        IssueDraft("T-x", "Bug", f"b\n{marker('T-x')}", ("sddkit",))
    )
    assert filed.key == "SUP-1" and list(fake_jira_server.issues) == ["SUP-1"]


@pytest.mark.parametrize("deployment", ["cloud", "server"])
def test_a_duplicate_link_a_person_made_counts_the_subject_on_the_other_issue(
    deployment: str, request: pytest.FixtureRequest, policy: Any
) -> None:
    server = request.getfixturevalue(f"fake_jira_{deployment}")
    tickets = fakes.corpus("a", 6) | fakes.corpus("b", 6)
    a = sorted(k for k in tickets if ":a" in k)
    b = sorted(k for k in tickets if ":b" in k)
    themes = [fakes.theme("T-a", a, customers=6), fakes.theme("T-b", b, customers=6)]
    actions, _ = run(server, policy, themes, tickets)
    assert [x.kind for x in actions] == ["create", "create"]
    server.link_duplicate("SUP-2", of="SUP-1")
    # linked but still open: nobody closed it, both stay as they are
    actions, _ = run(server, policy, themes, tickets)
    assert [x.kind for x in actions] == ["nothing", "nothing"]
    server.resolve("SUP-2", "2025-03-02T09:00:00.000+0000", resolution="Duplicate")
    grown = tickets | fakes.corpus("b", 8)
    b = sorted(k for k in grown if ":b" in k)
    themes = [fakes.theme("T-a", a, customers=6), fakes.theme("T-b", b, customers=8)]
    actions, result = run(server, policy, themes, grown)
    assert [(x.kind, x.issue.key if x.issue else None) for x in actions] == [("comment", "SUP-1")]
    assert "SUP-2 closed by a person as its duplicate" in actions[0].reason
    assert (
        result.complete
        and "*14 support tickets*" in server.issues["SUP-1"]["fields"]["description"]
    )
    assert server.comments["SUP-2"] == [] and list(server.issues) == ["SUP-1", "SUP-2"]


def test_a_duplicate_link_from_the_wrong_side_counts_when_resolved_as_duplicate(
    fake_jira_cloud: Any, policy: Any
) -> None:
    server = fake_jira_cloud
    tickets = fakes.corpus("a", 6) | fakes.corpus("b", 6)
    themes = [fakes.theme(f"T-{n}", sorted(k for k in tickets if f":{n}" in k), customers=6)
              for n in "ab"]  # fmt: skip
    run(server, policy, themes, tickets)
    jira = tracker(server, policy)
    server.link_duplicate("SUP-1", of="SUP-2")  # made from SUP-2 as "is duplicated by SUP-1"
    server.resolve("SUP-2", "2025-03-02T09:00:00.000+0000", resolution="Won't Do")
    [two] = [i for i in jira.filed_issues() if i.key == "SUP-2"]
    assert jira.marked_duplicate_of(two) is None  # won't do: the link's side decides
    server.resolve("SUP-2", "2025-03-02T09:00:00.000+0000", resolution="Duplicate")
    [two] = [i for i in tracker(server, policy).filed_issues() if i.key == "SUP-2"]
    assert tracker(server, policy).marked_duplicate_of(two) == "SUP-1"


def test_an_issue_resolved_as_a_duplicate_of_a_persons_own_carries_that_issue_and_its_fix(
    fake_jira_cloud: Any, policy: Any
) -> None:
    server = fake_jira_cloud
    theirs = {"summary": "CSV export broken", "description": "Seen by two customers."}
    server.add_issue({"project": {"key": "SUP"}, "issuetype": {"name": "Bug"}, **theirs})
    tickets = fakes.corpus("a", 6)
    run(server, policy, [fakes.theme("T-a", sorted(tickets), customers=6)], tickets)
    assert list(server.issues) == ["SUP-1", "SUP-2"]
    server.link_duplicate("SUP-2", of="SUP-1")
    server.resolve("SUP-2", "2025-03-02T09:00:00.000+0000", resolution="Duplicate")
    jira = tracker(server, policy)
    [ours] = with_verdicts(jira, jira.filed_issues())
    assert ours.duplicate_of == "SUP-1" and ours.canonical is not None
    assert (ours.canonical.key, ours.canonical.state, ours.canonical.fix) == ("SUP-1", "open", None)
    server.resolve("SUP-1", "2025-03-04T09:00:00.000+0000")
    [ours] = with_verdicts(jira, jira.filed_issues())
    assert ours.canonical is not None and ours.canonical.fix is not None
    assert (ours.canonical.state, ours.canonical.fix.ref) == ("closed", "Fixed")
