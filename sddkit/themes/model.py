"""The Theme: a cluster of tickets about the same thing, with a stable id across runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# "unknown": too few tickets show any cue, or they are in languages the cues do not cover
KINDS = ("bug", "ux", "docs", "question", "feature", "unknown")
TRENDS = ("growing", "stable", "fading")


@dataclass(frozen=True)
class KindEvidence:
    """Why a theme got its kind: the cue words/signals found and how many tickets had them."""

    kind: str
    signals: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class Theme:
    """A theme as the trackers and the report see it.

    `id` is stable across runs (e.g. "T-3f9a2c"). `ticket_keys` are `Ticket.key` values.
    `weekly_counts` maps the Monday of each ISO week to the number of tickets that week.
    `family_id` names the theme's family (the same subject in other languages, see
    `themes.families`) when it has one; None for a theme on its own.
    """

    id: str
    label: str
    kind: str
    keywords: tuple[str, ...]
    ticket_keys: tuple[str, ...]
    representative_keys: tuple[str, ...]
    customer_count: int
    first_seen: datetime
    last_seen: datetime
    trend: str
    evidence: tuple[KindEvidence, ...] = ()
    avg_satisfaction: float | None = None
    channels: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    weekly_counts: dict[date, int] = field(default_factory=dict)
    family_id: str | None = None

    @property
    def size(self) -> int:
        return len(self.ticket_keys)
