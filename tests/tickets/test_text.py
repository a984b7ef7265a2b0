from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.tickets.text import (
    _BLANK_LINES,
    _SPACES,
    _TAG_HINT,
    FieldError,
    _simple_parts,
    _TextExtractor,
    _tidy,
    html_to_text,
    parse_time,
)

PIECES = [
    "<p>", "</p>", "<P class=\"x\">", "<br>", "<br/>", "<BR />", "<a href=\"x>y\">", "</a>",
    "<a href='q' title=t>", "<li>", "<ul>", "</ul >", "<div\tid=a\n>", "<b>", "</b>", "<p/>",
    "<img src=x/>", "<p\x0b>", "</ div>", "<p-x>", "<script>alert(1)</script>",
    "<style>p{}</style>", "<!-- note -->", "<!DOCTYPE html>", "<?xml?>", "<![CDATA[x]]>",
    "<", ">", "&", "&amp;", "&nbsp;", "&#1078;", "&lt;p&gt;", "&amp", "text", " ", "  ", "\n",
    "\r\n", "\t", "\u00a0", "Привет", "Mój", "=", "\"", "'", "/",
]  # fmt: skip


def _parsed(value: str) -> str:
    """html_to_text through HTMLParser alone (the reference for the fast path)."""
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    return _tidy("".join(parser.parts))


PLAIN = [p for p in PIECES if _simple_parts(p) is not None]  # what the fast path takes
HTML = st.lists(st.sampled_from(PIECES), max_size=14) | st.lists(
    st.sampled_from(PLAIN), max_size=14
)


@settings(max_examples=400, deadline=None)
@given(HTML.map("".join))
def test_fast_path_gives_what_the_parser_gives(value: str) -> None:
    assert html_to_text(value) == (_parsed(value) if _TAG_HINT.search(value) else _tidy(value))


def test_fast_path_takes_plain_markup_and_leaves_the_rest() -> None:
    assert _simple_parts('<p class="x">Hi &amp; bye<br/>next</p>') is not None
    assert _simple_parts("<p>a</p><!-- b -->") is None
    assert _simple_parts("<p>1 < 2</p>") is None
    assert _simple_parts("<style>p { color: red }</style>text") is None
    html = "<p>Kilka razy kliknąłem <b>Nie pamiętam hasła</b>,<br>ale mail nie przychodzi.</p>"
    assert (
        html_to_text(html) == "Kilka razy kliknąłem Nie pamiętam hasła,\nale mail nie przychodzi."
    )


def test_tidy_keeps_paragraphs_and_collapses_spaces() -> None:
    assert _tidy("  a \t b\u00a0 c ") == "a b c"
    assert _tidy("a  \r\n\r\n\r\n\n b\n c") == "a\n\nb\nc"


def test_parse_time_forms() -> None:
    belgrade = ZoneInfo("Europe/Belgrade")
    utc = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    assert parse_time("2026-09-01T08:00:00Z", "t") == utc
    assert parse_time(" 2026-09-01T08:00:00Z ", "t") == utc
    assert parse_time("2026-09-01 08:00 UTC", "t") == utc
    assert parse_time("2026-09-01T10:00:00+02:00", "t", belgrade) == utc
    assert parse_time("2026-09-01 10:00", "t", belgrade) == utc
    assert parse_time("01.09.2026 10:00", "t", belgrade, fmt="%d.%m.%Y %H:%M") == utc
    assert parse_time("1788249600", "t") == utc
    with pytest.raises(FieldError, match="not a valid time"):
        parse_time("2026-13-01T08:00:00Z", "t")


def _tidy_line_by_line(text: str) -> str:
    """The reference for `_tidy`: blank runs collapsed one line at a time."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*PIECES, "\r", "\f", "\u2028"]) | st.text(max_size=3), max_size=14
    ).map("".join)
)
def test_tidy_is_line_by_line_tidying(value: str) -> None:
    assert _tidy(value) == _tidy_line_by_line(value)
