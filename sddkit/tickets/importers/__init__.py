"""One module per helpdesk export format; `FORMATS` lists them by name.

A format is a converter from one decoded record (a JSON object or a CSV row as a dict) to a
`Ticket`, plus a test that recognises its records, used to auto-detect the format of a file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from typing import Any

from sddkit.tickets.model import Ticket


@dataclass(frozen=True)
class Options:
    """What a converter may need beyond the record: the zone of naive times (CSV exports are
    in the helpdesk account's zone), the source name and, for generic files, the mapping."""

    timezone: tzinfo = UTC
    source: str | None = None
    mapping: Mapping[str, Any] = field(default_factory=dict)


Detect = Callable[[str, tuple[str, ...], Mapping[str, Any]], bool]
Convert = Callable[[Mapping[str, Any], Options], Ticket]


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    detect: Detect  # (container, path of the record array, first record) -> is it mine?
    convert: Convert
    # Fields every record of this format has: a forced --format is refused on a file whose
    # first record lacks one (another helpdesk's export).
    required: tuple[str, ...] = ()


def _registry() -> dict[str, Format]:
    from sddkit.tickets.importers import freshdesk, generic, helpscout, intercom, native, zendesk

    formats = [
        zendesk.JSON,
        zendesk.CSV,
        helpscout.JSON,
        intercom.JSON,
        freshdesk.JSON,
        freshdesk.CSV,
        native.JSONL,
        generic.MAPPED,
    ]
    return {f.name: f for f in formats}


FORMATS: dict[str, Format] = _registry()
