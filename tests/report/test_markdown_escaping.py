"""report.md shows ticket-derived text literally, as the HTML report does."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sddkit.report.render import render_markdown

EVIL = [
    "<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "[click](https://evil.example)",
    "![pixel](https://t.example/p.gif)",
    "**loud** _and_ `code` | broken | cell ~~gone~~",
    "line one\nline two",
]


@pytest.mark.parametrize("label", EVIL)
def test_ticket_text_in_report_md_is_literal(sample: Any, label: str) -> None:
    themes = [
        theme.__class__(**{**theme.__dict__, "label": label}) if n == 0 else theme
        for n, theme in enumerate(sample.themes)
    ]
    md = render_markdown(sample.report(themes=themes))
    for raw in (r"<script", r"<svg", r"\[click", r"\[pixel", r"\*\*loud", r"\| broken", "one\n"):
        assert not re.search(r"(?<!\\)" + raw, md), raw
    assert any(
        escaped in md
        for escaped in (
            r"\<script\>alert(1)\</script\>",
            r"\<svg onload=alert(1)\>",
            r"\[click\](https://evil.example)",
            r"!\[pixel\](https://t.example/p.gif)",
            r"\*\*loud\*\* \_and\_ \`code\` \| broken \| cell \~\~gone\~\~",
            "line one line two",
        )
    )
