"""Pull a source into the store, page by page: convert, store, save the position, commit.

Each page is one transaction: its tickets (converted by the vendor's importer), the people its
sideloads name, and the position after it. A pull killed anywhere leaves the store at the end
of the last committed page, and the next pull starts from there: nothing lost, nothing twice.
Text fields are cut to the importer's `FIELD_LIMIT`, with the same warning. Once the stream is
read to its end, the helpdesk's list is swept for deleted tickets (`Source.gone`), at most
every `sweep_every`; those found are hidden like the deleted tickets a stream reports.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from sddkit.store import transaction
from sddkit.tickets.importers import FORMATS, Options
from sddkit.tickets.imports import within_limit
from sddkit.tickets.language import DEFAULT_LANGUAGES, detect_languages
from sddkit.tickets.model import Ticket
from sddkit.tickets.people import resolve_people
from sddkit.tickets.pull import Page, Source, unknown
from sddkit.tickets.pull.http import PullError
from sddkit.tickets.pull.state import (
    ensure_schema,
    forget_versions,
    last_sweep,
    load_position,
    load_versions,
    save_position,
    save_sweep,
    save_versions,
)
from sddkit.tickets.store import ImportSummary, hide_deleted, upsert_tickets, visible_ids
from sddkit.tickets.store import ensure_schema as ensure_tickets_schema
from sddkit.tickets.text import FieldError


@dataclasses.dataclass(frozen=True)
class PullSettings:
    now: datetime
    limit: int | None = None  # stop after the page that reaches this many tickets
    dry_run: bool = False  # fetch and convert, store nothing (the position is not moved)
    restart: bool = False  # ignore the saved position and versions: fetch everything again
    sweep_every: timedelta = timedelta(0)  # how often to look for deleted tickets (0: each run)
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
    warnings: list[str] = dataclasses.field(default_factory=list)  # fields cut to the limit
    cut: int = 0  # conversations the helpdesk's API returned only in part
    swept: bool = False  # the helpdesk's list was compared with the store
    gone: int = 0  # stored tickets the helpdesk no longer has, hidden now


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
    known = unknown if settings.restart else _known(conn, source)
    for page in source.pages(position, known):
        tickets = _convert(source, page, settings, result.warnings)
        if settings.dry_run:
            result.would_store.extend(tickets)
        else:
            _store(conn, source, page, tickets, settings.now, result.summary)
        result.pages += 1
        result.tickets += len(tickets)
        result.complete = page.last
        result.notes.extend(page.notes)
        result.cut += page.cut
        if progress is not None:
            progress(result)
        if settings.limit is not None and result.tickets >= settings.limit:
            break
    if result.complete and not settings.dry_run and _sweep_due(conn, source, settings):
        _sweep(conn, source, settings.now, result)
    return result


def _known(
    conn: sqlite3.Connection, source: Source
) -> Callable[[Sequence[str]], Mapping[str, str]]:
    def known(ids: Sequence[str]) -> Mapping[str, str]:
        return load_versions(conn, source.name, source.account, ids)

    return known


def _sweep_due(conn: sqlite3.Connection, source: Source, settings: PullSettings) -> bool:
    last = last_sweep(conn, source.name, source.account)
    return last is None or settings.now - last >= settings.sweep_every


def _sweep(conn: sqlite3.Connection, source: Source, now: datetime, result: PullResult) -> None:
    """Hide the stored tickets the helpdesk no longer has; forget their versions, so a
    ticket restored later is fetched again."""
    gone = source.gone(visible_ids(conn, source.name))
    with transaction(conn):
        result.gone = hide_deleted(conn, source.name, gone)
        forget_versions(conn, source.name, source.account, gone)
        save_sweep(conn, source.name, source.account, now)
    result.swept = True


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
        save_versions(conn, source.name, source.account, page.versions)
        save_position(conn, source.name, source.account, page.position, now)


def _convert(
    source: Source, page: Page, settings: PullSettings, warnings: list[str]
) -> list[Ticket]:
    """The page's records as tickets, text cut to the limit; languages detected among
    `settings.languages` unless turned off."""
    convert = FORMATS[source.format].convert
    options = Options(source=source.name)
    where = f"{source.name} ({source.account})"
    tickets = []
    for record in page.records:
        try:
            tickets.append(within_limit(convert(record, options), where, warnings))
        except FieldError as problem:
            field = f" {problem.field}:" if problem.field else ""
            raise PullError(
                f"{where}: ticket {record.get('id')!r}:{field} {problem.message}"
            ) from None
    languages = settings.languages if settings.detect_languages else ()
    undetected = [ticket for ticket in tickets if ticket.language is None]
    if undetected and languages:
        found = detect_languages([ticket.text for ticket in undetected], languages)
        detected = {id(t): language for t, language in zip(undetected, found, strict=True)}
        tickets = [
            dataclasses.replace(t, language=detected[id(t)]) if detected.get(id(t)) else t
            for t in tickets
        ]
    return tickets
