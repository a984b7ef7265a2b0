"""Did a fix's complaints come back? A test of the rate after the fix against the rate before.

A handful of stragglers after a fix that cut a busy subject to almost nothing is not a
regression; the same handful after a quiet subject may be. So the question is put as a
rate: are complaints since the fix arriving at more than `share` (a quarter by default) of
the rate before it? Ticket arrivals are taken as Poisson. Given the tickets of both windows,
n = before + after, the after window's count is binomial with p = share·Ta / (share·Ta + Tb)
when the after rate is exactly `share` of the before rate (Ta, Tb: the windows' lengths); the
one-sided p-value is the chance of seeing `after` or more of the n there. The complaints
came back when that chance is small (the confidence, 1 - p, reaches `confidence`).

Exact, in the standard library only: the report must not import scipy for one tail sum.
"""

from __future__ import annotations

import math
from typing import NamedTuple


class Verdict(NamedTuple):
    came_back: bool
    confidence: float  # 1 - p: how sure the after rate is above `share` of the before rate


def came_back(
    before: int,
    before_weeks: float,
    after: int,
    after_weeks: float,
    *,
    share: float = 0.25,
    confidence: float = 0.9,
    minimum: int = 1,
) -> Verdict:
    """Whether `after` tickets in `after_weeks` since a fix show the complaints came back,
    against `before` tickets in the `before_weeks` before it; at least `minimum` after."""
    if after <= 0 or after_weeks <= 0:
        return Verdict(False, 0.0)
    p = binomial_tail(after, before + after, _after_share(before_weeks, after_weeks, share))
    sure = 1.0 - p
    return Verdict(after >= minimum and sure >= confidence, sure)


def _after_share(before_weeks: float, after_weeks: float, share: float) -> float:
    if before_weeks <= 0:
        return 1.0  # nothing known before: no tickets after could be told apart from it
    expected = share * after_weeks
    return expected / (expected + before_weeks)


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed in log space (no overflow at large n)."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    terms = [
        math.lgamma(n + 1)
        - math.lgamma(i + 1)
        - math.lgamma(n - i + 1)
        + i * log_p
        + (n - i) * log_q
        for i in range(k, n + 1)
    ]
    top = max(terms)
    return min(1.0, math.exp(top) * math.fsum(math.exp(t - top) for t in terms))
