"""One subject, one issue: units joined by the issues they share, lineage, links."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from sddkit.store import open_store
from sddkit.trackers import lineage
from sddkit.trackers.base import FiledIssue
from sddkit.trackers.cache import load_filed
from sddkit.trackers.identity import fingerprint
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.subjects import pair_subjects, report_subjects
from sddkit.trackers.suggest import Counts
from sddkit.trackers.triage import apply_plan, plan_triage
from sddkit.trackers.workflow import TriageRun, apply_run, plan_against
from tests.support import trackers as fakes
from tests.trackers.test_github import tracker

NOW = fakes.NOW
OPTIONS = TriageSettings(min_tickets=3, min_customers=2)


def issue(key: str, theme_id: str, counts: Counts, *, days: int = 0) -> FiledIssue:
    body = f"<!-- sddkit:theme={theme_id} -->\n{counts.block()}"
    created = NOW.replace(day=1 + days)
    return FiledIssue(key, theme_id, f"Issue {key}", "open", "u", created, body=body)


def test_a_theme_under_a_new_id_follows_the_issue_that_listed_its_tickets() -> None:
    tickets = fakes.corpus("a", 8)
    keys = sorted(tickets)
    filed = [issue("acme/app#1", "T-old", Counts(5, 5))]
    # a re-cluster gave the subject a new id; 5 of its 8 tickets were listed by #1
    themes = [fakes.theme("T-new", keys, customers=8)]
    lines = {"acme/app#1": frozenset(keys[:5])}
    [action] = plan_triage(themes, filed, tickets, OPTIONS, tracker="github", now=NOW,
                           lineage=lines)  # fmt: skip
    assert action.kind == "comment" and action.issue is not None
    assert action.issue.key == "acme/app#1"
    assert "found by its tickets (filed as T-old)" in action.reason
    # without lineage the same plan would file a second issue
    [without] = plan_triage(themes, filed, tickets, OPTIONS, tracker="github", now=NOW)
    assert without.kind == "create"


def test_an_issue_split_over_two_themes_stays_with_one_and_the_other_is_filed() -> None:
    tickets = fakes.corpus("a", 6) | fakes.corpus("b", 6)
    a = sorted(k for k in tickets if ":a" in k)
    b = sorted(k for k in tickets if ":b" in k)
    themes = [fakes.theme("T-b", b, customers=6), fakes.theme("T-a", a, customers=6)]
    filed = [issue("acme/app#1", "T-b", Counts(9, 9))]
    # last week's run put both in one theme; this week's clustering says two subjects
    lines = {"acme/app#1": frozenset(a + b[:3])}
    subjects = {s.unit.theme.id: [i.key for i in s.issues] for s in
                pair_subjects(themes, filed, tickets, NOW, lines)}  # fmt: skip
    # the theme holding most of the issue's tickets continues it (not the marker's theme)
    assert subjects == {"T-a": ["acme/app#1"], "T-b": []}
    actions = plan_triage(themes, filed, tickets, OPTIONS, tracker="github", now=NOW,
                          lineage=lines)  # fmt: skip
    kinds = {x.theme.id: (x.kind, x.issue.key if x.issue else None) for x in actions}
    assert kinds["T-a"][1] == "acme/app#1" and kinds["T-b"] == ("create", None)


def test_an_issue_no_marker_names_goes_to_the_theme_holding_most_of_its_tickets() -> None:
    old_a = [f"zendesk:a{i}" for i in range(20)]
    old_b = [f"zendesk:b{i}" for i in range(20)]
    tickets = fakes.corpus("a", 20) | fakes.corpus("b", 20) | fakes.corpus("new", 2)
    filed = [
        replace(issue("acme/app#1", "T-gone-1", Counts(20, 20)), body=fingerprint(old_a)),
        replace(issue("acme/app#2", "T-gone-2", Counts(20, 20)), body=fingerprint(old_b)),
    ]
    themes = [
        fakes.theme("T-new-a", [*old_a[5:], "zendesk:new0"]),  # 75 % of #1's tickets
        fakes.theme("T-half", old_b[:8]),  # 40 % of #2's: not enough
        fakes.theme("T-new-b", old_b[6:]),  # 70 % of #2's
    ]
    found = {s.unit.theme.id: [i.key for i in s.issues] for s in pair_subjects(themes, filed,
             tickets, NOW)}  # fmt: skip
    assert found == {"T-new-a": ["acme/app#1"], "T-new-b": ["acme/app#2"], "T-half": []}


def test_a_minority_of_earlier_tickets_is_no_lineage() -> None:
    tickets = fakes.corpus("a", 8)
    keys = sorted(tickets)
    themes = [fakes.theme("T-new", keys, customers=8)]
    filed = [issue("acme/app#1", "T-x", Counts(5, 5)), issue("acme/app#2", "T-y", Counts(5, 5))]
    # 2 of its earlier-filed tickets from #1, 3 from #2: #2 listed most of them
    lines = {"acme/app#1": frozenset(keys[:2]), "acme/app#2": frozenset(keys[2:5])}
    [subject] = pair_subjects(themes, filed, tickets, NOW, lines)
    assert [i.key for i in subject.issues] == ["acme/app#2"]
    # one earlier ticket is not enough to follow an issue
    [alone] = pair_subjects(themes, filed, tickets, NOW, {"acme/app#1": frozenset(keys[:1])})
    assert alone.issues == ()


def test_the_primary_is_the_oldest_open_issue() -> None:
    tickets = fakes.corpus("a", 6)
    keys = sorted(tickets)
    themes = [fakes.theme("T-a", keys, customers=6)]
    old = replace(issue("acme/app#1", "T-a", Counts(6, 6)), state="closed", closed_at=NOW)
    new = issue("acme/app#2", "T-a", Counts(6, 6), days=3)
    [subject] = pair_subjects(themes, [new, old], tickets, NOW)
    assert subject.primary == new and subject.others == (old,)


def test_two_issues_of_one_subject_are_linked_once_and_no_third_is_filed(
    fake_github: Any, policy: Any
) -> None:
    tickets = fakes.corpus("a", 6) | fakes.corpus("b", 6)
    a = sorted(k for k in tickets if ":a" in k)
    b = sorted(k for k in tickets if ":b" in k)
    gh = tracker(fake_github, policy)
    split = [fakes.theme("T-a", a, customers=6), fakes.theme("T-b", b, customers=6)]
    first = plan_against(gh, split, tickets, OPTIONS, kind="github", now=NOW)
    assert [x.kind for x in first] == ["create", "create"]  # last week: two themes, two issues
    assert apply_plan(gh, first).complete
    # this week the subject is one theme: both issues are its issues
    joined = [fakes.theme("T-a", a + b, customers=12)]
    for _ in range(3):
        actions = plan_against(gh, joined, tickets, OPTIONS, kind="github", now=NOW)
        assert all(x.kind != "create" for x in actions)
        assert apply_plan(gh, actions).complete
    assert len(fake_github.issues) == 2
    links = [c for c in fake_github.comments[2] if "Same subject as acme/app#1" in c]
    assert len(links) == 1 and not any("Same subject" in c for c in fake_github.comments[1])
    final = plan_against(gh, joined, tickets, OPTIONS, kind="github", now=NOW)
    assert [(x.kind, x.issue.key if x.issue else None) for x in final] == [
        ("nothing", "acme/app#1"),
        ("nothing", "acme/app#2"),
    ]


def test_apply_records_each_issues_tickets_and_the_next_run_follows_them(
    fake_github: Any, policy: Any
) -> None:
    conn = open_store(":memory:")
    tickets = fakes.corpus("a", 6)
    keys = sorted(tickets)
    gh = tracker(fake_github, policy)
    themes = [fakes.theme("T-a", keys, customers=6)]
    actions = plan_against(gh, themes, tickets, OPTIONS, kind="github", now=NOW)
    apply_run(conn, TriageRun(gh.name, actions), gh)
    assert lineage.load(conn, gh.name) == {"acme/app#1": frozenset(keys)}
    # the store was re-clustered: a new id and no marker names it; lineage finds the issue
    renamed = [fakes.theme("T-z", keys, customers=6)]
    lines = lineage.load(conn, gh.name)
    [again] = plan_against(gh, renamed, tickets, OPTIONS, kind="github", now=NOW, lineage=lines)
    assert again.issue is not None and again.issue.key == "acme/app#1"


def test_an_issue_stands_for_the_tickets_it_was_last_written_for() -> None:
    conn = open_store(":memory:")
    lineage.record(conn, "github:acme/app", "acme/app#1", ["z:1", "z:2", "z:3"])
    lineage.record(conn, "github:acme/app", "acme/app#1", ["z:3", "z:4"])
    lineage.record(conn, "jira:SUP", "SUP-1", ["z:9"])
    assert lineage.load(conn, "github:acme/app") == {"acme/app#1": frozenset({"z:3", "z:4"})}


def two_subjects() -> tuple[dict[str, Any], list[str], list[str]]:
    """Six tickets about each of two subjects, and each subject's keys."""
    tickets = fakes.corpus("a", 6) | fakes.corpus("b", 6)
    return tickets, sorted(k for k in tickets if ":a" in k), sorted(k for k in tickets if ":b" in k)


def closed_as_duplicate(filed: FiledIssue, of: str, *, days: int = 2) -> FiledIssue:
    return replace(
        filed,
        state="closed",
        closed_at=NOW.replace(day=1 + days),
        close_reason="duplicate",
        duplicate_of=of,
    )


def test_an_issue_a_person_closed_as_a_duplicate_is_counted_on_the_other() -> None:
    tickets, a, b = two_subjects()
    # the clustering still holds two subjects; a person said they are one
    themes = [fakes.theme("T-a", a, customers=6), fakes.theme("T-b", b, customers=6)]
    one = issue("acme/app#1", "T-a", Counts(6, 6))
    two = closed_as_duplicate(issue("acme/app#2", "T-b", Counts(6, 6), days=1), "ACME/app#1")
    [action] = plan_triage(themes, [one, two], tickets, OPTIONS, tracker="github", now=NOW)
    assert action.kind == "comment" and action.issue == one
    assert action.theme.size == 12 and action.draft is not None
    assert "12 support tickets" in action.draft.body
    assert "acme/app#2 closed by a person as its duplicate" in action.reason
    # without the person's word: the second issue's subject stays closed, its tickets uncounted
    undone = replace(two, duplicate_of=None)
    kinds = [x.kind for x in plan_triage(themes, [one, undone], tickets, OPTIONS,
                                         tracker="github", now=NOW)]  # fmt: skip
    assert kinds == ["update", "nothing"]


def test_a_duplicate_follows_the_chain_and_its_subject_alone_counts_on_the_other() -> None:
    tickets = fakes.corpus("c", 6)
    keys = sorted(tickets)
    one = issue("acme/app#1", "T-a", Counts(4, 4))
    two = closed_as_duplicate(issue("acme/app#2", "T-b", Counts(5, 5), days=1), "acme/app#1")
    three = closed_as_duplicate(issue("acme/app#3", "T-c", Counts(6, 6), days=2), "acme/app#2")
    # only the third issue's subject came back this week (under its marker's id)
    themes = [fakes.theme("T-c", keys, customers=6)]
    [subject] = pair_subjects(themes, [one, two, three], tickets, NOW)
    assert subject.primary == one and subject.others == ()
    assert [i.key for i in subject.duplicates] == ["acme/app#3"]
    [action] = plan_triage(themes, [one, two, three], tickets, OPTIONS, tracker="github", now=NOW)
    assert action.issue == one and action.kind != "create"


def test_issues_closed_as_duplicates_of_one_persons_issue_are_one_subject_traced_to_it() -> None:
    tickets, a, b = two_subjects()
    themes = [fakes.theme("T-a", a, customers=6), fakes.theme("T-b", b, customers=6)]
    theirs = replace(issue("acme/app#7", "", Counts(0, 0)), body="Seen by two.",
                     created_at=NOW - timedelta(days=40))  # fmt: skip
    one, two = (
        replace(closed_as_duplicate(issue(f"acme/app#{n}", f"T-{t}", Counts(6, 6), days=n),
                                    "acme/app#7", days=n), canonical=theirs)
        for n, t in ((1, "a"), (2, "b"))
    )  # fmt: skip
    [subject] = pair_subjects(themes, [one, two], tickets, NOW)  # one subject, as the person said
    assert subject.primary == two and [i.key for i in subject.duplicates] == ["acme/app#1"]
    assert [x.kind for x in plan_triage(themes, [one, two], tickets, OPTIONS, tracker="github",
                                        now=NOW)] == ["nothing"]  # fmt: skip
    joined, named = report_subjects(themes, [one, two])
    assert {t.family_id for t in joined} == {"T-a"}  # one row of the report for both
    assert [(i.key, i.state, i.created_at) for i in named] == [
        ("acme/app#1", "closed", one.created_at),
        ("acme/app#7", "open", theirs.created_at),  # the person's, open: the subject is open
    ]
    assert set(named[1].theme_ids) == {"T-a", "T-b"} and named[1].body == two.body


def test_a_loop_of_duplicates_files_nothing_new() -> None:
    tickets = fakes.corpus("a", 6)
    themes = [fakes.theme("T-a", sorted(tickets), customers=6)]
    one = closed_as_duplicate(issue("acme/app#1", "T-a", Counts(6, 6)), "acme/app#2")
    two = closed_as_duplicate(issue("acme/app#2", "T-a", Counts(6, 6), days=1), "acme/app#1")
    actions = plan_triage(themes, [one, two], tickets, OPTIONS, tracker="github", now=NOW)
    assert [x.kind for x in actions] == ["nothing"]


def test_after_the_other_is_fixed_the_duplicates_tickets_are_its_regression() -> None:
    old = fakes.corpus("a", 6)
    new = fakes.corpus("b", 4, start_day=40)  # after the fix
    tickets = old | new
    fixed = replace(issue("acme/app#1", "T-a", Counts(6, 6)), state="closed",
                    closed_at=NOW, close_reason="completed")  # fmt: skip
    two = closed_as_duplicate(issue("acme/app#2", "T-b", Counts(3, 3), days=1), "acme/app#1")
    themes = [fakes.theme("T-a", sorted(old), customers=6),
              fakes.theme("T-b", sorted(new), customers=4)]  # fmt: skip
    [action] = plan_triage(themes, [fixed, two], tickets, OPTIONS, tracker="github", now=NOW)
    assert action.kind == "regression" and action.issue == fixed


def test_a_person_closing_an_issue_as_a_duplicate_on_github_is_honoured_every_week(
    fake_github: Any, policy: Any
) -> None:
    conn = open_store(":memory:")
    tickets, a, b = two_subjects()
    gh = tracker(fake_github, policy)
    split = [fakes.theme("T-a", a, customers=6), fakes.theme("T-b", b, customers=6)]
    first = plan_against(gh, split, tickets, OPTIONS, kind="github", now=NOW)
    apply_run(conn, TriageRun(gh.name, first), gh)
    assert len(fake_github.issues) == 2
    # a person: "Duplicate of #1" (GitHub's convention), closed as a duplicate
    fake_github.person_comment(2, "Duplicate of #1")
    fake_github.close(2, NOW, reason="duplicate")
    for week in range(3):
        grown = tickets | fakes.corpus("b", 6 + week)
        b_now = sorted(k for k in grown if ":b" in k)
        themes = [fakes.theme("T-a", a, customers=6),
                  fakes.theme(f"T-b{week}", b_now, customers=len(b_now))]  # fmt: skip
        lines = lineage.load(conn, gh.name)
        gh = tracker(fake_github, policy)  # each week's run its own
        before = len(fake_github.log)
        actions = plan_against(gh, themes, grown, OPTIONS, kind="github", now=NOW, lineage=lines)
        assert [x.issue.key if x.issue else None for x in actions] == ["acme/app#1"], [
            (x.kind, x.reason, x.theme.id) for x in actions
        ]
        apply_run(conn, TriageRun(gh.name, actions), gh)
        # the verdict is read once a run: planning and the cache refresh share it
        reads = [p for m, p in fake_github.log[before:] if m == "GET"]
        assert reads.count("/repos/acme/app/issues/2/timeline") == 1
    assert len(fake_github.issues) == 2
    assert fake_github.comments[2] == ["Duplicate of #1"]  # no link, nothing else there
    assert "14 support tickets" in fake_github.issues[1]["body"]
    # the cache keeps the person's word: an offline plan counts on #1 too
    cached = {i.key: i.duplicate_of for i in load_filed(conn, gh.name)}
    assert cached == {"acme/app#1": None, "acme/app#2": "acme/app#1"}


def file_two_subjects(server: Any, policy: Any) -> Any:
    """Two subjects filed one run apart, as acme/app#1 and #2; the tracker."""
    gh = tracker(server, policy)
    for name in ("a", "b"):
        tickets = fakes.corpus(name, 6)
        actions = plan_against(gh, [fakes.theme(f"T-{name}", sorted(tickets), customers=6)],
                               tickets, OPTIONS, kind="github", now=NOW)  # fmt: skip
        apply_plan(gh, actions)
    return gh


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Duplicate of #1", "acme/app#1"),
        ("duplicate of acme/app#1\n\nSame crash.", "acme/app#1"),
        ("Duplicate of https://github.example/acme/app/issues/1", "acme/app#1"),
        ("Duplicate of other/repo#1", None),  # not an issue of ours
        ("Looks like a duplicate of #1?", None),  # a remark, not GitHub's convention
        ("Duplicate of #1\n\n<!-- sddkit:comment theme=T-b event=growth count=9 -->", None),
    ],
)
def test_which_comments_mark_a_duplicate_on_github(
    fake_github: Any, policy: Any, text: str, found: str | None
) -> None:
    gh = file_two_subjects(fake_github, policy)
    fake_github.person_comment(2, text)
    [_, closed] = sorted(gh.filed_issues(), key=lambda i: i.key)
    assert gh.marked_duplicate_of(closed) is None  # open: no request, no verdict
    fake_github.close(2, NOW, reason="not_planned")
    closed = gh.refresh(closed)
    assert gh.marked_duplicate_of(closed) == found
    fake_github.close(2, NOW, reason="completed")
    assert gh.marked_duplicate_of(gh.refresh(closed)) is None  # closed as done: not a duplicate


def test_githubs_close_as_duplicate_counts_and_unmarking_takes_it_back(
    fake_github: Any, policy: Any
) -> None:
    gh = file_two_subjects(fake_github, policy)
    # "Close as duplicate" in the web UI: no comment, a timeline event naming #1
    fake_github.close_as_duplicate(2, of=1, at=NOW)
    closed = gh.refresh(next(i for i in gh.filed_issues() if i.key == "acme/app#2"))
    assert gh.marked_duplicate_of(closed) == "acme/app#1"
    # a later "Duplicate of" comment naming another issue wins; unmarking takes all back
    # (each read by the next run: a run reads an issue's verdict once)
    fake_github.person_comment(2, "Duplicate of #3", NOW + timedelta(hours=1))
    assert gh.marked_duplicate_of(closed) == "acme/app#1"  # this run's, read already
    assert tracker(fake_github, policy).marked_duplicate_of(closed) == "acme/app#3"
    fake_github.unmark_duplicate(2, NOW + timedelta(hours=2))
    assert tracker(fake_github, policy).marked_duplicate_of(closed) is None


def test_a_subject_whose_theme_id_an_issue_of_another_subject_carries_is_still_filed(
    fake_github: Any, policy: Any
) -> None:
    conn = open_store(":memory:")
    tickets, a, b = two_subjects()
    gh = tracker(fake_github, policy)
    # week 1: both subjects in one theme, filed as #1 under its id
    first = plan_against(gh, [fakes.theme("T-a", a + b, customers=12)], tickets, OPTIONS,
                         kind="github", now=NOW)  # fmt: skip
    apply_run(conn, TriageRun(gh.name, first), gh)
    # week 2: split; the part holding most of #1's tickets continues it (under a new id),
    # the other part got the old id: the id #1's marker carries
    split = [fakes.theme("T-z", a + b[:1], customers=7), fakes.theme("T-a", b[1:], customers=5)]
    for _ in range(2):
        lines = lineage.load(conn, gh.name)
        actions = plan_against(gh, split, tickets, OPTIONS, kind="github", now=NOW,
                               lineage=lines)  # fmt: skip
        apply_run(conn, TriageRun(gh.name, actions), gh)
    assert len(fake_github.issues) == 2  # filed once, under a marker no issue carried
    assert "sddkit:theme=T-a.2 " in fake_github.issues[2]["body"]
    assert "sddkit:counts tickets=5 " in fake_github.issues[2]["body"]
