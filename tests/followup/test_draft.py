"""Drafts: the customer's language and script, their own words, the fix date, the team's
templates; and, for any customers, nothing of one customer in another's reply."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.followup.draft import Drafter, clean_subject, date_text, is_cyrillic
from sddkit.followup.model import MARKER_PREFIX, FixOf, Recipient, fix_key
from sddkit.followup.select import select
from sddkit.followup.settings import FollowupSettings, VendorSettings
from sddkit.report.model import FixSummary, Trace
from sddkit.tickets.model import Ticket
from tests.followup.test_select import blank

FIXED = datetime(2026, 10, 5, 14, tzinfo=UTC)
FIX = FixOf(fix_key("pull_request", "#42"), "#42", FIXED, ("acme/app#101",))


def recipient(language: str | None, subject: str = "Export hangs", **fields: object) -> Recipient:
    ticket = Ticket("zendesk", "9", FIXED - timedelta(days=3), subject=subject,
                    language=language, customer_id="c1", **fields)  # type: ignore[arg-type]  # fmt: skip
    return Recipient(FIX, "c1", ticket, 1)


def test_each_language_and_serbian_in_the_customers_script() -> None:
    drafter = Drafter(FollowupSettings())
    assert drafter.draft(recipient("en")).language == "en"
    assert drafter.draft(recipient("pl")).language == "pl"
    assert drafter.draft(recipient("ru")).language == "ru"
    assert drafter.draft(recipient("sr", "Извоз не ради")).language == "sr-Cyrl"
    assert drafter.draft(recipient("sr", "Izvoz ne radi")).language == "sr-Latn"
    assert drafter.draft(recipient("de")).language == "en"
    assert drafter.draft(recipient(None)).language == "en"
    assert Drafter(FollowupSettings(fallback_language="pl")).draft(recipient("de")).language == "pl"


def test_the_reply_names_their_subject_and_the_fix_date() -> None:
    draft = Drafter(FollowupSettings(signature="Acme")).draft(recipient("sr", "Извоз не ради"))
    assert "„Извоз не ради”" in draft.text and "5. октобра 2026." in draft.text
    assert draft.text.endswith("Acme")
    assert not draft.public and draft.body.startswith("[sddkit] Follow-up draft: the fix #42")
    assert draft.body.endswith(draft.marker) and draft.marker.startswith(MARKER_PREFIX)


def test_public_replies_per_helpdesk_carry_no_agent_line() -> None:
    chosen = FollowupSettings(vendors={"zendesk": VendorSettings(public=True)})
    draft = Drafter(chosen).draft(recipient("en"))
    assert draft.public and draft.body == f"{draft.text}\n\n{draft.marker}"


def test_dates_in_each_language() -> None:
    day = date(2026, 9, 1)
    assert date_text(day, "en") == "1 September 2026"
    assert date_text(day, "pl") == "1 września 2026"
    assert date_text(day, "ru") == "1 сентября 2026 г."
    assert date_text(day, "sr-Latn") == "1. septembra 2026."
    assert date_text(day, "sr-Cyrl") == "1. септембра 2026."
    assert date_text(day, "de") == "2026-09-01"


def test_a_team_template_overrides_and_adds_languages(tmp_path: Path) -> None:
    (tmp_path / "followup").mkdir()
    (tmp_path / "followup" / "de.txt.j2").write_text("Hallo! {{ subject }} ({{ fixed_on }})")
    (tmp_path / "followup" / "en.txt.j2").write_text("Hi {{ ticket_id }}")
    drafter = Drafter(FollowupSettings(templates=tmp_path))
    german = drafter.draft(recipient("de"))
    assert (german.language, german.text) == ("de", "Hallo! Export hangs (2026-10-05)")
    assert drafter.draft(recipient("en")).text == "Hi 9"
    assert drafter.draft(recipient("pl")).language == "pl"  # the packaged one


def test_hostile_subjects_are_quoted_as_one_safe_line() -> None:
    hostile = f"Help\n\n{{{{ 7*7 }}}} \x1b[31m {MARKER_PREFIX}deadbeef\u202e end " + "x" * 200
    text = clean_subject(Ticket("zendesk", "1", FIXED, subject=hostile))
    assert "\n" not in text and "\x1b" not in text and "\u202e" not in text
    assert MARKER_PREFIX not in text and "{{ 7*7 }}" in text and len(text) == 120
    draft = Drafter(FollowupSettings()).draft(recipient("en", hostile))
    assert "49" not in draft.text and draft.body.count(MARKER_PREFIX) == 1
    assert clean_subject(Ticket("zendesk", "1", FIXED, body="  Login\tfails ")) == "Login fails"


def test_script_detection() -> None:
    assert is_cyrillic("Не могу да се пријавим (iOS)")
    assert not is_cyrillic("Ne mogu da se prijavim (иОС)")


# -- no customer's identity in another customer's reply -------------------------------------

_WORD = st.text(string.ascii_letters, min_size=4, max_size=10)
_NOISE = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def customers(draw: st.DrawFn) -> list[dict[str, str]]:
    count = draw(st.integers(2, 6))
    words = draw(st.lists(_WORD, min_size=3 * count, max_size=3 * count, unique_by=str.lower))
    people = []
    for n in range(count):
        name, org, mailbox = (f"Qz{w}" for w in words[3 * n : 3 * n + 3])
        email = f"{mailbox.lower()}@{org.lower()}.example"
        language = draw(st.sampled_from(["en", "pl", "ru", "sr", "de", None]))
        subject = draw(_NOISE) + f" {name} of {org} ({email}) " + draw(_NOISE)
        people.append(
            {"name": name, "org": org, "email": email, "language": language, "subject": subject}
        )
    return people


@settings(max_examples=60, deadline=None)
@given(people=customers(), public=st.booleans())
def test_a_reply_carries_no_other_customers_name_email_or_organisation(
    people: list[dict[str, str]], public: bool
) -> None:
    tickets = [
        Ticket("zendesk", str(n), FIXED - timedelta(days=n + 1), subject=p["subject"],
               body=f"I am {p['name']}", customer_id=p["email"], organization=p["org"],
               language=p["language"])
        for n, p in enumerate(people)
    ]  # fmt: skip
    fix = blank(FixSummary, kind="pull_request", ref="#42", fixed_at=FIXED,
                issue_keys=("acme/app#101",))  # fmt: skip
    trace = blank(Trace, issue_key="acme/app#101", ticket_keys=tuple(t.key for t in tickets))
    chosen = select(
        [fix], [trace], {t.key: t for t in tickets}, since=FIXED - timedelta(days=1),
        until=FIXED + timedelta(days=1), told=set(), writable={"zendesk"},
        settings=FollowupSettings(public=public),
    )  # fmt: skip
    drafter = Drafter(FollowupSettings(public=public))
    assert len(chosen.recipients) == len(people)
    for recipient in chosen.recipients:
        draft = drafter.draft(recipient)
        own = recipient.ticket.customer_id
        for other in people:
            if other["email"] == own:
                continue
            for value in (other["name"], other["org"], other["email"]):
                assert value.lower() not in draft.body.lower()
