"""Load rotations.toml into a `TeamConfig`; every error names the file, the line and the field.

Values come from `tomllib`; line numbers come from a scan of the raw text (`Locator`), since
tomllib keeps none. Sections owned by other parts of sddkit (`OTHER_SECTIONS`) are accepted
as they are and left in `TeamConfig.raw` for their owners to parse.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sddkit.errors import ConfigError
from sddkit.rotation.model import Person
from sddkit.rotation.spec import Member, Override, Rotation
from sddkit.rotation.specparse import (
    Fields,
    did_you_mean,
    parse_member,
    parse_override,
    parse_rotation,
)

OTHER_SECTIONS = ("triage", "github", "jira", "smtp", "caldav", "report", "followup")
TEAM_KEYS = (
    "name",
    "organizer",
    "calendar_name",
    "email_domain",
    "min_gap_days",
    "horizon_weeks",
    "freeze_days",
    "reminder_minutes",
)
DEFAULT_MIN_GAP_DAYS = 2
DEFAULT_HORIZON_WEEKS = 13  # the published schedule reaches this far past today's week
MAX_HORIZON_WEEKS = 104  # two years: a plan is re-made long before then, and stays small
DEFAULT_FREEZE_DAYS = 7  # a re-plan moves no shift this close unless its person cannot do it
DEFAULT_REMINDER_MINUTES = 24 * 60  # VALARM lead time in invitations and feeds


@dataclass
class TeamConfig:
    path: Path
    name: str
    organizer_name: str
    calendar_name: str
    members: dict[str, Member]
    rotations: list[Rotation]
    overrides: list[Override]
    min_gap_days: int
    raw: dict[str, Any]
    horizon_weeks: int = DEFAULT_HORIZON_WEEKS
    freeze_days: int = DEFAULT_FREEZE_DAYS
    reminder_minutes: int = DEFAULT_REMINDER_MINUTES

    @property
    def people(self) -> list[Person]:
        return [member.person for member in self.members.values()]

    def person(self, name: str) -> Person:
        """A person by name or e-mail (case-insensitive); ConfigError naming the file if none."""
        return self.member(name).person

    def member(self, name: str) -> Member:
        """By full name, e-mail, or a unique start of the name ("Ana", "ana p"); case and
        accents aside ("pawel" finds "Paweł")."""
        wanted = fold(name.strip())
        people = list(self.members.values())
        for member in people:
            if wanted in (fold(member.person.name), fold(member.person.email)):
                return member
        found = [m for m in people if wanted and fold(m.person.name).startswith(wanted)]
        if len(found) == 1:
            return found[0]
        names = [m.person.name for m in (found or people)]
        hint = f" (matches {', '.join(names)})" if found else did_you_mean(name, names)
        raise ConfigError(
            self.path, f"no one person named {name!r} in [[people]]{hint}", field="people"
        )

    @property
    def organizer(self) -> Person:
        return self.person(self.organizer_name)

    def rotation(self, name: str) -> Rotation:
        for rotation in self.rotations:
            if rotation.name == name:
                return rotation
        known = ", ".join(r.name for r in self.rotations)
        raise ConfigError(
            self.path, f"no rotation named {name!r} (known: {known})", field="rotation"
        )


# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i"})


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name: "Paweł Łukasz" -> "pawel lukasz"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSED))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Locator:
    """Finds the line of a `[section]`, the i-th `[[section]]`, or a key inside one."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"']+)\s*\]\]?")
    _KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]+\")\s*=")

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[str, int | None, str | None], int] = {}
        counts: dict[str, int] = {}
        section: tuple[str, int | None] = ("", None)
        in_string = False
        for number, line in enumerate(text.splitlines(), start=1):
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_string = not in_string
                if not in_string:
                    continue
            if in_string and not self._KEY.match(line):
                continue
            header = self._HEADER.match(line)
            if header:
                name = header.group(2).strip("\"'")
                index = None
                if header.group(1) == "[[":
                    index = counts.get(name, 0)
                    counts[name] = index + 1
                section = (name, index)
                self._lines.setdefault((name, index, None), number)
                continue
            key = self._KEY.match(line)
            if key:
                self._lines.setdefault((*section, key.group(1).strip('"')), number)

    def line(self, section: str, index: int | None = None, key: str | None = None) -> int | None:
        found = self._lines.get((section, index, key))
        return found if found is not None else self._lines.get((section, index, None))


def load_config(path: str | Path, *, check_holidays: bool = True) -> TeamConfig:
    """Read and validate rotations.toml (ConfigError on any problem, nothing half-loaded).

    `check_holidays=False` (for commands that read the published schedule: `rotation who`,
    the report) checks each holidays value's form, not that the `holidays` package knows
    the country and subdivision nor that an override falls on no public holiday: those
    checks import all its countries (0.15 s). A calendar built later for an unknown country
    is an error then (`spec.HolidaySpec`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            path,
            "file not found; `sddkit init` writes a starting one here"
            " (or point to yours with --config or SDDKIT_CONFIG)",
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, f"cannot read: {error}") from None
    return parse_config(text, path, check_holidays=check_holidays)


def parse_config(text: str, path: Path, *, check_holidays: bool = True) -> TeamConfig:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"at line (\d+)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise ConfigError(
            path, f"not valid TOML: {message}", line=int(match.group(1)) if match else None
        ) from None
    locator = Locator(text)
    top = Fields(raw, path, locator, section="", index=None, check_holidays=check_holidays)
    top.reject_unknown(("team", "people", "rotations", "overrides", *OTHER_SECTIONS))
    team = top.table("team")
    team.reject_unknown(TEAM_KEYS)
    min_gap = team.integer("min_gap_days", default=DEFAULT_MIN_GAP_DAYS, minimum=0)
    rotations = [parse_rotation(item) for item in top.tables("rotations", required=True)]
    _unique(path, locator, "rotations", [r.name for r in rotations])
    members = [parse_member(item, rotations) for item in top.tables("people", required=True)]
    _unique(path, locator, "people", [m.person.name for m in members])
    config = TeamConfig(
        path=path,
        name=team.string("name", default="Support"),
        organizer_name=team.string("organizer", default=members[0].person.name),
        calendar_name=team.string("calendar_name", default=""),
        members={m.person.name: m for m in members},
        rotations=rotations,
        overrides=[],
        min_gap_days=min_gap,
        raw=raw,
        horizon_weeks=team.integer(
            "horizon_weeks", default=DEFAULT_HORIZON_WEEKS, minimum=1, maximum=MAX_HORIZON_WEEKS
        ),
        freeze_days=team.integer("freeze_days", default=DEFAULT_FREEZE_DAYS, minimum=0),
        reminder_minutes=team.integer(
            "reminder_minutes", default=DEFAULT_REMINDER_MINUTES, minimum=0
        ),
    )
    if not config.calendar_name:
        config.calendar_name = f"{config.name} support rotation"
    try:
        config.organizer  # noqa: B018 - validate the name early, with its line
    except ConfigError:
        raise ConfigError(
            path,
            f"no person named {config.organizer_name!r} in [[people]]",
            line=locator.line("team", None, "organizer"),
            field="team.organizer",
        ) from None
    config.overrides = [
        parse_override(item, config) for item in top.tables("overrides", required=False)
    ]
    _check_coverage(config, locator)
    return config


def _unique(path: Path, locator: Locator, section: str, names: list[str]) -> None:
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise ConfigError(
                path,
                f"duplicate name {name!r}",
                line=locator.line(section, index, "name"),
                field=f"{section}.name",
            )
        seen.add(name)


def _check_coverage(config: TeamConfig, locator: Locator) -> None:
    """Every rotation's seats can be filled by someone; everyone is in some rotation."""
    for index, rotation in enumerate(config.rotations):
        for role, count in rotation.seats():
            able = [
                m
                for m in config.members.values()
                if m.person.role == role and rotation.name in m.rotations
            ]
            if len(able) < count:
                raise ConfigError(
                    config.path,
                    f"rotation {rotation.name!r} needs {count} {role}(s) per shift but only "
                    f"{len(able)} can cover it",
                    line=locator.line("rotations", index, f"{role}s"),
                    field=f"rotations.{role}s",
                )
    for member in config.members.values():
        if not member.rotations:
            raise ConfigError(
                config.path,
                f"{member.person.name} is in no rotation (no rotation needs a "
                f"{member.person.role} they can cover)",
                line=member.line,
                field="people",
            )
