"""Field helpers shared by the importers: HTML to readable text, times, numbers.

Converters raise `FieldError` naming the field; the import turns it into an `InputError` with
the file and line of the record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from html import unescape
from html.parser import HTMLParser
from typing import Any


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "hr", "section", "article", "header", "footer",
}  # fmt: skip
_HIDDEN = {"script", "style", "head", "title", "template"}
_TAG_HINT = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&[#a-zA-Z0-9]+;")
# Runs of blanks other than a lone space (replacing those with a space would change nothing).
_SPACES = re.compile(r"(?: [ \t\r\f\v\u00a0]|[\t\r\f\v\u00a0])[ \t\r\f\v\u00a0]*")
_BLANK_LINES = re.compile(r"\n\s*\n\s*(\n\s*)+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS and tag != "br":
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(_SPACES.sub(" ", data.replace("\n", " ")))


def html_to_text(value: str) -> str:
    """Readable plain text from an HTML body: paragraphs and line breaks kept, scripts and
    styles dropped, entities unescaped. Plain text passes through (whitespace tidied)."""
    if ("<" not in value and "&" not in value) or not _TAG_HINT.search(value):
        return _tidy(value)
    parts = _simple_parts(value)
    if parts is None:
        parser = _TextExtractor()
        parser.feed(value)
        parser.close()
        parts = parser.parts
    return _tidy("".join(parts))


# A start tag (name, attributes with quoted or plain values, optional "/") or an end tag.
_SIMPLE_TAG = re.compile(
    r"""<(?:/([a-zA-Z][a-zA-Z0-9]*)[ \t\n\r\f]*|([a-zA-Z][a-zA-Z0-9]*)(?:[ \t\n\r\f]+"""
    r"""[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:[ \t\n\r\f]*=[ \t\n\r\f]*"""
    r"""(?:"[^"<>]*"|'[^'<>]*'|[^ \t\n\r\f"'<>=`/]+))?)*[ \t\n\r\f]*(/?))>"""
)


def _simple_parts(value: str) -> list[str] | None:
    """The text parts `_TextExtractor` would collect from HTML made only of plain tags, text
    and entities (most helpdesk bodies), several times faster, and without building a parser.
    None when `value` has anything else (comments, scripts, a stray "<"): the caller then
    parses it."""
    pieces = _SIMPLE_TAG.split(value)  # text, (end name, start name, "/" or "", text)...
    texts = pieces[::4]
    if any("<" in text for text in texts):
        return None
    events: list[tuple[int, str]] = [(0, texts[0])]  # (0 text | 1 start | 2 end | 3 both, ...)
    for index in range(1, len(pieces), 4):
        end_name, start_name, closed = pieces[index : index + 3]
        name = (end_name or start_name).lower()
        if name in _HIDDEN:
            return None
        events.append((2 if end_name else 3 if closed else 1, name))
        events.append((0, pieces[index + 3]))
    # What the handlers do, inlined (no hidden element can be open here).
    parts: list[str] = []
    for kind, item in events:
        if kind == 0:
            if item:
                text = unescape(item) if "&" in item else item
                parts.append(_SPACES.sub(" ", text.replace("\n", " ")))
        else:
            if kind & 1:
                if item == "br":
                    parts.append("\n")
                elif item == "li":
                    parts.append("\n- ")
                elif item in _BLOCKS:
                    parts.append("\n\n")
            if kind & 2 and item in _BLOCKS and item != "br":
                parts.append("\n\n")
    return parts


def _tidy(text: str) -> str:
    if "\n" not in text and "\r" not in text:  # one line: the common case, same result
        if text.isprintable() and "  " not in text:  # no run of blanks to collapse
            return text.strip()
        return _SPACES.sub(" ", text).strip()
    # Blank runs never span a line break, so collapsing them in one pass over the whole text
    # is collapsing them line by line.
    lines = _SPACES.sub(" ", text.replace("\r\n", "\n")).split("\n")
    return _BLANK_LINES.sub("\n\n", "\n".join([line.strip() for line in lines])).strip()


def parse_time(value: Any, field: str, tz: tzinfo = UTC, fmt: str | None = None) -> datetime:
    """ISO 8601 (``Z`` allowed), ``YYYY-MM-DD HH:MM[:SS]``, Unix seconds, or `fmt`. Times
    without an offset are read in `tz` (the helpdesk account's zone for CSV exports)."""
    if type(value) is str and not fmt and len(value) > 10 and value[4] == "-":
        try:  # plain ISO 8601, the usual case; anything else takes the checks below
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo else moment.replace(tzinfo=tz)
    if isinstance(value, bool):
        raise FieldError(field, f"expected a time, got {value!r}")
    if isinstance(value, (int, float)):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError) as error:
            raise FieldError(field, f"timestamp out of range: {value!r}") from error
    if not isinstance(value, str) or not value.strip():
        raise FieldError(field, f"expected a time, got {value!r}")
    text = value.strip()
    try:
        if fmt:
            moment = datetime.strptime(text, fmt)
        elif text.isdigit():
            return datetime.fromtimestamp(int(text), UTC)
        else:
            moment = datetime.fromisoformat(text.replace(" UTC", "Z"))
    except (ValueError, OverflowError, OSError) as error:
        raise FieldError(field, f"not a valid time: {value!r}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def optional_time(
    value: Any, field: str, tz: tzinfo = UTC, fmt: str | None = None
) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_time(value, field, tz, fmt)


def optional_str(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def required_id(value: Any, field: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise FieldError(field, f"missing or invalid id: {value!r}")
    return str(value).strip()


def text_field(value: Any, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FieldError(field, f"expected text, got {type(value).__name__}")
    return value


def mapping_field(record: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    value = record.get(field)
    if type(value) is dict:  # decoded JSON: skip the (slow) abstract-class check
        return value
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise FieldError(field, f"expected an object, got {type(value).__name__}")
    return value


def list_field(value: Any, field: str) -> list[Any]:
    """A JSON array field; a missing or empty value is an empty list."""
    items = value or []
    if not isinstance(items, list):
        raise FieldError(field, "expected a list")
    return items


def number(value: Any, field: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise FieldError(field, f"expected a number, got {value!r}")
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError as error:
        raise FieldError(field, f"expected a number, got {value!r}") from error


def split_tags(value: Any, field: str, separator: str | None = None) -> tuple[str, ...]:
    """Tags from a list or a delimited string (commas, or whitespace as Zendesk's CSV does)."""
    if value is None or value == "":
        return ()
    if isinstance(value, list):
        if all(type(item) is str and item and item == item.strip() for item in value):
            return tuple(dict.fromkeys(value))  # clean tags, the usual case, in fewer steps
        items = [str(item) for item in value]
    elif isinstance(value, str):
        items = value.split(separator) if separator else re.split(r"[,\s]+", value)
    else:
        raise FieldError(field, f"expected tags, got {type(value).__name__}")
    return tuple(dict.fromkeys(tag.strip() for tag in items if tag.strip()))
