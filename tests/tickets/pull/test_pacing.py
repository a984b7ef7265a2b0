"""The pacer: even spacing to a documented limit, narrowed by each vendor's headers."""

from __future__ import annotations

import pytest

from sddkit.tickets.pull.pacing import HEADROOM, Limits, Pacer


class Clock:
    """A clock that only moves when the pacer sleeps (or a test says so)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def _pacer(limits: Limits, per_minute: float | None = None) -> tuple[Pacer, Clock]:
    clock = Clock()
    return Pacer(limits, per_minute, clock=clock, sleep=clock.sleep), clock


def test_requests_are_spaced_evenly_below_the_limit() -> None:
    pacer, clock = _pacer(Limits(per_minute=60 / HEADROOM))
    for _ in range(4):
        pacer.before("/a")
    assert clock.sleeps == [1.0, 1.0, 1.0]
    clock.now += 5  # a slow response: no burst to catch up
    pacer.before("/a")
    pacer.before("/a")
    assert clock.sleeps == [1.0, 1.0, 1.0, 1.0]
    assert pacer.waited_s == pytest.approx(4.0)


@pytest.mark.parametrize(
    ("headers", "per_minute"),
    [
        ({"x-rate-limit": "200", "x-rate-limit-remaining": "199"}, 200),  # Zendesk
        ({"ratelimit-limit": "400"}, 400),  # Zendesk's newer headers
        ({"x-ratelimit-total": "100"}, 100),  # Freshdesk
        ({"x-ratelimit-limit-minute": "400"}, 400),  # Help Scout
        ({"x-rate-limit": "5000"}, 700),  # never above the configured limit
    ],
)
def test_the_headers_narrow_the_limit(headers: dict[str, str], per_minute: float) -> None:
    pacer, _ = _pacer(Limits(per_minute=700))
    pacer.after(headers)
    assert pacer.per_minute == per_minute


def test_intercoms_header_counts_ten_seconds() -> None:
    pacer, _ = _pacer(Limits(per_minute=10_000, header_window_s=10.0))
    pacer.after({"x-ratelimit-limit": "167", "x-ratelimit-remaining": "160"})
    assert pacer.per_minute == 1002


def test_nothing_remaining_holds_until_the_window_resets() -> None:
    pacer, clock = _pacer(Limits(per_minute=6000))
    pacer.before("/a")
    pacer.after({"x-rate-limit-remaining": "0", "ratelimit-reset": "30"})
    pacer.before("/a")
    assert clock.sleeps == [30.0]
    intercom, clock = _pacer(Limits(per_minute=6000))
    intercom.before("/a")
    intercom.after({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1793613607",
                    "date": "Mon, 02 Nov 2026 10:00:00 GMT"})  # fmt: skip
    intercom.before("/a")
    assert clock.sleeps == [7.0]


def test_an_endpoints_own_limit_and_a_configured_one() -> None:
    limits = Limits(per_minute=700 / HEADROOM, routes={"/export": 10 / HEADROOM})
    pacer, clock = _pacer(limits)
    pacer.before("/export")
    pacer.before("/comments")  # the account's spacing only
    pacer.before("/export")  # six seconds after the first export
    assert clock.sleeps == pytest.approx([60 / 700, 6 - 60 / 700], abs=1e-6)
    faster, clock = _pacer(limits, per_minute=2500 / HEADROOM)  # a plan with more
    faster.before("/export")
    faster.before("/export")
    assert clock.sleeps == pytest.approx(
        [6 * 700 / 2500], abs=1e-6
    )  # the export limit scales with it
