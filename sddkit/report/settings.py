"""The `[report]` section of the config: team defaults for the report's options.

```toml
[report]
weeks = 4                # before/after window around a fix
frt_target_hours = 24    # first-response target
repeat_window_days = 7   # repeat contact window
surfaced_first_k = 3     # "surfaced a theme" = answered one of its first k tickets
min_after_days = 7       # a fix's change is shown once its after window is this long ...
min_window_tickets = 5   # ... and its before + after windows hold this many tickets
regression_min = 3       # tickets after a fix that mean its complaints came back
```

CLI options win over the file; the file wins over the built-in defaults.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

from sddkit.errors import ConfigError
from sddkit.report.model import ReportOptions

_NAMES = tuple(f.name for f in fields(ReportOptions))
_MINIMUM = {
    "weeks": 1,
    "frt_target_hours": 0,
    "repeat_window_days": 0,
    "surfaced_first_k": 1,
    "min_after_days": 0,
    "min_window_tickets": 1,
    "regression_min": 1,
}
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
    values = _read(path)
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
    return ReportOptions(**chosen)


def _read(path: Path) -> dict[str, int | float]:
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    try:
        section = tomllib.loads(text).get("report", {})
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, f"invalid TOML: {error}") from None
    if not isinstance(section, dict):
        raise ConfigError(path, "must be a table", _line(text, None), "report")
    values = {}
    for key, value in section.items():
        where = _line(text, key)
        if key not in _NAMES:
            close = difflib.get_close_matches(key, _NAMES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(path, f"unknown key{hint}", where, f"report.{key}")
        values[key] = _checked(path, where, key, value)
    return values


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
    return value if integral else float(value)


def _line(text: str, key: str | None) -> int | None:
    """Line of `key` inside the [report] table (or of the table itself)."""
    inside = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            inside = line.split("#")[0].strip() == "[report]"
            if inside and key is None:
                return number
            continue
        if inside and key and re.match(rf'^"?{re.escape(key)}"?\s*=', line):
            return number
    return None
