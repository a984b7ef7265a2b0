"""Canned replies ranked by follow-up rate, worked out by hand on five tickets."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from sddkit.errors import ConfigError
from sddkit.report.canned import CannedReplySource
from sddkit.report.render import render_html, render_markdown
from sddkit.report.settings import load_options
from sddkit.tickets.model import Message, Ticket
from tests.report.conftest import at

T = at(3, 11, 9)
HOUR = timedelta(hours=1)


def ticket(ext: str, tags: tuple[str, ...] = (), later: float | None = None, **kw: Any) -> Ticket:
    """Answered an hour after it came in; the customer writes again `later` days after that."""
    messages = [Message("customer", "help", T), Message("agent", "reply", T + HOUR)]
    if later is not None:
        messages.append(
            Message(
                "customer",
                f"<b>still</b> broken {ext}, @team see c-{ext}",
                T + HOUR + timedelta(days=later),
            )
        )
    return Ticket(
        "zendesk",
        ext,
        T,
        customer_id=f"c-{ext}",
        tags=tags,
        first_response_at=T + HOUR,
        messages=tuple(messages),
        **kw,
    )


TICKETS = [
    ticket("A", ("macro:reset",), later=2),  # follow-up within 3 days
    ticket("B", ("macro:reset",), later=4),  # too late to count
    ticket("C", (), later=1, custom_fields={"macro": "export-howto"}),  # named by a field
    ticket("D", ("macro:reset", "macro:export-howto", "vip")),  # both, no follow-up
    ticket("E", (), later=1),  # no canned reply: not counted
]


def test_replies_ranked_by_follow_up_rate(sample: Any) -> None:
    source = CannedReplySource(tag_prefix="macro:", field="macro", follow_up_days=3)
    options = dataclasses.replace(sample.options, canned_replies=source)
    report = sample.report(period_tickets=TICKETS, options=options)
    # export-howto: C, D used it, C drew a follow-up: 1/2. reset: A, B, D, only A: 1/3.
    assert [(r.name, r.uses, r.follow_ups, r.rate) for r in report.canned_replies] == [
        ("export-howto", 2, 1, 0.5),
        ("reset", 3, 1, 1 / 3),
    ]
    # The follow-up's words, as hostile customer text: no mention, no customer id.
    [(key, text)] = report.canned_replies[1].examples
    assert key == "zendesk:A" and "still" in text and "@team" not in text and "c-A" not in text
    md = render_markdown(report)
    row = next(line for line in md.splitlines() if line.startswith("| reset |"))
    assert row.startswith("| reset | 3 | 1 | 33% | zendesk:A: “") and "<b>" not in row
    html = render_html(report)
    assert "&lt;b&gt;still&lt;/b&gt;" in html and "<b>still</b>" not in html


def test_without_a_source_there_is_no_section(sample: Any) -> None:
    report = sample.report(period_tickets=TICKETS)
    assert report.canned_replies == ()
    assert "Canned replies" not in render_markdown(report)


def test_canned_replies_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "rotations.toml"
    config.write_text('[report.canned_replies]\nfield = "macro"\nfollow_up_days = 2\n')
    assert load_options(config).canned_replies == CannedReplySource(None, "macro", 2.0)
    config.write_text("[report.canned_replies]\nfollow_up_days = 0\n")
    with pytest.raises(ConfigError, match=r":2: report\.canned_replies\.follow_up_days: must be"):
        load_options(config)
