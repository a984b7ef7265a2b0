"""Each vendor importer on its real-format fixture (tests/fixtures/<vendor>/)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sddkit.store import open_store
from sddkit.tickets.importers.generic import load_mapping
from sddkit.tickets.imports import ImportSettings, import_files
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import iter_tickets

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def load(name: str, settings: ImportSettings | None = None) -> tuple[str, dict[str, Ticket]]:
    conn = open_store(":memory:")
    [result] = import_files(conn, [FIXTURES / name], settings or ImportSettings())
    return result.format, {t.external_id: t for t in iter_tickets(conn)}


def test_zendesk_incremental_export() -> None:
    fmt, tickets = load("zendesk/incremental_tickets.json")
    assert fmt == "zendesk"
    first = tickets["35436"]
    assert first.source == "zendesk" and first.channel == "email"
    assert first.subject == "Экспорт в CSV зависает" and first.language == "ru"
    assert first.tags == ("export", "csv", "timeout")
    assert first.satisfaction == 0.0 and first.satisfaction_scale == "good_bad"
    assert first.first_response_at == first.created_at + timedelta(minutes=95)
    assert first.solved_at == datetime(2026, 9, 2, 9, 59, tzinfo=UTC)
    second = tickets["35437"]
    assert second.satisfaction is None  # "unoffered" is no score
    assert "three times & no e-mail" in second.body  # entity unescaped
    assert [m.author_role for m in second.messages] == ["customer", "agent"]  # private dropped
    assert second.messages[1].body == "Hello! Could you tell us the address you used?\nThanks, Ana"


def test_zendesk_ui_csv_with_quoted_newline_and_account_zone() -> None:
    zone = ZoneInfo("Europe/Warsaw")
    fmt, tickets = load("zendesk/tickets_export.csv", ImportSettings(timezone=zone))
    assert fmt == "zendesk-csv"
    first = tickets["1201"]
    assert first.created_at == datetime(2026, 8, 3, 9, 12, tzinfo=zone)
    assert first.satisfaction == 1.0 and first.channel == "email" and first.status == "solved"
    assert first.first_response_at == first.created_at + timedelta(minutes=38)
    assert tickets["1202"].subject == "Billing page: how do I\nchange my plan?"
    assert tickets["1202"].channel == "web" and tickets["1202"].satisfaction is None


def test_helpscout_threads_ordered_notes_dropped() -> None:
    fmt, tickets = load("helpscout/conversations.json")
    assert fmt == "helpscout"
    ticket = tickets["2391938111"]
    assert ticket.body == "Every event shows up twice in Google Calendar since Monday.\n\nBear"
    assert [m.author_role for m in ticket.messages] == ["customer", "agent", "customer"]
    assert "color:red" not in ticket.messages[1].body  # <style> dropped
    assert ticket.first_response_at == datetime(2026, 10, 5, 14, 30, tzinfo=UTC)
    assert ticket.assignee == "dmitri@example.com" and ticket.tags == ("calendar", "sync")
    assert ticket.solved_at == datetime(2026, 10, 6, 8, 0, tzinfo=UTC)


def test_intercom_conversation() -> None:
    fmt, tickets = load("intercom/conversations.json")
    assert fmt == "intercom"
    ticket = tickets["147"]
    assert ticket.created_at == datetime.fromtimestamp(1790000000, UTC)
    assert ticket.channel == "chat" and ticket.language == "sr"
    assert ticket.satisfaction == 4.0 and ticket.satisfaction_scale == "5"
    assert ticket.first_response_at == datetime.fromtimestamp(1790001200, UTC)
    assert ticket.assignee == "marko@example.com" and ticket.tags == ("mobile-login",)
    assert [m.author_role for m in ticket.messages] == ["customer", "agent"]  # note dropped


def test_freshdesk_json_numeric_codes_and_stats() -> None:
    fmt, tickets = load("freshdesk/tickets.json")
    assert fmt == "freshdesk"
    ticket = tickets["20"]
    assert (ticket.channel, ticket.status) == ("chat", "resolved")
    assert ticket.body == "In dark mode the grey labels are unreadable.\nSee screenshot."
    assert ticket.first_response_at == datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    assert ticket.messages[0].author == "lena@example.com"


def test_freshdesk_csv() -> None:
    fmt, tickets = load("freshdesk/tickets_export.csv")
    assert fmt == "freshdesk-csv"
    assert tickets["31"].tags == ("invoice", "vat")
    assert tickets["31"].satisfaction == 5.0 and tickets["31"].language == "pl"
    assert tickets["32"].channel == "web" and tickets["32"].first_response_at is None


def test_mapped_csv_with_semicolons_and_custom_time_format() -> None:
    mapping = load_mapping(FIXTURES / "generic/crm_mapping.toml")
    fmt, tickets = load("generic/crm_export.csv", ImportSettings(mapping=mapping))
    assert fmt == "mapped"
    ticket = tickets["C-1"]
    assert ticket.source == "crm" and ticket.tags == ("perf", "dashboard")
    assert ticket.created_at == datetime(2026, 7, 4, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    assert ticket.satisfaction == 3.0 and tickets["C-2"].satisfaction is None


def test_cp1251_csv_with_quoted_newline() -> None:
    mapping = load_mapping(FIXTURES / "generic/cp1251_mapping.toml")
    _, tickets = load("generic/cp1251_export.csv", ImportSettings(mapping=mapping))
    assert tickets["1"].subject == "Не приходит письмо для сброса пароля"
    assert tickets["1"].body.endswith("не пришло.\nПроверил спам.")


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ('source = "x"\n[columns]\nexternal_id = "a"\n', "columns.created_at"),
        ('[columns]\nexternal_id = "a"\ncreated_at = "b"\n', "source"),
        ('source = "x"\ncolour = 1\n[columns]\n', "colour"),
        ('source = "x"\n[columns]\nexternal_id = "a"\ncreated_at = "b"\nsubjet = "c"\n',
         "columns.subjet"),
    ],
)  # fmt: skip
def test_bad_mapping_names_the_key(tmp_path: Path, content: str, field: str) -> None:
    from sddkit.errors import ConfigError

    path = tmp_path / "m.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as caught:
        load_mapping(path)
    assert caught.value.field == field and str(path) in str(caught.value)
