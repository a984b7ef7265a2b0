"""Theme families as triage sees them: one issue per family, its figures the family's totals.

A family (`themes.families`: one subject found as one theme per language) is filed as one
issue. `family_units` turns the themes into units: a family's members merged into one `Theme`
whose id is the family id (a theme on its own is a family of one, unchanged), plus the member
themes, so the issue lists counts and quotes per language and names every member.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import zip_longest

from sddkit.themes.families import by_family
from sddkit.themes.figures import trend
from sddkit.themes.kinds import family_kind
from sddkit.themes.label import family_title
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket


@dataclass(frozen=True)
class Unit:
    """What one issue is about: `theme` (merged for a family) and its member themes."""

    theme: Theme
    members: tuple[Theme, ...]

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)

    @property
    def is_family(self) -> bool:
        return len(self.members) > 1


def family_units(
    themes: Sequence[Theme], tickets: Mapping[str, Ticket], now: datetime | None
) -> list[Unit]:
    """One unit per family (members largest first), largest units first. Without `now`
    a family's trend is its founder's."""
    groups = by_family(themes)
    units = [
        Unit(members[0], (members[0],))
        if len(members) == 1
        else Unit(merge(family_id, members, tickets, now), tuple(members))
        for family_id, members in groups.items()
    ]
    return sorted(units, key=lambda u: (-u.theme.size, u.theme.id))


def merge(
    family_id: str, members: Sequence[Theme], tickets: Mapping[str, Ticket], now: datetime | None
) -> Theme:
    """The family as one theme: totals, the founder's kind (a known one if the founder's is
    `unknown`), the title of its English member if any (else the founder's, see
    `label.family_title`), quotes interleaved across members (one per language first)."""
    founder = next((m for m in members if m.id == family_id), members[0])
    ordered = [founder, *(m for m in members if m is not founder)]
    keys = sorted({k for m in members for k in m.ticket_keys})
    known = [tickets[k] for k in keys if k in tickets]
    complete = len(known) == len(keys)
    if complete:
        customers = len({t.customer_id for t in known if t.customer_id})
    else:  # tickets missing from the store: the members' figures are the best we have
        customers = sum(m.customer_count for m in members)
    theme_trend = (
        trend([t.created_at for t in known], now) if complete and now is not None else founder.trend
    )
    rated = [(m.avg_satisfaction, m.size) for m in members if m.avg_satisfaction is not None]
    weight = sum(n for _, n in rated)
    return Theme(
        id=family_id,
        label=family_title(ordered),
        kind=family_kind(ordered),
        keywords=tuple(dict.fromkeys(k for m in members for k in m.keywords)),
        ticket_keys=tuple(keys),
        representative_keys=tuple(
            k for row in zip_longest(*(m.representative_keys for m in members)) for k in row if k
        ),
        customer_count=customers,
        first_seen=min(m.first_seen for m in members),
        last_seen=max(m.last_seen for m in members),
        trend=theme_trend,
        evidence=founder.evidence,
        avg_satisfaction=sum(s * n for s, n in rated) / weight if weight else None,
        channels=_total([m.channels for m in members]),
        languages=_total([m.languages for m in members]),
        weekly_counts=_total_weeks([m.weekly_counts for m in members]),
        family_id=family_id,
    )


def _total(counts: Sequence[Mapping[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    return dict(sorted(total.items(), key=lambda kv: (-kv[1], kv[0])))


def _total_weeks(counts: Sequence[Mapping[date, int]]) -> dict[date, int]:
    total: Counter[date] = Counter()
    for c in counts:
        total.update(c)
    return dict(sorted(total.items()))
