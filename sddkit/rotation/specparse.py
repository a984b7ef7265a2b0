"""Parse the rotation sections of rotations.toml (`[[rotations]]`, `[[people]]`,
`[[overrides]]`) into `sddkit.rotation.spec` values, with errors naming file, line and field."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from datetime import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sddkit.errors import ConfigError
from sddkit.rotation.countries import country_code, country_name
from sddkit.rotation.model import ROLES, Person
from sddkit.rotation.spec import (
    WEEKDAYS,
    DateRange,
    HolidaySpec,
    Member,
    Override,
    Rotation,
    Window,
    weekday_numbers,
)

if TYPE_CHECKING:
    from sddkit.rotation.config import Locator, TeamConfig

ROTATION_KEYS = (
    "name", "timezone", "window", "days", "every", "start", "end",
    "engineers", "designers", "holidays", "duties",
)  # fmt: skip
PERSON_KEYS = (
    "name", "email", "role", "timezone", "weight", "max_shifts", "rotations", "leave",
    "days_off", "working_hours", "holidays", "joined", "left", "shadow_shifts",
)  # fmt: skip
OVERRIDE_KEYS = ("rotation", "date", "role", "seat", "person", "reason")
_WINDOW = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_EVERY = re.compile(r"^\s*(?:(\d+)\s*)?weeks?\s*$")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class Fields:
    """One TOML table plus where it sits, with typed getters that raise ConfigError.

    `check_holidays` False checks a holidays value's form only, not that the `holidays`
    package knows the country and subdivision, nor that an override's date is no holiday:
    those checks import every country it knows (0.15 s), which commands that only read the
    published schedule skip."""

    def __init__(
        self,
        data: dict[str, Any],
        path: Path,
        locator: Locator,
        section: str,
        index: int | None,
        *,
        check_holidays: bool = True,
    ) -> None:
        self.data, self.path, self.locator = data, path, locator
        self.section, self.index = section, index
        self.check_holidays = check_holidays

    @property
    def line(self) -> int | None:
        return self.locator.line(self.section, self.index)

    def fail(self, key: str | None, message: str) -> NoReturn:
        line = self.locator.line(self.section, self.index, key)
        if not self.section:  # a top-level key is itself a section
            line = self.locator.line(key or "", None) or self.locator.line(key or "", 0)
        name = ".".join(part for part in (self.section, key) if part) or None
        raise ConfigError(self.path, message, line=line, field=name)

    def reject_unknown(self, known: Sequence[str]) -> None:
        for key in self.data:
            if key not in known:
                self.fail(key, f"unknown key{did_you_mean(key, known)}")

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str, kind: type | tuple[type, ...], what: str, default: Any) -> Any:
        if key not in self.data:
            if default is _REQUIRED:
                self.fail(None, f"missing required key {key!r}")
            return default
        value = self.data[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.fail(key, f"expected {what}, got {value!r}")
        return value

    def string(self, key: str, default: Any = None) -> str:
        value: str = self._get(key, str, "a string", _REQUIRED if default is None else default)
        return value.strip()

    def optional_string(self, key: str) -> str | None:
        value: str | None = self._get(key, str, "a string", None)
        return value

    def integer(
        self, key: str, default: Any = None, minimum: int = 0, maximum: int | None = None
    ) -> int:
        value: int = self._get(
            key, int, "a whole number", _REQUIRED if default is None else default
        )
        if value < minimum:
            self.fail(key, f"must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            self.fail(key, f"must be at most {maximum}, got {value}")
        return value

    def optional_integer(self, key: str, minimum: int = 1) -> int | None:
        return self.integer(key, minimum=minimum) if key in self.data else None

    def number(self, key: str, default: float) -> float:
        value = self._get(key, (int, float), "a number", default)
        if value <= 0:
            self.fail(key, f"must be positive, got {value}")
        return float(value)

    def date(self, key: str, required: bool = False) -> dt.date | None:
        value = self._get(
            key, (dt.date, str), "a date (YYYY-MM-DD)", _REQUIRED if required else None
        )
        return None if value is None else self.to_date(key, value)

    def to_date(self, key: str, value: Any) -> dt.date:
        if isinstance(value, dt.date) and not hasattr(value, "hour"):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(key, f"bad date {value!r} (expected YYYY-MM-DD)")

    def string_list(self, key: str) -> list[str] | None:
        value: list[str] | str | None = self._get(key, (list, str), "a list of strings", None)
        if isinstance(value, str):
            return [value]
        if value is not None and not all(isinstance(item, str) for item in value):
            self.fail(key, f"expected a list of strings, got {value!r}")
        return value

    def timezone(self, key: str) -> str:
        name = self.string(key)
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(key, f"unknown time zone {name!r}{did_you_mean(name, available_timezones())}")
        return name

    def window(self, key: str, required: bool) -> Window | None:
        text = self.string(key) if required else self.optional_string(key)
        if text is None:
            return None
        match = _WINDOW.match(text)
        try:
            assert match is not None
            h1, m1, h2, m2 = (int(group) for group in match.groups())
            window = Window(time(h1, m1), time(h2 % 24 if m2 == 0 else h2, m2))
        except (AssertionError, ValueError):
            self.fail(key, f"bad time window {text!r} (expected HH:MM-HH:MM, e.g. 09:00-12:00)")
        if window.start == window.end:
            self.fail(key, f"empty time window {text!r}")
        return window

    def holidays(self, key: str) -> HolidaySpec | None:
        value = self._get(
            key, (str, dict), 'a country code or {country = "..", subdivision = ".."}', None
        )
        if value is None:
            return None
        if isinstance(value, str):
            spec = HolidaySpec(value.strip().upper())
        else:
            unknown = [k for k in value if k not in ("country", "subdivision")]
            if unknown or not isinstance(value.get("country"), str):
                self.fail(key, 'expected {country = "RS", subdivision = "..."}')
            subdivision = value.get("subdivision")
            spec = HolidaySpec(value["country"].upper(), str(subdivision) if subdivision else None)
        if not self.check_holidays:
            return spec
        import holidays

        try:
            holidays.country_holidays(spec.country, subdiv=spec.subdivision, years=[2000])
        except NotImplementedError:
            code = country_code(value if isinstance(value, str) else value["country"])
            hint = f" (did you mean {code!r}, {country_name(code)}?)" if code else ""
            where = f"{spec.country} {spec.subdivision or ''}".strip()
            self.fail(key, f"no public holidays known for {where}{hint}")
        return spec

    def table(self, key: str) -> Fields:
        value = self._get(key, dict, "a table", {})
        return Fields(value, self.path, self.locator, key, None, check_holidays=self.check_holidays)

    def tables(self, key: str, required: bool) -> list[Fields]:
        value = self._get(key, list, f"an array of tables [[{key}]]", _REQUIRED if required else [])
        if required and not value:
            self.fail(None, f"at least one [[{key}]] is required")
        if not all(isinstance(item, dict) for item in value):
            self.fail(key, f"expected an array of tables [[{key}]]")
        return [
            Fields(item, self.path, self.locator, key, i, check_holidays=self.check_holidays)
            for i, item in enumerate(value)
        ]


_REQUIRED = object()


def parse_rotation(fields: Fields) -> Rotation:
    fields.reject_unknown(ROTATION_KEYS)
    every = fields.optional_string("every") or "1 week"
    match = _EVERY.match(every.lower())
    if match is None or int(match.group(1) or 1) < 1:
        fields.fail("every", f"bad cadence {every!r} (expected e.g. '1 week' or '2 weeks')")
    start = fields.date("start", required=True)
    assert start is not None
    end = fields.date("end")
    if end is not None and end < start:
        fields.fail("end", "ends before it starts")
    rotation = Rotation(
        name=fields.string("name"),
        timezone=fields.timezone("timezone"),
        window=_required(fields.window("window", required=True)),
        days=_days(fields, "days", default="weekdays"),
        start=start,
        every_weeks=int(match.group(1) or 1),
        end=end,
        engineers=fields.integer("engineers", default=1),
        designers=fields.integer("designers", default=0),
        holidays=fields.holidays("holidays"),
        duties=fields.string("duties", default="") or Rotation.duties,
    )
    if not rotation.seats():
        fields.fail("engineers", "the rotation needs at least one engineer or designer")
    return rotation


def _required(window: Window | None) -> Window:
    assert window is not None
    return window


def _days(fields: Fields, key: str, default: str | None) -> tuple[int, ...]:
    names = fields.string_list(key)
    if names is None:
        names = [default] if default else []
    if names == ["weekdays"]:
        names = list(WEEKDAYS[:5])
    elif names in (["daily"], ["every day"]):
        names = list(WEEKDAYS)
    for name in names:
        if name[:3].lower() not in WEEKDAYS or len(name) < 3:
            hint = did_you_mean(name.lower(), (*WEEKDAYS, "weekdays", "daily"))
            fields.fail(key, f"unknown weekday {name!r}{hint}")
    return weekday_numbers(names)


def parse_member(fields: Fields, rotations: list[Rotation]) -> Member:
    fields.reject_unknown(PERSON_KEYS)
    role = fields.string("role")
    if role not in ROLES:
        fields.fail("role", f"unknown role {role!r} (expected one of {', '.join(ROLES)})")
    email = fields.string("email")
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        fields.fail("email", f"not an e-mail address: {email!r}")
    person = Person(
        name=fields.string("name"),
        email=email,
        role=role,
        timezone=fields.timezone("timezone"),
        weight=fields.number("weight", default=1.0),
        max_shifts=fields.optional_integer("max_shifts"),
    )
    joined, left = fields.date("joined"), fields.date("left")
    if joined and left and left < joined:
        fields.fail("left", "leaves before joining")
    member = Member(
        person=person,
        rotations=(),
        leave=_leave(fields),
        days_off=frozenset(_days(fields, "days_off", default=None)),
        working_hours=fields.window("working_hours", required=False),
        holidays=fields.holidays("holidays"),
        joined=joined,
        left=left,
        shadow_shifts=fields.integer("shadow_shifts", default=0, minimum=0),
        line=fields.line,
    )
    return _with_rotations(fields, member, rotations)


def _with_rotations(fields: Fields, member: Member, rotations: list[Rotation]) -> Member:
    by_name = {rotation.name: rotation for rotation in rotations}
    role = member.person.role
    listed = fields.string_list("rotations")
    if listed is None:  # every rotation that needs this role and fits the working hours
        chosen = tuple(r.name for r in rotations if _needs(r, role) and _fits(member, r))
    else:
        for name in listed:
            if name not in by_name:
                fields.fail("rotations", f"unknown rotation {name!r}{did_you_mean(name, by_name)}")
            if not _needs(by_name[name], role):
                fields.fail("rotations", f"rotation {name!r} needs no {role}s")
        chosen = tuple(listed)
    return Member(**{**member.__dict__, "rotations": chosen})


def _needs(rotation: Rotation, role: str) -> bool:
    return any(seat_role == role for seat_role, _ in rotation.seats())


def _fits(member: Member, rotation: Rotation) -> bool:
    if member.working_hours is None:
        return True
    start, end = rotation.window.on(rotation.start, rotation.zone)
    zone = member.zone
    return member.working_hours.covers(start.astimezone(zone), end.astimezone(zone))


def _leave(fields: Fields) -> tuple[DateRange, ...]:
    value = fields.data.get("leave", [])
    if not isinstance(value, list):
        fields.fail("leave", "expected a list of dates, 'FROM..TO' ranges or {from, to} tables")
    spans = []
    for item in value:
        if isinstance(item, dict):
            unknown = [k for k in item if k not in ("from", "to", "reason")]
            if unknown or "from" not in item:
                fields.fail("leave", f"expected {{from = DATE, to = DATE}}, got {item!r}")
            first = fields.to_date("leave", item["from"])
            last = fields.to_date("leave", item.get("to", item["from"]))
        elif isinstance(item, str) and ".." in item:
            left_text, right_text = item.split("..", 1)
            first, last = fields.to_date("leave", left_text), fields.to_date("leave", right_text)
        else:
            first = last = fields.to_date("leave", item)
        if last < first:
            fields.fail("leave", f"leave ends before it starts: {item!r}")
        spans.append(DateRange(first, last))
    return tuple(spans)


def parse_override(fields: Fields, config: TeamConfig) -> Override:
    fields.reject_unknown(OVERRIDE_KEYS)
    rotation = _lookup(fields, "rotation", {r.name: r for r in config.rotations})
    member = _lookup(fields, "person", config.members)
    day = fields.date("date", required=True)
    assert day is not None
    role = fields.string("role", default=member.person.role)
    seats = dict(rotation.seats())
    if role not in seats:
        fields.fail("role", f"rotation {rotation.name!r} needs no {role}s")
    if member.person.role != role:
        fields.fail(
            "person", f"{member.person.name} is {article(member.person.role)}, not {article(role)}"
        )
    seat = fields.integer("seat", default=0)
    if seat >= seats[role]:
        fields.fail("seat", f"rotation {rotation.name!r} has {seats[role]} {role} seat(s)")
    if not rotation.runs_on(day):
        fields.fail("date", f"rotation {rotation.name!r} has no shift on {day}")
    # (check_holidays False: the published schedule, planned with the check, is only read)
    holiday = (
        rotation.holidays.name_of(day) if rotation.holidays and fields.check_holidays else None
    )
    if holiday:
        fields.fail("date", f"{day} is a public holiday ({holiday}); no shift that day")
    return Override(
        rotation=rotation.name,
        day=day,
        role=role,
        seat=seat,
        person=member.person.name,
        reason=fields.string("reason", default=""),
        line=fields.line,
    )


def article(noun: str) -> str:
    """ "an engineer", "a designer"."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _lookup(fields: Fields, key: str, known: dict[str, Any]) -> Any:
    name = fields.string(key)
    if name not in known:
        fields.fail(key, f"unknown {key} {name!r}{did_you_mean(name, known)}")
    return known[name]
