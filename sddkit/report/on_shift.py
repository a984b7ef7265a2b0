"""People on the rotation: which tickets were answered during their shifts, and how fast and
how well each person answered. "Who handled" a ticket is read from the shift times, not only
from the helpdesk's assignee field: a first response during someone's shift was given on
their watch. Definitions: docs/report.md ("Rotation participation")."""

from __future__ import annotations

import bisect
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sddkit.report.metrics import response_hours, satisfied_share
from sddkit.report.model import ReportOptions
from sddkit.report.people import People
from sddkit.rotation.model import Shift
from sddkit.tickets.model import Ticket


@dataclass(frozen=True)
class OnShift:
    """One person's figures over the tickets of the period they answered (assignee)."""

    answered_on_shift: int  # their tickets first answered during one of their own shifts
    answered_off_shift: int  # their tickets first answered at any other time (or not at all)
    responses_on_shift: int  # first responses (anyone's tickets) given during their shifts
    first_response_median: float | None  # hours (business hours when configured)
    satisfied: float | None  # share satisfied among their rated tickets (satisfied_share)
    rated: int


def on_shift(
    shifts: Sequence[Shift], tickets: Sequence[Ticket], people: People, options: ReportOptions
) -> dict[str, OnShift]:
    """Per person (by name), for everyone who answered a ticket or held a shift."""
    windows: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for shift in shifts:
        if shift.person:
            windows[shift.person].append((shift.start, shift.end))
    starts = {name: sorted(spans) for name, spans in windows.items()}
    watch = _Watch(shifts)
    mine: dict[str, list[Ticket]] = defaultdict(list)
    responses: dict[str, int] = defaultdict(int)
    for ticket in tickets:
        if name := people.name(ticket.assignee):
            mine[name].append(ticket)
        if ticket.first_response_at is not None:
            for person in watch.on_duty(ticket.first_response_at):
                responses[person] += 1
    result = {}
    for name in {*mine, *starts}:
        own = mine.get(name, [])
        spans = starts.get(name, [])
        on = sum(
            1
            for t in own
            if t.first_response_at is not None and _inside(spans, t.first_response_at)
        )
        hours = [
            h
            for t in own
            if (h := response_hours(t.created_at, t.first_response_at, options.business_hours))
            is not None
        ]
        satisfied, rated = satisfied_share(own)
        result[name] = OnShift(
            answered_on_shift=on,
            answered_off_shift=len(own) - on,
            responses_on_shift=responses.get(name, 0),
            first_response_median=statistics.median(hours) if hours else None,
            satisfied=satisfied,
            rated=rated,
        )
    return result


class _Watch:
    """Who was on shift at a moment: the staffed shifts sorted by start, searched by halving."""

    def __init__(self, shifts: Iterable[Shift]) -> None:
        self._shifts = sorted((s.start, s.end, s.person) for s in shifts if s.person)
        self._starts = [start for start, _, _ in self._shifts]
        self._longest = max((end - start for start, end, _ in self._shifts), default=timedelta())

    def on_duty(self, moment: datetime) -> set[str]:
        found = set()
        i = bisect.bisect_right(self._starts, moment) - 1
        while i >= 0 and self._shifts[i][0] > moment - self._longest:
            start, end, person = self._shifts[i]
            if start <= moment < end and person:
                found.add(person)
            i -= 1
        return found


def _inside(spans: list[tuple[datetime, datetime]], moment: datetime) -> bool:
    """Whether `moment` falls in one of the sorted [start, end) spans."""
    i = bisect.bisect_right(spans, (moment, moment))
    return any(start <= moment < end for start, end in spans[max(i - 3, 0) : i + 1])
