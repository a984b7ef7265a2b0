"""Import one export file into the store: detect, convert, validate, upsert, all or nothing.

A file without a single ticket is an error (an empty file, a CSV header, a comments or audits
API response saved by mistake), as is a forced format whose required fields the file lacks. A
text field longer than `FIELD_LIMIT` characters is cut, with a warning. The CLI is a thin shell
over `import_file`; progress goes through a plain callback so the core never imports click.

Each file has a reading side (`_read`: decode, convert, cap, draft rows) and a writing side
(`_import_one`: languages, content hashes, versions, SQLite); a large file's reading side runs
in a forked process, so that each side gets a core (docs/tickets.md, "Two processes").
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import gzip
import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from itertools import chain, islice
from pathlib import Path
from typing import Any, NamedTuple

from sddkit.errors import InputError
from sddkit.store import transaction
from sddkit.tickets.forked import can_fork, forked
from sddkit.tickets.importers import FORMATS, Format, Options, zendesk
from sddkit.tickets.language import DEFAULT_LANGUAGES, detect_languages, load_model
from sddkit.tickets.model import Ticket
from sddkit.tickets.people import SIDELOADS, People, resolve_people
from sddkit.tickets.reading import METRIC_PATH, Record, container_of, open_export, records
from sddkit.tickets.store import (
    BATCH,
    LANGUAGE,
    Draft,
    ImportSummary,
    bulk_load,
    draft,
    draft_text,
    ensure_schema,
    fill_metric_times,
    upsert_drafts,
    with_language,
)
from sddkit.tickets.text import FieldError

Progress = Callable[[Path, int, int], None]  # (file, bytes read, file size)
MAX_WAITING = 8
# From this size on, a file is read in a second process (one core reads, the other writes).
PARALLEL_BYTES = 4 * 1024 * 1024
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
    # Read (parse, convert, draft rows) in a forked process while this one detects languages
    # and writes: None = for files of PARALLEL_BYTES or more, where forking is safe.
    parallel: bool | None = None


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
        with transaction(conn), _no_cycle_collection():
            return [_import_one(conn, path, settings, progress) for path in paths]
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache_size)}")


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """An import makes millions of short-lived objects and no reference cycles: reference
    counting frees them as before, and the cycle collector's passes over them (a tenth of
    the import's time) are skipped. A forked reading process inherits the setting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    produce = functools.partial(_read, path, settings)
    found: list[_Found] = []
    with _reading(produce, path, settings) as items:

        def batches() -> Iterator[list[Draft]]:
            for item in items:
                if isinstance(item, _Found):
                    found.append(item)
                    continue
                if progress is not None:
                    progress(path, item.position, item.size)
                yield item.tickets

        drafts = batches()
        if settings.detect_languages:
            drafts = _with_languages(drafts, settings.languages)
        size = path.stat().st_size if path.is_file() else 0
        with bulk_load(conn, size):
            summary = upsert_drafts(conn, drafts)
    [result] = found
    if summary.total == 0 and not result.bad:  # only error records, or only sideloads
        raise InputError(path, NO_TICKETS)
    resolve_people(conn, result.sources, result.people)
    for source in result.sources:
        fill_metric_times(conn, source, result.metrics)
    if progress is not None:
        progress(path, result.size, result.size)
    summary.bad = result.bad
    summary.warnings = result.warnings
    return FileResult(path, result.format, result.encoding, summary)


@contextmanager
def _reading(
    produce: Callable[[], Iterator[_Batch | _Found]], path: Path, settings: ImportSettings
) -> Iterator[Iterator[_Batch | _Found]]:
    """The reading side's output, made in a second process for a large file (see
    `ImportSettings.parallel`), else here."""
    parallel = settings.parallel
    if parallel is None:
        parallel = can_fork() and path.is_file() and path.stat().st_size >= PARALLEL_BYTES
    if not parallel:
        yield produce()
        return
    with forked(produce) as items:
        yield items


class _Batch(NamedTuple):
    """Drafted tickets, and how far into the file they were read."""

    tickets: list[Draft]
    position: int
    size: int


@dataclasses.dataclass
class _Found:
    """What the reading side found in a file besides its tickets."""

    format: str
    encoding: str
    size: int
    sources: set[str]
    people: People
    metrics: dict[str, tuple[float | None, datetime | None]]
    bad: list[str]
    warnings: list[str]


def _read(path: Path, settings: ImportSettings) -> Iterator[_Batch | _Found]:
    try:
        yield from _read_stream(path, settings)
    except UnicodeDecodeError as error:
        raise InputError(path, f"not valid {error.encoding} text ({error.reason})") from None
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise InputError(path, f"corrupt gzip file: {error}") from None


def _read_stream(path: Path, settings: ImportSettings) -> Iterator[_Batch | _Found]:
    """The file's tickets, converted and drafted, in batches; then what else it held."""
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
            for _, record in chain(head, stream):
                ticket = _convert(chosen, record, options, path, settings, bad)
                if ticket is not None:
                    sources.add(ticket.source)
                    if not _fits(ticket):  # (the place named only when needed)
                        ticket = within_limit(ticket, f"{path}:{record.line}", warnings)
                    yield ticket

        drafts = map(draft, tickets())
        while batch := list(islice(drafts, BATCH)):
            yield _Batch(batch, export.position(), export.size)
    yield _Found(chosen.name, export.encoding, export.size, sources, people, metrics, bad,
                 warnings)  # fmt: skip


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
    if _fits(ticket):
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


def _fits(ticket: Ticket) -> bool:
    return (
        len(ticket.body) <= FIELD_LIMIT
        and len(ticket.subject) <= FIELD_LIMIT
        and (not ticket.messages or max(len(m.body) for m in ticket.messages) <= FIELD_LIMIT)
    )


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


def _with_languages(
    batches: Iterator[list[Draft]], languages: Sequence[str]
) -> Iterator[list[Draft]]:
    """`batches` with the language detected where the export does not give it (a batch at a
    time: detection is much cheaper per text on a batch). The model loads in a thread while
    the first batches are read (its decompression lets go of the GIL); they wait for it,
    `MAX_WAITING` batches at most."""
    loading = threading.Thread(target=load_model, args=(tuple(languages),), daemon=True)
    loading.start()
    waiting: list[list[Draft]] = []
    for batch in batches:
        waiting.append(batch)
        if len(waiting) >= MAX_WAITING:  # memory stays bounded whatever the load takes
            loading.join()
        if not loading.is_alive():
            yield from (_detected(ready, languages) for ready in waiting)
            waiting.clear()
    loading.join()
    yield from (_detected(ready, languages) for ready in waiting)


def _detected(batch: list[Draft], languages: Sequence[str]) -> list[Draft]:
    unknown = [index for index, item in enumerate(batch) if item[0][LANGUAGE] is None]
    texts = [draft_text(batch[index]) for index in unknown]
    for index, language in zip(unknown, detect_languages(texts, languages), strict=True):
        if language is not None:
            batch[index] = with_language(batch[index], language)
    return batch
