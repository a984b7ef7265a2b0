"""People on the rotation: which tickets were answered during their shifts, and how fast and
how well each person answered. "Who handled" a ticket is read from the shift times, not only
from the helpdesk's assignee field: a first response during someone's shift was given on
their watch. Definitions: docs/report.md ("Rotation participation")."""

from __future__ import annotations

import bisect
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

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
    watches = {name: _merged(spans) for name, spans in windows.items()}
    mine: dict[str, list[Ticket]] = defaultdict(list)
    for ticket in tickets:
        if name := people.name(ticket.assignee):
            mine[name].append(ticket)
    # Every first response in time order: those during someone's watch are counted by halving.
    answered = sorted(t.first_response_at for t in tickets if t.first_response_at is not None)
    result = {}
    for name in {*mine, *watches}:
        own = mine.get(name, [])
        watch = watches.get(name, ([], []))
        on = sum(
            1
            for t in own
            if t.first_response_at is not None and _inside(watch, t.first_response_at)
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
            responses_on_shift=sum(
                bisect.bisect_left(answered, end) - bisect.bisect_left(answered, start)
                for start, end in zip(*watch, strict=True)
            ),
            first_response_median=statistics.median(hours) if hours else None,
            satisfied=satisfied,
            rated=rated,
        )
    return result


def _merged(spans: list[tuple[datetime, datetime]]) -> tuple[list[datetime], list[datetime]]:
    """(starts, ends) of the union of the [start, end) spans, sorted and not overlapping: a
    moment inside two of one person's shifts is one moment on their watch."""
    starts: list[datetime] = []
    ends: list[datetime] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _inside(watch: tuple[list[datetime], list[datetime]], moment: datetime) -> bool:
    """Whether `moment` falls in the union of spans `watch` (from `_merged`)."""
    starts, ends = watch
    i = bisect.bisect_right(starts, moment) - 1
    return i >= 0 and moment < ends[i]
