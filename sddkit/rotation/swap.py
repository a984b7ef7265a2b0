"""Swaps and covers, written into rotations.toml as `[[overrides]]` so they are versioned with
the team. Only the override blocks concerned change, so comments and layout survive; in the
published schedule only the swapped seats change (`schedule.record_swap`).

A swap that would put someone on two shifts at once or closer than `min_gap_days` (in any
rotation) is refused, unless forced, when it is made with a warning."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import tomlkit
from tomlkit.items import Table

from sddkit.errors import ConfigError, SddkitError
from sddkit.rotation.config import TeamConfig, parse_config
from sddkit.rotation.model import Shift
from sddkit.rotation.plan import Plan
from sddkit.rotation.specparse import article

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


@dataclass(frozen=True)
class Swap:
    covers: list[Cover]
    warnings: list[str] = field(default_factory=list)  # double-bookings and gaps, when forced


def plan_swap(
    config: TeamConfig,
    plan: Plan,
    rotation: str,
    day: date,
    giver: str,
    taker: str,
    back: date | None = None,
    *,
    force: bool = False,
) -> Swap:
    """`taker` covers `giver`'s shift on `day`; with `back`, `giver` takes `taker`'s then.

    Refused (SddkitError) when someone would be double-booked or break `min_gap_days`,
    unless `force`, when those come back as warnings."""
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
        role = config.person(cover.person).role
        if role != cover.shift.role:
            raise SddkitError(
                f"{cover.person} is {article(role)}, not {article(cover.shift.role)}:"
                f" cannot take {cover.describe()}"
            )
        why = config.member(cover.person).unavailable(cover.shift.start, cover.shift.end)
        if why is not None:
            raise SddkitError(f"{cover.person} cannot take {cover.describe()}: {why}")
    problems = clashes(config, plan, covers)
    if problems and not force:
        raise SddkitError("; ".join(problems) + " (--force to swap anyway)")
    return Swap(covers, problems)


def clashes(config: TeamConfig, plan: Plan, covers: list[Cover]) -> list[str]:
    """Where a cover double-books its person or breaks the spread rule, in any rotation."""
    given = {cover.shift.uid for cover in covers}
    problems: list[str] = []
    for cover in covers:
        zone = config.member(cover.person).zone
        day = cover.shift.start.astimezone(zone).date()
        taken = [c.shift for c in covers if c.person == cover.person and c is not cover]
        others = [s for s in plan.shifts if s.person == cover.person and s.uid not in given]
        for other in sorted([*others, *taken], key=lambda s: s.start):
            if other.start < cover.shift.end and cover.shift.start < other.end:
                problems.append(
                    f"{cover.person} would be on two shifts at once: {cover.describe()}"
                    f" and {other.rotation} {other.start:%Y-%m-%d %H:%M}"
                )
            elif abs((other.start.astimezone(zone).date() - day).days) < config.min_gap_days:
                problems.append(
                    f"{cover.person} would serve {other.rotation} {other.start:%Y-%m-%d} and"
                    f" {cover.shift.rotation} {day}, closer than min_gap_days ="
                    f" {config.min_gap_days}"
                )
    return problems


def _seat_of(plan: Plan, rotation: str, day: date, person: str) -> Shift:
    for shift in plan.shifts:
        if shift.rotation == rotation and shift.start.date() == day and shift.person == person:
            return shift
    raise SddkitError(f"{person} has no {rotation} shift on {day} in the plan")


def write_overrides(path: Path, covers: list[Cover]) -> TeamConfig:
    """Add (or replace, for the same seat) one override per cover; validate before writing;
    return the config as written.

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
    try:
        config = parse_config(text, path)  # never write a file that no longer loads
    except ConfigError as error:  # its line is in the text not written: name none
        raise SddkitError(
            f"{path}: the swap would leave an invalid config: {error.message}"
        ) from None

    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return config


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
