"""Closed loops per fix, worked out by hand on the sample history (tests/report/conftest.py).

Told about the login fix (#10, 2024-03-18):
- c1 on 03-19: nothing written since (L1, L3 are older) -> not again, no rating
- c4 on 03-21: L5 (03-20) came before being told -> not again
- c5 on 03-20: L6 (03-25, login) -> wrote again; unrated
- c8 on 03-25: D1 (03-26, dark mode, 7/10: satisfied) and D2 (unrated) -> not again
- c6 on 03-17: E2 (03-18, export, 2/5: not satisfied), E3 unrated -> not again
- c3 on 04-02: after the report was made (04-01 09:00) -> not counted
=> told 5, wrote again 1, satisfied 1 of 2 rated = 0.5.
Told about the invoice fix (abc1234, 03-28): c7 on 03-29, nothing since -> 1, 0, no rating.
The export issue has no fix: no row.
"""

from __future__ import annotations

from sddkit.followup.ledger import Told
from sddkit.report.model import ClosedLoop
from tests.report.conftest import Sample, at

LOGIN, INVOICE = "pull_request:#10", "commit:abc1234"
TOLD = [
    Told(LOGIN, "c1", "zendesk:L3", at(3, 19)),
    Told(LOGIN, "c4", "zendesk:L5", at(3, 21)),
    Told(LOGIN, "c5", "zendesk:L2", at(3, 20)),
    Told(LOGIN, "c8", "zendesk:L2", at(3, 25)),
    Told(LOGIN, "c6", "zendesk:L2", at(3, 17)),
    Told(LOGIN, "c3", "zendesk:L4", at(4, 2)),
    Told(INVOICE, "c7", "zendesk:I3", at(3, 29)),
]


def test_closed_loops_match_the_hand_computed_figures(sample: Sample) -> None:
    report = sample.report(told=TOLD)
    assert report.closed_loops == (
        ClosedLoop("pull_request", "#10", told=5, wrote_again=1, satisfied=0.5, rated=2),
        ClosedLoop("commit", "abc1234", told=1, wrote_again=0, satisfied=None, rated=0),
    )


def test_no_follow_ups_no_closed_loops(sample: Sample) -> None:
    assert sample.report().closed_loops == ()


def test_closed_loops_are_rendered(sample: Sample) -> None:
    from sddkit.report.render import render_json, render_markdown

    report = sample.report(told=TOLD)
    markdown = render_markdown(report)
    assert "### Closed loops" in markdown
    assert "| #10 | 5 | 1 | 50% (2 rated) |" in markdown
    assert '"wrote_again": 1' in render_json(report)
