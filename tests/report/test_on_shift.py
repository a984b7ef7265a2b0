"""People on the rotation: tickets answered on and off their shifts, first responses given on
their watch, median first response and satisfaction, worked out by hand on the tickets of
conftest.py with shifts placed where some answers fall."""

from __future__ import annotations

from typing import Any

from sddkit.report.render import render_markdown
from tests.report.conftest import at, shift

SHIFTS = [
    shift(at(3, 5, 8), 8, "engineer", "Nina Kovač"),  # L2 (Ana's) answered 03-05 12:00
    shift(at(3, 7, 8), 8, "engineer", "Nina Kovač"),  # L3 (hers) answered 03-07 10:30
    shift(at(3, 21, 8), 8, "engineer", "Ana Petrović"),  # I3 (hers) answered 03-21 12:15
    shift(at(3, 14, 8), 4, "designer", "Kasia Wójcik"),  # E1 answered at 12:00, as it ends
]


def test_answers_on_and_off_shift_and_quality(sample: Any) -> None:
    rows = {p.name: p for p in sample.report(shifts=SHIFTS).participation}
    nina, ana, kasia = rows["Nina Kovač"], rows["Ana Petrović"], rows["Kasia Wójcik"]
    smith = rows["agent.smith@helpdesk.example"]
    # Nina's tickets L3, L5, E2, E3: only L3 answered on her shift (03-07 10:30); L5 03-20
    # 11:00, E2 03-19 10:00 and E3 03-19 16:00 were not. During her shifts two first
    # responses were given: L2 (Ana's ticket, 03-05 12:00) and L3.
    assert (nina.answered_on_shift, nina.answered_off_shift, nina.responses_on_shift) == (1, 3, 2)
    # First responses 0.5, 1, 26, 8 h -> median (1 + 8) / 2 = 4.5 h. Rated: L3 10 of 10
    # (satisfied), E2 2 of 5 (not) -> 1/2.
    assert (nina.first_response_median, nina.satisfied, nina.rated) == (4.5, 0.5, 2)
    # Ana's L2 (answered on Nina's shift, not hers), L4, I3 (on her shift 03-21 12:15).
    assert (ana.answered_on_shift, ana.answered_off_shift, ana.responses_on_shift) == (1, 2, 1)
    # 0.25, 2, 30 h -> 2 h. L2 9 of 10 satisfied, L4 3 of 10 not, I3 bad -> 1/3.
    assert (ana.first_response_median, ana.satisfied, ana.rated) == (2.0, 1 / 3, 3)
    # Kasia's shift [08:00, 12:00) ends as E1 is answered: not on it. D1, D2 neither.
    assert (kasia.answered_on_shift, kasia.answered_off_shift, kasia.responses_on_shift) == (
        0,
        3,
        0,
    )
    # E1 4 h, D1 50 h, D2 170 h -> 50 h; E1 5 of 5 and D1 7 of 10 satisfied -> 2/2.
    assert (kasia.first_response_median, kasia.satisfied, kasia.rated) == (50.0, 1.0, 2)
    # The helpdesk agent outside the rotation: I2 (12 h, good), never on a shift.
    assert (smith.answered_on_shift, smith.answered_off_shift) == (0, 1)
    assert (smith.first_response_median, smith.satisfied) == (12.0, 1.0)


def test_rotation_table_shows_the_figures(sample: Any) -> None:
    text = render_markdown(sample.report(shifts=SHIFTS))
    assert "| Nina Kovač | engineer | 2 | 16 | 4 | 1 / 3 | 2 | 4.5 h | 50% (2 rated) |" in text


def test_overlapping_shifts_count_a_moment_once(sample: Any) -> None:
    # Nina also holds a shadow seat 03-05 10:00-14:00 overlapping her 08:00-16:00 shift, and a
    # second shift joined end to end with it (16:00-18:00): L2's answer (03-05 12:00) falls in
    # two of her seats and is still one first response on her watch; L3 stays the only one
    # of her own answered on shift.
    shadow = [
        shift(at(3, 5, 10), 4, "engineer", "Nina Kovač"),
        shift(at(3, 5, 16), 2, "engineer", "Nina Kovač"),
    ]
    rows = {p.name: p for p in sample.report(shifts=SHIFTS + shadow).participation}
    nina = rows["Nina Kovač"]
    assert (nina.answered_on_shift, nina.answered_off_shift, nina.responses_on_shift) == (1, 3, 2)
    assert nina.shifts == 4
