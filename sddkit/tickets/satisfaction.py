"""One way to state satisfaction: on the helpdesk's own scale, named.

Helpdesks rate on 1-5 (CSAT), 0-10 (NPS-style) or good/bad. sddkit keeps each score with its
scale (`Ticket.satisfaction_scale`); themes average scores normalised to 1-5. Whatever is
shown to a person (the report, `themes show`, an issue's body) says which scale it is on,
the helpdesk's own, and "satisfied" means the same everywhere: 4-5 of 5, 7-10 of 10, good.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

SCALES = {"5": "1–5", "10": "0–10", "good_bad": "good/bad"}  # scale -> its name
SATISFIED_FROM = {"5": 4, "10": 7, "good_bad": 1}  # the least satisfied score of each scale


def helpdesk_scale(scales: Iterable[str | None]) -> str | None:
    """The scale most of these scores were given on (None when none is known)."""
    counts = Counter(s for s in scales if s in SCALES)
    return max(sorted(counts), key=lambda s: counts[s]) if counts else None


def satisfied_rule(scale: str | None) -> str:
    """What "satisfied" means on the scale, e.g. "4–5 on the 1–5 scale"."""
    if scale == "good_bad":
        return "good on the good/bad scale"
    if scale in SCALES:
        top = 5 if scale == "5" else 10
        return f"{SATISFIED_FROM[scale]}–{top} on the {SCALES[scale]} scale"
    return "4–5 of 5, 7–10 of 10 or good"


def on_scale(normalised: float | None, scale: str | None) -> str:
    """An average normalised to 1-5 (a theme's `avg_satisfaction`) on the helpdesk's own
    scale, named: "3.2 of 5 (1–5)", "5.5 of 10 (0–10)", "55% good (good/bad)"."""
    if normalised is None:
        return "n/a (none rated)"
    share = (min(max(normalised, 1.0), 5.0) - 1) / 4  # 0..1 along the scale
    if scale == "10":
        return f"{10 * share:.1f} of 10 (0–10)"
    if scale == "good_bad":
        return f"{100 * share:.0f}% good (good/bad)"
    return f"{normalised:.1f} of 5 (1–5)"
