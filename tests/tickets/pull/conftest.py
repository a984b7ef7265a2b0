"""A fake Zendesk on loopback, filled like a small real account; no real credentials."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import pytest

from sddkit.tickets.pull.pacing import Pacer
from tests.support.fake_zendesk import FakeZendesk, make_comments, make_ticket, serve

USERS = {
    7: {"id": 7, "name": "Ana Petrović", "email": "ana@example.com", "role": "agent"},
    1001: {"id": 1001, "name": "Ivan Sokolov", "email": "ivan@client.ru", "role": "end-user"},
}
ORGANIZATIONS = {55: {"id": 55, "name": "Client d.o.o."}}


@pytest.fixture(autouse=True)
def _no_helpdesk_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own helpdesk credentials must never reach a test (or leave the machine)."""
    for name in list(os.environ):
        if name.startswith(("SDDKIT_ZENDESK_", "SDDKIT_FRESHDESK_", "SDDKIT_HELPSCOUT_",
                            "SDDKIT_INTERCOM_")):  # fmt: skip
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def paced(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The CLI's pacers record their waits instead of sleeping."""
    waits: list[float] = []
    monkeypatch.setattr("sddkit.cli.pull.Pacer", functools.partial(Pacer, sleep=waits.append))
    return waits


@pytest.fixture
def zendesk() -> Iterator[FakeZendesk]:
    """Five tickets changed on five days: #1 with a metric set, an organisation and three
    comments (one private), #4 deleted, #5 closed by a merge."""
    fake = FakeZendesk(users=dict(USERS), organizations=dict(ORGANIZATIONS))
    for number in range(1, 6):
        ticket = make_ticket(number, f"2026-11-0{number}T10:00:00Z")
        comments = make_comments(ticket, replies=2)
        if number == 1:
            ticket["organization_id"] = 55
            comments[1]["public"] = False
            metrics = {
                "ticket_id": 1,
                "reply_time_in_minutes": {"calendar": 90, "business": 30},
                "solved_at": None,
            }
            fake.put(ticket, comments, metrics)
            continue
        if number == 4:
            ticket["status"] = "deleted"
        if number == 5:
            ticket["status"] = "closed"
            ticket["tags"] = ["closed_by_merge"]
        fake.put(ticket, comments)
    with serve(fake):
        yield fake
