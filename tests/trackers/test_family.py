"""One issue per theme family (one subject in several languages), found by any member."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sddkit.store import open_store
from sddkit.trackers.base import FiledIssue, theme_id_in, theme_ids_in
from sddkit.trackers.cache import load_filed, save_filed
from sddkit.trackers.family import family_units
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.suggest import Counts
from sddkit.trackers.triage import apply_plan, plan_triage
from sddkit.trackers.workflow import plan_against
from tests.support import trackers as fakes
from tests.trackers.test_github import tracker

NOW = fakes.NOW


def family() -> tuple[list[Any], dict[str, Any]]:
    """T-a (en, 4 tickets), T-b (ru, 2), T-c (pl, 2): one family, id T-a."""
    tickets = fakes.corpus("a", 4) | fakes.corpus("b", 2, start_day=5) | fakes.corpus("c", 2)
    themes = []
    for tid, language in (("a", "en"), ("b", "ru"), ("c", "pl")):
        keys = [k for k in tickets if f":{tid}" in k]
        theme = fakes.theme(f"T-{tid}", keys, customers=len(keys))
        themes.append(replace(theme, languages={language: len(keys)}, family_id="T-a"))
    return themes, tickets


def plan(themes: list[Any], issues: list[FiledIssue], tickets: dict[str, Any]) -> Any:
    options = TriageSettings(min_tickets=5, min_customers=2)
    return plan_triage(themes, issues, tickets, options, tracker="github", now=NOW)


def old_issue(theme_id: str, counts: Counts, key: str = "acme/app#1") -> FiledIssue:
    body = f"<!-- sddkit:theme={theme_id} -->\n<!-- sddkit:tickets 000000 -->\n{counts.block()}"
    return FiledIssue(key, theme_id, "Filed before families", "open", "u", NOW, body=body)


def test_a_family_is_one_unit_with_the_totals() -> None:
    themes, tickets = family()
    [unit] = family_units(themes, tickets, NOW)
    assert unit.theme.id == "T-a" and unit.member_ids == ("T-a", "T-b", "T-c")
    assert unit.theme.size == 8 and unit.theme.customer_count == 4  # c0..c3 across members
    assert unit.theme.languages == {"en": 4, "pl": 2, "ru": 2}


def test_one_create_per_family_on_the_totals_with_every_member_named() -> None:
    themes, tickets = family()  # each member is below min_tickets 5; the family is not
    [action] = plan(themes, [], tickets)
    assert action.kind == "create" and action.theme.id == "T-a"
    assert action.reason == "new family of 3 themes: 8 tickets from 4 customers"
    body = action.draft.body
    assert theme_id_in(body) == "T-a" and theme_ids_in(body) == ("T-a", "T-b", "T-c")
    assert "`T-b` ru (2)" in body and "`T-c` pl (2)" in body
    # a quote from every member, whatever max_quotes says (3 members, 3 quotes at least)
    assert all(f"`zendesk:{m}0`" in body for m in "abc")


def test_an_issue_filed_for_a_member_before_families_is_the_familys() -> None:
    themes, tickets = family()
    [action] = plan(themes, [old_issue("T-b", Counts(2, 2))], tickets)
    assert action.kind == "comment"  # 2 -> 8 tickets: grew
    assert action.issue is not None and action.issue.key == "acme/app#1"
    assert action.draft is not None and action.draft.theme_id == "T-b"  # its marker is kept
    assert theme_id_in(action.draft.body) == "T-b"
    assert theme_ids_in(action.draft.body) == ("T-a", "T-b", "T-c")
    assert "theme=T-b event=growth count=8" in (action.comment or "")


def test_two_issues_for_members_of_one_family_count_on_one_link_the_other_file_none() -> None:
    themes, tickets = family()
    issues = [old_issue("T-a", Counts(8, 3)), old_issue("T-c", Counts(8, 3), key="acme/app#2")]
    actions = plan(themes, issues, tickets)
    assert [(a.kind, a.issue.key) for a in actions] == [
        ("update", "acme/app#1"),
        ("link", "acme/app#2"),
    ]
    assert "same subject as acme/app#2 (linked; no new issue)" in actions[0].reason
    assert "Same subject as acme/app#1" in (actions[1].comment or "")
    assert "theme=T-c event=link count=1" in (actions[1].comment or "")


def test_an_issue_whose_themes_marker_names_a_member_is_found() -> None:
    themes, tickets = family()
    issue = replace(old_issue("T-x", Counts(8, 4)), theme_ids=("T-x", "T-c"))
    [action] = plan(themes, [issue], tickets)
    assert action.kind == "nothing" and action.reason == "up to date"


def test_github_run_files_once_then_finds_the_issue_by_the_family(
    fake_github: Any, policy: Any
) -> None:
    themes, tickets = family()
    gh = tracker(fake_github, policy)
    settings = TriageSettings(min_tickets=5, min_customers=2)
    # before families: only T-a passes on its own (4 tickets, min 3)
    alone = [replace(t, family_id=None) for t in themes]
    loose = TriageSettings(min_tickets=3, min_customers=2)
    first = plan_against(gh, alone, tickets, loose, kind="github", now=NOW)
    assert [a.kind for a in first] == ["create", "nothing", "nothing"]
    apply_plan(gh, first)
    second = plan_against(gh, themes, tickets, settings, kind="github", now=NOW)
    assert [(a.kind, a.issue.key if a.issue else None) for a in second] == [
        ("comment", "acme/app#1")
    ]
    assert apply_plan(gh, second).complete
    assert len(fake_github.issues) == 1
    assert theme_ids_in(fake_github.issues[1]["body"]) == ("T-a", "T-b", "T-c")
    third = plan_against(gh, themes, tickets, settings, kind="github", now=NOW)
    assert [a.kind for a in third] == ["nothing"]
    [issue] = gh.filed_issues()
    assert issue.covered == ("T-a", "T-b", "T-c")


def test_the_cache_keeps_member_theme_ids() -> None:
    conn = open_store(":memory:")
    issue = replace(old_issue("T-a", Counts(1, 1)), theme_ids=("T-a", "T-b"))
    save_filed(conn, "github:acme/app", [issue])
    assert load_filed(conn)[0].theme_ids == ("T-a", "T-b")


def test_a_familys_issue_title_is_its_english_members_label() -> None:
    """Founded by the Russian theme (the largest), the family's issue reads in English."""
    tickets = fakes.corpus("a", 2) | fakes.corpus("b", 5) | fakes.corpus("c", 2)
    labels = {"a": "Export to CSV times out", "b": "Экспорт в CSV зависает", "c": "Eksport CSV"}
    themes = []
    for tid, language in (("a", "en"), ("b", "ru"), ("c", "pl")):
        keys = [k for k in tickets if f":{tid}" in k]
        theme = fakes.theme(f"T-{tid}", keys, customers=len(keys), label=labels[tid])
        themes.append(replace(theme, languages={language: len(keys)}, family_id="T-b"))
    [unit] = family_units(themes, tickets, NOW)
    assert unit.theme.id == "T-b" and unit.theme.label == "Export to CSV times out"
    [action] = plan(themes, [], tickets)
    assert action.draft.title == "Bug: Export to CSV times out"
    without_english = [t for t in themes if t.id != "T-a"]
    [unit] = family_units(without_english, tickets, NOW)
    assert unit.theme.label == "Экспорт в CSV зависает"  # the founder's
