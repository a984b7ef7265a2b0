"""A person's edit saved between sddkit's re-read and its write is restored (GitHub, Jira)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from sddkit.store import open_store
from sddkit.tickets.store import upsert_tickets
from sddkit.trackers.base import BodyEdit
from sddkit.trackers.cache import PendingWrites, remember_filed
from sddkit.trackers.github import GitHubTracker
from sddkit.trackers.jira import JiraTracker
from sddkit.trackers.retry import RetryPolicy
from sddkit.trackers.rewrite import merge3, overwritten, unchecked_overwrite
from sddkit.trackers.settings import GitHubSettings, JiraSettings, TriageSettings
from sddkit.trackers.triage import ApplyResult, apply_plan
from sddkit.trackers.workflow import apply_run, plan_against, plan_run
from tests.support import trackers as fakes
from tests.support.themes import save_themes

NOTE = "Nina: the fix is in review."
SETTINGS = TriageSettings(min_tickets=3, min_customers=2)


def github(server: Any, policy: RetryPolicy) -> GitHubTracker:
    settings = GitHubSettings(repo="acme/app", url=server.api)
    return GitHubTracker(settings, fakes.GH_TOKEN, policy=policy, write_interval_s=0)


def jira(server: Any, policy: RetryPolicy) -> JiraTracker:
    deployment = "cloud" if server.cloud else "server"
    settings = JiraSettings(url=server.base, project="SUP", deployment=deployment)
    email = "nina@example.com" if server.cloud else None
    return JiraTracker(settings, fakes.JIRA_TOKEN, email=email, policy=policy)


def triage(tracker: Any, kind: str, size: int) -> ApplyResult:
    tickets = fakes.corpus("a", size)
    themes = [fakes.theme("T-a", list(tickets), customers=size)]
    settings = TriageSettings(min_tickets=3, min_customers=2)
    actions = plan_against(tracker, themes, tickets, settings, kind=kind, now=fakes.NOW)
    return apply_plan(tracker, actions)


def body_of(server: Any, ident: Any) -> str:
    if isinstance(ident, int):
        return str(server.issues[ident]["body"])
    return str(server.issues[ident]["fields"]["description"])


def race(server: Any, ident: Any, note: str = NOTE) -> list[Any]:
    """A person appends `note` once, when sddkit's first body write arrives."""
    raced: list[Any] = []

    def edit(target: Any) -> None:
        if not raced:
            raced.append(target)
            server.human_edit(target, body_of(server, target) + f"\n\n{note}")

    server.before_write = edit
    return raced


def test_github_edit_saved_during_the_write_is_restored(fake_github: Any, policy: Any) -> None:
    assert triage(github(fake_github, policy), "github", 6).complete
    raced = race(fake_github, 1)
    result = triage(github(fake_github, policy), "github", 8)
    assert raced == [1] and result.complete
    body = fake_github.issues[1]["body"]
    assert "8 support tickets" in body and body.endswith(NOTE)
    [outcome] = result.done
    assert any("an edit by nina" in note and "overwritten" in note for note in outcome.notes)
    assert [e["editor"]["login"] for e in fake_github.edits[1]][-3:] == [
        "nina",
        "sddkit-bot",
        "sddkit-bot",
    ]


@pytest.mark.parametrize("deployment", ["cloud", "server"])
def test_jira_edit_saved_during_the_write_is_restored(
    deployment: str, request: pytest.FixtureRequest, policy: Any
) -> None:
    server = request.getfixturevalue(f"fake_jira_{deployment}")
    assert triage(jira(server, policy), "jira", 6).complete
    raced = race(server, "SUP-1")
    result = triage(jira(server, policy), "jira", 8)
    assert raced == ["SUP-1"] and result.complete
    body = server.issues["SUP-1"]["fields"]["description"]
    assert "8 support tickets" in body and body.endswith(NOTE)
    [outcome] = result.done
    assert any("an edit by Nina" in note for note in outcome.notes)


def test_a_write_with_no_edit_in_between_is_checked_once_and_says_nothing(
    fake_github: Any, policy: Any
) -> None:
    triage(github(fake_github, policy), "github", 6)
    fake_github.human_edit(1, body_of(fake_github, 1) + f"\n\n{NOTE}")  # before the run
    result = triage(github(fake_github, policy), "github", 8)
    assert result.done[0].notes == ()
    assert body_of(fake_github, 1).endswith(NOTE)
    assert [p for m, p in fake_github.writes() if m == "PATCH"] == ["/repos/acme/app/issues/1"]


def test_an_edit_after_the_overwrite_stops_with_the_reason(fake_github: Any, policy: Any) -> None:
    """Someone edited the version that lacks the overwritten edit: no guessing, a failure."""
    triage(github(fake_github, policy), "github", 6)
    race(fake_github, 1)

    def marko_edits_before_the_history_is_read(method: str, path: str) -> None:
        if path == "/api/graphql" and not body_of(fake_github, 1).endswith("me too."):
            fake_github.human_edit(1, body_of(fake_github, 1) + "\n\nMarko: me too.", "marko")

    fake_github.on_request = marko_edits_before_the_history_is_read
    result = triage(github(fake_github, policy), "github", 8)
    [(_, reason)] = result.failed
    assert "an edit by nina" in reason and "edited again since" in reason
    assert body_of(fake_github, 1).endswith("Marko: me too.")  # nothing of Marko's is undone


AT = fakes.NOW


def edit(n: int, before: str | None, after: str | None, who: str = "sddkit") -> BodyEdit:
    return BodyEdit(AT + timedelta(seconds=n), who, before, after)


def test_only_a_version_saved_after_the_one_read_counts_as_overwritten() -> None:
    history = [edit(0, None, "v1"), edit(1, "v1", "v2", "nina"), edit(2, "v2", "w")]
    lost = overwritten(history, "w", "v1").lost
    assert lost is not None and (lost.after, lost.editor) == ("v2", "nina")
    assert overwritten(history, "w", "v2").lost is None  # nothing in between
    # The body read is not in the history (changed without a trace): restore nothing.
    check = overwritten([edit(0, None, "v1"), edit(1, "v1", "w")], "w", "v1 + notes")
    assert check.lost is None and check.unknown
    # The history does not show the write yet (it lags): it tells nothing.
    assert overwritten(history[:2], "w", "v1").unknown
    # Edited after the write: the overwritten version is reported, flagged.
    later = overwritten([*history, edit(3, "w", "w2", "marko")], "w", "v1")
    assert later.lost is not None and later.lost.after == "v2" and later.edited_since


def body(counts: int, notes: str = "") -> str:
    """An issue body: a person's text around sddkit's part, which says `counts`."""
    part = f"<!-- sddkit:begin -->\n{counts} support tickets\n<!-- sddkit:end -->\n"
    return f"Summary by Nina.\n\n{part}{notes}"


def test_a_write_sent_twice_restores_both_edits_it_overwrote() -> None:
    """The answer to sddkit's write was lost and the write sent again; Nina saved a note
    before the first, Marko one before the second: both are overwritten, both come back."""
    read, written = body(6), body(8)
    nina, marko = body(6, "Nina: in review.\n"), body(8, "Marko: me too.\n")
    history = [edit(0, None, read), edit(1, read, nina, "nina"), edit(2, nina, written),
               edit(3, written, marko, "marko"), edit(4, marko, written)]  # fmt: skip
    check = overwritten(history, written, read)
    assert check.lost is not None and check.lost.editor == "nina, marko"
    assert check.lost.after == body(8, "Nina: in review.\nMarko: me too.\n")
    # sent twice with nothing in between: the first write's overwrite alone
    twice = [*history[:3], edit(3, written, written)]
    assert (lost := overwritten(twice, written, read).lost) is not None and lost.after == nina
    # an older write of the same text, before the version read, is not this write's
    older = [edit(0, None, written), edit(1, written, body(7), "nina"), edit(2, body(7), read),
             edit(3, read, written)]  # fmt: skip
    assert overwritten(older, written, read).lost is None


def test_a_stale_write_that_dropped_a_persons_text_is_found_from_the_history_alone() -> None:
    """sddkit read v1, Nina saved v2 (a note below the part), sddkit's write of its new part
    into v1 replaced v2: the history alone shows it (the run stopped before its check and
    its store, which noted the write, is gone)."""
    v1, v2, stale = body(6), body(6, "Nina: fix in review.\n"), body(8)
    history = [edit(0, None, v1), edit(1, v1, v2, "nina"), edit(2, v2, stale)]
    lost = unchecked_overwrite(history, stale)
    assert lost is not None and (lost.after, lost.editor) == (v2, "nina")
    assert unchecked_overwrite(history, body(9)) is None  # the issue changed since
    # Writes that kept people's text, and people's own edits, are no overwrite:
    fresh = body(8, "Nina: fix in review.\n")
    assert unchecked_overwrite([*history[:2], edit(2, v2, fresh)], fresh) is None
    removed = [*history[:2], edit(2, v2, v1, "nina")]  # Nina takes her note back
    assert unchecked_overwrite(removed, v1) is None
    # A revert to an older version brings back an older part: a person's doing.
    reverted = [edit(0, None, v1), edit(1, v1, body(7)), edit(2, body(7), body(7, "x\n"), "nina"),
                edit(3, body(7, "x\n"), v1, "nina")]  # fmt: skip
    assert unchecked_overwrite(reverted, v1) is None


@pytest.mark.parametrize("kind", ["github", "jira"])
def test_an_unchecked_overwrite_is_restored_after_the_store_is_lost(
    kind: str, request: pytest.FixtureRequest, policy: Any
) -> None:
    """The run stopped after a write that overwrote Nina's note, before checking it; the
    store that noted the write was then lost. The next write to the issue restores it."""
    server = request.getfixturevalue("fake_github" if kind == "github" else "fake_jira_cloud")
    connect, ident = (github, 1) if kind == "github" else (jira, "SUP-1")
    tickets = fakes.corpus("a", 10)
    settings = TriageSettings(min_tickets=3, min_customers=2)

    def run(tracker: Any, size: int, store: Any) -> ApplyResult:
        grown = dict(list(tickets.items())[:size])
        themes = [fakes.theme("T-a", list(grown), customers=size)]
        actions = plan_against(tracker, themes, grown, settings, kind=kind, now=fakes.NOW)
        return apply_plan(tracker, actions, journal=PendingWrites(store, tracker.name))

    run(connect(server, policy), 6, open_store(":memory:"))
    race(server, ident)
    with pytest.raises(Killed):
        run(DiesBeforeTheCheck(connect(server, policy)), 8, open_store(":memory:"))
    assert not body_of(server, ident).endswith(NOTE)
    result = run(connect(server, policy), 10, open_store(":memory:"))  # a new store
    assert body_of(server, ident).endswith(NOTE) and "10 support tickets" in body_of(server, ident)
    [outcome] = result.done
    assert any("the store that noted the write is gone" in n for n in outcome.notes)


def test_an_issue_as_the_store_last_saw_it_is_written_without_reading_its_history_first(
    fake_github: Any, policy: Any
) -> None:
    store = open_store(":memory:")
    tracker = github(fake_github, policy)
    triage(tracker, "github", 6)
    filed = tracker.find("acme/app#1")
    assert filed is not None
    remember_filed(store, tracker.name, tracker.refresh(filed))
    tickets = fakes.corpus("a", 8)
    themes = [fakes.theme("T-a", list(tickets), customers=8)]
    settings = TriageSettings(min_tickets=3, min_customers=2)
    actions = plan_against(tracker, themes, tickets, settings, kind="github", now=fakes.NOW)
    before = len(fake_github.log)
    apply_plan(tracker, actions, journal=PendingWrites(store, tracker.name))
    asked = [p for _, p in fake_github.log[before:] if p == "/api/graphql"]
    assert len(asked) == 1  # the check after the write only


class Killed(BaseException):
    """The process died (nothing in sddkit catches a BaseException)."""


class DiesBeforeTheCheck:
    """A tracker whose process is killed when it goes to read the edit history after a
    write (a read before one, of an issue the store has not seen, goes through)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name, self.body_limit = inner.name, inner.body_limit
        self.wrote = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def update(self, issue: Any, draft: Any) -> Any:
        self.wrote = True
        return self.inner.update(issue, draft)

    def body_edits(self, issue: Any) -> list[BodyEdit]:
        if self.wrote:
            raise Killed
        return list(self.inner.body_edits(issue))


@pytest.mark.parametrize("kind", ["github", "jira"])
def test_a_run_killed_before_its_check_has_the_next_run_restore_the_edit(
    kind: str, request: pytest.FixtureRequest, policy: Any
) -> None:
    server = request.getfixturevalue("fake_github" if kind == "github" else "fake_jira_cloud")
    gh = kind == "github"
    connect, ident, key = (github, 1, "acme/app#1") if gh else (jira, "SUP-1", "SUP-1")
    store = open_store(":memory:")
    journal = PendingWrites(store, connect(server, policy).name)
    tickets = fakes.corpus("a", 8)
    themes = [fakes.theme("T-a", list(tickets), customers=8)]
    settings = TriageSettings(min_tickets=3, min_customers=2)

    def run(tracker: Any, size: int) -> ApplyResult:
        grown = dict(list(tickets.items())[:size])
        themes[0] = fakes.theme("T-a", list(grown), customers=size)
        actions = plan_against(tracker, themes, grown, settings, kind=kind, now=fakes.NOW)
        return apply_plan(tracker, actions, journal=journal)

    run(connect(server, policy), 6)
    race(server, ident)
    with pytest.raises(Killed):
        run(DiesBeforeTheCheck(connect(server, policy)), 8)
    assert not body_of(server, ident).endswith(NOTE)  # overwritten, the check never ran
    assert [noted for noted, _, _ in journal.pending()] == [key]
    result = run(connect(server, policy), 8)
    assert body_of(server, ident).endswith(NOTE) and "8 support tickets" in body_of(server, ident)
    assert any("an earlier run" in note for note in result.notes)
    assert journal.pending() == []


class DiesWhileRestoring:
    """A tracker whose process is killed once the write has been checked and found to have
    overwritten an edit: before the restoring write (at the re-read before it), or after it
    landed (at its check)."""

    def __init__(self, inner: Any, after_the_restore: bool) -> None:
        self.inner, self.after = inner, after_the_restore
        self.name, self.body_limit = inner.name, inner.body_limit
        self.reads = self.writes = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def refresh(self, issue: Any) -> Any:
        self.reads += 1
        if self.reads == 2 and not self.after:
            raise Killed
        return self.inner.refresh(issue)

    def update(self, issue: Any, draft: Any) -> Any:
        self.writes += 1
        return self.inner.update(issue, draft)

    def body_edits(self, issue: Any) -> list[BodyEdit]:
        if self.writes == 2:
            raise Killed
        return list(self.inner.body_edits(issue))


@pytest.mark.parametrize("after_the_restore", [False, True])
def test_a_run_killed_while_restoring_an_edit_leaves_it_to_the_next_run(
    after_the_restore: bool, fake_github: Any, policy: Any
) -> None:
    store = open_store(":memory:")
    tickets = fakes.corpus("a", 10)
    settings = TriageSettings(min_tickets=3, min_customers=2)

    def run(tracker: Any, size: int) -> ApplyResult:
        grown = dict(list(tickets.items())[:size])
        themes = [fakes.theme("T-a", list(grown), customers=size)]
        actions = plan_against(tracker, themes, grown, settings, kind="github", now=fakes.NOW)
        return apply_plan(tracker, actions, journal=PendingWrites(store, tracker.name))

    run(github(fake_github, policy), 6)
    race(fake_github, 1)
    with pytest.raises(Killed):
        run(DiesWhileRestoring(github(fake_github, policy), after_the_restore), 8)
    assert body_of(fake_github, 1).endswith(NOTE) == after_the_restore
    assert [key for key, _, _ in PendingWrites(store, "github:acme/app").pending()] == [
        "acme/app#1"
    ]
    result = run(github(fake_github, policy), 8)
    assert body_of(fake_github, 1).endswith(NOTE) and "8 support tickets" in body_of(fake_github, 1)
    assert result.complete and not result.failed
    assert PendingWrites(store, "github:acme/app").pending() == []


@pytest.mark.parametrize("kind", ["github", "jira"])
def test_an_edit_racing_the_restoring_write_is_merged_with_the_restored_one(
    kind: str, request: pytest.FixtureRequest, policy: Any
) -> None:
    """Nina's edit is overwritten; while sddkit restores it, Marko edits the version without
    Nina's note: both notes end up in the issue."""
    server = request.getfixturevalue("fake_github" if kind == "github" else "fake_jira_server")
    connect, ident = (github, 1) if kind == "github" else (jira, "SUP-1")
    assert triage(connect(server, policy), kind, 6).complete
    notes = [NOTE, "Marko: me too."]

    def edit(target: Any) -> None:
        if notes:
            server.human_edit(target, body_of(server, target) + f"\n\n{notes.pop(0)}")

    server.before_write = edit
    result = triage(connect(server, policy), kind, 8)
    assert not notes and result.complete, result.failed
    body = body_of(server, ident)
    assert NOTE in body and body.endswith("Marko: me too.") and "8 support tickets" in body
    assert len([n for n in result.done[0].notes if "overwritten" in n]) == 2


def test_merge_keeps_both_sides_unless_they_change_the_same_lines() -> None:
    base = "intro\nsddkit part\nend\n"
    ours = "intro\nsddkit part\nend\n\nNina's note"
    theirs = "Intro, reworded\nsddkit part\nend\n\nMarko's note\n"
    assert merge3(base, ours, theirs) == (
        "Intro, reworded\nsddkit part\nend\n\nNina's note\n\nMarko's note\n"
    )
    assert merge3(base, "intro\nours\nend\n", "intro\ntheirs\nend\n") is None
    assert merge3(base, "intro\nsame\nend\n", "intro\nsame\nend\n") == "intro\nsame\nend\n"


def test_an_unchecked_overwrite_is_written_back_even_when_the_counts_did_not_change(
    fake_github: Any, policy: Any
) -> None:
    """As above, but the subject has not grown since: the plan itself writes the edit back
    (an update), rather than leaving it lost until the counts change."""
    tickets = fakes.corpus("a", 8)

    def store(size: int) -> Any:
        conn = open_store(":memory:")
        grown = list(tickets.values())[:size]
        upsert_tickets(conn, grown)
        save_themes(conn, [fakes.theme("T-a", [t.key for t in grown], customers=size)], fakes.NOW)
        return conn

    def plan(conn: Any) -> Any:
        return plan_run(conn, SETTINGS, kind="github", tracker=github(fake_github, policy),
                        cache_name="github:acme/app", now=fakes.NOW)  # fmt: skip

    first = store(6)
    apply_run(first, plan(first), github(fake_github, policy))
    race(fake_github, 1)
    grown = store(8)
    with pytest.raises(Killed):
        apply_run(grown, plan(grown), DiesBeforeTheCheck(github(fake_github, policy)))
    assert not body_of(fake_github, 1).endswith(NOTE)
    lost = store(8)  # the store was lost after the killed run: nothing noted the write
    run = plan(lost)
    [action] = run.actions
    assert action.kind == "update" and "an edit by nina" in action.reason
    apply_run(lost, run, github(fake_github, policy))
    assert body_of(fake_github, 1).endswith(NOTE) and "8 support tickets" in body_of(fake_github, 1)
    again = plan(lost)
    assert [a.kind for a in again.actions] == ["nothing"]  # written back once
