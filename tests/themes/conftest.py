"""Small multilingual ticket sets with known themes, built in code (deterministic)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from sddkit.store import open_store
from sddkit.tickets.model import Ticket

NOW = datetime(2025, 3, 31, 12, 0, tzinfo=UTC)

# theme name -> phrasings (several per language); a ticket = one phrasing + a random tail.
THEMES: dict[str, list[str]] = {
    "export-en": [
        "PDF export of the monthly report crashes with an error",
        "Exporting the monthly report to PDF crashes with an error",
        "The monthly report PDF export crashes with an error every time",
    ],
    "export-ru": [
        "Не работает экспорт отчета в PDF, выдает ошибку",
        "Экспорт отчета в PDF падает с ошибкой",
        "Ошибка при экспорте отчета в PDF, экспорт не работает",
    ],
    "password-pl": [
        "Nie mogę znaleźć opcji zmiany hasła w ustawieniach konta",
        "Gdzie jest zmiana hasła? Nie mogę znaleźć tego w ustawieniach konta",
        "Zmiana hasła w ustawieniach konta jest niejasna, nie mogę znaleźć przycisku",
    ],
    "invoice-sr": [
        "Ne mogu da nađem fakturu za prošli mesec u podešavanjima naloga",
        "Не могу да нађем фактуру за прошли месец у подешавањима налога",
        "Gde je faktura za prošli mesec? Ne mogu da nađem fakture u nalogu",
        "Где је фактура за прошли месец? Не могу да нађем фактуре у налогу",
    ],
    "darkmode-en": [
        "Feature request: it would be nice to have a dark mode in the mobile app",
        "Please add a dark mode to the mobile app, it would be nice at night",
        "Would be nice if the mobile app had a dark mode option",
    ],
}
ONE_OFFS = [
    "My cat walked on the keyboard and now I have a question about llamas",
    "Can you recommend a good pizza place near your office in Belgrade",
    "Zgubiłem parasol w waszym biurze w zeszłym tygodniu",
    "Сколько стоит билет на поезд до Казани летом",
    "Da li znate kakvo će vreme biti sutra na moru",
    "Our accountant wants to know the colour of your company logo for a poster",
]
TAILS = ["", " Thanks!", " Please help.", " This is urgent.", " Order 48213.", " See attached."]


def make_ticket(
    ident: str, text: str, created: datetime, customer: str | None = None, **extra: object
) -> Ticket:
    subject, _, body = text.partition(". ")
    return Ticket(
        source="test",
        external_id=ident,
        created_at=created,
        subject=subject,
        body=body,
        customer_id=customer or f"cust-{ident}",
        channel="email",
        **extra,  # type: ignore[arg-type]
    )


def themed_tickets(per_theme: int = 12, seed: int = 1, start: int = 0) -> Iterator[Ticket]:
    rng = random.Random(seed)
    n = start
    for name, phrasings in THEMES.items():
        for _ in range(per_theme):
            text = rng.choice(phrasings) + rng.choice(TAILS)
            created = NOW - timedelta(days=rng.randint(1, 50), hours=rng.randint(0, 23))
            yield make_ticket(f"{name}-{n}", text, created, customer=f"c{rng.randint(1, 40)}")
            n += 1
    for text in ONE_OFFS:
        yield make_ticket(f"oneoff-{n}", text, NOW - timedelta(days=3))
        n += 1


def theme_of(key: str) -> str:
    return key.split(":", 1)[1].rsplit("-", 1)[0]


@pytest.fixture
def store_with() -> Iterator[Callable[..., object]]:
    conns = []

    def make(tickets: list[Ticket]):  # type: ignore[no-untyped-def]
        from sddkit.tickets.store import upsert_tickets

        conn = open_store(":memory:")
        upsert_tickets(conn, tickets)
        conns.append(conn)
        return conn

    yield make
    for conn in conns:
        conn.close()
