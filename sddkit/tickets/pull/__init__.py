"""Pulling tickets from a helpdesk's API: one small interface, one module per vendor.

A `Source` yields `Page`s: the raw records of one page, in the shape the vendor's importer
already reads (`sddkit.tickets.importers.FORMATS[source.format]`), the people sideloaded with
them, and the position where the next page starts. `sddkit.tickets.pull.run.pull` stores each
page's tickets and its position in one transaction, so a killed pull resumes where it stopped
and a re-pull is idempotent.

A source asks `known` for the versions (the vendor's change stamp) of the tickets it is about
to fetch in detail, and leaves out those already stored at that version: an unchanged ticket
costs no request for its conversation, on a resumed page or on the next pull. `gone` finds the
stored tickets the helpdesk has deleted or merged when its stream does not say so itself.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sddkit.tickets.people import People


@dataclass(frozen=True)
class Page:
    records: Sequence[Mapping[str, Any]]
    position: str  # where the next page starts (opaque to everyone but the source)
    last: bool  # nothing more to pull for now; `position` is where the next run starts
    people: People = field(default_factory=People)
    notes: tuple[str, ...] = ()  # what the user should know (a list the helpdesk refused)
    versions: Mapping[str, str] = field(default_factory=dict)  # external id -> change stamp
    cut: int = 0  # conversations the API returned only in part (Intercom's 500 parts)


Known = Callable[[Sequence[str]], Mapping[str, str]]  # external ids -> their stored versions


def unknown(ids: Sequence[str]) -> Mapping[str, str]:
    """A `Known` that knows nothing: every ticket is fetched."""
    return {}


class Source(Protocol):
    name: str  # the stored ticket source ("zendesk")
    format: str  # the importer that converts its records, a key of FORMATS
    account: str  # the helpdesk account (subdomain, domain, app): positions are per account

    def pages(self, position: str | None, known: Known = unknown) -> Iterator[Page]:
        """Pages from `position` (None: the source's own start, e.g. `--since`) onwards,
        without the tickets `known` says are stored at their current version."""
        ...

    def gone(self, stored: Collection[str]) -> list[str]:
        """Which of the `stored` external ids the helpdesk no longer has (deleted, merged);
        [] where deletions come in the stream itself."""
        ...


def iso_time(value: Any) -> datetime | None:
    """An API's ISO 8601 time ("…Z" too) as an aware datetime (UTC when it has no offset);
    None when it is missing or not a time."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
