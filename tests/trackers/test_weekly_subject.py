"""One subject, one issue, end to end: a subject written in three languages over three weekly
runs (real clustering, real triage against a local GitHub) is filed once."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sddkit.store import open_store
from sddkit.themes.pipeline import update_themes
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import upsert_tickets
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.workflow import apply_run, plan_run
from tests.trackers.test_github import tracker

START = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
SUBJECTS = {
    "export": {
        "en": ["The CSV export times out", "Exporting to CSV never finishes, it times out",
               "CSV export fails with a timeout on big projects"],
        "ru": ["Экспорт в CSV не завершается, таймаут", "Выгрузка CSV падает по таймауту",
               "Экспорт CSV зависает и отваливается по таймауту"],
        "pl": ["Eksport do CSV kończy się przekroczeniem czasu", "Eksport CSV się nie kończy",
               "Eksport CSV przerywa się po minucie, limit czasu"],
    },
    "dark": {
        "en": ["Labels are unreadable in dark mode", "Dark mode contrast is too low",
               "I can't read the menu in dark mode"],
        "ru": ["В тёмной теме не видно подписей", "Низкий контраст в тёмной теме",
               "В тёмном режиме невозможно прочитать меню"],
        "pl": ["W trybie ciemnym nie widać etykiet", "Za niski kontrast w ciemnym motywie",
               "Nie mogę przeczytać menu w trybie ciemnym"],
    },
    "invoice": {
        "en": ["Our VAT number is missing on the invoice", "The invoice has no VAT id",
               "Please add our VAT number to invoices"],
        "ru": ["В счёте нет нашего ИНН", "На счёте не указан наш налоговый номер",
               "Добавьте наш ИНН в счета"],
        "pl": ["Na fakturze brakuje naszego NIP", "Faktura nie ma numeru NIP",
               "Proszę dodać nasz NIP do faktur"],
    },
}  # fmt: skip
LANGUAGE_WEEK = {"en": 0, "ru": 1, "pl": 2}  # the export subject reaches one language a week


def week_tickets(week: int, rng: random.Random) -> list[Ticket]:
    tickets = []
    for subject, by_language in SUBJECTS.items():
        for language, lines in by_language.items():
            if subject == "export" and LANGUAGE_WEEK[language] != week:
                continue
            for n in range(8 if subject == "export" else 3):
                key = f"{subject}-{language}-{week}-{n}"
                tickets.append(
                    Ticket(
                        source="zendesk",
                        external_id=key,
                        created_at=START + timedelta(weeks=week, hours=rng.randrange(150)),
                        subject=rng.choice(lines),
                        body=rng.choice(lines) + ". " + rng.choice(["", "Thanks.", "Urgent."]),
                        customer_id=f"c-{key}",
                        language=language,
                    )
                )
    return tickets


def test_a_subject_in_three_languages_over_three_weekly_runs_gets_one_issue(
    fake_github: Any, policy: Any
) -> None:
    conn = open_store(":memory:")
    gh = tracker(fake_github, policy)
    settings = TriageSettings(min_tickets=5, min_customers=2, kinds=("bug", "ux", "docs",
                              "question", "feature", "unknown"))  # fmt: skip
    rng = random.Random(3)
    for week in range(3):
        upsert_tickets(conn, week_tickets(week, rng))
        now = START + timedelta(weeks=week + 1)
        themes = update_themes(conn, now=now, min_size=3)
        run = plan_run(conn, settings, kind="github", tracker=gh, cache_name=gh.name, now=now)
        apply_run(conn, run, gh)
        assert themes
    export_issues = [
        number for number, issue in fake_github.issues.items() if "export-" in (issue["body"] or "")
    ]
    assert len(export_issues) == 1, [fake_github.issues[n]["title"] for n in export_issues]
    body = fake_github.issues[export_issues[0]]["body"]
    for language in ("en", "ru", "pl"):
        assert f"export-{language}-" in body  # the issue counts all three languages
