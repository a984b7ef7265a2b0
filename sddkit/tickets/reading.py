"""Reading export files as streams of records, in constant memory.

`open_export` opens a file (optionally gzip-compressed), detects its text encoding (UTF-8, UTF-8
with BOM, otherwise charset-normalizer on the first block, e.g. cp1251; a file it cannot decide,
typically a short one where cp1251 and cp1257 decode equally cleanly, is refused rather than
guessed, and the encoding is then given) and reports how many bytes were read so far for a
progress bar. `records` then yields `Record`s from a CSV file, a JSON-lines file or JSON
documents whose record array sits at a known path (Zendesk's ``tickets``, Help Scout's
``_embedded.conversations``...). Pages may be joined: several JSON documents one after the other
(compact or pretty-printed), or one page object per line. JSON arrays are decoded one element at
a time, so a 1 GB export is never held in memory.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NamedTuple

import charset_normalizer

from sddkit.errors import InputError

SNIFF_BYTES = 64 * 1024
_WHITESPACE = re.compile(r"[ \t\n\r]*")
CHUNK = 64 * 1024

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class Record(NamedTuple):  # a tuple: created once per record, cheaper than a dataclass
    """One record of an export: where it starts (1-based line) and its fields."""

    line: int
    data: Mapping[str, Any]


@dataclass
class Export:
    """An open export file: its text stream, encoding, size and a byte-position probe."""

    path: Path
    text: IO[str]
    encoding: str
    size: int
    position: Callable[[], int]


@contextmanager
def open_export(path: Path, encoding: str | None = None) -> Iterator[Export]:
    """Open `path` for reading, in `encoding` or the one detected."""
    if encoding is not None:
        try:
            encoding = codecs.lookup(encoding).name
        except LookupError:
            raise InputError(path, f"unknown encoding {encoding!r}", field="encoding") from None
    try:
        raw: IO[bytes] = path.open("rb")
    except OSError as error:
        raise InputError(path, f"cannot open: {error.strerror or error}") from error
    with raw:
        size = path.stat().st_size
        binary: IO[bytes] = raw
        if raw.read(2) == b"\x1f\x8b":
            binary = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        raw.seek(0)
        head = binary.read(SNIFF_BYTES)
        if binary is not raw:
            binary.seek(0)
        else:
            raw.seek(0)
        if encoding is None:
            candidates = detect_encoding(head)
            if len(candidates) != 1:
                raise InputError(path, _undecided(candidates))
            encoding = candidates[0]
        text = io.TextIOWrapper(binary, encoding=encoding, newline="")
        yield Export(path, text, encoding, size, raw.tell)


def detect_encoding(head: bytes) -> list[str]:
    """The encodings `head` may be in: one when decided (UTF-8, with or without BOM, when it
    decodes as such), else charset-normalizer's guesses that decode it equally cleanly into
    different text (none when it has no guess)."""
    if head.startswith(codecs.BOM_UTF8):
        return ["utf-8-sig"]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ["utf-16"]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        results = charset_normalizer.from_bytes(head)
        best = results.best()
        if best is None:
            return []
        text = str(best)
        rivals = [
            match.encoding
            for match in results
            if match.chaos <= best.chaos + CLEAN_MARGIN and str(match) != text
        ]
        return [best.encoding, *rivals]
    return ["utf-8"]


CLEAN_MARGIN = 0.01  # decodings this close in "chaos" are equally clean


def _undecided(candidates: list[str]) -> str:
    more = ", ..." if len(candidates) > 6 else ""
    could = f" (could be {', '.join(candidates[:6])}{more})" if candidates else ""
    return (
        f"cannot tell the text encoding: not UTF-8{could}; name it with --encoding,"
        " e.g. --encoding cp1251"
    )


def container_of(export: Export) -> str:
    """ "csv", "jsonl" or "json", from the file name and its first characters."""
    name = export.path.name.lower().removesuffix(".gz")
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    start = _peek(export.text, 4096).lstrip()
    if start.startswith("["):
        return "json"
    if start.startswith("{"):
        first_line = start.split("\n", 1)[0].strip()
        try:
            value = json.loads(first_line)
        except json.JSONDecodeError:
            return "json"
        return "json" if _is_page(value) else "jsonl"
    return "csv"


def _peek(text: IO[str], size: int) -> str:
    head = text.read(size)
    text.seek(0)
    return head


# Keys under which vendors put the record array in a JSON document.
WRAPPERS = ("tickets", "conversations", "_embedded")
# Zendesk's sideloads (include=users,organizations): yielded too, for `people` to collect.
SIDELOAD_PATHS: tuple[tuple[str, ...], ...] = (("users",), ("organizations",))
# Zendesk's include=metric_sets: first reply and solve times, by ticket_id.
METRIC_PATH = ("metric_sets",)
RECORD_PATHS: tuple[tuple[str, ...], ...] = (
    ("tickets",),
    ("conversations",),
    ("_embedded", "conversations"),
    *SIDELOAD_PATHS,
    METRIC_PATH,
)


def _wraps_records(value: Any) -> bool:
    """Whether a JSON object is a page of tickets or conversations (a line of joined pages)."""
    return isinstance(value, dict) and any(
        isinstance(value.get(key), (list, dict)) for key in WRAPPERS
    )


def _is_page(value: Any) -> bool:
    """Whether the first object of a file without a telling name is a page of an API response
    rather than one record: it wraps a record array, or (an id-less object) holds an array of
    objects, like a comments or audits response."""
    if not isinstance(value, dict) or _wraps_records(value):
        return _wraps_records(value)
    return "id" not in value and any(
        isinstance(item, list) and item and isinstance(item[0], dict) for item in value.values()
    )


def records(export: Export, container: str) -> Iterator[tuple[tuple[str, ...], Record]]:
    """Yield (path of the record array, record); the path is () for CSV, JSON-lines and
    top-level arrays."""
    if container == "csv":
        for record in _csv_records(export):
            yield (), record
    elif container == "jsonl":
        for record in _jsonl_records(export):
            if _wraps_records(record.data):
                yield from _page_records(record)
            else:
                yield (), record
    else:
        yield from JsonStream(export.text, export.path).records(RECORD_PATHS)


def _csv_records(export: Export) -> Iterator[Record]:
    header_line = _peek(export.text, 8192).split("\n", 1)[0]
    delimiter = max(",;\t|", key=header_line.count)  # ties keep the comma
    reader = csv.reader(export.text, delimiter=delimiter)
    try:
        header = [name.strip() for name in next(reader)]
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(row) != len(header):
                    message = f"expected {len(header)} columns, found {len(row)}"
                    yield Record(line, {"__error__": message})
                else:
                    yield Record(line, dict(zip(header, row, strict=True)))
            line = reader.line_num + 1
    except StopIteration:
        return
    except csv.Error as error:
        raise InputError(export.path, f"malformed CSV: {error}", reader.line_num) from error


def _page_records(page: Record) -> Iterator[tuple[tuple[str, ...], Record]]:
    """The records of one page object (a line of a JSON-lines file of pages)."""
    for path in RECORD_PATHS:
        value: Any = page.data
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, list):
            for item in value:
                data = item if isinstance(item, dict) else {"__error__": "expected a JSON object"}
                yield path, Record(page.line, data)


def _jsonl_records(export: Export) -> Iterator[Record]:
    for number, line in enumerate(export.text, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield Record(number, {"__error__": f"invalid JSON: {error.msg}"})
            continue
        if not isinstance(value, dict):
            yield Record(number, {"__error__": "expected a JSON object"})
        else:
            yield Record(number, value)


class JsonStream:
    """A minimal incremental JSON reader: walks objects key by key and decodes the elements of
    the record array one at a time with `json.JSONDecoder.raw_decode`, reading more text only
    when an element is incomplete. Memory is bounded by the largest single record."""

    def __init__(self, text: IO[str], path: Path) -> None:
        self.text, self.path = text, path
        self.buffer, self.pos, self.eof = "", 0, False
        self.line = 1  # line number at self.pos
        self.decoder = json.JSONDecoder()

    def records(
        self, wanted: Sequence[tuple[str, ...]]
    ) -> Iterator[tuple[tuple[str, ...], Record]]:
        first = self._next_char(required=False)
        while first:  # pages may follow one another (joined API responses)
            if first == "[":
                yield from self._array(())
            elif first == "{":
                yield from self._object((), wanted)
            else:
                self._fail("expected a JSON array or object")
            first = self._next_char(required=False)

    def _object(
        self, path: tuple[str, ...], wanted: Sequence[tuple[str, ...]]
    ) -> Iterator[tuple[tuple[str, ...], Record]]:
        self.pos += 1  # "{"
        if self._next_char() == "}":
            self.pos += 1
            return
        while True:
            key = self._value()
            if not isinstance(key, str):
                self._fail("expected an object key")
            self._expect(":")
            here = (*path, key)
            nxt = self._next_char()
            if here in wanted and nxt == "[":
                yield from self._array(here)
            elif nxt == "{" and any(w[: len(here)] == here for w in wanted):
                yield from self._object(here, wanted)
            else:
                self._value()
            if self._next_char() == "}":
                self.pos += 1
                return
            self._expect(",")

    def _array(self, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Record]]:
        self.pos += 1  # "["
        if self._next_char() == "]":
            self.pos += 1
            return
        decode = self.decoder.raw_decode
        while True:
            self._next_char()
            line = self.line
            try:  # fast path: the element and what follows it are in the buffer
                value, end = decode(self.buffer, self.pos)
                after = _WHITESPACE.match(self.buffer, end).end()  # type: ignore[union-attr]
                following = self.buffer[after] if after < len(self.buffer) else ""
            except json.JSONDecodeError:
                following = ""
            if following in (",", "]"):
                self._advance(after + 1)
            else:  # needs more text, or is malformed
                value = self._value()
                following = self._next_char()
                if following not in (",", "]"):
                    self._fail("expected ','")
                self.pos += 1
            if isinstance(value, dict):
                yield path, Record(line, value)
            else:
                yield path, Record(line, {"__error__": "expected a JSON object"})
            if following == "]":
                return

    def _value(self) -> Any:
        self._next_char()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                incomplete = error.pos >= len(self.buffer) - 6 or error.msg.startswith(
                    "Unterminated string"
                )
                if self.eof or not incomplete:
                    self._advance(error.pos)
                    self._fail(f"invalid JSON: {error.msg}")
                self._read(max(CHUNK, len(self.buffer)))
                continue
            if end >= len(self.buffer) and not self.eof:
                self._read(CHUNK)  # a number may continue in the next chunk
                continue
            self._advance(end)
            return value

    def _next_char(self, required: bool = True) -> str:
        while True:
            end = _WHITESPACE.match(self.buffer, self.pos).end()  # type: ignore[union-attr]
            self._advance(end)
            if end < len(self.buffer):
                return self.buffer[end]
            if self.eof:
                if required:
                    self._fail("unexpected end of file")
                return ""
            self._read(CHUNK)

    def _expect(self, char: str) -> None:
        if self._next_char() != char:
            self._fail(f"expected {char!r}")
        self.pos += 1

    def _advance(self, end: int) -> None:
        self.line += self.buffer.count("\n", self.pos, end)
        self.pos = end

    def _read(self, size: int) -> None:
        chunk = self.text.read(size)
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        self.eof = not chunk

    def _fail(self, message: str) -> Any:
        raise InputError(self.path, message, self.line)
