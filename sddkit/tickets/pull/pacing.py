"""Keeping to a helpdesk's rate limit before it answers 429: even spacing, steered by headers.

Each vendor documents a per-minute limit (its `Limits`); a `Pacer` spaces requests evenly so
that no minute holds more than the limit, and narrows to what the responses' rate-limit headers
say (the account's real plan): Zendesk ``X-Rate-Limit`` / ``ratelimit-limit``, Freshdesk
``X-Ratelimit-Total``, Help Scout ``X-RateLimit-Limit-Minute``, Intercom ``X-RateLimit-Limit``.
When a response says nothing is left in the window (``…-Remaining: 0``) the pacer holds until
the window resets (``ratelimit-reset`` seconds, Intercom's ``X-RateLimit-Reset`` epoch against
the response's ``Date``). Intercom's header counts a 10-second window (167 for 1,000 a
minute): `Limits.header_window_s` says so. Some endpoints have a tighter limit of their own
(Zendesk's incremental exports: 10 a minute; Freshdesk's ticket list: 20 on Growth);
`Limits.routes` gives those, by path.

`per_minute` (``--rate-limit``) replaces the documented limit: higher for a plan that has
more, lower to leave other integrations a share; the endpoints' own limits scale with it. The
headers only ever narrow it. Requests go at `HEADROOM` of the limit, so that the jitter of
their arrival never makes one minute hold one too many. The clock and the sleep are injected,
so tests never wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

LIMIT_HEADERS = ("x-ratelimit-limit-minute", "x-rate-limit", "ratelimit-limit",
                 "x-ratelimit-total", "x-ratelimit-limit")  # fmt: skip
HEADROOM = 0.98
REMAINING_HEADERS = ("x-ratelimit-remaining-minute", "x-rate-limit-remaining",
                     "ratelimit-remaining", "x-ratelimit-remaining")  # fmt: skip


@dataclass(frozen=True)
class Limits:
    per_minute: float  # the documented limit for every request
    routes: Mapping[str, float] = field(default_factory=dict)  # path -> its own limit
    header_window_s: float = 60.0  # the window the limit header counts


@dataclass
class _Bucket:
    per_minute: float
    next_at: float = 0.0  # the earliest moment the next request may start


class Pacer:
    def __init__(
        self,
        limits: Limits,
        per_minute: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.configured = per_minute or limits.per_minute
        scale = self.configured / limits.per_minute
        self.clock, self.sleep = clock, sleep
        self.window_s = limits.header_window_s
        self.main = _Bucket(self.configured)
        self.routes = {path: _Bucket(n * scale) for path, n in limits.routes.items()}
        self.waited_s = 0.0  # in all, for the run's summary
        self._lock = threading.Lock()  # workers share the pacer

    @property
    def per_minute(self) -> float:
        return self.main.per_minute

    def before(self, path: str) -> None:
        """Wait until `path` may be requested, and book its slot."""
        route = self.routes.get(path)
        buckets = [self.main] if route is None else [self.main, route]
        with self._lock:
            now = self.clock()
            start = max([now, *(b.next_at for b in buckets)])
            for bucket in buckets:
                bucket.next_at = start + 60.0 / (bucket.per_minute * HEADROOM)
            if start > now:
                self.waited_s += start - now
        if start > now:
            self.sleep(start - now)

    def after(self, headers: Mapping[str, str]) -> None:
        """Narrow to the account's limit as the response states it; hold when it is used up."""
        limit = _number(headers, LIMIT_HEADERS)
        remaining = _number(headers, REMAINING_HEADERS)
        reset = _reset_in(headers) if remaining is not None and remaining <= 0 else None
        with self._lock:
            if limit is not None and limit > 0:
                self.main.per_minute = min(self.configured, limit * 60.0 / self.window_s)
            if reset is not None and reset > 0:
                self.main.next_at = max(self.main.next_at, self.clock() + reset)


PacerFor = Callable[[Limits], Pacer]  # a vendor's documented limits -> the pacer to use


def _number(headers: Mapping[str, str], names: tuple[str, ...]) -> float | None:
    for name in names:
        value = headers.get(name)
        if value is None:
            continue
        try:
            return float(value.split(",")[0].strip())
        except ValueError:
            continue
    return None


def _reset_in(headers: Mapping[str, str]) -> float | None:
    """Seconds until the window resets: Zendesk's ``ratelimit-reset`` (seconds), or
    Intercom's ``X-RateLimit-Reset`` (epoch) against the response's ``Date``."""
    seconds = _number(headers, ("ratelimit-reset",))
    if seconds is not None:
        return seconds
    try:
        reset = float(headers["x-ratelimit-reset"])
        now = parsedate_to_datetime(headers["date"]).timestamp()
    except (KeyError, ValueError, TypeError):
        return None
    return min(max(reset - now, 0.0), 60.0)
