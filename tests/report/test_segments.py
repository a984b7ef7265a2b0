"""Customers of "Fix next" rows broken down by a custom field (`[report] segment_field`),
worked out by hand."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sddkit.report.model import Report
from sddkit.report.render import render_html, render_markdown, report_data
from sddkit.report.segments import segments
from sddkit.tickets.model import Ticket
from tests.report.test_history import report_from_store


def _ticket(ext: str, day: int, customer: str | None, **fields: Any) -> Ticket:
    created = datetime(2024, 3, day, tzinfo=UTC)
    return Ticket("zendesk", ext, created, customer_id=customer, custom_fields=fields)


def test_customers_by_value_top_three_then_other() -> None:
    tickets = [
        _ticket("1", 1, "c1", plan="pro"),
        _ticket("2", 5, "c1", plan="enterprise"),  # c1 upgraded: counted as enterprise
        _ticket("3", 2, "c2", plan="enterprise"),
        _ticket("4", 3, "c3", plan="pro"),
        _ticket("5", 4, "c4", plan="free"),
        _ticket("6", 4, "c5"),  # no plan: unknown
        _ticket("7", 6, None, plan="trial"),  # no customer id: a customer of its own
        _ticket("8", 7, "c6", plan="free"),
    ]
    # enterprise c1 c2, free c4 c6, pro c3, then trial 1 + unknown 1 = other 2; the counts
    # add up to the 7 distinct customers.
    assert segments(tickets, "plan") == (("enterprise", 2), ("free", 2), ("pro", 1), ("other", 2))
    # Four values: the fourth is named rather than called "other"; list values are joined.
    four = [*tickets[:5], _ticket("9", 8, "c7", plan=["a", "b"])]
    assert segments(four, "plan") == (("enterprise", 2), ("a, b", 1), ("free", 1), ("pro", 1))
    assert segments(tickets, "area") == (("unknown", 7),)


# conftest's period tickets of the Login and CSV export families, given a plan.
PLANS = {"L5": "pro", "L6": "free", "L8": "enterprise", "E4": "pro"}


def _with_plans(sample: Any) -> Any:
    from tests.report.test_fix_next import EXTRA, GROWN

    themes = [
        dataclasses.replace(
            t, ticket_keys=(*t.ticket_keys, *(f"zendesk:{k}" for k in GROWN.get(t.id, ())))
        )
        for t in sample.themes
    ]
    tickets = [
        dataclasses.replace(t, custom_fields={"plan": PLANS[t.external_id]})
        if t.external_id in PLANS
        else t
        for t in [*sample.tickets, *EXTRA]
    ]
    options = dataclasses.replace(sample.options, segment_field="plan")
    return dataclasses.replace(sample, tickets=tickets, themes=themes, options=options)


def test_fix_next_rows_break_customers_down(sample: Any) -> None:
    report: Report = _with_plans(sample).report()
    rows = {row.label: row for row in report.fix_next}
    # Export (open): E4 c6 pro, E5 c9 without a plan.
    assert rows["CSV export times out"].segments == (("pro", 1), ("unknown", 1))
    # Login (came back): L5 c4 pro, L6 c5 free, L8 c4 enterprise (c4's latest ticket).
    login = rows["Login fails after password reset"]
    assert login.segments == (("enterprise", 1), ("free", 1))
    assert sum(n for _, n in login.segments) == login.customers
    assert rows["Dark mode"].segments == (("unknown", 1),)

    md = render_markdown(report)
    assert "| Customers (by plan) |" in md
    assert " | 2 (enterprise 1 · free 1) | 3 | stable |" in md
    html = render_html(report)
    assert '<span class="muted segments">enterprise 1 · free 1</span>' in html
    data = report_data(report)
    assert data["options"]["segment_field"] == "plan"
    assert data["fix_next"][0]["segments"] == [["enterprise", 1], ["free", 1]]  # Login first


def test_without_the_setting_nothing_is_shown(sample: Any) -> None:
    report: Report = _with_plans(sample).report(options=sample.options)
    assert all(row.segments == () for row in report.fix_next)
    assert "segments" not in render_html(report) and "(by " not in render_markdown(report)


def test_the_store_read_carries_the_custom_fields(sample: Any, tmp_path: Path) -> None:
    planned = _with_plans(sample)
    from_store = report_from_store(planned, tmp_path / "store.db")
    assert report_data(from_store) == report_data(planned.report())
    assert any(row.segments != (("unknown", 1),) for row in from_store.fix_next)
