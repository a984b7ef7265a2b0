from __future__ import annotations

from sddkit.themes.clean import clean_text
from sddkit.themes.corpus import Corpus
from sddkit.themes.shared_sentences import (
    MIN_TICKETS,
    Sentence,
    sentences_about_nothing,
    sentences_of,
    without,
)
from sddkit.tickets.model import Ticket
from tests.themes.conftest import NOW, make_ticket

# Queries about different things (CLINC150-like), one sentence each.
QUERIES = [
    "How do I change the billing address on my invoices",
    "The mobile app crashes when I open the calendar",
    "Can I get a refund for the annual plan",
    "Where do I download last month's report as PDF",
    "Two-factor codes from the authenticator are rejected",
    "Please add a dark mode to the web dashboard",
    "Our webhook deliveries to Slack stopped yesterday",
    "The search box ignores accented letters",
    "How many seats does the team plan include",
    "Importing contacts from Excel garbles the names",
    "Password reset e-mails land in spam",
    "The API returns 429 after ten requests",
]
CONTEXT = [
    "This started after the last update.",
    "I'm on the latest version of the app.",
    "Это началось после последнего обновления.",
]


def _keys(text: str) -> list[Sentence]:
    return [Sentence(raw, clean_text(raw)) for raw in sentences_of(text)]


def test_sentences_are_split_at_line_breaks_and_after_full_stops() -> None:
    text = "The export fails! It did work.\n\nThanks in advance…  Jan"
    assert sentences_of(text) == ["The export fails!", "It did work.", "Thanks in advance…", "Jan"]
    assert sentences_of("") == []


def test_a_sentence_tickets_about_anything_repeat_is_context() -> None:
    rows = [_keys(f"{q}. {CONTEXT[0]}") for q in QUERIES]
    assert sentences_about_nothing(rows) == {clean_text(CONTEXT[0])}
    # fewer tickets than MIN_TICKETS: not judged
    assert sentences_about_nothing(rows[: MIN_TICKETS - 1]) == set()


def test_a_subject_sentence_many_tickets_share_is_not_context() -> None:
    # The same complaint written the same way, with the filler of many others around it
    # (a form's template, sign-offs): the tickets say nothing else of their own.
    filler = ["Please help.", "Thanks!", "This is urgent.", "Regards."]
    rows = [
        _keys(f"CSV export fails with a timeout. {filler[n % 4]} {filler[(n + 1) % 4]}")
        for n in range(3 * MIN_TICKETS)
    ]
    assert sentences_about_nothing(rows) == set()
    # and with one sentence of their own each that repeats the subject, neither
    own = [
        _keys(f"CSV export fails with a timeout. The CSV export of {q.lower()}.") for q in QUERIES
    ]
    assert clean_text("CSV export fails with a timeout.") not in sentences_about_nothing(own)


def test_without_takes_out_the_sentence_where_it_is() -> None:
    text = f"Export fails.\n{CONTEXT[0]} Order 123.\nThanks"
    assert (
        without(text, _keys(text), {clean_text(CONTEXT[0])})
        == "Export fails.\n  Order 123.\nThanks"
    )


VARIANTS = [
    a + b for a in ("", " now", " again", " today", " asap") for b in ("", "!", " :(", " ?")
]


def _tickets(context: bool) -> list[Ticket]:
    """Twenty tickets on each query; two context sentences on a third of them each (when
    asked), across queries and variants alike."""
    tickets = []
    for n, (q, variant) in enumerate((q, v) for q in QUERIES for v in VARIANTS):
        said = f" {CONTEXT[n % len(CONTEXT)]}" if context and n % 3 else ""
        tickets.append(make_ticket(f"q{n}", f"Support request. {q}{variant}.{said}", NOW))
    return tickets


def test_themes_read_no_context_sentence() -> None:
    # What the vector space, the keywords and the titles read is what they read without
    # the context sentences.
    with_context = Corpus.from_tickets(_tickets(context=True))
    bare = Corpus.from_tickets(_tickets(context=False))
    assert with_context.texts == bare.texts
    assert with_context.plain == bare.plain
    assert with_context.tokens == bare.tokens
    assert with_context.subjects == bare.subjects
