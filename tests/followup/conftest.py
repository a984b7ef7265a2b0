"""A store whose one fix (PR #7, 2026-03-12) answered complaints in four helpdesks and five
languages, the four fake helpdesks serving those tickets, and the environment pointing at them.

Customers behind the fix, and what each should get:
- c1: zendesk 1 (day 0) and 3 (day 8) -> one note, on 3 (their latest), English
- c2: zendesk 2, Serbian in Cyrillic -> sr-Cyrl
- c3: zendesk 4, tagged no-followup -> left alone
- c4: zendesk 5, an agent answered on day 11 (after the fix) -> answered
- c5: zendesk 6, spam -> hidden (the report never sees it)
- c6: freshdesk 1, Polish; c7: helpscout 9001, Russian; c8: intercom 7001, Serbian in Latin
- c9: zendesk 7, German -> the fallback, English
- c10: zendesk 8, wrote after the fix only -> not behind it
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sddkit.store import open_store
from sddkit.themes.model import Theme
from sddkit.tickets.model import Message, Ticket
from sddkit.tickets.store import upsert_tickets
from sddkit.trackers.base import FiledIssue, Fix
from sddkit.trackers.cache import save_filed
from tests.support import fake_freshdesk, fake_helpscout, fake_intercom, fake_zendesk
from tests.support.fake_http import Held, serve
from tests.support.themes import save_themes

MONDAY = datetime(2026, 3, 2, 8, tzinfo=UTC)
FIXED_AT = MONDAY + timedelta(days=10)
PERIOD = ["--since", "2026-03-02", "--until", "2026-03-15", "--now", "2026-03-16T09:00:00+00:00"]
CONFIG = """
[team]
name = "Acme"
organizer = "Nina Kovač"

[[rotations]]
name = "emea"
timezone = "Europe/Belgrade"
window = "09:00-12:00"
days = "weekdays"
start = 2026-03-02
engineers = 1

[[people]]
name = "Nina Kovač"
email = "nina@example.com"
role = "engineer"
timezone = "Europe/Belgrade"

[followup]
signature = "Acme support"

[followup.zendesk]
per_minute = 600000
[followup.freshdesk]
per_minute = 600000
[followup.helpscout]
per_minute = 600000
[followup.intercom]
per_minute = 600000
"""


def day(n: float) -> datetime:
    return MONDAY + timedelta(days=n)


def ticket(
    source: str, ext: str, n: float, customer: str, language: str, subject: str, **fields: object
) -> Ticket:
    return Ticket(
        source,
        ext,
        day(n),
        subject=subject,
        body=subject,
        customer_id=customer,
        language=language,
        first_response_at=day(n) + timedelta(hours=1),
        **fields,
    )  # type: ignore[arg-type]


TICKETS = [
    ticket("zendesk", "1", 0, "c1", "en", "Sync fails on the iPad"),
    ticket("zendesk", "2", 3, "c2", "sr", "Синхронизација не ради"),
    ticket("zendesk", "3", 8, "c1", "en", "Sync still failing"),
    ticket("zendesk", "4", 5, "c3", "en", "Sync broken", tags=("no-followup",)),
    ticket(
        "zendesk",
        "5",
        6,
        "c4",
        "en",
        "Sync error",
        messages=(Message("agent", "Fixed now", day(11)),),
    ),
    ticket("zendesk", "6", 6.5, "c5", "en", "Sync spam", status="spam"),
    ticket("zendesk", "7", 7.5, "c9", "de", "Synchronisierung geht nicht"),
    ticket("zendesk", "8", 12, "c10", "en", "Sync again"),
    ticket("freshdesk", "1", 2, "c6", "pl", "Synchronizacja nie działa"),
    ticket("helpscout", "9001", 4, "c7@client.example", "ru", "Синхронизация не работает"),
    ticket("intercom", "7001", 7, "c8", "sr", "Sinhronizacija ne radi"),
]
EXPECTED = {  # ticket key -> template language
    "zendesk:3": "en",
    "zendesk:2": "sr-Cyrl",
    "zendesk:7": "en",
    "freshdesk:1": "pl",
    "helpscout:9001": "ru",
    "intercom:7001": "sr-Latn",
}


@dataclass
class Desks:
    zendesk: fake_zendesk.FakeZendesk
    freshdesk: fake_freshdesk.FakeFreshdesk
    helpscout: fake_helpscout.FakeHelpScout
    intercom: fake_intercom.FakeIntercom
    env: dict[str, str]
    held: dict[str, Held]  # each fake as served: set `nth` to hold that write's answer

    def notes(self) -> dict[str, list[str]]:
        """Ticket key -> the bodies written to it, in every helpdesk."""
        found: dict[str, list[str]] = {}
        for name, fake in (
            ("zendesk", self.zendesk),
            ("freshdesk", self.freshdesk),
            ("helpscout", self.helpscout),
            ("intercom", self.intercom),
        ):
            for ext, note in fake.written:
                found.setdefault(f"{name}:{ext}", []).append(str(note.get("body") or ""))
        return found


@pytest.fixture
def workspace(in_tmp: Path) -> Path:
    """The config and the store (tickets, a theme, its issue closed by the fix)."""
    (in_tmp / "rotations.toml").write_text(CONFIG, encoding="utf-8")
    conn = open_store(in_tmp / "sddkit.db")
    upsert_tickets(conn, TICKETS)
    keys = tuple(t.key for t in TICKETS if t.status != "spam")
    theme = Theme(
        "T-sync", "Sync fails", "bug", ("sync",), keys, keys[:1], 9, day(0), day(12), "stable"
    )
    save_themes(conn, [theme], day(13))
    fix = Fix("pull_request", "#7", FIXED_AT, "https://github.com/a/b/pull/7", "Fix sync")
    issue = FiledIssue(
        "a/b#5",
        "T-sync",
        "Sync fails",
        "closed",
        "https://github.com/a/b/issues/5",
        day(4),
        FIXED_AT,
        fix,
    )
    save_filed(conn, "github", [issue])
    conn.close()
    return in_tmp


@pytest.fixture
def desks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Desks]:
    """The four fake helpdesks, holding the store's tickets, and their variables set."""
    for name in list(os.environ):
        if name.startswith(
            ("SDDKIT_ZENDESK_", "SDDKIT_FRESHDESK_", "SDDKIT_HELPSCOUT_", "SDDKIT_INTERCOM_")
        ):
            monkeypatch.delenv(name)
    zendesk = fake_zendesk.FakeZendesk()
    for number in range(1, 9):
        zendesk.put(fake_zendesk.make_ticket(number, "2026-03-10T10:00:00Z"), [])
    freshdesk = fake_freshdesk.FakeFreshdesk(
        tickets={1: fake_freshdesk.make_ticket(1, "2026-03-10T10:00:00Z")}
    )
    helpscout = fake_helpscout.FakeHelpScout()
    helpscout.put(fake_helpscout.make_conversation(1), "2026-03-10T10:00:00Z")
    intercom = fake_intercom.FakeIntercom(
        conversations={"7001": fake_intercom.make_conversation(1, 1793520000)}
    )
    fakes = {
        "zendesk": zendesk,
        "freshdesk": freshdesk,
        "helpscout": helpscout,
        "intercom": intercom,
    }
    held = {name: Held(fake, nth=0) for name, fake in fakes.items()}
    with ExitStack() as stack:
        for wrapper in held.values():
            stack.enter_context(serve(wrapper))
        env = {
            "SDDKIT_ZENDESK_URL": zendesk.url,
            "SDDKIT_ZENDESK_EMAIL": zendesk.email,
            "SDDKIT_ZENDESK_TOKEN": zendesk.token,
            "SDDKIT_FRESHDESK_URL": freshdesk.url,
            "SDDKIT_FRESHDESK_API_KEY": freshdesk.api_key,
            "SDDKIT_HELPSCOUT_URL": helpscout.url,
            "SDDKIT_HELPSCOUT_APP_ID": helpscout.app_id,
            "SDDKIT_HELPSCOUT_APP_SECRET": helpscout.app_secret,
            "SDDKIT_INTERCOM_URL": intercom.url,
            "SDDKIT_INTERCOM_TOKEN": intercom.token,
            "SDDKIT_INTERCOM_ADMIN_ID": "814860",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield Desks(zendesk, freshdesk, helpscout, intercom, env, held)
        for wrapper in held.values():
            wrapper.release.set()
