"""Swaps and covers, written into rotations.toml as `[[overrides]]` so they are versioned with
the team. Only the override blocks concerned change, so comments and layout survive."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import tomlkit
from tomlkit.items import Table

from sddkit.errors import SddkitError
from sddkit.rotation.config import TeamConfig, parse_config
from sddkit.rotation.model import Shift
from sddkit.rotation.plan import Plan

_OVERRIDES = re.compile(r"^\s*\[\[\s*overrides\s*\]\]")


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
    for cover in covers:
        why = config.member(cover.person).unavailable(cover.shift.start, cover.shift.end)
        if why is not None:
            raise SddkitError(f"{cover.person} cannot take {cover.describe()}: {why}")
    return covers


def _seat_of(plan: Plan, rotation: str, day: date, person: str) -> Shift:
    for shift in plan.shifts:
        if shift.rotation == rotation and shift.start.date() == day and shift.person == person:
            return shift
    raise SddkitError(f"{person} has no {rotation} shift on {day} in the plan")


def write_overrides(path: Path, covers: list[Cover]) -> None:
    """Add (or replace, for the same seat) one override per cover; validate before writing.

    Only the override blocks concerned change: the rest of the file is kept byte for byte
    (tomlkit renders the new blocks; a full tomlkit round trip can reflow inline tables).
    """
    text = path.read_text(encoding="utf-8")
    existing = tomllib.loads(text).get("overrides", [])
    lines = text.splitlines(keepends=True)
    spans = _override_spans(lines)
    appended: list[str] = []
    for cover in covers:
        entry = _entry(cover)
        index = next((i for i, old in enumerate(existing) if _same_seat(old, entry)), None)
        if index is None:
            appended.append(_render(entry))
        else:
            first, last = spans[index]
            lines[first:last] = [_render(entry)] + [""] * (last - first - 1)  # keep spans valid
    text = "".join(lines)
    if appended:
        text = text.rstrip("\n") + "\n\n" + "\n".join(appended)
    parse_config(text, path)  # never write a file that no longer loads
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _override_spans(lines: list[str]) -> list[tuple[int, int]]:
    """[first, last) line indexes of each [[overrides]] block, without trailing blank lines or
    comments (those belong to whatever follows)."""
    spans: list[tuple[int, int]] = []
    for number, line in enumerate(lines):
        if _OVERRIDES.match(line):
            end = number + 1
            while end < len(lines) and not lines[end].lstrip().startswith("["):
                end += 1
            while end > number + 1 and _blank_or_comment(lines[end - 1]):
                end -= 1
            spans.append((number, end))
    return spans


def _blank_or_comment(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _render(entry: Table) -> str:
    document = tomlkit.document()
    block = tomlkit.aot()
    block.append(entry)
    document.append("overrides", block)
    return tomlkit.dumps(document)


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


def _same_seat(a: dict[str, object], b: Table) -> bool:
    keys = ("rotation", "date", "role")
    return all(str(a.get(k)) == str(b.get(k)) for k in keys) and a.get("seat", 0) == b.get(
        "seat", 0
    )
