"""Re-planning without surprises: what changed between two plans, and plan files.

`diff_plans` lists the seats whose person changed, appeared or went away; `schedule` uses it
to report what a re-plan of the published schedule did.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sddkit.errors import InputError
from sddkit.rotation.model import ROLES, Shift
from sddkit.rotation.plan import Plan


@dataclass(frozen=True)
class Change:
    uid: str
    before: Shift | None  # None: a new seat
    after: Shift | None  # None: the seat is gone; person None: now unstaffed

    def describe(self) -> str:
        shift = self.after or self.before
        assert shift is not None
        when = f"{shift.start:%a %Y-%m-%d %H:%M} {shift.rotation} {shift.role}"
        old = self.before.person if self.before else None
        new = self.after.person if self.after else None
        if self.after is None:
            return f"{when}: removed (was {old})"
        if self.before is None:
            return f"{when}: new, {new or 'UNSTAFFED'}"
        return f"{when}: {old or 'UNSTAFFED'} -> {new or 'UNSTAFFED'}"


@dataclass
class Changes:
    items: list[Change] = field(default_factory=list)
    unchanged: int = 0
    first_plan: bool = False  # nothing to compare with


def diff_plans(before: Sequence[Shift], after: Plan) -> Changes:
    """Seats of `after`'s date range whose person differs from `before` (same UID)."""
    old = {s.uid: s for s in before if after.start <= s.start.date() <= after.end}
    changes = Changes(first_plan=not before)
    if not before:
        return changes
    # Seats outside the dates `before` covered are not changes, only a longer horizon.
    covered = (min(s.start.date() for s in before), max(s.start.date() for s in before))
    for shift in after.all_seats():
        previous = old.get(shift.uid)
        if previous is not None and previous.person == shift.person:
            changes.unchanged += 1
        elif previous is not None or (
            shift.person is not None and covered[0] <= shift.start.date() <= covered[1]
        ):
            changes.items.append(Change(shift.uid, previous, shift))
    new = {s.uid for s in after.all_seats()}
    changes.items += [Change(uid, shift, None) for uid, shift in old.items() if uid not in new]
    changes.items.sort(key=lambda c: (c.after or c.before).start)  # type: ignore[union-attr]
    return changes


def shift_record(shift: Shift) -> dict[str, Any]:
    return {
        "uid": shift.uid,
        "rotation": shift.rotation,
        "start": shift.start.isoformat(),
        "end": shift.end.isoformat(),
        "role": shift.role,
        "seat": shift.seat,
        "person": shift.person,
        "hours": shift.hours,
    }


def _shift(record: dict[str, Any]) -> Shift:
    return Shift(
        rotation=str(record["rotation"]),
        start=datetime.fromisoformat(record["start"]),
        end=datetime.fromisoformat(record["end"]),
        role=str(record["role"]),
        seat=int(record["seat"]),
        person=record.get("person"),
    )


def read_plan_file(path: Path) -> list[Shift]:
    """Shifts from a `sddkit rotation plan --format json` file (InputError naming the item)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(path, f"cannot read plan: {error}") from None
    items = data.get("shifts") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise InputError(path, "expected an object with a 'shifts' list", field="shifts")
    shifts = []
    for number, item in enumerate(items, start=1):
        try:
            shift = _shift(item)
            if shift.start.tzinfo is None or shift.role not in ROLES:
                raise ValueError("start must carry a UTC offset and role be a known role")
        except (KeyError, TypeError, ValueError) as error:
            raise InputError(
                path, f"bad shift: {error}", line=number, field="shifts", line_label="item"
            ) from None
        shifts.append(shift)
    return shifts
