"""Is the rotation staffed for the tickets it serves? Arrivals against the schedule.

The store knows when customers wrote and when they got a first response; the published
schedule knows when someone was on support. From both:

- **arrivals by hour of week** (UTC), and the hours no shift covers, with their share of
  arrivals;
- **the team's reply pace**, measured: the first-response times of tickets that arrived
  during a shift; and for those that arrived outside every shift, by how far away the next
  shift was (under half an hour, up to 1 h, 2 h, 4 h, ...), the share answered before it
  began (timed from arrival) and how long after its start the others were answered. A team
  that answers only on shift and one that also answers off shift both show in these, and
  the prediction follows either;
- **a prediction** of the first-response times a schedule gives: each arrival is replayed
  against it (covered: the on-shift pace; not covered: the pace measured for that wait, or
  the wait plus the on-shift pace where too few were measured) and the predicted times' p50
  and p90 are read off, per rotation (the one on when the ticket arrives, or the next one
  on) and overall;
- **the smallest change** of one rotation's window (earlier start or later end, whole hours)
  whose predicted p90 meets the target, with its cost in person-hours per week.

Each pace is a list of measured hours; a prediction combines them through their quantiles
(`_QUANTILES` points each), so it is deterministic. `backtest` checks the prediction on past
weeks, each predicted from the pace of the weeks before it, against what happened.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sddkit.rotation.model import Shift

_QUANTILES = 20
_HOUR = timedelta(hours=1)
MAX_EXTENSION_HOURS = 8


@dataclass(frozen=True)
class Arrival:
    at: datetime
    responded: datetime | None  # None: not answered (counted in arrivals only)

    @property
    def hours(self) -> float | None:
        return None if self.responded is None else (self.responded - self.at) / _HOUR


@dataclass(frozen=True)
class Span:
    start: datetime
    end: datetime
    rotation: str
    seats: int = 1  # people on it (for the cost of extending it)


class Cover:
    """The union of shift windows, answering "who is on at t" and "who is on next"."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = sorted(spans, key=lambda s: (s.start, s.rotation))
        self._starts = [s.start for s in self.spans]
        self._reach: list[datetime] = []  # the latest end among spans[: i + 1]
        for span in self.spans:
            self._reach.append(max(span.end, self._reach[-1]) if self._reach else span.end)

    def on_at(self, moment: datetime) -> Span | None:
        at = bisect.bisect_right(self._starts, moment) - 1
        while at >= 0 and self._reach[at] > moment:
            if self.spans[at].end > moment:
                return self.spans[at]
            at -= 1
        return None

    def next_after(self, moment: datetime) -> Span | None:
        at = bisect.bisect_right(self._starts, moment)
        return self.spans[at] if at < len(self.spans) else None


def spans_of(shifts: Sequence[Shift]) -> list[Span]:
    """One span per shift (its seats counted), from the staffed seats of a schedule."""
    seats: Counter[tuple[str, datetime, datetime]] = Counter()
    for shift in shifts:
        if shift.person is not None:
            seats[(shift.rotation, shift.start.astimezone(UTC), shift.end.astimezone(UTC))] += 1
    return [Span(start, end, rotation, n) for (rotation, start, end), n in seats.items()]


WAIT_EDGES = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 16.0, 24.0, 32.0, 48.0, 64.0, 96.0)
MIN_MEASURED = 10  # fewer tickets in a wait bucket: the wait plus the on-shift pace instead


@dataclass
class Off:
    """Tickets that arrived with the next shift a similar time away."""

    before: list[float] = field(default_factory=list)  # answered before it: hours from arrival
    after: list[float] = field(default_factory=list)  # answered after: hours after its start

    def __len__(self) -> int:
        return len(self.before) + len(self.after)


@dataclass
class Pace:
    on_shift: list[float] = field(default_factory=list)  # hours from arrival
    off_shift: dict[int, Off] = field(default_factory=dict)  # by wait to the next shift

    @property
    def share_before_next(self) -> float:
        before = sum(len(off.before) for off in self.off_shift.values())
        total = sum(len(off) for off in self.off_shift.values())
        return before / total if total else 0.0

    def all_off_shift(self) -> int:
        return sum(len(off) for off in self.off_shift.values())


def _bucket(wait: float) -> int:
    return bisect.bisect_right(WAIT_EDGES, wait) - 1


def fit(arrivals: Sequence[Arrival], cover: Cover) -> Pace:
    """The pace measured on answered arrivals against the schedule they met: on shift, and
    off shift by how far away the next shift was, those answered before it (from arrival)
    apart from those answered after (from the shift's start)."""
    pace = Pace()
    for arrival in arrivals:
        hours = arrival.hours
        if hours is None or hours < 0 or arrival.responded is None:
            continue
        if cover.on_at(arrival.at) is not None:
            pace.on_shift.append(hours)
            continue
        following = cover.next_after(arrival.at)
        wait = (following.start - arrival.at) / _HOUR if following else WAIT_EDGES[-1]
        off = pace.off_shift.setdefault(_bucket(wait), Off())
        if following is None or arrival.responded < following.start:
            off.before.append(hours)
        else:
            off.after.append((arrival.responded - following.start) / _HOUR)
    if not pace.on_shift:  # nothing arrived on shift: the only pace known is the overall one
        pace.on_shift = [h for h in (a.hours for a in arrivals) if h is not None and h >= 0]
    return pace


@dataclass(frozen=True)
class Prediction:
    tickets: int
    p50: float | None
    p90: float | None


def predict(
    arrivals: Sequence[Arrival], cover: Cover, pace: Pace
) -> tuple[Prediction, dict[str, Prediction]]:
    """Predicted first-response times of `arrivals` under `cover`, overall and per rotation
    (the rotation on when the ticket arrives, else the next one on). Each arrival weighs the
    same whatever the number of measured points behind it."""
    everything: list[tuple[float, float]] = []
    by_rotation: dict[str, list[tuple[float, float]]] = defaultdict(list)
    counts: Counter[str] = Counter()
    for name, samples in _replay(arrivals, cover, pace):
        everything += samples
        by_rotation[name] += samples
        counts[name] += 1
    return _prediction(everything, len(arrivals)), {
        name: _prediction(samples, counts[name]) for name, samples in sorted(by_rotation.items())
    }


def _samples(arrivals: Sequence[Arrival], cover: Cover, pace: Pace) -> list[tuple[float, float]]:
    return [sample for _, samples in _replay(arrivals, cover, pace) for sample in samples]


def _replay(
    arrivals: Sequence[Arrival], cover: Cover, pace: Pace
) -> Iterator[tuple[str, list[tuple[float, float]]]]:
    """Per arrival: the rotation answering it and its predicted hours, weighted to 1."""
    on = _weighted(pace.on_shift, 1.0)
    for arrival in arrivals:
        span = cover.on_at(arrival.at)
        if span is not None:
            samples = on
        else:
            span = cover.next_after(arrival.at)
            wait = (span.start - arrival.at) / _HOUR if span else WAIT_EDGES[-1]
            off = pace.off_shift.get(_bucket(wait), Off())
            if len(off) >= MIN_MEASURED:
                share = len(off.before) / len(off)
                samples = _weighted(off.before, share)
                samples += [(wait + h, w) for h, w in _weighted(off.after, 1 - share)]
            else:
                samples = [(wait + h, w) for h, w in on]
        if samples:
            yield span.rotation if span else "-", samples


def _weighted(hours: Sequence[float], total: float) -> list[tuple[float, float]]:
    """`_points` of `hours`, each weighing an equal part of `total`."""
    points = _points(hours)
    return [(h, total / len(points)) for h in points]


def _points(hours: Sequence[float]) -> list[float]:
    """`_QUANTILES` evenly spaced quantiles of the measured hours (all of them if fewer)."""
    ordered = sorted(hours)
    if len(ordered) <= _QUANTILES:
        return ordered
    return [ordered[int((i + 0.5) * len(ordered) / _QUANTILES)] for i in range(_QUANTILES)]


def _prediction(samples: list[tuple[float, float]], tickets: int) -> Prediction:
    return Prediction(tickets, _quantile(samples, 0.5), _quantile(samples, 0.9))


def _quantile(samples: list[tuple[float, float]], q: float) -> float | None:
    total = sum(weight for _, weight in samples)
    if total <= 0:
        return None
    running = 0.0
    for value, weight in sorted(samples):
        running += weight
        if running >= q * total - 1e-9:
            return value
    return sorted(samples)[-1][0]


def percentile(hours: Sequence[float], q: float) -> float | None:
    """The q-quantile of measured hours, the same way predictions are read."""
    return _quantile([(h, 1.0) for h in hours], q)


def arrivals_by_hour(arrivals: Sequence[Arrival]) -> list[list[int]]:
    """Arrivals per weekday (Monday first) and UTC hour."""
    table = [[0] * 24 for _ in range(7)]
    for arrival in arrivals:
        moment = arrival.at.astimezone(UTC)
        table[moment.weekday()][moment.hour] += 1
    return table


def uncovered_hours(cover: Cover, first: datetime, last: datetime) -> list[list[bool]]:
    """Per weekday and UTC hour: True when no shift covered that whole hour in at least half
    the weeks from `first` to `last`."""
    covered = [[0] * 24 for _ in range(7)]
    weeks = max((last - first).days / 7, 1.0)
    hour = first.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    while hour < last:
        span = cover.on_at(hour)
        if span is not None and span.end >= hour + _HOUR:
            covered[hour.weekday()][hour.hour] += 1
        hour += _HOUR
    return [[count < weeks / 2 for count in day] for day in covered]


@dataclass(frozen=True)
class Change:
    rotation: str
    earlier: int  # hours the window starts earlier
    later: int  # hours it ends later
    person_hours: float  # per week
    predicted: Prediction

    def describe(self) -> str:
        parts = [f"start {self.earlier} h earlier"] if self.earlier else []
        parts += [f"end {self.later} h later"] if self.later else []
        return f"{self.rotation}: {' and '.join(parts)}"


def smallest_change(
    arrivals: Sequence[Arrival],
    spans: Sequence[Span],
    pace: Pace,
    target: float,
    period: tuple[datetime, datetime],
) -> Change | None:
    """The cheapest extension of one rotation's window (person-hours per week over
    `period`, the weeks replayed) whose predicted p90 is within `target`; None if none up to
    `MAX_EXTENSION_HOURS` is. `spans` may reach past `period`: the next shift of a ticket
    arriving at its end counts."""
    first, last = period
    weeks = max((last - first) / timedelta(weeks=1), 1.0)
    best: Change | None = None
    for rotation in sorted({span.rotation for span in spans}):
        own = [s for s in spans if s.rotation == rotation and first <= s.start < last]
        seats_per_week = sum(span.seats for span in own) / weeks
        for earlier in range(MAX_EXTENSION_HOURS + 1):
            for later in range(MAX_EXTENSION_HOURS + 1 - earlier):
                cost = (earlier + later) * seats_per_week
                if not earlier + later or (best is not None and cost >= best.person_hours):
                    continue
                wider = [_widen(s, earlier, later) if s.rotation == rotation else s for s in spans]
                predicted, _ = predict(arrivals, Cover(wider), pace)
                if predicted.p90 is not None and predicted.p90 <= target:
                    best = Change(rotation, earlier, later, round(cost, 1), predicted)
    return best


def _widen(span: Span, earlier: int, later: int) -> Span:
    return Span(span.start - earlier * _HOUR, span.end + later * _HOUR, span.rotation, span.seats)


@dataclass(frozen=True)
class Week:
    start: datetime
    tickets: int
    predicted: Prediction
    actual_p50: float | None
    actual_p90: float | None


@dataclass(frozen=True)
class Backtest:
    weeks: list[Week]
    predicted: Prediction  # all the weeks together, each predicted from the weeks before it
    actual_p50: float | None
    actual_p90: float | None

    @property
    def error(self) -> float | None:
        """(predicted - actual) / actual of the p90 over all the weeks."""
        if self.predicted.p90 is None or not self.actual_p90:
            return None
        return (self.predicted.p90 - self.actual_p90) / self.actual_p90


def backtest(
    arrivals: Sequence[Arrival], cover: Cover, last: datetime, weeks: int, history: int
) -> Backtest:
    """Each of the `weeks` weeks before `last`, predicted from the pace of the `history`
    weeks before it and compared with the first responses that week actually had. A week's
    p90 from a hundred tickets varies by a fifth from week to week by chance alone, so the
    figure to judge the prediction by is over all the weeks together."""
    found: list[Week] = []
    pooled: list[tuple[float, float]] = []
    actual_all: list[float] = []
    for back in range(weeks, 0, -1):
        start = last - timedelta(weeks=back)
        end = start + timedelta(weeks=1)
        before = [a for a in arrivals if start - timedelta(weeks=history) <= a.at < start]
        during = [a for a in arrivals if start <= a.at < end and a.hours is not None]
        if not during or not before:
            continue
        pace = fit(before, cover)
        predicted, _ = predict(during, cover, pace)
        pooled += _samples(during, cover, pace)
        actual = [a.hours for a in during if a.hours is not None]
        actual_all += actual
        found.append(
            Week(start, len(during), predicted, percentile(actual, 0.5), percentile(actual, 0.9))
        )
    return Backtest(
        found,
        _prediction(pooled, len(actual_all)),
        percentile(actual_all, 0.5),
        percentile(actual_all, 0.9),
    )
