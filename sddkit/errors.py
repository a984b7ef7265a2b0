"""Domain errors. The CLI turns any `SddkitError` into one line on stderr and exit 1."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


class SddkitError(Exception):
    """An error the user can fix; its message is shown as is, without a traceback."""


@dataclass
class InputError(SddkitError):
    """Bad input in a file: names the file, the line or row where known, and the field.

    Rendered as ``FILE:LINE: FIELD: MESSAGE`` (the form editors and CI logs make clickable).
    """

    path: str | Path
    message: str
    line: int | None = None
    field: str | None = None
    line_label: str = "line"

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += (
                f":{self.line}" if self.line_label == "line" else f": {self.line_label} {self.line}"
            )
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class ConfigError(InputError):
    """Invalid configuration file (rotations.toml, sddkit.toml)."""


def line_in_table(text: str, key: str | None, table: str) -> int | None:
    """The 1-based line of `key` inside the TOML `table` (written as "[report]"), or of the
    table's header when `key` is None: where a `ConfigError` points."""
    inside = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            inside = line.split("#")[0].strip() == table
            if inside and key is None:
                return number
            continue
        if inside and key and re.match(rf'^"?{re.escape(key)}"?\s*=', line):
            return number
    return None
