"""Ids resolved to people and organisations: sideloads in the export, or a --people file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sddkit.errors import InputError
from sddkit.store import open_store
from sddkit.tickets.imports import ImportSettings, import_files
from sddkit.tickets.model import Ticket
from sddkit.tickets.people import People, load_people
from sddkit.tickets.store import iter_tickets

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def load(*names: str, people: People | None = None) -> dict[str, Ticket]:
    conn = open_store(":memory:")
    import_files(conn, [FIXTURES / name for name in names], ImportSettings(people=people))
    return {t.external_id: t for t in iter_tickets(conn)}


def test_zendesk_sideloads_after_the_tickets_array_resolve_ids() -> None:
    tickets = load("zendesk/tickets_with_sideloads.json")
    first = tickets["35501"]
    assert first.assignee == "ana@example.com"
    assert first.customer_id == "ivan@client.ru" and first.organization == "Client LLC"
    second = tickets["35502"]
    assert second.customer_id == "Jan Kowalski"  # no e-mail: the name
    assert second.assignee == "235399" and second.organization == "509999"  # kept as exported


def test_people_file_resolves_what_the_export_lacks() -> None:
    people = load_people(FIXTURES / "zendesk/users.json")
    tickets = load("zendesk/tickets_with_sideloads.json", people=people)
    assert tickets["35502"].assignee == "piotr@example.com"
    assert tickets["35502"].organization == "Nowak Sp. z o.o."
    assert tickets["35501"].organization == "Client LLC"  # the sideload still applies


def test_sideloads_before_the_tickets_array(tmp_path: Path) -> None:
    document = json.loads((FIXTURES / "zendesk/tickets_with_sideloads.json").read_text())
    reordered = {"users": document.pop("users"), **document}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(reordered))
    conn = open_store(":memory:")
    [result] = import_files(conn, [path])
    assert result.format == "zendesk" and result.summary.new == 2
    assert {t.assignee for t in iter_tickets(conn)} == {"ana@example.com", "235399"}


def test_reimport_stays_unchanged_and_keeps_resolved_values(tmp_path: Path) -> None:
    conn = open_store(":memory:")
    path = FIXTURES / "zendesk/tickets_with_sideloads.json"
    people = load_people(FIXTURES / "generic/people.csv")
    import_files(conn, [path], ImportSettings(people=people))
    [again] = import_files(conn, [path])  # no people file this time
    assert (again.summary.new, again.summary.unchanged) == (0, 2)
    assert {t.assignee for t in iter_tickets(conn)} == {"ana@example.com", "piotr@example.com"}


def test_freshdesk_agents_and_companies() -> None:
    people = load_people(FIXTURES / "freshdesk/agents.json")
    people.update(load_people(FIXTURES / "freshdesk/companies.json"))
    ticket = load("freshdesk/tickets.json", people=people)["20"]
    assert ticket.assignee == "lena@example.com" and ticket.organization == "Acme d.o.o."
    assert load("freshdesk/tickets.json")["20"].assignee == "1000000020"


def test_intercom_assignee_from_teammates_in_parts_or_admins_list() -> None:
    tickets = load("intercom/conversations.json")
    assert tickets["147"].assignee == "marko@example.com"  # who replied
    assert tickets["148"].assignee == "ana@example.com"  # assigned, wrote only a note
    assert tickets["149"].assignee == "814863"
    people = load_people(FIXTURES / "intercom/admins.json")
    assert load("intercom/conversations.json", people=people)["149"].assignee == (
        "piotr@example.com"
    )


def test_csv_people_file() -> None:
    people = load_people(FIXTURES / "generic/people.csv")
    assert people.persons == {"235399": "piotr@example.com"}
    assert people.organizations == {"509999": "Nowak Sp. z o.o."}


def test_people_only_resolve_tickets_of_the_same_source() -> None:
    people = People(persons={"1000000020": "wrong@example.com"})
    conn = open_store(":memory:")
    import_files(conn, [FIXTURES / "freshdesk/tickets.json"])
    import_files(conn, [FIXTURES / "intercom/conversations.json"], ImportSettings(people=people))
    assert {t.assignee for t in iter_tickets(conn) if t.source == "freshdesk"} == {"1000000020"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,name,email\n7,,\n", "people.csv:2: name: neither an e-mail nor a name"),
        ("id,name,email\n,Ana,ana@example.com\n", "people.csv:2: id: missing"),
        ("name,email\nAna,ana@example.com\n", "people.csv:2: id: missing"),
        ("id,name,email\n", "no users, organizations"),
    ],
)
def test_bad_people_file_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "people.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_people(path)
