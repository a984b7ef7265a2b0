"""The tickets at hand grouped by theme and by family, once for every section of the report.

Traces, fixes, "Fix next", participation, the to-do list and onboarding all ask which theme
or family a ticket belongs to and which tickets a theme has; answering that once, with each
theme's tickets already in creation order, is what keeps a report on a year of tickets from
walking every theme's keys once per section (bench/report_speed.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter

from sddkit.themes.families import by_family, founder_first
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket


@dataclass(frozen=True)
class ThemeTickets:
    """`themes`: the latest run's themes by id. `by_key`: every ticket at hand.
    `theme_of`: ticket key -> theme, for every ticket of the run (at hand or not).
    `families`: family id -> member themes, largest first (a theme on its own is a family
    of one). `by_theme`: theme id -> its tickets at hand, oldest first (ties by key)."""

    themes: dict[str, Theme]
    by_key: dict[str, Ticket]
    theme_of: dict[str, str]
    families: dict[str, list[Theme]]
    family_of_theme: dict[str, str]
    by_theme: dict[str, list[Ticket]]

    def family_of(self, ticket: Ticket) -> str | None:
        theme = self.theme_of.get(ticket.key)
        return None if theme is None else self.family_of_theme[theme]

    def members(self, family_id: str) -> list[Theme]:
        """The family's themes, its founder (the theme it is named after) first, then the
        others largest first: the order its title and theme list are taken in."""
        return founder_first(family_id, self.families[family_id])

    def of_themes(self, theme_ids: Iterable[str]) -> list[Ticket]:
        """The tickets at hand of these themes, oldest first (ties by key), each once."""
        ids = dict.fromkeys(theme_ids)
        if len(ids) == 1:
            return list(self.by_theme.get(next(iter(ids)), ()))
        merged = [t for theme_id in ids for t in self.by_theme.get(theme_id, ())]
        return sorted(merged, key=age)

    def in_period(self, theme_id: str, since: datetime, until: datetime) -> list[Ticket]:
        return [t for t in self.by_theme.get(theme_id, ()) if since <= t.created_at < until]


def group_tickets(themes: Sequence[Theme], tickets: Iterable[Ticket]) -> ThemeTickets:
    """Group `tickets` (each key once; a later ticket with the same key replaces an earlier
    one) by the themes and families of `themes`."""
    by_key = {t.key: t for t in tickets}
    families = by_family(themes)
    by_theme: dict[str, list[Ticket]] = {}
    theme_of: dict[str, str] = {}
    for theme in themes:
        theme_of.update(dict.fromkeys(theme.ticket_keys, theme.id))
        # In key order, then stably by time: oldest first, ties by key (as `age` orders them,
        # without building a pair per ticket; a stored theme's keys are in order already).
        keys = sorted(theme.ticket_keys)
        at_hand = [t for k in keys if (t := by_key.get(k)) is not None]
        at_hand.sort(key=_created)
        by_theme[theme.id] = at_hand
    return ThemeTickets(
        themes={theme.id: theme for theme in themes},
        by_key=by_key,
        theme_of=theme_of,
        families=families,
        family_of_theme={m.id: fid for fid, members in families.items() for m in members},
        by_theme=by_theme,
    )


_created = attrgetter("created_at")


def age(ticket: Ticket) -> tuple[datetime, str]:
    """Oldest first, ties by key: the order every "first" ticket of the report is taken in."""
    return ticket.created_at, ticket.key
