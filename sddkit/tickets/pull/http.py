"""The one HTTP client every helpdesk pull goes through (stdlib `http.client`, kept alive).

- 429: wait as long as the response says (``Retry-After``, ``X-RateLimit-Retry-After`` or
  ``X-RateLimit-Reset``; the backoff when it says nothing), up to `max_wait_s`.
- 5xx, timeouts, dropped connections: exponential backoff (`base_delay_s` doubling, capped at
  `max_delay_s`), `retries` times.
- 401/403, other 4xx and a body that is not JSON end the pull with a one-line `PullError`.

Requests only ever go to the base URL's host: callers pass paths, never the URLs a response
names (pages are counted or walked by cursor), so credentials are never sent elsewhere.
Messages never contain the credentials (they travel in headers, which are never shown). The
sleep is injected so tests do not wait.
"""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from sddkit.errors import SddkitError

_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


class PullError(SddkitError):
    """A pull failed for good; the message is one line and holds no secret."""


@dataclass
class RetryPolicy:
    retries: int = 6
    base_delay_s: float = 2.0
    max_delay_s: float = 60.0
    max_wait_s: float = 600.0  # the longest single Retry-After we accept
    sleep: Callable[[float], None] = time.sleep
    waited_s: float = field(default=0.0, init=False)  # in all, for the run's summary

    def backoff(self, attempt: int) -> float:
        return float(min(self.base_delay_s * 2**attempt, self.max_delay_s))

    def wait(self, seconds: float) -> None:
        self.waited_s += seconds
        self.sleep(seconds)


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]  # lower-cased names
    data: Any  # the decoded JSON body

    def next_link(self) -> str | None:
        """The ``rel="next"`` URL of an RFC 8288 ``Link`` header, if any."""
        match = _LINK_NEXT.search(self.headers.get("link", ""))
        return match.group(1) if match else None


class HttpClient:
    """JSON over HTTP(S) to one helpdesk. `vendor` and `hint` (which variables hold the
    credentials) make the errors say what to fix."""

    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str],
        *,
        vendor: str,
        hint: str,
        retry: RetryPolicy | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PullError(f"{vendor}: not an http(s) URL: {base_url!r}")
        self.scheme, self.netloc = parts.scheme, parts.netloc
        self.prefix = parts.path.rstrip("/")
        self.headers = {"Accept": "application/json", "User-Agent": "sddkit", **headers}
        self.vendor, self.hint = vendor, hint
        self.retry = retry or RetryPolicy()
        self.timeout_s = timeout_s
        self._conn: http.client.HTTPConnection | None = None

    def get(
        self, path: str, params: Mapping[str, Any] | None = None, allow: tuple[int, ...] = (404,)
    ) -> Response:
        return self.request("GET", path, params, allow=allow)

    def request(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        content_type: str = "application/json",
        allow: tuple[int, ...] = (404,),
        retry_failures: bool = True,
    ) -> Response:
        """`path` is relative to the base URL. A 4xx status in `allow` is returned for the
        caller to judge; any other one is an error. `retry_failures=False` is for writes: a
        429 (refused, so not done) is still retried, but a 5xx or a dropped connection may
        have been done and is an error rather than a second write."""
        target = self._target(path, params)
        payload: bytes | None = None
        if body is not None:
            payload = (
                json.dumps(body).encode() if content_type == "application/json" else body.encode()
            )
        attempt = 0
        while True:
            try:
                status, headers, raw = self._send(method, target, payload, content_type)
            except (OSError, http.client.HTTPException) as error:
                self.close()
                reason = type(error).__name__
                status, headers, raw = 0, {}, reason.encode()
            failed = status == 0 or status >= 500
            if failed and not retry_failures:
                what = f"HTTP {status}" if status else raw.decode()
                raise PullError(f"{self.vendor}: {method} {_shown(target)}: {what} (not retried)")
            if status == 429 or failed:
                if attempt >= self.retry.retries:
                    what = f"HTTP {status}" if status else raw.decode()
                    raise PullError(
                        f"{self.vendor}: {method} {_shown(target)}: {what}, "
                        f"gave up after {attempt} retries"
                    )
                self.retry.wait(self._delay(status, headers, attempt, target))
                attempt += 1
                continue
            return self._response(method, target, status, headers, raw, allow)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _target(self, path: str, params: Mapping[str, Any] | None) -> str:
        target = self.prefix + "/" + path.lstrip("/")
        if params:
            target += "?" + urlencode(params)
        return target

    def _send(
        self, method: str, target: str, payload: bytes | None, content_type: str
    ) -> tuple[int, dict[str, str], bytes]:
        if self._conn is None:
            kind = (
                http.client.HTTPSConnection
                if self.scheme == "https"
                else http.client.HTTPConnection
            )
            self._conn = kind(self.netloc, timeout=self.timeout_s)
        headers = dict(self.headers)
        if payload is not None:
            headers["Content-Type"] = content_type
        self._conn.request(method, target, body=payload, headers=headers)
        response = self._conn.getresponse()
        raw = response.read()
        if response.will_close:
            self.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, raw

    def _delay(self, status: int, headers: Mapping[str, str], attempt: int, target: str) -> float:
        backoff = self.retry.backoff(attempt)
        after = _rate_limit_wait(headers) if status == 429 else None
        if after is None:
            return backoff
        if after > self.retry.max_wait_s:
            raise PullError(
                f"{self.vendor}: {_shown(target)}: rate limited for {after:.0f} s "
                f"(more than the {self.retry.max_wait_s:.0f} s we wait); run again later"
            )
        return max(after, 0.0)

    def _response(
        self,
        method: str,
        target: str,
        status: int,
        headers: dict[str, str],
        raw: bytes,
        allow: tuple[int, ...],
    ) -> Response:
        where = f"{self.vendor}: {method} {_shown(target)}"
        if status in (401, 403):
            raise PullError(
                f"{where}: HTTP {status}: the credentials were refused; check {self.hint}"
            )
        if status >= 400 and status not in allow:
            raise PullError(f"{where}: HTTP {status}{_detail(raw)}")
        try:
            data = json.loads(raw) if raw.strip() else None
        except (ValueError, UnicodeDecodeError):
            kind = headers.get("content-type", "no content type").split(";")[0]
            raise PullError(f"{where}: the response is not JSON ({kind}, HTTP {status})") from None
        return Response(status, headers, data)


def _rate_limit_wait(headers: Mapping[str, str]) -> float | None:
    """Seconds a 429 asks us to wait: ``Retry-After`` (Zendesk, Freshdesk), Help Scout's
    ``X-RateLimit-Retry-After``, or Intercom's ``X-RateLimit-Reset`` (epoch seconds, measured
    against the response's own ``Date`` so our clock does not matter). None: not said."""
    for name in ("retry-after", "x-ratelimit-retry-after"):
        try:
            return float(headers[name])
        except (KeyError, ValueError):
            continue
    try:
        reset = float(headers["x-ratelimit-reset"])
        now = parsedate_to_datetime(headers["date"]).timestamp()
    except (KeyError, ValueError, TypeError):
        return None
    return max(reset - now, 0.0)


def _shown(target: str) -> str:
    """The path of a request without its query (cursors are long and say nothing)."""
    return target.split("?", 1)[0]


def _detail(raw: bytes) -> str:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return ""
    if isinstance(data, dict):
        message = data.get("error") or data.get("description") or data.get("message")
        if isinstance(message, str):
            return f": {' '.join(message.split())[:200]}"
    return ""
