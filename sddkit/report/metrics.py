"""Support health for a period: response and resolution times, satisfaction, repeat contacts,
volume per week, channel and language. Definitions: docs/report.md."""

from __future__ import annotations

import bisect
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import overload

from sddkit.report.business_hours import BusinessHours
from sddkit.report.model import Distribution, Health, ReportOptions, Satisfaction
from sddkit.report.trace import distinct_customers
from sddkit.tickets.model import Ticket
from sddkit.tickets.satisfaction import SATISFIED_FROM
from sddkit.tickets.stats import percentile as nearest_rank

# Edges of the first-response histogram in hours; the target is added as one more edge, so
# no bar straddles it. A bar holds the times in (lower, upper]: exactly 24 h is "8–24 h",
# on target, like the over-target share (over = more than the target).
FRT_EDGES: tuple[float, ...] = (1, 4, 8, 24, 48, 168)
NO_REPLY = "no reply"  # the histogram's last bar: unanswered tickets already past the target


def frt_buckets(target: float) -> tuple[tuple[str, float], ...]:
    """(label, upper bound in hours, inclusive) of each bar of the histogram, for `target`."""
    edges = sorted({*FRT_EDGES, target})
    buckets = [(f"≤ {_span(edges[0])}", edges[0])]
    buckets += [(_range(low, high), high) for low, high in pairwise(edges)]
    buckets.append((f"> {_span(edges[-1])}", math.inf))
    return tuple(buckets)


def _range(low: float, high: float) -> str:
    """ "1–4 h", "48 h–7 d": the unit once when both ends share it."""
    a, b = _span(low), _span(high)
    if a[-1] == b[-1]:
        return f"{a[:-2]}–{b}"
    return f"{a}–{b}"


def _span(hours: float) -> str:
    """An edge as text: "4 h", "7 d" (whole days past two days)."""
    if hours > 48 and hours % 24 == 0:
        return f"{hours / 24:g} d"
    return f"{hours:g} h"


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (the one definition sddkit uses, `tickets stats` included):
    the smallest value with at least `share` of values <= it; None without values."""
    return nearest_rank(values, share) if values else None


def distribution(values: Sequence[float]) -> Distribution:
    if not values:
        return Distribution(count=0, median=None, p90=None)
    return Distribution(
        count=len(values), median=statistics.median(values), p90=percentile(values, 0.9)
    )


def satisfaction(tickets: Iterable[Ticket]) -> tuple[tuple[Satisfaction, ...], int]:
    """Scores grouped by scale, and the number of tickets without a score."""
    by_scale: dict[str, list[float]] = defaultdict(list)
    unrated = 0
    for ticket in tickets:
        if ticket.satisfaction is None:
            unrated += 1
        else:
            by_scale[_scale(ticket.satisfaction_scale)].append(ticket.satisfaction)
    order = ("10", "5", "good_bad", "unknown")
    return tuple(_score(scale, by_scale[scale]) for scale in order if by_scale[scale]), unrated


def _scale(raw: str | None) -> str:
    return raw if raw in ("10", "5", "good_bad") else "unknown"


def _score(scale: str, scores: list[float]) -> Satisfaction:
    n = len(scores)
    base = Satisfaction(scale=scale, count=n, average=statistics.fmean(scores))
    if scale == "10":
        promoters = sum(1 for s in scores if s >= 9) / n
        detractors = sum(1 for s in scores if s <= 6) / n
        return Satisfaction(
            scale=scale,
            count=n,
            average=base.average,
            promoters=promoters,
            detractors=detractors,
            nps=(promoters - detractors) * 100,
        )
    if scale == "5":
        csat = sum(1 for s in scores if s >= 4) / n
        return Satisfaction(scale=scale, count=n, average=base.average, csat=csat)
    if scale == "good_bad":
        good = sum(1 for s in scores if s >= 1) / n
        return Satisfaction(scale=scale, count=n, average=base.average, good=good)
    return base


def repeat_contacts(
    tickets: Iterable[Ticket], theme_of: Mapping[str, str], window: timedelta
) -> tuple[int, int]:
    """(pairs, repeated): (customer, theme) pairs among the tickets, and how many of them have
    two tickets created within `window` of each other. Tickets without a customer or theme
    are left out: there is no pair to repeat."""
    times: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for ticket in tickets:
        if ticket.customer_id and (theme := theme_of.get(ticket.key)):
            times[(ticket.customer_id, theme)].append(ticket.created_at)
    return len(times), repeated(times.values(), window)


def repeated(groups: Iterable[list[datetime]], window: timedelta) -> int:
    """How many of these groups of times hold two within `window` of each other."""
    count = 0
    for created in groups:
        created.sort()
        if any(b - a <= window for a, b in pairwise(created)):
            count += 1
    return count


def week_start(moment: datetime) -> date:
    """Monday of the ISO week of `moment`, in UTC."""
    return _monday(moment.astimezone(UTC).date())


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def per_week(tickets: Iterable[Ticket], since: datetime, until: datetime) -> list[tuple[date, int]]:
    """Tickets per week for every week touching [since, until), empty weeks included."""
    counts: Counter[date] = Counter()
    for day, n in Counter(t.created_at.astimezone(UTC).date() for t in tickets).items():
        counts[_monday(day)] += n
    weeks = []
    monday = week_start(since)
    last = week_start(until - timedelta(microseconds=1)) if until > since else monday
    while monday <= last:
        weeks.append((monday, counts.get(monday, 0)))
        monday += timedelta(days=7)
    return weeks


def ranked(values: Iterable[str | None]) -> tuple[tuple[str, int], ...]:
    """Counts, most first then alphabetical; a missing value is counted as "unknown"."""
    counts = Counter(value or "unknown" for value in values)
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def frt_histogram(
    hours: Iterable[float], target: float, no_reply: int = 0
) -> tuple[tuple[str, int], ...]:
    """Responded tickets per bar of `frt_buckets(target)`, then the unanswered tickets
    already past the target as a last bar (they are late too)."""
    buckets = frt_buckets(target)
    uppers = [upper for _, upper in buckets]
    # The first bar whose upper bound is at least h.
    counts = Counter(buckets[bisect.bisect_left(uppers, h)][0] for h in hours)
    return (*((label, counts.get(label, 0)) for label, _ in buckets), (NO_REPLY, no_reply))


@overload
def response_hours(created: datetime, answered: datetime, clock: BusinessHours | None) -> float: ...
@overload
def response_hours(
    created: datetime, answered: datetime | None, clock: BusinessHours | None
) -> float | None: ...
def response_hours(
    created: datetime, answered: datetime | None, clock: BusinessHours | None
) -> float | None:
    """Hours from `created` to `answered`: business hours with a clock, else calendar hours
    (a reply stamped before the ticket counts as 0 business hours, as in the helpdesk)."""
    if answered is None:
        return None
    if clock is not None:
        return clock.hours_between(created, answered)
    return (answered - created).total_seconds() / 3600


def _off_hours(
    tickets: Sequence[Ticket], frt: Sequence[float | None], clock: BusinessHours | None
) -> set[str]:
    """Keys of the tickets answered outside business hours with no business hour waited."""
    if clock is None:
        return set()
    return {
        t.key
        for t, h in zip(tickets, frt, strict=True)
        if h == 0 and t.first_response_at is not None and not clock.is_open_at(t.first_response_at)
    }


def satisfied_share(tickets: Iterable[Ticket]) -> tuple[float | None, int]:
    """(share satisfied, rated) over the tickets rated on a known scale: 7-10 of 10 (not a
    detractor), 4-5 of 5, good of good/bad. One figure for tickets rated on mixed scales."""
    satisfied = rated = 0
    for ticket in tickets:
        least = SATISFIED_FROM.get(ticket.satisfaction_scale or "")
        if ticket.satisfaction is None or least is None:
            continue
        rated += 1
        satisfied += ticket.satisfaction >= least
    return (satisfied / rated if rated else None), rated


def support_health(
    tickets: Sequence[Ticket],
    theme_of: Mapping[str, str],
    *,
    since: datetime,
    until: datetime,
    now: datetime,
    options: ReportOptions,
) -> Health:
    """Health of the tickets created in [since, until); `theme_of` maps ticket key -> theme.

    A ticket with no first response counts against the target once it is older than the
    target at `now` (when the report is made): a ticket nobody answered is the latest of all.
    With `options.business_hours`, first responses and ages count business hours only; an
    answer given while the team was closed to a ticket that came in while it was closed
    waited no business hour: those are counted apart and left out of the median and p90
    (else a team answering at night reads "0 min"), and are on target."""
    target = options.frt_target_hours
    clock = options.business_hours
    frt = [response_hours(t.created_at, t.first_response_at, clock) for t in tickets]
    answered = [h for h in frt if h is not None]
    off_hours = _off_hours(tickets, frt, clock)
    waiting = [t for t, h in zip(tickets, frt, strict=True) if h is None]
    no_reply = sum(1 for t in waiting if response_hours(t.created_at, now, clock) > target)
    resolution = [
        (t.solved_at - t.created_at).total_seconds() / 3600 for t in tickets if t.solved_at
    ]
    scores, unrated = satisfaction(tickets)
    pairs, repeated = repeat_contacts(tickets, theme_of, timedelta(days=options.repeat_window_days))
    over = sum(1 for h in answered if h > target) + no_reply
    judged = len(answered) + no_reply
    return Health(
        tickets=len(tickets),
        customers=distinct_customers(tickets),
        first_response=distribution(
            [
                h
                for t, h in zip(tickets, frt, strict=True)
                if h is not None and t.key not in off_hours
            ]
        ),
        answered_off_hours=len(off_hours),
        over_target=over / judged if judged else None,
        over_target_count=over,
        unanswered=len(waiting),
        unanswered_late=no_reply,
        resolution=distribution(resolution),
        satisfaction=scores,
        unrated=unrated,
        repeat_pairs=pairs,
        repeat_contacts=repeated,
        repeat_rate=repeated / pairs if pairs else None,
        per_week=tuple(per_week(tickets, since, until)),
        per_channel=ranked(t.channel for t in tickets),
        per_language=ranked(t.language for t in tickets),
        frt_histogram=frt_histogram(answered, target, no_reply),
    )
