"""Ticket statistics for `sddkit tickets stats`: volume by ISO week, channel and language, and
first-response times (median and 90th percentile, nearest rank)."""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from statistics import median

from sddkit.tickets.store import ensure_schema


@dataclass
class TicketStats:
    total: int = 0
    by_week: dict[str, int] = field(default_factory=dict)  # "2026-W36" -> count, in order
    by_channel: dict[str, int] = field(default_factory=dict)  # most frequent first
    by_language: dict[str, int] = field(default_factory=dict)
    responded: int = 0  # tickets with a first-response time
    first_response_median_h: float | None = None
    first_response_p90_h: float | None = None


def ticket_stats(
    conn: sqlite3.Connection, since: datetime | None = None, until: datetime | None = None
) -> TicketStats:
    """Statistics of the tickets created in [since, until); weeks are ISO weeks in UTC."""
    ensure_schema(conn)
    sql = "SELECT created_us, channel, language, first_response_at FROM tickets WHERE 1=1"
    params: list[int] = []
    for bound, op in ((since, ">="), (until, "<")):
        if bound is not None:
            sql += f" AND created_us {op} ?"
            params.append(int(bound.timestamp() * 1_000_000))
    weeks: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    hours: list[float] = []
    for created_us, channel, language, first_response in conn.execute(sql, params):
        created = datetime.fromtimestamp(created_us / 1_000_000, UTC)
        year, week, _ = created.isocalendar()
        weeks[f"{year}-W{week:02d}"] += 1
        channels[channel or "unknown"] += 1
        languages[language or "unknown"] += 1
        if first_response:
            delay = datetime.fromisoformat(first_response) - created
            hours.append(max(delay.total_seconds(), 0.0) / 3600)
    return TicketStats(
        total=sum(weeks.values()),
        by_week=dict(sorted(weeks.items())),
        by_channel=dict(channels.most_common()),
        by_language=dict(languages.most_common()),
        responded=len(hours),
        first_response_median_h=median(hours) if hours else None,
        first_response_p90_h=percentile(hours, 0.9) if hours else None,
    )


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of a non-empty list: the smallest value with at least
    `fraction` of the values at or below it, so it is always one of the values (an actual
    ticket's time). `sddkit report` uses this same definition (docs/report.md)."""
    ordered = sorted(values)
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]
