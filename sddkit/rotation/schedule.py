"""The one schedule: the published horizon saved in the store, which every command reads.

`published` returns it, first bringing it up to date, which can happen only in these ways:
- none saved yet: the horizon is planned from a fixed anchor (the earliest rotation start,
  at most 52 weeks before today's week) to the end of the week `horizon_weeks` after today;
  every command asking on the same day gets the same plan, whatever it then shows;
- the config changed (its fingerprint differs from the one saved): a re-plan that keeps
  every shift before today, and every shift inside the freeze window (`freeze_days` from
  today) whose person can still do it;
- time passed (today's week + `horizon_weeks` runs past the saved end): the horizon is
  extended; every saved seat stays as it is, only the new days are planned.
Besides, `replan` is the explicit re-plan (same rules as a config change) and `record_swap`
writes a swap's seats and nothing else. `window` only reads: showing a different window
never changes anything.

`current` is for read-only commands (`who`, `mine`, `check`, `ics`): it never extends or
re-plans the saved schedule. With none saved it publishes the first plan (there is nothing
to change yet); after a config change it shows, without saving, the re-plan that `plan`
would publish, and says so.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sddkit.rotation.config import OTHER_SECTIONS, TeamConfig
from sddkit.rotation.model import Shift
from sddkit.rotation.plan import Plan, Skipped, Unstaffed, plan_rotations, shift_order
from sddkit.rotation.sequence import ensure_schema
from sddkit.rotation.shadow import is_shadow
from sddkit.rotation.stability import Changes, diff_plans, shift_record
from sddkit.store import transaction

HISTORY_WEEKS = 52  # a first plan starts no earlier than this before today's week


@dataclass(frozen=True)
class Horizon:
    start: date
    end: date
    fingerprint: str


def fingerprint(config: TeamConfig) -> str:
    """What the plan depends on in the config (not comments, layout or other tools' sections)."""
    ours = {key: value for key, value in config.raw.items() if key not in OTHER_SECTIONS}
    text = json.dumps(ours, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def anchor(config: TeamConfig, today: date) -> date:
    monday = today - timedelta(days=today.weekday())
    earliest = min(rotation.start for rotation in config.rotations)
    return min(max(earliest, monday - timedelta(weeks=HISTORY_WEEKS)), monday)


def horizon_end(config: TeamConfig, today: date) -> date:
    """The Sunday ending the week `horizon_weeks` after today's."""
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(weeks=config.horizon_weeks + 1, days=-1)


def frozen_until(config: TeamConfig, today: date) -> date:
    """First day a re-plan may move freely; today itself is always frozen."""
    return today + timedelta(days=max(config.freeze_days, 1))


def published(conn: sqlite3.Connection, config: TeamConfig, today: date) -> tuple[Plan, Changes]:
    """The published schedule, brought up to date; the changes are what this call made."""
    saved = load(conn, config)
    wanted_end = horizon_end(config, today)
    if saved is None:
        plan = plan_rotations(config, anchor(config, today), wanted_end, today=today)
        save(conn, plan, fingerprint(config))
        return plan, Changes(first_plan=True)
    horizon, plan = saved
    if horizon.fingerprint != fingerprint(config):
        return replan(conn, config, today)
    if wanted_end > horizon.end:
        longer = plan_rotations(
            config,
            horizon.start,
            wanted_end,
            previous=plan.all_seats(),
            today=today,
            frozen_until=horizon.end + timedelta(days=1),
        )
        save(conn, longer, horizon.fingerprint)
        return longer, diff_plans(plan.shifts, longer)
    return plan, Changes(unchanged=len(plan.shifts))


def plans(conn: sqlite3.Connection, config: TeamConfig, today: date, *, extend: bool) -> bool:
    """Whether `published` (`extend`) or `current` would plan rather than read the saved
    schedule: none is published, the config changed since, or (`extend`) its horizon is
    short of today's. A read-only command loads the config with its holidays checked in
    full (`load_config`) before it plans."""
    ensure_schema(conn)
    row = conn.execute("SELECT end, fingerprint FROM rotation_horizon WHERE id = 1").fetchone()
    if row is None or row["fingerprint"] != fingerprint(config):
        return True
    return extend and horizon_end(config, today) > date.fromisoformat(row["end"])


def current(conn: sqlite3.Connection, config: TeamConfig, today: date) -> tuple[Plan, str | None]:
    """The published schedule as it is, for a read-only command, and a note when what is
    shown is not what is saved (the config changed: the re-plan, unsaved)."""
    saved = load(conn, config)
    if saved is None:
        return published(conn, config, today)[0], None
    horizon, plan = saved
    if horizon.fingerprint == fingerprint(config):
        return plan, None
    preview, _ = replan(conn, config, today, save_it=False)
    return preview, (
        f"{config.path.name} changed since the schedule was published; this is the re-plan"
        " `sddkit rotation plan` would publish (not saved)"
    )


def replan(
    conn: sqlite3.Connection,
    config: TeamConfig,
    today: date,
    *,
    previous: Sequence[Shift] | None = None,
    save_it: bool = True,
) -> tuple[Plan, Changes]:
    """Re-plan the horizon against `previous` (default: the published schedule), keeping the
    past and the freeze window; saved unless `save_it` is False (a preview)."""
    saved = load(conn, config)
    start = saved[0].start if saved else anchor(config, today)
    end = max(saved[0].end, horizon_end(config, today)) if saved else horizon_end(config, today)
    before = list(previous) if previous is not None else (saved[1].shifts if saved else [])
    plan = plan_rotations(
        config, start, end, previous=before, today=today, frozen_until=frozen_until(config, today)
    )
    changes = diff_plans(before, plan)
    if save_it:
        save(conn, plan, fingerprint(config))
    return plan, changes


def record_swap(
    conn: sqlite3.Connection, config: TeamConfig, moved: Sequence[tuple[Shift, str]]
) -> None:
    """Give each seat its new person and adopt `config` (which now holds the swap as
    overrides) as the published one: a swap changes only its own seats."""
    ensure_schema(conn)
    with transaction(conn):
        for shift, person in moved:
            conn.execute("UPDATE rotation_plan SET person = ? WHERE uid = ?", (person, shift.uid))
        conn.execute("UPDATE rotation_horizon SET fingerprint = ?", (fingerprint(config),))


def window(plan: Plan, first: date, last: date) -> Plan:
    """The seats of `plan` dated from `first` to `last` (the rotation's local date)."""
    return Plan(
        start=first,
        end=last,
        shifts=[s for s in plan.shifts if first <= s.start.date() <= last],
        unstaffed=[u for u in plan.unstaffed if first <= u.shift.start.date() <= last],
        skipped=[s for s in plan.skipped if first <= s.day <= last],
        shares=plan.shares,
        hour_shares=plan.hour_shares,
        notes=plan.notes,
        shadows=[s for s in plan.shadows if first <= s.start.date() <= last],
    )


def save(conn: sqlite3.Connection, plan: Plan, print_: str) -> None:
    """Replace the published schedule by `plan` (atomically)."""
    ensure_schema(conn)
    reasons = {u.shift.uid: u.reason for u in plan.unstaffed}
    details = {
        "shares": plan.shares,
        "hour_shares": plan.hour_shares,
        "notes": plan.notes,
        "skipped": [[s.rotation, s.day.isoformat(), s.holiday] for s in plan.skipped],
    }
    rows = [
        {**shift_record(shift), "reason": reasons.get(shift.uid)}
        for shift in [*plan.all_seats(), *plan.shadows]
    ]
    with transaction(conn):
        conn.execute("DELETE FROM rotation_plan")
        conn.executemany(
            "INSERT INTO rotation_plan(uid, rotation, start, end, role, seat, person, reason)"
            " VALUES (:uid, :rotation, :start, :end, :role, :seat, :person, :reason)",
            rows,
        )
        conn.execute(
            "INSERT INTO rotation_horizon(id, start, end, fingerprint, details)"
            " VALUES (1, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET start = excluded.start,"
            " end = excluded.end, fingerprint = excluded.fingerprint, details = excluded.details",
            (plan.start.isoformat(), plan.end.isoformat(), print_, json.dumps(details)),
        )


def load(conn: sqlite3.Connection, config: TeamConfig) -> tuple[Horizon, Plan] | None:
    """The published horizon and its plan, times in each rotation's zone; None if none."""
    ensure_schema(conn)
    row = conn.execute("SELECT * FROM rotation_horizon WHERE id = 1").fetchone()
    if row is None:
        return None
    horizon = Horizon(
        date.fromisoformat(row["start"]), date.fromisoformat(row["end"]), row["fingerprint"]
    )
    details: dict[str, Any] = json.loads(row["details"])
    zones = {rotation.name: rotation.zone for rotation in config.rotations}
    staffed: list[Shift] = []
    unstaffed: list[Unstaffed] = []
    shadows: list[Shift] = []
    for record in conn.execute("SELECT * FROM rotation_plan"):
        shift = _shift(dict(record), zones)
        if is_shadow(shift):
            shadows.append(shift)
        elif shift.person is None:
            unstaffed.append(Unstaffed(shift, str(record["reason"] or "")))
        else:
            staffed.append(shift)
    plan = Plan(
        start=horizon.start,
        end=horizon.end,
        shifts=sorted(staffed, key=shift_order),
        unstaffed=sorted(unstaffed, key=lambda u: shift_order(u.shift)),
        skipped=[Skipped(r, date.fromisoformat(d), h) for r, d, h in details["skipped"]],
        shares=details["shares"],
        hour_shares=details["hour_shares"],
        notes=details["notes"],
        shadows=sorted(shadows, key=shift_order),
    )
    return horizon, plan


def _shift(record: dict[str, Any], zones: dict[str, ZoneInfo]) -> Shift:
    zone = zones.get(str(record["rotation"]))
    start, end = datetime.fromisoformat(record["start"]), datetime.fromisoformat(record["end"])
    if zone is not None:
        start, end = start.astimezone(zone), end.astimezone(zone)
    return Shift(
        rotation=str(record["rotation"]),
        start=start,
        end=end,
        role=str(record["role"]),
        seat=int(record["seat"]),
        person=record["person"],
    )
