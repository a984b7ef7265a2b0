"""The one HTTP client every helpdesk pull goes through (stdlib `http.client`, kept alive).

- Before each request the `Pacer` (if any) spaces it to the vendor's rate limit, so 429s are
  the exception; it reads the rate-limit headers of every response.
- 429: wait as long as the response says (``Retry-After``, ``X-RateLimit-Retry-After`` or
  ``X-RateLimit-Reset``; the backoff when it says nothing), up to `max_wait_s` at a time and
  `rate_limit_budget_s` in all for one request. A 429 is the vendor asking us to slow down,
  not a failure: it never uses up the retries meant for 5xx.
- 5xx, timeouts, dropped connections: exponential backoff (`base_delay_s` doubling, capped at
  `max_delay_s`), `retries` times.
- 401: `refresh` (if given: a new OAuth token) and one more try; then, like 403, other 4xx
  and a body that is not JSON, a one-line `PullError` that quotes the vendor's own message.

Requests only ever go to the base URL's host: callers pass paths, never the URLs a response
names (pages are counted or walked by cursor), so credentials are never sent elsewhere.
Messages never contain the credentials (they travel in headers, which are never shown). The
sleep is injected so tests do not wait.
"""

from __future__ import annotations

import copy
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
from sddkit.tickets.pull.pacing import Pacer

_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


class PullError(SddkitError):
    """A pull failed for good; the message is one line and holds no secret."""


@dataclass
class RetryPolicy:
    retries: int = 6
    base_delay_s: float = 2.0
    max_delay_s: float = 60.0
    max_wait_s: float = 600.0  # the longest single Retry-After we accept
    rate_limit_budget_s: float = 3600.0  # the most one request waits out 429s, in all
    sleep: Callable[[float], None] = time.sleep
    waited_s: float = field(default=0.0, init=False)  # in all, for the run's summary
    rate_limited: int = field(default=0, init=False)  # 429s answered, for the summary

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
        pacer: Pacer | None = None,
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
        self.pacer = pacer
        self.refresh: Callable[[], None] | None = None  # renews expired credentials
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
        attempt = limited = 0
        refreshed = False
        rate_limit_waited = 0.0
        while True:
            status, headers, raw = self._exchange(method, target, payload, content_type)
            if status == 429:
                delay = self._delay(status, headers, limited, target)
                rate_limit_waited += delay
                if rate_limit_waited > self.retry.rate_limit_budget_s:
                    raise PullError(
                        f"{self.vendor}: {method} {_shown(target)}: still rate limited after "
                        f"{rate_limit_waited - delay:.0f} s of waiting; run again later"
                    )
                self.retry.rate_limited += 1
                self.retry.wait(delay)
                limited += 1
                continue
            if status == 0 or status >= 500:
                if not retry_failures:
                    what = f"HTTP {status}{_detail(raw)}" if status else raw.decode()
                    raise PullError(
                        f"{self.vendor}: {method} {_shown(target)}: {what} (not retried)"
                    )
                if attempt >= self.retry.retries:
                    what = f"HTTP {status}{_detail(raw)}" if status else raw.decode()
                    raise PullError(
                        f"{self.vendor}: {method} {_shown(target)}: {what}, "
                        f"gave up after {attempt} retries"
                    )
                self.retry.wait(self._delay(status, headers, attempt, target))
                attempt += 1
                continue
            if status == 401 and 401 not in allow and self.refresh and not refreshed:
                self.refresh()
                refreshed = True
                continue
            return self._response(method, target, status, headers, raw, allow, refreshed)

    def _exchange(
        self, method: str, target: str, payload: bytes | None, content_type: str
    ) -> tuple[int, dict[str, str], bytes]:
        """One request, paced; a failure to connect or read is status 0."""
        if self.pacer is not None:
            self.pacer.before(_shown(target)[len(self.prefix) :])
        try:
            status, headers, raw = self._send(method, target, payload, content_type)
        except (OSError, http.client.HTTPException) as error:
            self.close()
            return 0, {}, type(error).__name__.encode()
        if self.pacer is not None:
            self.pacer.after(headers)
        return status, headers, raw

    def clone(self) -> HttpClient:
        """The same client on a connection of its own (for another thread): credentials,
        retry policy and pacer are shared."""
        twin = copy.copy(self)
        twin._conn = None
        return twin

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
        refreshed: bool = False,
    ) -> Response:
        where = f"{self.vendor}: {method} {_shown(target)}"
        if status in (401, 403) and status not in allow:
            again = " even after a new token was fetched" if refreshed else ""
            raise PullError(
                f"{where}: HTTP {status}{_detail(raw)}: the credentials were refused{again};"
                f" check {self.hint}"
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
    """``: <the vendor's own message>`` from an error body, or "" when it has none: Zendesk
    ``error`` + ``description`` (or ``error.title``/``message``), Freshdesk ``description`` +
    ``errors[].message``, Intercom ``errors[].message``, Help Scout ``message`` +
    ``_embedded.errors[].message``, OAuth ``error`` + ``error_description``."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return ""
    return said(data)


def said(data: Any) -> str:
    """`_detail` of an error body already decoded."""
    if not isinstance(data, dict):
        return ""
    found: list[str] = []

    def add(value: Any) -> None:
        if isinstance(value, dict):
            for key in ("title", "message"):
                add(value.get(key))
        elif isinstance(value, str) and value.strip():
            text = "".join(c for c in " ".join(value.split()) if c.isprintable())
            if text not in found:
                found.append(text)

    for key in ("error", "error_description", "description", "message"):
        add(data.get(key))
    embedded = data.get("_embedded")
    errors = data.get("errors") or (embedded.get("errors") if isinstance(embedded, dict) else None)
    for item in errors if isinstance(errors, list) else []:
        if isinstance(item, dict):
            field_name = item.get("field") or item.get("path")
            message = item.get("message") or item.get("code")
            if isinstance(message, str):
                add(f"{field_name}: {message}" if isinstance(field_name, str) else message)
    text = "; ".join(found)
    return f": {text[:300]}" if text else ""
