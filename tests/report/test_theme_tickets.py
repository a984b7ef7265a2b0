"""Tickets grouped by theme and family once for the whole report: each theme's tickets at
hand oldest first with ties by key (whatever order the theme lists its keys in), families
named after their founder, tickets outside every theme in none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sddkit.report.theme_tickets import group_tickets
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket

T0 = datetime(2025, 3, 3, tzinfo=UTC)


def _theme(theme_id: str, keys: tuple[str, ...], family: str | None = None) -> Theme:
    return Theme(
        theme_id,
        f"label {theme_id}",
        "bug",
        (),
        keys,
        (),
        len(keys),
        T0,
        T0,
        "stable",
        family_id=family,
    )


def _ticket(ext: str, hours: float) -> Ticket:
    return Ticket("zendesk", ext, T0 + timedelta(hours=hours))


def test_each_themes_tickets_oldest_first_ties_by_key() -> None:
    # Keys listed out of order; z:10 and z:9 share a time, and "zendesk:10" < "zendesk:9".
    tickets = [_ticket("9", 1), _ticket("10", 1), _ticket("2", 0), _ticket("5", 3)]
    theme = _theme("T-1", ("zendesk:9", "zendesk:5", "zendesk:10", "zendesk:2", "zendesk:404"))
    grouped = group_tickets([theme], tickets)
    assert [t.external_id for t in grouped.by_theme["T-1"]] == ["2", "10", "9", "5"]
    # Every key of the theme maps to it, at hand or not.
    assert grouped.theme_of["zendesk:404"] == "T-1"


def test_families_founder_first_and_tickets_merged_across_members() -> None:
    # T-2 founded the family; T-1 is larger but joined it.
    big = _theme("T-1", ("zendesk:1", "zendesk:3", "zendesk:4"), family="T-2")
    founder = _theme("T-2", ("zendesk:2",), family="T-2")
    alone = _theme("T-3", ("zendesk:5",))
    tickets = [_ticket(str(i), hours) for i, hours in [(1, 5), (2, 1), (3, 2), (4, 9), (5, 0)]]
    grouped = group_tickets([big, founder, alone], [*tickets, _ticket("99", 0)])
    assert [m.id for m in grouped.members("T-2")] == ["T-2", "T-1"]
    assert [m.id for m in grouped.families["T-2"]] == ["T-1", "T-2"]  # largest first
    assert [t.external_id for t in grouped.of_themes(["T-1", "T-2"])] == ["2", "3", "1", "4"]
    assert grouped.family_of(tickets[0]) == "T-2" and grouped.family_of(tickets[4]) == "T-3"
    assert grouped.family_of(_ticket("99", 0)) is None
    assert [
        t.external_id
        for t in grouped.in_period("T-1", T0 + timedelta(hours=2), T0 + timedelta(hours=9))
    ] == ["3", "1"]
