"""Pulling tickets from a helpdesk's API: one small interface, one module per vendor.

A `Source` yields `Page`s: the raw records of one page, in the shape the vendor's importer
already reads (`sddkit.tickets.importers.FORMATS[source.format]`), the people sideloaded with
them, and the position where the next page starts. `sddkit.tickets.pull.run.pull` stores each
page's tickets and its position in one transaction, so a killed pull resumes where it stopped
and a re-pull is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sddkit.tickets.people import People


@dataclass(frozen=True)
class Page:
    records: Sequence[Mapping[str, Any]]
    position: str  # where the next page starts (opaque to everyone but the source)
    last: bool  # nothing more to pull for now; `position` is where the next run starts
    people: People = field(default_factory=People)
    notes: tuple[str, ...] = ()  # what the user should know (a list the helpdesk refused)


class Source(Protocol):
    name: str  # the stored ticket source ("zendesk")
    format: str  # the importer that converts its records, a key of FORMATS
    account: str  # the helpdesk account (subdomain, domain, app): positions are per account

    def pages(self, position: str | None) -> Iterator[Page]:
        """Pages from `position` (None: the source's own start, e.g. `--since`) onwards."""
        ...
