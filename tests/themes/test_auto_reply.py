from __future__ import annotations

import pytest

from sddkit.themes.auto_reply import is_auto_reply
from sddkit.themes.corpus import Corpus
from sddkit.themes.pipeline import themes_from_tickets
from tests.themes.conftest import NOW, make_ticket, themed_tickets


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Automatic reply: Re: Invoice question", "I am away until Monday."),
        ("Auto: Re: [#123] Export", ""),
        ("Out of Office", "Back on the 12th."),
        ("Re: export", "I am currently out of the office until Monday, 7 January."),
        ("Undeliverable: Your request #42", ""),
        ("Delivery Status Notification (Failure)", ""),
        ("Автоответ: Re: заявка", ""),
        ("Automatyczna odpowiedź: Re: faktura", ""),
        ("Automatski odgovor: Re: izvoz", ""),
        ("Abwesenheitsnotiz: Ihre Anfrage", ""),
    ],
)
def test_out_of_office_replies_and_bounces_are_known(subject: str, body: str) -> None:
    assert is_auto_reply(subject, body)


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Auto-renewal failed", "My card was declined."),
        ("Out of office hours support?", "Do you answer out of office hours?"),
        ("Export fails", "I am out of ideas: the export fails."),
        ("Automatic invoices", "Can invoices be sent automatically?"),
    ],
)
def test_customers_writing_about_such_things_are_read(subject: str, body: str) -> None:
    assert not is_auto_reply(subject, body)


def test_themes_leave_auto_replies_out() -> None:
    # Fourteen out-of-office replies alike would be a theme ("Automatic reply"), and triage
    # would file it.
    replies = [
        make_ticket(f"ooo{n}", "Automatic reply: Re: your ticket. I am out of the office.", NOW)
        for n in range(14)
    ]
    tickets = [*themed_tickets(), *replies]
    corpus = Corpus.from_tickets(tickets)
    assert not any(key.startswith("test:ooo") for key in corpus.keys)
    themes = themes_from_tickets(tickets, now=NOW, min_size=5)
    assert themes and not any(k.startswith("test:ooo") for t in themes for k in t.ticket_keys)
