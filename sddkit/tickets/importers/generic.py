"""Any CSV or JSON-lines file, read through a column mapping given in a TOML file.

```toml
source = "crm"                  # required: the ticket source name in the store
timezone = "Europe/Belgrade"    # zone of times without an offset (default: --timezone)
time_format = "%d.%m.%Y %H:%M"  # optional strptime format; default ISO 8601 / Unix seconds
tag_separator = ","             # optional; default commas or whitespace
satisfaction_scale = "5"        # "5", "10" or "good_bad"

[columns]                       # ticket field = column (CSV header or JSON key, dots nest)
external_id = "Case number"
created_at = "Opened"
subject = "Title"
body = "Description"

[custom_fields]                 # optional: custom field name = column; empty cells left out
plan = "Plan"
product_area = "Product area"
```
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sddkit.errors import ConfigError
from sddkit.tickets.importers import Format, Options
from sddkit.tickets.model import Ticket
from sddkit.tickets.text import (
    FieldError,
    html_to_text,
    number,
    optional_str,
    optional_time,
    parse_time,
    required_id,
    split_tags,
)

TIME_FIELDS = ("created_at", "updated_at", "solved_at", "first_response_at")
TEXT_FIELDS = ("customer_id", "organization", "channel", "status", "assignee", "language")
FIELDS = ("external_id", "subject", "body", "tags", "satisfaction", *TIME_FIELDS, *TEXT_FIELDS)
SETTINGS = {
    "source", "timezone", "time_format", "tag_separator", "satisfaction_scale", "columns",
    "custom_fields",
}  # fmt: skip


def load_mapping(path: Path) -> dict[str, Any]:
    """Read and validate a mapping file; errors name the file and the offending key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(path, f"cannot read: {error.strerror or error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, f"invalid TOML: {error}") from error
    for key in data:
        if key not in SETTINGS:
            raise ConfigError(
                path, f"unknown setting; expected one of {sorted(SETTINGS)}", None, key
            )
    columns = data.get("columns")
    if not isinstance(columns, dict):
        raise ConfigError(path, "missing [columns] table", None, "columns")
    for name, column in columns.items():
        if name not in FIELDS:
            raise ConfigError(
                path, f"unknown ticket field; expected one of {FIELDS}", None, f"columns.{name}"
            )
        if not isinstance(column, str):
            raise ConfigError(path, "expected a column name", None, f"columns.{name}")
    custom = data.get("custom_fields", {})
    if not isinstance(custom, dict):
        raise ConfigError(path, "expected a table of name = column", None, "custom_fields")
    for name, column in custom.items():
        if not isinstance(column, str):
            raise ConfigError(path, "expected a column name", None, f"custom_fields.{name}")
    for required in ("external_id", "created_at"):
        if required not in columns:
            raise ConfigError(path, "required", None, f"columns.{required}")
    if not isinstance(data.get("source"), str) or not data["source"]:
        raise ConfigError(path, "required: the source name of these tickets", None, "source")
    if "timezone" in data:
        try:
            data["timezone"] = ZoneInfo(str(data["timezone"]))
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ConfigError(
                path, f"unknown time zone {data['timezone']!r}", None, "timezone"
            ) from error
    return data


def convert(record: Mapping[str, Any], options: Options) -> Ticket:
    mapping = options.mapping
    if not mapping:
        raise FieldError("mapping", "the generic format needs a column mapping (--mapping)")
    columns: Mapping[str, str] = mapping["columns"]
    tz = mapping.get("timezone", options.timezone)
    fmt = mapping.get("time_format")

    def get(name: str) -> Any:
        column = columns.get(name)
        return _lookup(record, column) if column else None

    times = {
        name: optional_time(get(name), columns.get(name, name), tz, fmt) for name in TIME_FIELDS
    }
    if times["created_at"] is None:
        parse_time(None, columns["created_at"])  # raises, naming the column
    texts = {name: optional_str(get(name)) for name in TEXT_FIELDS}
    satisfaction = number(get("satisfaction"), columns.get("satisfaction", "satisfaction"))
    return Ticket(
        source=options.source or mapping["source"],
        external_id=required_id(get("external_id"), columns["external_id"]),
        created_at=times["created_at"],  # type: ignore[arg-type]
        subject=optional_str(get("subject")) or "",
        body=html_to_text(str(get("body") or "")),
        updated_at=times["updated_at"],
        solved_at=times["solved_at"],
        first_response_at=times["first_response_at"],
        tags=split_tags(get("tags"), columns.get("tags", "tags"), mapping.get("tag_separator")),
        satisfaction=satisfaction,
        satisfaction_scale=mapping.get("satisfaction_scale") if satisfaction is not None else None,
        custom_fields=_custom_fields(record, mapping.get("custom_fields", {})),
        **texts,  # type: ignore[arg-type]
    )


def _custom_fields(record: Mapping[str, Any], columns: Mapping[str, str]) -> dict[str, Any]:
    fields = {name: _lookup(record, column) for name, column in columns.items()}
    return {name: value for name, value in fields.items() if value not in (None, "", [])}


def _lookup(record: Mapping[str, Any], column: str) -> Any:
    if column in record:
        return record[column]
    value: Any = record
    for part in column.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _detect(container: str, path: tuple[str, ...], record: Mapping[str, Any]) -> bool:
    return False  # chosen when a mapping is given, never guessed


MAPPED = Format("mapped", "any CSV / JSON-lines file with a --mapping", _detect, convert)
