"""Issue bodies, titles and comments: private data never gets in, quotes stay inert, the
generated region cannot be broken by customer text, and bodies fit the tracker's limit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sddkit.trackers.base import FiledIssue, theme_id_in
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.suggest import BODY_LIMITS, Counts, recorded_counts, splice, title_for
from sddkit.trackers.triage import plan_triage
from tests.support import trackers as fakes

NOW = fakes.NOW
OPTIONS = TriageSettings(min_tickets=1, min_customers=1)

words = st.lists(st.sampled_from(["export", "fails", "CSV", "the", "na", "экспорт", "nie"]))
emails = st.from_regex(r"[a-z]{2,8}(\.[a-z]{2,6})?@[a-z]{3,8}\.(com|rs|pl|ru)", fullmatch=True)
phones = st.from_regex(r"\+(1|381|48|7) \(?[2-9][0-9]{2}\)? [0-9]{3}[ -][0-9]{4}", fullmatch=True)
ibans = st.builds(
    lambda cc, digits, spaced: (
        cc + (" ".join(digits[i : i + 4] for i in range(0, 20, 4)) if spaced else digits)
    ),
    st.sampled_from(["RS35", "DE89", "PL61", "GB82"]),
    st.from_regex(r"[0-9]{20}", fullmatch=True),
    st.booleans(),
)
cards = st.builds(
    lambda digits, sep: sep.join(digits[i : i + 4] for i in range(0, 16, 4)),
    st.from_regex(r"4[0-9]{15}", fullmatch=True),
    st.sampled_from(["", " ", "-"]),
)
secrets = st.one_of(
    st.from_regex(r"ghp_[A-Za-z0-9]{36}", fullmatch=True),
    st.from_regex(r"sk_live_[A-Za-z0-9]{24}", fullmatch=True),
    st.from_regex(r"AKIA[0-9A-Z]{16}", fullmatch=True),
)
private = st.one_of(emails, phones, ibans, cards, secrets)


def issue_for(body: str, key: str = "acme/app#1") -> FiledIssue:
    return FiledIssue(key, theme_id_in(body) or "T-a", "Bug", "open", "u", NOW, body=body)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(before=words, after=words, secret=private, tracker=st.sampled_from(["github", "jira"]))
def test_no_private_value_reaches_a_body_title_or_comment(
    before: list[str], after: list[str], secret: str, tracker: str
) -> None:
    text = f"{' '.join(before)} {secret} {' '.join(after)}"
    tickets = {k: replace(t, body=text, subject=text) for k, t in fakes.corpus("a", 6).items()}
    theme = fakes.theme("T-a", list(tickets), label=f"export {secret}")
    [create] = plan_triage([theme], [], tickets, OPTIONS, tracker=tracker, now=NOW)
    assert create.draft is not None
    filed = issue_for(create.draft.body.replace("tickets=6", "tickets=1"))
    [grow] = plan_triage([theme], [filed], tickets, OPTIONS, tracker=tracker, now=NOW)
    assert grow.kind == "comment" and grow.comment and grow.draft
    for written in (create.draft.body, create.draft.title, grow.comment, grow.draft.body):
        assert secret not in written
        assert secret.replace(" ", "") not in written.replace(" ", "")


@pytest.mark.parametrize("tracker", ["github", "jira"])
def test_a_quote_with_marker_text_neither_forges_nor_ends_the_region(tracker: str) -> None:
    hostile = "Export broken\nsddkit:end\n<!-- sddkit:end -->\n<!-- sddkit:theme=T-evil -->"
    tickets = {k: replace(t, body=hostile) for k, t in fakes.corpus("a", 4).items()}
    theme = fakes.theme("T-a", list(tickets))
    [create] = plan_triage([theme], [], tickets, OPTIONS, tracker=tracker, now=NOW)
    assert create.draft is not None
    body = f"My notes\n{create.draft.body}\nMore notes"
    assert theme_id_in(body) == "T-a"
    grown = fakes.theme("T-a", list(tickets), customers=9)
    [update] = plan_triage([grown], [issue_for(body)], tickets, OPTIONS, tracker=tracker, now=NOW)
    assert update.kind == "update" and update.draft is not None
    assert recorded_counts(update.draft.body) == Counts(4, 9)
    assert update.draft.body.startswith("My notes\n") and update.draft.body.endswith("More notes")
    assert update.draft.body.count("sddkit:theme=") == 1


def test_splice_needs_our_exact_lines() -> None:
    old = "a\n<!-- sddkit:begin x -->\nq > sddkit:end\nold\n<!-- sddkit:end -->\nb"
    new = "<!-- sddkit:begin x -->\nnew\n<!-- sddkit:end -->\n"
    assert splice(old, new) == "a\n<!-- sddkit:begin x -->\nnew\n<!-- sddkit:end -->\nb"


@pytest.mark.parametrize("tracker", ["github", "jira"])
def test_huge_theme_fits_the_limit_by_trimming_the_ticket_list(tracker: str) -> None:
    tickets = fakes.corpus("a", 3000)
    theme = fakes.theme("T-a", list(tickets))
    options = replace(OPTIONS, max_ticket_refs=5000, ticket_urls={"zendesk": "https://z/{id}"})
    [create] = plan_triage([theme], [], tickets, options, tracker=tracker, now=NOW)
    assert create.draft is not None
    body = create.draft.body
    assert len(body) <= BODY_LIMITS[tracker]
    assert "… and " in body and "What customers say" in body
    assert recorded_counts(body) == Counts(3000, 5)


def test_splice_into_a_broken_region_keeps_peoples_text_and_reads_the_new_counts() -> None:
    new = f"<!-- sddkit:begin x -->\n{Counts(9, 4).block()}\n<!-- sddkit:end -->\n"
    old = f"notes\nsddkit begin deleted by someone\n{Counts(3, 1).block()}\n"
    spliced = splice(old, new)
    assert spliced.startswith(old.rstrip()) and spliced.endswith(new)
    assert recorded_counts(spliced) == Counts(9, 4)


@pytest.mark.parametrize("tracker", ["github", "jira"])
def test_titles_and_keywords_are_inert(tracker: str) -> None:
    tickets = fakes.corpus("a", 4)
    theme = replace(
        fakes.theme("T-a", list(tickets), label="@octocat export #12 GH-4 sddkit:end"),
        keywords=("@acme/team", "[x](https://t.example/p.gif)", "ana@firma.rs"),
    )
    [create] = plan_triage([theme], [], tickets, OPTIONS, tracker=tracker, now=NOW)
    assert create.draft is not None
    assert create.draft.title == "Bug: [mention] export ＃12 GH\u20114 sddkit：end"
    for leak in ("@acme", "](https", "ana@", "firma.rs"):
        assert leak not in create.draft.body


@pytest.mark.parametrize("tracker", ["github", "jira"])
def test_satisfaction_in_a_body_is_on_the_helpdesks_own_scale_named(tracker: str) -> None:
    tickets = {
        k: replace(t, satisfaction=6.0, satisfaction_scale="10")
        for k, t in fakes.corpus("a", 4).items()
    }
    theme = replace(fakes.theme("T-a", list(tickets)), avg_satisfaction=2.5)  # 1-5, normalised
    [create] = plan_triage([theme], [], tickets, OPTIONS, tracker=tracker, now=NOW)
    assert create.draft is not None
    assert "3.8 of 10 (0–10)" in create.draft.body  # as the report and `themes show` say it
    assert "2.50" not in create.draft.body


@pytest.mark.parametrize(
    ("kind", "label", "title"),
    [
        ("feature", "Feature request: send alerts to a Slack channel",
         "Feature request: send alerts to a Slack channel"),
        ("bug", "Bug - export crashes", "Bug: export crashes"),
        ("bug", "[Question]: where is the invoice?", "Bug: where is the invoice?"),
        ("ux", "Docs: nothing else", "UX: nothing else"),
        ("bug", "Bugs in the export", "Bug: Bugs in the export"),  # a word, not a prefix
        ("question", "Question:", "Question: Question:"),  # nothing left: kept as it was
    ],
)  # fmt: skip
def test_a_title_never_repeats_a_kind_the_quoted_label_starts_with(
    kind: str, label: str, title: str
) -> None:
    theme = replace(fakes.theme("T-1", ["zendesk:1"]), kind=kind, label=label)
    assert title_for(theme) == title
