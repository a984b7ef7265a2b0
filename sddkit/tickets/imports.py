"""Import one export file into the store: detect, convert, validate, upsert, all or nothing.

A file without a single ticket is an error (an empty file, a CSV header, a comments or audits
API response saved by mistake), as is a forced format whose required fields the file lacks. A
text field longer than `FIELD_LIMIT` characters is cut, with a warning. The CLI is a thin shell
over `import_file`; progress goes through a plain callback so the core never imports click.
"""

from __future__ import annotations

import dataclasses
import gzip
import sqlite3
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from itertools import chain, islice
from pathlib import Path
from typing import Any

from sddkit.errors import InputError
from sddkit.store import transaction
from sddkit.tickets.importers import FORMATS, Format, Options, zendesk
from sddkit.tickets.language import DEFAULT_LANGUAGES, detect_languages
from sddkit.tickets.model import Ticket
from sddkit.tickets.people import SIDELOADS, People, resolve_people
from sddkit.tickets.reading import METRIC_PATH, Record, container_of, open_export, records
from sddkit.tickets.store import ImportSummary, ensure_schema, fill_metric_times, upsert_tickets
from sddkit.tickets.text import FieldError

Progress = Callable[[Path, int, int], None]  # (file, bytes read, file size)
PROGRESS_EVERY = 2000
DETECT_BATCH = 1000
IMPORT_CACHE_KIB = 16 * 1024
# The longest subject, body or message kept, in characters: a whole novel's chapter, far above
# any real message, and small enough that one pasted log cannot bloat the store.
FIELD_LIMIT = 100_000
Stream = Iterator[tuple[tuple[str, ...], Record]]


@dataclasses.dataclass(frozen=True)
class ImportSettings:
    format: str | None = None  # a key of FORMATS; None = detect
    mapping: Mapping[str, Any] | None = None  # generic column mapping (generic.load_mapping)
    timezone: tzinfo = UTC  # zone of naive times in CSV exports
    source: str | None = None  # override the source name stored with each ticket
    skip_bad: bool = False
    languages: Sequence[str] = DEFAULT_LANGUAGES
    detect_languages: bool = True
    people: People | None = None  # ids -> e-mails / names (`people.load_people`)
    encoding: str | None = None  # text encoding of the files; None = detect


@dataclasses.dataclass(frozen=True)
class FileResult:
    path: Path
    format: str
    encoding: str
    summary: ImportSummary


def import_files(
    conn: sqlite3.Connection,
    paths: Sequence[Path],
    settings: ImportSettings = ImportSettings(),
    progress: Progress | None = None,
) -> list[FileResult]:
    """Import `paths` into the store in one transaction: all files or none.

    A bad record raises `InputError` (file, line, field) and nothing is stored, unless
    `settings.skip_bad`, in which case bad records are listed in each summary and the good
    ones are stored.
    """
    ensure_schema(conn)
    cache_size = conn.execute("PRAGMA cache_size").fetchone()[0]
    # A large import touches index pages all over the file; a bigger page cache (bounded, so
    # memory stays flat) keeps them from being spilled and read back.
    conn.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        with transaction(conn):
            return [_import_one(conn, path, settings, progress) for path in paths]
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache_size)}")


def import_file(
    conn: sqlite3.Connection,
    path: Path,
    settings: ImportSettings = ImportSettings(),
    progress: Progress | None = None,
) -> ImportSummary:
    """Import one file, all or nothing (see `import_files`)."""
    return import_files(conn, [path], settings, progress)[0].summary


def _import_one(
    conn: sqlite3.Connection, path: Path, settings: ImportSettings, progress: Progress | None
) -> FileResult:
    try:
        return _import_stream(conn, path, settings, progress)
    except UnicodeDecodeError as error:
        raise InputError(path, f"not valid {error.encoding} text ({error.reason})") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise InputError(path, f"corrupt gzip file: {error}") from None


def _import_stream(
    conn: sqlite3.Connection, path: Path, settings: ImportSettings, progress: Progress | None
) -> FileResult:
    bad: list[str] = []
    warnings: list[str] = []
    people, sources = People(), set()
    if settings.people is not None:
        people.update(settings.people)
    options = Options(
        timezone=settings.timezone, source=settings.source, mapping=settings.mapping or {}
    )
    metrics: dict[str, tuple[float | None, datetime | None]] = {}
    with open_export(path, settings.encoding) as export:
        container = container_of(export)
        stream = _without_sideloads(records(export, container), people, metrics, options, path)
        head = list(_until_valid(stream))
        if not head:
            raise InputError(path, NO_TICKETS)
        array_path, first = head[-1]
        chosen = _choose(settings, container, array_path, first, path)

        def tickets() -> Iterator[Ticket]:
            for count, (_, record) in enumerate(chain(head, stream), start=1):
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress(path, export.position(), export.size)
                ticket = _convert(chosen, record, options, path, settings, bad)
                if ticket is not None:
                    sources.add(ticket.source)
                    yield within_limit(ticket, f"{path}:{record.line}", warnings)

        converted = tickets()
        if settings.detect_languages:
            converted = _with_languages(converted, settings.languages)
        summary = upsert_tickets(conn, converted)
        if summary.total == 0 and not bad:  # only error records, or only sideloads
            raise InputError(path, NO_TICKETS)
        resolve_people(conn, sources, people)
        for source in sources:
            fill_metric_times(conn, source, metrics)
        if progress is not None:
            progress(path, export.size, export.size)
    summary.bad = bad
    summary.warnings = warnings
    return FileResult(path, chosen.name, export.encoding, summary)


NO_TICKETS = (
    "no tickets in this file (empty, a CSV header only, or JSON without a tickets or"
    " conversations array, such as a comments or audits response)"
)


def _without_sideloads(
    stream: Stream,
    people: People,
    metrics: dict[str, tuple[float | None, datetime | None]],
    options: Options,
    path: Path,
) -> Stream:
    """The ticket records of `stream`; sideloaded users and organisations (wherever they
    sit in the document) go into `people` instead, and Zendesk's metric sets into
    `metrics`."""
    for item in stream:
        array_path, record = item
        if not array_path:
            yield item
        elif array_path == METRIC_PATH:
            try:
                ticket_id, minutes, solved = zendesk.metric_times(record.data, options)
            except FieldError as problem:
                raise InputError(path, problem.message, record.line, problem.field) from None
            metrics[ticket_id] = (minutes, solved)
        elif (kind := SIDELOADS.get(array_path)) is not None:
            people.add(kind, record.data)
        else:
            yield item


def within_limit(ticket: Ticket, where: str, warnings: list[str]) -> Ticket:
    """`ticket` with any subject, body or message longer than `FIELD_LIMIT` cut to it."""
    if (
        len(ticket.body) <= FIELD_LIMIT
        and len(ticket.subject) <= FIELD_LIMIT
        and (not ticket.messages or max(len(m.body) for m in ticket.messages) <= FIELD_LIMIT)
    ):
        return ticket

    def cut(name: str, text: str) -> str:
        if len(text) <= FIELD_LIMIT:
            return text
        warnings.append(
            f"{where}: ticket {ticket.external_id}: {name} cut to {FIELD_LIMIT:,} of"
            f" {len(text):,} characters"
        )
        return text[:FIELD_LIMIT]

    messages = tuple(
        dataclasses.replace(message, body=cut(f"message {number}", message.body))
        for number, message in enumerate(ticket.messages, start=1)
    )
    return dataclasses.replace(
        ticket, subject=cut("subject", ticket.subject), body=cut("body", ticket.body),
        messages=messages,
    )  # fmt: skip


def _until_valid(
    stream: Iterator[tuple[tuple[str, ...], Record]],
) -> Iterator[tuple[tuple[str, ...], Record]]:
    """Records up to and including the first well-formed one (which tells the format)."""
    for item in stream:
        yield item
        if "__error__" not in item[1].data:
            return


def _choose(
    settings: ImportSettings,
    container: str,
    array_path: tuple[str, ...],
    first: Record,
    path: Path,
) -> Format:
    if settings.mapping is not None:
        return FORMATS["mapped"]
    if settings.format is not None:
        try:
            chosen = FORMATS[settings.format]
        except KeyError:
            raise InputError(path, f"unknown format {settings.format!r}", field="format") from None
        missing = [name for name in chosen.required if name not in first.data]
        if missing and "__error__" not in first.data:
            raise InputError(
                path,
                f"not a {chosen.name} export: its records lack {', '.join(missing)}"
                " (drop --format to detect the format)",
                first.line,
            )
        return chosen
    if "__error__" in first.data:  # no well-formed record at all
        raise InputError(path, str(first.data["__error__"]), first.line)
    for candidate in FORMATS.values():
        if candidate.detect(container, array_path, first.data):
            return candidate
    names = ", ".join(FORMATS)
    raise InputError(
        path,
        f"cannot tell which export this {container.upper()} file is; "
        f"use --format ({names}) or --mapping",
    )


def _convert(
    chosen: Format,
    record: Record,
    options: Options,
    path: Path,
    settings: ImportSettings,
    bad: list[str],
) -> Ticket | None:
    try:
        error = record.data.get("__error__")
        if error is not None:
            raise FieldError("", str(error))
        ticket = chosen.convert(record.data, options)
    except FieldError as problem:
        failure = InputError(path, problem.message, record.line, problem.field or None)
        if not settings.skip_bad:
            raise failure from None
        bad.append(str(failure))
        return None
    return ticket


def _with_languages(tickets: Iterator[Ticket], languages: Sequence[str]) -> Iterator[Ticket]:
    """`tickets` with the language detected where the export does not give it, in batches
    (detection is much cheaper per text on a batch)."""
    while batch := list(islice(tickets, DETECT_BATCH)):
        unknown = [ticket for ticket in batch if ticket.language is None]
        detected = iter(detect_languages([ticket.text for ticket in unknown], languages))
        for ticket in batch:
            if ticket.language is None and (language := next(detected)) is not None:
                # The converter has just built this ticket and nothing else holds it yet, so
                # it is set in place: dataclasses.replace would cost as much as the build.
                object.__setattr__(ticket, "language", language)
            yield ticket
