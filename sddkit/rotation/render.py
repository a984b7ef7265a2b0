"""Plain-text, CSV and JSON renderings of plans and fairness figures (pure functions)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sddkit.rotation.fairness import Fairness, RoleFigures
from sddkit.rotation.model import Person, Shift
from sddkit.rotation.plan import Plan, shift_order
from sddkit.rotation.shadow import is_shadow
from sddkit.rotation.stability import Changes, shift_record

UNSTAFFED = "UNSTAFFED"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=False)]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "\n".join(
        "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=False)).rstrip()
        for line in lines
    )


def plan_table(plan: Plan) -> str:
    rows = [
        [
            f"{s.start:%a %Y-%m-%d}",
            f"{s.start:%H:%M}-{s.end:%H:%M} {s.start.tzname()}",
            s.rotation,
            f"{s.role} (shadow)" if is_shadow(s) else s.role,
            s.person or UNSTAFFED,
        ]
        for s in sorted([*plan.all_seats(), *plan.shadows], key=shift_order)
    ]
    out = [table(["Date", "Time", "Rotation", "Role", "Person"], rows)]
    if plan.unstaffed:  # below the table: a long reason would widen the person column
        out.append("\nUnstaffed:")
        out += [
            f"  {u.shift.start:%a %Y-%m-%d} {u.shift.rotation} {u.shift.role}: {u.reason}"
            for u in plan.unstaffed
        ]
    if plan.skipped:
        out.append("\nNo shift (public holiday):")
        out += [f"  {s.day:%a %Y-%m-%d} {s.rotation}: {s.holiday}" for s in plan.skipped]
    if plan.notes:
        out.append("\nNotes:")
        out += [f"  {note}" for note in plan.notes]
    return "\n".join(out)


def plan_csv(plan: Plan) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["uid", "rotation", "start", "end", "role", "seat", "person", "hours"])
    for shift in plan.all_seats():
        record = shift_record(shift)
        writer.writerow([record[k] if record[k] is not None else "" for k in record])
    return buffer.getvalue()


def plan_json(plan: Plan, changes: Changes) -> str:
    data = {
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "shifts": [shift_record(shift) for shift in plan.shifts],
        "unstaffed": [{**shift_record(u.shift), "reason": u.reason} for u in plan.unstaffed],
        "shadows": [shift_record(shift) for shift in plan.shadows],
        "skipped": [
            {"rotation": s.rotation, "date": s.day.isoformat(), "holiday": s.holiday}
            for s in plan.skipped
        ],
        "shares": plan.shares,
        "notes": plan.notes,
        "changes": [c.describe() for c in changes.items],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def changes_text(changes: Changes) -> str:
    if changes.first_plan:
        return "No published schedule before: this is the first."
    if not changes.items:
        return f"No changes to the published schedule ({changes.unchanged} shifts unchanged)."
    lines = [f"Changes to the published schedule ({changes.unchanged} shifts unchanged):"]
    return "\n".join(lines + [f"  {c.describe()}" for c in changes.items])


def fairness_summary(figures: Fairness, plan: Plan) -> str:
    """One line: the largest distance from a fair share, in hours and in shifts."""
    return (
        f"Fairness over the published schedule ({plan.start} to {plan.end}): largest distance"
        f" from a fair share {figures.max_hours_deviation:.2f} hours,"
        f" {figures.max_deviation:.2f} shifts."
    )


def fairness_text(figures: Fairness) -> str:
    rows = [
        [
            p.name,
            p.role,
            str(p.shifts),
            f"{p.share:.2f}",
            f"{p.hours:g}",
            f"{p.hour_share:.2f}",
            f"{p.hours_deviation:+.2f}",
            "-" if p.min_gap_days is None else f"{p.min_gap_days:g}",
            "-" if p.mean_gap_days is None else f"{p.mean_gap_days:g}",
        ]
        for p in figures.people
    ]
    headers = [
        "Person",
        "Role",
        "Shifts",
        "Fair shifts",
        "Hours",
        "Fair hours",
        "Off by h",
        "Min gap d",
        "Mean gap d",
    ]
    out = [table(headers, rows), ""]
    for role in figures.roles:
        out.append(
            f"{role.role}s: spread {role.spread_shifts} shifts / {role.spread_hours:g} hours, "
            f"balance {role.balance:.1%} ({_verdict(role.balance)} by the 95% rule), "
            f"{role.share_balance:.1%} against fair shares ({_share_verdict(role)})"
        )
    out.append(
        f"Largest distance from a fair share: {figures.max_hours_deviation:.2f} hours (limit:"
        f" one shift, {figures.hours_limit:g} hours); {figures.max_deviation:.2f} shifts"
    )
    return "\n".join(out)


def _share_verdict(role: RoleFigures) -> str:
    """A split no plan can better (everyone within one shift of their share) is not called
    unbalanced: 7 and 8 of 15 shifts is as even as whole shifts go."""
    if role.share_balance < 0.95 and role.whole:
        return "as even as whole shifts allow"
    return _verdict(role.share_balance)


def _verdict(score: float) -> str:
    return "balanced" if score >= 0.95 else "unbalanced"


def person_shifts(person: Person, shifts: Sequence[Shift]) -> str:
    zone = ZoneInfo(person.timezone)
    rows = [
        [
            f"{s.start.astimezone(zone):%a %Y-%m-%d}",
            f"{s.start.astimezone(zone):%H:%M}-{s.end.astimezone(zone):%H:%M}",
            s.rotation,
            s.role,
        ]
        for s in shifts
    ]
    hours = sum(s.hours for s in shifts)
    head = f"{person.name} ({person.timezone}): {len(shifts)} shifts, {hours:g} hours"
    if not rows:
        return head
    return head + "\n" + table(["Date", f"Time ({person.timezone})", "Rotation", "Role"], rows)


def who_text(at: datetime, plan: Plan, rotations: Sequence[str]) -> str:
    lines = [f"At {at:%a %Y-%m-%d %H:%M %Z}:"]
    for rotation in rotations:
        seats = [s for s in plan.all_seats() if s.rotation == rotation]
        now = [s for s in seats if s.start <= at < s.end]
        upcoming = [s for s in seats if s.start > at]
        on = ", ".join(f"{s.person or UNSTAFFED} ({s.role})" for s in now) or "nobody"
        line = f"  {rotation}: on now: {on}"
        if upcoming:
            first = upcoming[0].start
            nxt = [s for s in upcoming if s.start == first]
            names = ", ".join(f"{s.person or UNSTAFFED} ({s.role})" for s in nxt)
            line += f"; next: {names} at {first:%a %Y-%m-%d %H:%M %Z}"
        lines.append(line)
    return "\n".join(lines)
