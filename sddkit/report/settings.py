"""The `[report]` section of the config: team defaults for the report's options.

```toml
[report]
weeks = 4                # before/after window around a fix
frt_target_hours = 24    # first-response target
repeat_window_days = 7   # repeat contact window
surfaced_first_k = 3     # "surfaced a theme" = answered one of its first k tickets
min_after_days = 7       # a fix's change is shown once its after window is this long ...
min_window_tickets = 5   # ... and its before + after windows hold this many tickets
regression_share = 0.25  # complaints came back: the rate since a fix is above this share
regression_confidence = 0.9   # ... of the rate before it, this sure (an exact test) ...
regression_min = 3       # ... and at least this many tickets arrived since the fix
onboarding_days = 30     # a customer's first days, from the first ticket the store saw
segment_field = "plan"   # optional: Fix next breaks customers down by this custom field

[report.business_hours]  # optional: first responses in business hours against the target
timezone = "Europe/Belgrade"
hours = "09:00-17:00"
days = ["mon", "tue", "wed", "thu", "fri"]
holidays = "RS"          # or {country = "DE", subdivision = "BY"}, as in rotations.toml

[report.canned_replies]  # optional: which canned replies draw follow-up questions
tag_prefix = "macro:"    # the export tags a ticket "macro:<name>" ... and/or
field = "macro"          # ... a custom field names it
follow_up_days = 3
```

CLI options win over the file; the file wins over the built-in defaults.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable
from dataclasses import fields
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from sddkit.errors import ConfigError, line_in_table
from sddkit.report.business_hours import DAY_NAMES, BusinessHours
from sddkit.report.canned import CannedReplySource
from sddkit.report.model import ReportOptions
from sddkit.rotation.spec import HolidaySpec

_HOURS = "business_hours"
_CANNED = "canned_replies"
_SEGMENT = "segment_field"
_TRIAGE = "triage"  # read from the [triage] section (cli: the tracker's rules)
_NAMES = tuple(
    f.name for f in fields(ReportOptions) if f.name not in (_HOURS, _CANNED, _SEGMENT, _TRIAGE)
)
_MINIMUM = {
    "weeks": 1,
    "frt_target_hours": 0,
    "repeat_window_days": 0,
    "surfaced_first_k": 1,
    "min_after_days": 0,
    "min_window_tickets": 1,
    "regression_share": 0,
    "regression_confidence": 0,
    "regression_min": 1,
    "onboarding_days": 0,
}
_MAXIMUM = {"regression_share": 1.0, "regression_confidence": 0.9999}
_INTEGRAL = ("weeks", "surfaced_first_k", "min_window_tickets", "regression_min")


def load_options(
    path: Path,
    *,
    weeks: int | None = None,
    frt_target_hours: float | None = None,
    repeat_window_days: float | None = None,
    surfaced_first_k: int | None = None,
) -> ReportOptions:
    """Options from the `[report]` section of `path` (defaults when the file or section is
    missing), overridden by the keyword arguments that are not None. Errors name the file,
    the line and the field."""
    values, tables = _read(path)
    given = {
        "weeks": weeks,
        "frt_target_hours": frt_target_hours,
        "repeat_window_days": repeat_window_days,
        "surfaced_first_k": surfaced_first_k,
    }
    values.update({key: value for key, value in given.items() if value is not None})
    default = ReportOptions()
    chosen: dict[str, Any] = {
        name: (int if name in _INTEGRAL else float)(values.get(name, getattr(default, name)))
        for name in _NAMES
    }
    return ReportOptions(**chosen, **tables)


def _read(path: Path) -> tuple[dict[str, int | float], dict[str, Any]]:
    if not path.exists():
        return {}, {}
    text = path.read_text(encoding="utf-8")
    try:
        section = tomllib.loads(text).get("report", {})
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, f"invalid TOML: {error}") from None
    if not isinstance(section, dict):
        raise ConfigError(path, "must be a table", line_in_table(text, None, "[report]"), "report")
    values = {}
    tables: dict[str, Any] = {}
    for key, value in section.items():
        where = line_in_table(text, key, "[report]")
        if key == _HOURS and isinstance(value, dict):
            tables[key] = _business_hours(path, text, value)
            continue
        if key == _CANNED and isinstance(value, dict):
            tables[key] = _canned(path, text, value)
            continue
        if key == _SEGMENT:
            if not isinstance(value, str) or not value.strip():
                message = f"must be a custom field's name, not {value!r}"
                raise ConfigError(path, message, where, f"report.{key}")
            tables[key] = value.strip()
            continue
        if key not in _NAMES:
            close = difflib.get_close_matches(key, _NAMES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(path, f"unknown key{hint}", where, f"report.{key}")
        values[key] = _checked(path, where, key, value)
    return values, tables


def _canned(path: Path, text: str, table: dict[str, Any]) -> CannedReplySource:
    """`[report.canned_replies]`: tag_prefix = "macro:" and/or field = "macro" (a custom
    field), follow_up_days = 3."""
    for key, value in table.items():
        line = line_in_table(text, key, "[report.canned_replies]")
        where = f"report.canned_replies.{key}"
        if key not in ("tag_prefix", "field", "follow_up_days"):
            raise ConfigError(path, "unknown key", line, where)
        if key == "follow_up_days":
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ConfigError(path, f"must be a number > 0, not {value!r}", line, where)
        elif not isinstance(value, str) or not value.strip():
            raise ConfigError(path, f"must be a non-empty string, not {value!r}", line, where)
    return CannedReplySource(
        tag_prefix=table.get("tag_prefix", "macro:" if "field" not in table else None),
        field=table.get("field"),
        follow_up_days=float(table.get("follow_up_days", 3)),
    )


def _business_hours(path: Path, text: str, table: dict[str, Any]) -> BusinessHours:
    """`[report.business_hours]`: timezone (required), hours = "09:00-17:00", days = ["mon",
    ..., "fri"], holidays = "RS" or {country = "DE", subdivision = "BY"} (as in rotations)."""

    def fail(key: str, message: str) -> ConfigError:
        line = line_in_table(text, key, "[report.business_hours]")
        return ConfigError(path, message, line, f"report.business_hours.{key}")

    known = ("timezone", "hours", "days", "holidays")
    for key in table:
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            raise fail(key, "unknown key" + (f" (did you mean {close[0]!r}?)" if close else ""))
    zone = table.get("timezone")
    if not isinstance(zone, str) or zone not in available_timezones():
        raise fail("timezone", f"must be a time zone such as 'Europe/Belgrade', not {zone!r}")
    match = re.fullmatch(r"(\d\d):(\d\d)-(\d\d):(\d\d)", str(table.get("hours", "09:00-17:00")))
    try:
        assert match is not None
        h1, m1, h2, m2 = (int(group) for group in match.groups())
        start, end = time(h1, m1), time(h2, m2)
        assert start < end
    except (AssertionError, ValueError):
        raise fail("hours", "must be HH:MM-HH:MM within one day, e.g. 09:00-17:00") from None
    days = table.get("days", ["mon", "tue", "wed", "thu", "fri"])
    if not isinstance(days, list) or not days or any(d not in DAY_NAMES for d in days):
        raise fail("days", f"must be a list of {', '.join(DAY_NAMES)}, not {days!r}")
    return BusinessHours(
        zone, start, end, tuple(sorted({DAY_NAMES.index(d) for d in days})), _holidays(table, fail)
    )


def _holidays(table: dict[str, Any], fail: Callable[[str, str], ConfigError]) -> HolidaySpec | None:
    value = table.get("holidays")
    if value is None:
        return None
    if isinstance(value, str):
        spec = HolidaySpec(value.strip().upper())
    elif isinstance(value, dict) and isinstance(value.get("country"), str):
        subdivision = value.get("subdivision")
        spec = HolidaySpec(value["country"].upper(), str(subdivision) if subdivision else None)
    else:
        raise fail("holidays", 'must be a country code or {country = "..", subdivision = ".."}')
    import holidays  # here: it imports every country it knows (0.15 s), needed only now

    try:
        holidays.country_holidays(spec.country, subdiv=spec.subdivision, years=[2000])
    except NotImplementedError:
        raise fail("holidays", f"no public holidays known for {spec.country}") from None
    return spec


def _checked(path: Path, line: int | None, key: str, value: Any) -> int | float:
    integral = key in _INTEGRAL
    wrong_kind = integral and not isinstance(value, int)
    if isinstance(value, bool) or not isinstance(value, int | float) or wrong_kind:
        expected = "a whole number" if integral else "a number"
        raise ConfigError(path, f"must be {expected}, not {value!r}", line, f"report.{key}")
    low = _MINIMUM[key]
    if value < low or (value == low and not integral and key != "min_after_days"):
        bound = f">= {low}" if integral or key == "min_after_days" else f"> {low}"
        raise ConfigError(path, f"must be {bound}, not {value!r}", line, f"report.{key}")
    if key in _MAXIMUM and value > _MAXIMUM[key]:
        message = f"must be <= {_MAXIMUM[key]:g}, not {value!r}"
        raise ConfigError(path, message, line, f"report.{key}")
    return value if integral else float(value)
