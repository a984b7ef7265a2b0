"""Theme figures: weekly counts, trend, satisfaction, channels, languages."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta

TREND_WINDOW = timedelta(weeks=4)
GROWTH_RATIO = 1.5
MIN_CHANGE = 3


def week_start(moment: datetime, tz: object) -> date:
    """The Monday of the ISO week of `moment`, in the time zone of the run's `now`."""
    local = moment.astimezone(tz)  # type: ignore[arg-type]
    day = local.date()
    return day - timedelta(days=day.weekday())


def weekly_counts(created: Sequence[datetime], now: datetime) -> dict[date, int]:
    counts = Counter(week_start(moment, now.tzinfo) for moment in created)
    return dict(sorted(counts.items()))


def trend(created: Sequence[datetime], now: datetime) -> str:
    """growing / stable / fading, comparing the last 4 weeks before `now` with the 4 before.

    Rule: growing when recent ≥ 1.5 × previous and recent − previous ≥ 3; fading when
    previous ≥ 1.5 × recent and previous − recent ≥ 3; otherwise stable.
    """
    recent = sum(1 for t in created if now - TREND_WINDOW < t <= now)
    previous = sum(1 for t in created if now - 2 * TREND_WINDOW < t <= now - TREND_WINDOW)
    if recent >= GROWTH_RATIO * previous and recent - previous >= MIN_CHANGE:
        return "growing"
    if previous >= GROWTH_RATIO * recent and previous - recent >= MIN_CHANGE:
        return "fading"
    return "stable"


def satisfaction_score(value: float | None, scale: str | None) -> float | None:
    """A score on the 1-5 scale whatever the helpdesk's scale (None when unknown)."""
    if value is None:
        return None
    if scale == "10":
        return 1 + 4 * min(max(value, 0.0), 10.0) / 10
    if scale == "good_bad":
        return 5.0 if value >= 0.5 else 1.0
    return min(max(value, 1.0), 5.0)


def average(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 2) if known else None


def tally(values: Sequence[str | None]) -> dict[str, int]:
    counts = Counter(v for v in values if v)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
