"""Swaps and covers, written into rotations.toml as `[[overrides]]` so they are versioned with
the team. tomlkit edits the document in place: comments, order and layout survive."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Table

from sddkit.config import TeamConfig, parse_config
from sddkit.errors import SddkitError
from sddkit.rotation.model import Shift
from sddkit.rotation.plan import Plan


@dataclass(frozen=True)
class Cover:
    """`person` takes `shift` (which was `shift.person`'s)."""

    shift: Shift
    person: str
    reason: str

    def describe(self) -> str:
        return (
            f"{self.shift.rotation} {self.shift.start:%a %Y-%m-%d %H:%M} {self.shift.role}: "
            f"{self.shift.person} -> {self.person}"
        )


def plan_swap(
    config: TeamConfig,
    plan: Plan,
    rotation: str,
    day: date,
    giver: str,
    taker: str,
    back: date | None = None,
) -> list[Cover]:
    """`taker` covers `giver`'s shift on `day`; with `back`, `giver` takes `taker`'s then."""
    config.rotation(rotation)
    giver_name, taker_name = config.person(giver).name, config.person(taker).name
    if giver_name == taker_name:
        raise SddkitError("a swap needs two different people")
    covers = [
        Cover(_seat_of(plan, rotation, day, giver_name), taker_name, f"swap with {giver_name}")
    ]
    if back is not None:
        covers.append(
            Cover(_seat_of(plan, rotation, back, taker_name), giver_name, f"swap with {taker_name}")
        )
    else:
        covers[0] = Cover(covers[0].shift, taker_name, f"covers for {giver_name}")
    return covers


def _seat_of(plan: Plan, rotation: str, day: date, person: str) -> Shift:
    for shift in plan.shifts:
        if shift.rotation == rotation and shift.start.date() == day and shift.person == person:
            return shift
    raise SddkitError(f"{person} has no {rotation} shift on {day} in the plan")


def write_overrides(path: Path, covers: list[Cover]) -> None:
    """Add (or replace, for the same seat) one override per cover; validate before writing."""
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    overrides = document.get("overrides")
    if overrides is None:
        overrides = tomlkit.aot()
        document.append("overrides", overrides)
    assert isinstance(overrides, AoT)
    for cover in covers:
        entry = _entry(cover)
        for index, existing in enumerate(overrides):
            if _same_seat(existing, entry):
                overrides[index] = entry
                break
        else:
            overrides.append(entry)
    text = tomlkit.dumps(document)
    parse_config(text, path)  # never write a file that no longer loads
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _entry(cover: Cover) -> Table:
    entry = tomlkit.table()
    entry.add("rotation", cover.shift.rotation)
    entry.add("date", cover.shift.start.date())
    entry.add("role", cover.shift.role)
    if cover.shift.seat:
        entry.add("seat", cover.shift.seat)
    entry.add("person", cover.person)
    entry.add("reason", cover.reason)
    return entry


def _same_seat(a: Table, b: Table) -> bool:
    keys = ("rotation", "date", "role")
    return all(str(a.get(k)) == str(b.get(k)) for k in keys) and a.get("seat", 0) == b.get(
        "seat", 0
    )
