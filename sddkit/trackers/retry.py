"""Retrying tracker calls, and keeping secrets out of every message.

Both client libraries have their own retry loops (PyGithub's urllib3 `Retry`, jira's
`ResilientSession`) that sleep with `time.sleep` and cannot be observed; sddkit turns them off
and retries here instead, so waits are bounded, reported and injectable in tests.

- Primary rate limit (403/429 with ``x-ratelimit-remaining: 0``): wait until
  ``x-ratelimit-reset``; if that is further away than `max_wait_s`, give up (`RateLimited`).
- Secondary rate limit (403/429 with ``retry-after``): wait that long, then back off.
- 5xx, timeouts, dropped connections: exponential backoff, `retries` times.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sddkit.errors import SddkitError

T = TypeVar("T")


class TrackerError(SddkitError):
    """A tracker request failed for good (its message is already scrubbed of secrets)."""


class RateLimited(TrackerError):
    """The tracker's rate limit resets later than we are willing to wait."""


class BadResponse(Exception):
    """A 2xx answer that is not what the API sends (an HTML page from a proxy, cut-off JSON,
    an issue without a number): retried like a lost response, since a write may have landed."""


# What the client libraries raise when a response is not the JSON they expect.
MALFORMED = (BadResponse, ValueError, KeyError, TypeError, AttributeError)


def malformed(tracker: str, error: BaseException, scrub: Callable[[str], str]) -> Failure:
    """A one-line account of a malformed response, for `RetryPolicy` to retry then report
    (scrubbed before it is cut short: a cut must not leave part of a secret behind)."""
    detail = scrub(" ".join(str(error).split()))[:120]
    return Failure(
        None,
        {},
        f"the answer was not {tracker}'s JSON (an HTML page from a proxy, or cut off?): "
        f"{type(error).__name__}: {detail}",
    )


@dataclass(frozen=True)
class Failure:
    """What a failed request tells us: status (None for a timeout / lost connection)."""

    status: int | None
    headers: Mapping[str, str]
    message: str


def secret_from(value: str | None) -> str | None:
    """A secret as read from the environment, without surrounding whitespace (a trailing
    newline is a common secrets-store mistake, and would end up in a header); None if empty."""
    value = (value or "").strip()
    return value or None


class Scrubber:
    """Takes secrets out of a message, whole or in part, in any letter case.

    `tokens` are replaced wherever any `FRAGMENT` characters of theirs appear (a message cut
    short, a header value printed with its escapes, a token split at a space or lower-cased
    by a proxy); `identities` (an e-mail address) wherever they appear whole; both also as
    HTTP Basic credentials (base64) and any Authorization header value.
    """

    FRAGMENT = 6
    _HEADER_RE = re.compile(
        r"""(?i)(authorization['"]?\s*[:=]\s*['"]?)(basic|bearer|token)?\s*[^'",}\s]+"""
    )

    def __init__(
        self, tokens: Iterable[str | None] = (), identities: Iterable[str | None] = ()
    ) -> None:
        given = [t for t in tokens if t]
        whole = [*given, *(i for i in identities if i)]
        pieces: set[str] = set()
        for token in given:
            for part in token.split():
                if len(part) >= self.FRAGMENT:
                    pieces.update(
                        part[n : n + self.FRAGMENT] for n in range(len(part) - self.FRAGMENT + 1)
                    )
                elif len(part) >= 3:
                    whole.append(part)
        whole += [
            base64.b64encode(f"{user}:{password}".encode()).decode()
            for user in whole[:4]
            for password in whole[:4]
            if user != password
        ]
        escaped = sorted({re.escape(w) for w in whole if w}, key=len, reverse=True)
        self._whole = re.compile("|".join(escaped), re.IGNORECASE) if escaped else None
        self._pieces = (
            re.compile("(?=(" + "|".join(map(re.escape, sorted(pieces))) + "))", re.IGNORECASE)
            if pieces
            else None
        )

    def __call__(self, text: str) -> str:
        if self._whole is not None:
            text = self._whole.sub("***", text)
        if self._pieces is not None:
            hidden = [False] * len(text)
            for match in self._pieces.finditer(text):
                for n in range(match.start(1), match.end(1)):
                    hidden[n] = True
            text = "".join(
                "***" if hide and (n == 0 or not hidden[n - 1]) else ("" if hide else ch)
                for n, (ch, hide) in enumerate(zip(text, hidden, strict=True))
            )
        return self._HEADER_RE.sub(lambda m: f"{m.group(1)}***", text)


@dataclass
class RetryPolicy:
    retries: int = 4
    max_wait_s: float = 900.0
    base_delay_s: float = 2.0
    max_delay_s: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    waited_s: float = field(default=0.0, init=False)  # total, for the run's summary

    def wait(self, seconds: float) -> None:
        seconds = max(0.0, seconds)
        self.waited_s += seconds
        self.sleep(seconds)

    def call(
        self,
        what: str,
        fn: Callable[[], T],
        inspect: Callable[[BaseException], Failure | None],
        *,
        before_retry: Callable[[], T | None] | None = None,
    ) -> T:
        """Run `fn`, retrying transient failures; `inspect` maps the library's exception.

        `before_retry` makes non-idempotent calls (create) safe: after a 5xx or timeout the
        request may have succeeded, so it looks for the result before sending it again.
        """
        attempt = 0
        while True:
            try:
                return fn()
            except Exception as error:
                failure = inspect(error)
                if failure is None:
                    raise
            # Outside the except block: our error must not chain the library's, whose text
            # may hold request headers.
            delay = self._delay(what, failure, attempt)
            attempt += 1
            self.wait(delay)
            # Even after a rate limit: `fn` may be several requests (jira's create_issue
            # reads the issue back after posting it), so an earlier one may have landed.
            if before_retry is not None:
                found = before_retry()
                if found is not None:
                    return found

    def _delay(self, what: str, failure: Failure, attempt: int) -> float:
        headers = {k.lower(): v for k, v in failure.headers.items()}
        if failure.status in (403, 429):
            if headers.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in headers:
                if attempt >= self.retries:
                    raise RateLimited(f"{what}: still rate limited after {attempt} retries")
                wait = _epoch(headers["x-ratelimit-reset"]) - self.clock() + 1
                if wait > self.max_wait_s:
                    raise RateLimited(
                        f"{what}: rate limit exhausted until the reset in {wait:.0f} s "
                        f"(more than the {self.max_wait_s:.0f} s we wait)"
                    )
                return max(wait, 1.0)
            if "retry-after" in headers or failure.status == 429:
                if attempt >= self.retries:
                    raise RateLimited(f"{what}: still rate limited after {attempt} retries")
                after = _seconds(headers.get("retry-after"))
                return min(max(after, self._backoff(attempt)), self.max_wait_s)
            raise TrackerError(f"{what}: {failure.message}")
        if failure.status is not None and failure.status < 500:
            raise TrackerError(f"{what}: {failure.message}")
        if attempt >= self.retries:
            raise TrackerError(f"{what}: {failure.message} (gave up after {attempt} retries)")
        return self._backoff(attempt)

    def _backoff(self, attempt: int) -> float:
        return float(min(self.base_delay_s * 2**attempt, self.max_delay_s))


def _epoch(value: str) -> float:
    """GitHub sends epoch seconds; Jira Cloud an ISO 8601 timestamp."""
    try:
        return float(value)
    except ValueError:
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            return 0.0


def _seconds(value: str | None) -> float:
    try:
        return float(value) if value is not None else 60.0
    except ValueError:
        return 60.0  # an HTTP date; rare for trackers, a minute is GitHub's advice
