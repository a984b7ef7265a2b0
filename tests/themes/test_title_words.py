"""Titles a team lead would write: no names, organisations or profanity; the team's language;
typos not copied."""

from __future__ import annotations

import pytest

from sddkit.themes.label import make_title
from sddkit.themes.title_words import fit_for_title, identity_words, rare_words

AVOID = identity_words(["ana.kovac@globex.rs", "info@initech.example", None], ["Globex Corp"])


def test_identity_words_are_the_customers_and_organisations_names() -> None:
    assert {"ana", "kovac", "globex", "initech", "corp"} <= AVOID
    assert "info" not in AVOID and "example" not in AVOID


@pytest.mark.parametrize(
    "line",
    [
        "Bug: SEPA refund never arrived, ask Dragana Jovanovic",
        "I need a bloody new account",
        "Globex invoices are missing the VAT number",
        "Export fails again, ask Ana",
        "Блядь, не работает экспорт",
        "Izvoz CSV pada, jebote",
        "Извоз CSV пада, јеботе",
        "Kurwa, eksport znowu nie działa",
        "Der Scheiß Export hängt",
        "La exportación no funciona, qué mierda",
        "Putain, l'export plante encore",
        "Export non funziona, cazzo",
        "Porra, a exportação falhou",
        "Kut export werkt weer niet",
        "Export zase nefunguje, kurva",
        "WTF export again",
    ],
)
def test_lines_naming_people_organisations_or_swearing_are_no_titles(line: str) -> None:
    assert not fit_for_title(line, AVOID)


@pytest.mark.parametrize(
    "line",
    [
        "Password Reset Email Not Received",  # Title Case: capitals say nothing
        "Feature request: Slack notifications",
        "Export to CSV fails",
        "Dark mode contrast is too low",
        "Putative duplicate charge on the invoice",  # "puta" only as a whole word
        "Disputa sobre la factura de marzo",
        "Mistake in the VAT line",  # German "Mist" only as a whole word
        "Connexion impossible depuis la mise à jour",
    ],
)
def test_ordinary_subject_lines_are_titles(line: str) -> None:
    assert fit_for_title(line, AVOID)


def test_a_title_never_carries_a_name_even_when_most_tickets_used_that_line() -> None:
    lines = [("Refund never arrived, ask Dragana Jovanovic", "en")] * 5 + [
        ("Refund never arrived", "en")
    ]
    assert make_title(lines, ["refund", "arrived"], "fallback") == "Refund never arrived"


def test_a_typo_is_not_copied_when_a_cleaner_line_says_the_same() -> None:
    lines = [
        ("Did not recieve the reset email", "en"),
        ("Did not receive the reset email", "en"),
        ("I did not receive the reset email at all", "en"),
        ("Still did not receive the reset email", "en"),
    ]
    assert rare_words([line for line, _ in lines])[0] == 1
    title = make_title(lines, ["reset", "email"], "fallback")
    assert "recieve" not in title


def test_the_title_is_in_the_teams_language_when_the_theme_has_lines_in_it() -> None:
    lines = [("Izvoz CSV pada", "sr")] * 6 + [
        ("CSV export crashes", "en"),
        ("The CSV export crashes every time", "en"),
    ]
    keywords = ["izvoz", "csv", "pada"]  # the keywords follow the majority (Serbian)
    assert make_title(lines, keywords, "fallback", "sr") == "Izvoz CSV pada"
    assert make_title(lines, keywords, "fallback", "sr", team_language="en") == (
        "CSV export crashes"
    )
    # one line in the team's language is not enough to prefer it
    one = [*lines[:6], lines[6]]
    assert make_title(one, keywords, "fallback", "sr", team_language="en") == "Izvoz CSV pada"
