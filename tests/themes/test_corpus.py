from __future__ import annotations

from dataclasses import replace

from sddkit.themes.clean import plain_text
from sddkit.themes.corpus import MIN_LINE_TICKETS, Corpus
from sddkit.tickets.model import Ticket
from tests.themes.conftest import NOW, make_ticket, theme_of, themed_tickets


def _bodies() -> list[Ticket]:
    """Tickets about several things (the themed ones, but one of the two PDF exports),
    their first sentence moved into the body, no subject line."""
    return [
        replace(t, subject="", body=f"{t.subject}. {t.body}")
        for t in themed_tickets()
        if theme_of(t.key) != "export-ru"
    ]


def test_a_line_heading_tickets_about_anything_is_not_read() -> None:
    # A web form's line names a thing ("account"), so its words alone do not give it away;
    # the bodies under it, about export, passwords, invoices..., share no word.
    tickets = [replace(t, subject="Issue with my account") for t in _bodies()]
    corpus = Corpus.from_tickets(tickets)
    assert corpus.plain == [plain_text(t.body, corpus.languages[n]) for n, t in enumerate(tickets)]
    assert not any(text.startswith("issue with my account") for text in corpus.texts)
    assert all("Issue with my account" not in line for line in corpus.subjects)


def test_a_line_customers_give_one_subject_is_read() -> None:
    bodies = [
        "Charts appear last, after twenty seconds",
        "It takes forever every morning before anything shows",
        "Loading the main page takes ages",
    ]
    tickets = [
        make_ticket(f"s{n}", f"Dashboard very slow. {bodies[n % 3]}", NOW)
        for n in range(MIN_LINE_TICKETS + 2)
    ]
    corpus = Corpus.from_tickets(tickets)
    assert all(text.startswith("dashboard very slow") for text in corpus.texts)
    assert set(corpus.subjects) == {"Dashboard very slow"}


def test_a_line_on_few_tickets_is_not_judged() -> None:
    tickets = [replace(t, subject="Issue with my account") for t in _bodies()]
    corpus = Corpus.from_tickets(tickets[: MIN_LINE_TICKETS - 1])
    assert all(text.startswith("issue with my account") for text in corpus.texts)


def test_a_sign_off_as_the_subject_line_does_not_cut_the_body() -> None:
    # "Thank you!" first read as a signature, and the whole body went with it.
    tickets = [
        make_ticket("t1", "Thank you!. The new timeline view is great", NOW, language="en"),
        make_ticket("t2", "Hvala!. Novi prikaz vremenske linije je odličan", NOW, language="sr"),
    ]
    corpus = Corpus.from_tickets(tickets)
    assert corpus.texts[0] == "the new timeline view is great"
    assert "vremenske linije" in corpus.texts[1]
    assert corpus.subjects[0] == "The new timeline view is great"
