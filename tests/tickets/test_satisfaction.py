"""Satisfaction stated on the helpdesk's own scale, named (report, `themes show`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sddkit.themes.figures import satisfaction_score
from sddkit.tickets.satisfaction import helpdesk_scale, on_scale, satisfied_rule


def test_the_scale_most_scores_are_on() -> None:
    assert helpdesk_scale(["5", "10", "5", None, "stars"]) == "5"
    assert helpdesk_scale([None, "stars"]) is None


def test_a_themes_average_on_the_helpdesks_scale() -> None:
    # Themes average scores normalised to 1-5: 2.0 is 2 of 5 on a 1-5 helpdesk, a quarter of
    # the way on 0-10 (2.5 of 10), a quarter good on good/bad.
    assert on_scale(2.0, "5") == "2.0 of 5 (1–5)"
    assert on_scale(2.0, "10") == "2.5 of 10 (0–10)"
    assert on_scale(2.0, "good_bad") == "25% good (good/bad)"
    assert on_scale(None, "5") == "n/a (none rated)"


@pytest.mark.parametrize("scale", ["10", "good_bad"])
@given(score=st.integers(0, 10))
def test_the_helpdesk_score_comes_back_from_the_normalised_one(scale: str, score: int) -> None:
    raw = float(score) if scale == "10" else float(score >= 5)
    text = on_scale(satisfaction_score(raw, scale), scale)
    if scale == "10":
        assert text == f"{raw:.1f} of 10 (0–10)"
    else:
        assert text == f"{100 * raw:.0f}% good (good/bad)"


def test_what_satisfied_means() -> None:
    assert satisfied_rule("5") == "4–5 on the 1–5 scale"
    assert satisfied_rule("10") == "7–10 on the 0–10 scale"
    assert satisfied_rule("good_bad") == "good on the good/bad scale"
    assert satisfied_rule(None) == "4–5 of 5, 7–10 of 10 or good"
