"""Onboarding figures on the tickets of conftest.py, worked out by hand with a 7-day window
(every customer there is young: the history starts in February)."""

from __future__ import annotations

import dataclasses
from typing import Any

from sddkit.report.render import render_markdown
from tests.report.conftest import at


def test_onboarding_share_themes_and_satisfaction(sample: Any) -> None:
    options = dataclasses.replace(sample.options, onboarding_days=7)
    report = sample.report(options=options)
    o = report.onboarding
    # Period tickets with a customer: all but I2 = 12. First seen: c1 02-26 (L1), c2 03-05
    # (L2), c3..c9 at the ticket itself or a day before. Outside the first 7 days: L3 (c1,
    # 10 days after L1) and E1 (c2, 9 days after L2). New: L2 L4 L5 L6 E2 E3 I3 D1 D2 U1 = 10,
    # from c2 c3 c4 c5 c6 c7 c8 c9 = 8 customers; 10/12.
    assert (o.tickets, o.customers, o.share) == (10, 8, 10 / 12)
    # Families met: login L2 L4 L5 L6 = 4; export E2 E3 and dark D1 D2 = 2 each (by title);
    # invoice I3 = 1; U1 is in no theme.
    assert o.themes == (
        ("Login fails after password reset", 4),
        ("CSV export times out", 2),
        ("Dark mode", 2),
        ("Invoice PDF is blank", 1),
    )
    # Rated new tickets: L2 9/10 yes, L4 3/10 no, E2 2/5 no, I3 bad no, D1 7/10 yes (U1 has
    # no scale) -> 2/5. The others: L3 10/10, E1 5/5 -> 2/2.
    assert (o.satisfied, o.rated, o.others_satisfied, o.others_rated) == (0.4, 5, 1.0, 2)
    text = render_markdown(report)
    assert "## Onboarding: customers in their first 7 days" in text
    assert "**10 tickets** (83% of those with a customer) from **8 new customers**" in text


def test_no_customers_no_share(sample: Any) -> None:
    report = sample.report(period_tickets=[], other_tickets=[])
    assert report.onboarding is not None
    assert (report.onboarding.tickets, report.onboarding.share) == (0, None)


def test_customers_first_seen_as_the_history_starts_are_not_called_new(sample: Any) -> None:
    """The history starts 02-01 (S1). With a 30-day window, c1, first seen 02-26, may have
    been a customer long before: L3 (03-07, 10 days later) is left out, not new; c2 (first
    seen 03-05, over 30 days into the history) is new."""
    options = dataclasses.replace(sample.options, onboarding_days=30)
    report = sample.report(options=options)
    o = report.onboarding
    assert report.history_start == at(2, 1, 9)
    assert (o.unsure, o.unsure_customers) == (1, 1)
    # New: every period ticket with a customer but L3 and I2 (no customer): 11 of 11.
    assert (o.tickets, o.share) == (11, 1.0)
    text = render_markdown(report)
    assert "History from 2024-02-01 (the store's earliest ticket)" in text
    assert "Left out: 1 ticket from 1 customer first seen in the first 30 days" in text


def test_a_history_that_starts_with_the_period_calls_nobody_new(sample: Any) -> None:
    """A store filled from one export: everyone is first seen as it starts."""
    period = [t for t in sample.tickets if sample.since <= t.created_at < sample.until]
    options = dataclasses.replace(sample.options, onboarding_days=30)
    report = sample.report(
        options=options, period_tickets=period, other_tickets=period, history_from=sample.since
    )
    o = report.onboarding
    assert (o.tickets, o.customers, o.share) == (0, 0, None)
    assert o.unsure == 12  # every period ticket with a customer
