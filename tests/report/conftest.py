"""A small hand-made team history whose every report figure is worked out by hand in
test_build.py. Period: Monday 2024-03-04 to Sunday 2024-03-31 (four whole weeks, UTC)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from sddkit.report.build import assemble_report
from sddkit.report.model import Report, ReportOptions
from sddkit.rotation.model import Person, Shift
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import FiledIssue, Fix

SINCE = datetime(2024, 3, 4, tzinfo=UTC)
UNTIL = datetime(2024, 4, 1, tzinfo=UTC)
NOW = datetime(2024, 4, 1, 9, 0, tzinfo=UTC)
OPTIONS = ReportOptions(weeks=2, frt_target_hours=24, repeat_window_days=7, surfaced_first_k=2)
NINA, ANA, KASIA = "nina@example.com", "ana@example.com", "kasia@example.com"
SMITH = "agent.smith@helpdesk.example"  # a helpdesk agent who is not in the config


def at(month: int, day: int, hour: float = 0) -> datetime:
    return datetime(2024, month, day, tzinfo=UTC) + timedelta(hours=hour)


def ticket(
    ext: str,
    created: datetime,
    customer: str | None,
    assignee: str | None,
    channel: str | None = None,
    language: str | None = None,
    frt: float | None = None,
    solve: float | None = None,
    sat: float | None = None,
    scale: str | None = None,
) -> Ticket:
    """A ticket; `frt` and `solve` are hours after creation."""
    return Ticket(
        source="zendesk",
        external_id=ext,
        created_at=created,
        subject=f"ticket {ext}",
        customer_id=customer,
        assignee=assignee,
        channel=channel,
        language=language,
        first_response_at=created + timedelta(hours=frt) if frt is not None else None,
        solved_at=created + timedelta(hours=solve) if solve is not None else None,
        satisfaction=sat,
        satisfaction_scale=scale,
    )


TICKETS = [
    # Login theme: L1 before the period, L5/L6 after the fix (2024-03-18), L7 after the period.
    ticket("L1", at(2, 26, 9), "c1", NINA, "email", "en", 3, 5),
    ticket("L2", at(3, 5, 10), "c2", ANA, "email", "en", 2, 24, 9, "10"),
    ticket("L3", at(3, 7, 10), "c1", NINA, "chat", "en", 0.5, 4, 10, "10"),
    ticket("L4", at(3, 12, 10), "c3", ANA, "email", "de", 30, 48, 3, "10"),
    ticket("L5", at(3, 20, 10), "c4", NINA, "email", "en", 1),
    ticket("L6", at(3, 25, 10), "c5", None, "chat", "en"),
    ticket("L7", at(4, 3, 10), "c10", NINA, "email", "en", 1),
    # Export theme: filed, not fixed.
    ticket("E1", at(3, 14, 8), "c2", KASIA, "email", "en", 4, 24, 5, "5"),
    ticket("E2", at(3, 18, 8), "c6", NINA, "web", "fr", 26, 48, 2, "5"),
    ticket("E3", at(3, 19, 8), "c6", NINA, "web", "fr", 8),
    # Invoice theme: fixed 2024-03-28, nothing after the fix; I1/I2 without a customer id.
    ticket("I1", at(3, 1, 12), None, ANA, "email", "en", 1, 2),
    ticket("I2", at(3, 8, 12), None, SMITH, "email", None, 12, 24, 1, "good_bad"),
    ticket("I3", at(3, 21, 12), "c7", ANA, "email", "en", 0.25, 6, 0, "good_bad"),
    # Dark-mode theme: no issue yet (to do), growing.
    ticket("D1", at(3, 26, 9), "c8", KASIA, "chat", "en", 50, None, 7, "10"),
    ticket("D2", at(3, 27, 9), "c8", KASIA, "chat", "en", 170),
    # SSO theme: all before the period, fading, no issue.
    ticket("S1", at(2, 1, 9), "c11", None, "email", "en"),
    ticket("S2", at(2, 2, 9), "c12", None, "email", "en"),
    ticket("S3", at(2, 5, 9), "c13", None, "email", "en"),
    # ... and in Polish: its family's second member; c13 wrote in both languages.
    ticket("S4", at(2, 20, 9), "c13", None, "email", "pl"),
    ticket("S5", at(3, 1, 9), "c14", None, "email", "pl"),
    # In no theme; a score without a scale.
    ticket("U1", at(3, 29, 9), "c9", None, "phone", "sr", None, None, 4, None),
]


def theme(
    theme_id: str,
    label: str,
    keys: str,
    customers: int,
    trend: str,
    kind: str = "bug",
    family: str | None = None,
) -> Theme:
    ticket_keys = tuple(f"zendesk:{k}" for k in keys.split())
    created = [t.created_at for t in TICKETS if t.key in ticket_keys]
    languages = Counter(t.language for t in TICKETS if t.key in ticket_keys and t.language)
    return Theme(
        id=theme_id,
        label=label,
        kind=kind,
        keywords=tuple(label.lower().split()[:3]),
        ticket_keys=ticket_keys,
        representative_keys=ticket_keys[:2],
        customer_count=customers,
        first_seen=min(created),
        last_seen=max(created),
        trend=trend,
        languages=dict(languages.most_common()),
        family_id=family,
    )


THEMES = [
    theme("T-login", "Login fails after password reset", "L1 L2 L3 L4 L5 L6 L7", 6, "stable"),
    theme("T-export", "CSV export times out", "E1 E2 E3", 2, "growing"),
    theme("T-invoice", "Invoice PDF is blank", "I1 I2 I3", 3, "stable"),
    theme("T-dark", "Dark mode", "D1 D2", 1, "growing", kind="feature"),
    theme("T-sso", "SSO setup question", "S1 S2 S3", 3, "fading", "question", "T-sso"),
    theme("T-sso-pl", "Konfiguracja SSO", "S4 S5", 2, "stable", "question", "T-sso"),
]

FILED = [
    FiledIssue(
        key="acme/app#1",
        theme_id="T-login",
        title="Login fails after password reset",
        state="closed",
        url="https://github.com/acme/app/issues/1",
        created_at=at(3, 6, 12),
        closed_at=at(3, 18),
        fix=Fix("pull_request", "#10", at(3, 18), "https://github.com/acme/app/pull/10", "Fix"),
    ),
    FiledIssue(
        key="acme/app#2",
        theme_id="T-export",
        title="CSV export times out",
        state="open",
        url="https://github.com/acme/app/issues/2",
        created_at=at(3, 20, 9),
    ),
    FiledIssue(
        key="acme/app#3",
        theme_id="T-invoice",
        title="Invoice PDF is blank",
        state="closed",
        url="https://github.com/acme/app/issues/3",
        created_at=at(3, 10),
        closed_at=at(3, 28),
        fix=Fix("commit", "abc1234", at(3, 28)),
    ),
]

PEOPLE = [
    Person("Nina Kovač", NINA, "engineer", "Europe/Belgrade"),
    Person("Ana Petrović", ANA, "engineer", "Europe/Belgrade"),
    Person("Kasia Wójcik", KASIA, "designer", "Europe/Warsaw"),
]


def shift(start: datetime, hours: float, role: str, person: str | None) -> Shift:
    return Shift("support", start, start + timedelta(hours=hours), role, 0, person)


SHIFTS = [
    shift(at(2, 26, 8), 8, "engineer", "Ana Petrović"),  # before the period
    shift(at(3, 4, 8), 8, "engineer", "Nina Kovač"),
    shift(at(3, 11, 8), 8, "engineer", "Ana Petrović"),
    shift(at(3, 11, 8), 4, "designer", "Kasia Wójcik"),
    shift(at(3, 18, 8), 8, "engineer", "Nina Kovač"),
    shift(at(3, 25, 8), 8, "engineer", None),  # unstaffed
    shift(at(4, 1, 8), 8, "engineer", "Nina Kovač"),  # starts when the period ends
]


@dataclass
class Sample:
    tickets: list[Ticket]
    themes: list[Theme]
    filed: list[FiledIssue]
    people: list[Person]
    shifts: list[Shift]
    since: datetime = SINCE
    until: datetime = UNTIL
    now: datetime = NOW
    options: ReportOptions = OPTIONS

    def report(self, **changes: object) -> Report:
        """The report over this data; keyword arguments replace assemble_report's inputs."""
        inputs: dict[str, object] = {
            "period_tickets": [t for t in self.tickets if self.since <= t.created_at < self.until],
            "other_tickets": self.tickets,
            "themes": self.themes,
            "filed": self.filed,
            "shifts": self.shifts,
            "people": self.people,
            "since": self.since,
            "until": self.until,
            "now": self.now,
            "options": self.options,
        }
        inputs.update(changes)
        return assemble_report(**inputs)  # type: ignore[arg-type]


@pytest.fixture
def sample() -> Sample:
    return Sample(list(TICKETS), list(THEMES), list(FILED), list(PEOPLE), list(SHIFTS))
