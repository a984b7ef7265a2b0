"""Pull a source into the store, page by page: convert, store, save the position, commit.

Each page is one transaction: its tickets (converted by the vendor's importer), the people its
sideloads name, and the position after it. A pull killed anywhere leaves the store at the end
of the last committed page, and the next pull starts from there: nothing lost, nothing twice.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime

from sddkit.store import transaction
from sddkit.tickets.importers import FORMATS, Options
from sddkit.tickets.language import DEFAULT_LANGUAGES, detect_languages
from sddkit.tickets.model import Ticket
from sddkit.tickets.people import resolve_people
from sddkit.tickets.pull import Page, Source
from sddkit.tickets.pull.http import PullError
from sddkit.tickets.pull.state import ensure_schema, load_position, save_position
from sddkit.tickets.store import ImportSummary, upsert_tickets
from sddkit.tickets.store import ensure_schema as ensure_tickets_schema
from sddkit.tickets.text import FieldError


@dataclasses.dataclass(frozen=True)
class PullSettings:
    now: datetime
    limit: int | None = None  # stop after the page that reaches this many tickets
    dry_run: bool = False  # fetch and convert, store nothing (the position is not moved)
    restart: bool = False  # ignore the saved position: start from the source's own start
    languages: Sequence[str] = DEFAULT_LANGUAGES
    detect_languages: bool = True


@dataclasses.dataclass
class PullResult:
    summary: ImportSummary = dataclasses.field(default_factory=ImportSummary)
    pages: int = 0
    tickets: int = 0
    complete: bool = False  # reached the end of the stream (False: stopped by --limit)
    resumed: bool = False  # started from a saved position
    would_store: list[Ticket] = dataclasses.field(default_factory=list)  # dry run only
    notes: list[str] = dataclasses.field(default_factory=list)


Progress = Callable[[PullResult], None]


def pull(
    conn: sqlite3.Connection,
    source: Source,
    settings: PullSettings,
    progress: Progress | None = None,
) -> PullResult:
    ensure_schema(conn)
    ensure_tickets_schema(conn)
    position = None if settings.restart else load_position(conn, source.name, source.account)
    result = PullResult(resumed=position is not None)
    for page in source.pages(position):
        tickets = _convert(source, page, settings.languages if settings.detect_languages else ())
        if settings.dry_run:
            result.would_store.extend(tickets)
        else:
            _store(conn, source, page, tickets, settings.now, result.summary)
        result.pages += 1
        result.tickets += len(tickets)
        result.complete = page.last
        result.notes.extend(page.notes)
        if progress is not None:
            progress(result)
        if settings.limit is not None and result.tickets >= settings.limit:
            break
    return result


def _store(
    conn: sqlite3.Connection,
    source: Source,
    page: Page,
    tickets: list[Ticket],
    now: datetime,
    summary: ImportSummary,
) -> None:
    with transaction(conn):
        summary.add(upsert_tickets(conn, tickets))
        resolve_people(conn, [source.name], page.people)
        save_position(conn, source.name, source.account, page.position, now)


def _convert(source: Source, page: Page, languages: Sequence[str]) -> list[Ticket]:
    """The page's records as tickets; languages detected among `languages` (none: not)."""
    convert = FORMATS[source.format].convert
    options = Options(source=source.name)
    tickets = []
    for record in page.records:
        try:
            tickets.append(convert(record, options))
        except FieldError as problem:
            where = f"{source.name} ({source.account}): ticket {record.get('id')!r}"
            field = f" {problem.field}:" if problem.field else ""
            raise PullError(f"{where}:{field} {problem.message}") from None
    unknown = [ticket for ticket in tickets if ticket.language is None]
    if unknown and languages:
        found = detect_languages([ticket.text for ticket in unknown], languages)
        detected = {id(t): language for t, language in zip(unknown, found, strict=True)}
        tickets = [
            dataclasses.replace(t, language=detected[id(t)]) if detected.get(id(t)) else t
            for t in tickets
        ]
    return tickets
