"""Issues stay recognised through what people and trackers do to them (workflow.gather and
workflow.recognise): deleted markers and end lines, replaced blocks, moved and transferred
issues, other repositories' issues in a listing, a lagging search and a renamed label."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sddkit.store import open_store
from sddkit.trackers.base import marker
from sddkit.trackers.cache import load_filed
from sddkit.trackers.github import GitHubTracker
from sddkit.trackers.jira import JiraTracker
from sddkit.trackers.retry import RetryPolicy
from sddkit.trackers.settings import GitHubSettings, JiraSettings, TriageSettings
from sddkit.trackers.workflow import TriageRun, apply_run, plan_against
from tests.support import trackers as fakes

KINDS = ["github", "jira"]


class World:
    """One fake tracker, one store, one theme that grows between runs."""

    def __init__(self, kind: str, server: Any, policy: RetryPolicy) -> None:
        self.kind, self.server, self.policy = kind, server, policy
        self.store = open_store(":memory:")
        self.size = 6

    def tracker(self) -> Any:
        if self.kind == "github":
            settings = GitHubSettings(repo="acme/app", url=self.server.api)
            return GitHubTracker(settings, fakes.GH_TOKEN, policy=self.policy, write_interval_s=0)
        jira = JiraSettings(url=self.server.base, project="SUP", deployment="server")
        return JiraTracker(jira, fakes.JIRA_TOKEN, policy=self.policy)

    def triage(self, grow: int = 1) -> TriageRun:
        self.size += grow
        tickets = fakes.corpus("a", self.size)
        themes = [fakes.theme("T-a", list(tickets))]
        tracker = self.tracker()
        jira = JiraSettings(url=self.server.base, project="SUP") if self.kind == "jira" else None
        settings = TriageSettings(min_tickets=3, min_customers=1, jira=jira)
        known = load_filed(self.store, tracker.name)
        actions = plan_against(
            tracker, themes, tickets, settings, kind=self.kind, now=fakes.NOW, known=known
        )
        run = apply_run(self.store, TriageRun(tracker.name, actions), tracker)
        assert run.result is not None and run.result.complete, run.result
        return run

    def ids(self) -> list[Any]:
        return sorted(self.server.issues)

    def body(self, ident: Any) -> str:
        issue = self.server.issues[ident]
        return str(issue["body"] if self.kind == "github" else issue["fields"]["description"])

    def edit(self, ident: Any, body: str) -> None:
        self.server.human_edit(ident, body)


@pytest.fixture(params=KINDS)
def world(request: pytest.FixtureRequest, policy: RetryPolicy) -> World:
    name = "fake_github" if request.param == "github" else "fake_jira_server"
    return World(request.param, request.getfixturevalue(name), policy)


def filed_once(world: World) -> Any:
    world.triage(grow=0)
    [ident] = world.ids()
    return ident


def test_a_deleted_marker_line_is_rebuilt_not_refiled(world: World) -> None:
    ident = filed_once(world)
    body = world.body(ident).replace(marker("T-a"), "")
    world.edit(ident, "A person's note.\n\n" + body)
    for _ in range(2):
        run = world.triage()
        assert [a.kind for a in run.actions] == ["update"]
    assert world.ids() == [ident] and marker("T-a") in world.body(ident)
    assert world.body(ident).startswith("A person's note.")


def test_a_block_replaced_by_a_summary_is_rebuilt_from_the_stored_key(world: World) -> None:
    ident = filed_once(world)
    world.edit(ident, "Summary: refunds fail for SEPA; see the thread.\n")
    run = world.triage()
    assert [a.kind for a in run.actions] == ["update"]
    assert world.ids() == [ident]
    assert world.body(ident).startswith("Summary: refunds fail for SEPA; see the thread.")
    assert marker("T-a") in world.body(ident)


def test_without_a_store_the_label_and_title_still_find_it(world: World) -> None:
    ident = filed_once(world)
    world.edit(ident, "Summary only.\n")
    world.store = open_store(":memory:")  # a lost CI cache
    run = world.triage(grow=0)
    assert [a.kind for a in run.actions] == ["update"] and world.ids() == [ident]


@pytest.mark.parametrize("line", ["end", "begin", "both"])
def test_notes_below_survive_a_deleted_begin_or_end_line(world: World, line: str) -> None:
    ident = filed_once(world)
    lines = world.body(ident).split("\n")
    end = "sddkit:end" if world.kind == "jira" else "<!-- sddkit:end -->"
    kept = []
    for text in lines:
        if line in ("end", "both") and end in text:
            text = text.replace("sddkit:end", "") if world.kind == "jira" else ""
        if line in ("begin", "both") and "sddkit:begin" in text:
            continue
        kept.append(text)
    world.edit(ident, "\n".join(kept) + "\n\nA note below, by a person.")
    for _ in range(3):
        world.triage()
        assert "A note below, by a person." in world.body(ident)
    assert world.ids() == [ident]
    assert world.body(ident).count("A note below, by a person.") == 1


def test_a_moved_jira_issue_is_followed_to_its_new_key(
    fake_jira_server: Any, policy: RetryPolicy
) -> None:
    world = World("jira", fake_jira_server, policy)
    filed_once(world)
    new = fake_jira_server.move("SUP-1", "OPS")
    for _ in range(2):
        run = world.triage()
        assert [a.kind for a in run.actions] == ["update"]
        assert run.actions[0].issue is not None and run.actions[0].issue.key == new
        assert [i.key for i in load_filed(world.store)] == [new]
    assert list(fake_jira_server.issues) == [new]


def test_a_transferred_github_issue_is_followed_to_its_new_repository(
    fake_github: Any, policy: RetryPolicy
) -> None:
    world = World("github", fake_github, policy)
    filed_once(world)
    new = fake_github.transfer(1, "acme/tools")
    for _ in range(2):
        run = world.triage()
        assert [a.kind for a in run.actions] == ["update"]
        assert run.actions[0].issue is not None and run.actions[0].issue.key == new
        assert [i.key for i in load_filed(world.store)] == [new]
    assert list(fake_github.issues) == [1] and "**8 support tickets**" in world.body(1)


def test_another_repositorys_issue_in_a_listing_is_never_written(world: World) -> None:
    ident = filed_once(world)
    body = world.body(ident)
    if world.kind == "github":
        foreign = world.server.add_issue("Bug: copy", body, ["sddkit"], repo="other/fork")
        world.server.leak.add(foreign["number"])
        other = foreign["number"]
    else:
        fields = {"project": {"key": "OPS"}, "summary": "copy", "description": body}
        other = world.server.add_issue({**fields, "issuetype": {"name": "Bug"}})["key"]
        world.server.issues[other]["fields"]["labels"] = ["sddkit"]
        world.server.leak.add(other)
    writes = len(world.server.writes())
    world.triage()
    touched = [path for _, path in world.server.writes()[writes:]]
    assert touched and not any(re.search(rf"(fork/issues/|issue/){other}\b", p) for p in touched)
    assert world.body(other) == body  # the other repository's issue is as it was
    assert "7 support tickets" in world.body(ident)  # ours was updated


def test_unindexed_and_buried_under_newer_issues_with_a_renamed_label(
    fake_github: Any, policy: RetryPolicy
) -> None:
    world = World("github", fake_github, policy)
    filed_once(world)
    fake_github._set_labels(fake_github.issues[1], ["support-theme"])  # label renamed
    for n in range(120):  # newer issues than the 100 read each run
        fake_github.add_issue(f"Unrelated {n}", "text", [])
    fake_github.indexed.clear()  # search has not indexed it
    run = world.triage()
    assert [a.kind for a in run.actions] == ["update"]
    assert sum(marker("T-a") in (i["body"] or "") for i in fake_github.issues.values()) == 1


def test_a_create_planned_while_another_runner_filed_it_is_not_sent(world: World) -> None:
    """Two runners without a shared store (no lock between them): the second planned a
    create, the first filed the issue meanwhile; the look right before creating finds it."""
    tickets = fakes.corpus("a", 6)
    themes = [fakes.theme("T-a", list(tickets))]
    tracker = world.tracker()
    jira = JiraSettings(url=world.server.base, project="SUP") if world.kind == "jira" else None
    settings = TriageSettings(min_tickets=3, min_customers=1, jira=jira)
    actions = plan_against(tracker, themes, tickets, settings, kind=world.kind, now=fakes.NOW)
    assert [a.kind for a in actions] == ["create"]
    filed_once(world)  # the other runner
    run = apply_run(world.store, TriageRun(tracker.name, actions), tracker)
    assert run.result is not None and run.result.complete
    assert len(world.ids()) == 1


def test_a_moved_issue_whose_block_was_replaced_keeps_its_stored_theme(
    fake_jira_server: Any, policy: RetryPolicy
) -> None:
    world = World("jira", fake_jira_server, policy)
    filed_once(world)
    world.edit("SUP-1", "Summary by a person.\n")
    new = fake_jira_server.move("SUP-1", "OPS")
    run = world.triage()
    assert [a.kind for a in run.actions] == ["update"] and list(fake_jira_server.issues) == [new]
    assert world.body(new).startswith("Summary by a person.")


def test_jira_unindexed_and_buried_with_a_renamed_label(
    fake_jira_server: Any, policy: RetryPolicy
) -> None:
    world = World("jira", fake_jira_server, policy)
    filed_once(world)
    fake_jira_server.issues["SUP-1"]["fields"]["labels"] = ["support-theme"]
    for n in range(120):
        fields = {"project": {"key": "SUP"}, "summary": f"Unrelated {n}", "description": "x"}
        fake_jira_server.add_issue({**fields, "issuetype": {"name": "Task"}})
    fake_jira_server.lag = True
    fake_jira_server.indexed = {f"SUP-{n}" for n in range(2, 122)}  # all but ours
    run = world.triage()
    assert [a.kind for a in run.actions] == ["update"]
    described = [i["fields"]["description"] or "" for i in fake_jira_server.issues.values()]
    assert sum(marker("T-a") in d for d in described) == 1
