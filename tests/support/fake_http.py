"""Serving a fake helpdesk API on loopback: a threaded `http.server` speaking HTTP/1.1.

A fake is any object with a `url` attribute (set here) and an ``answer(method, target,
headers, body)`` method returning (status, headers, content type, body text). `Fault`s script
failures (429 with Retry-After, 5xx, HTML) for requests whose path contains a given text.
A fake with a `limiter` (a `RateLimiter`) enforces a vendor's rate limit the way the vendor
documents it: its headers on every answer, 429 beyond the limit; a `latency_s` delays every
answer like a distant server. No pytest needed, so
bench/pull.py serves the fakes too.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, TypeVar

Answer = tuple[int, Mapping[str, str], str, str]  # status, headers, content type, body


class Fake(Protocol):
    url: str

    def answer(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> Answer: ...


F = TypeVar("F", bound=Fake)


@dataclass
class Fault:
    path_contains: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = '{"error": "fault"}'
    content_type: str = "application/json"
    times: int = 1


def scripted(faults: list[Fault], path: str) -> Answer | None:
    """The first fault left for `path`, used up once."""
    for fault in faults:
        if fault.times > 0 and fault.path_contains in path:
            fault.times -= 1
            return fault.status, fault.headers, fault.content_type, fault.body
    return None


@dataclass
class Held:
    """Wraps a fake: the `nth` write (any method but GET) is done, then its answer is held
    until `release` is set; `reached` is set meanwhile. For killing a client mid-write."""

    inner: Fake
    nth: int = 1
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    writes: int = 0

    @property
    def url(self) -> str:
        return self.inner.url

    @url.setter
    def url(self, value: str) -> None:
        self.inner.url = value

    def answer(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Answer:
        answer = self.inner.answer(method, target, headers, body)
        if method != "GET" and "/oauth2/" not in target and answer[0] < 300:
            self.writes += 1
            if self.writes == self.nth:
                self.reached.set()
                self.release.wait(timeout=60)
        return answer


@dataclass
class RateLimiter:
    """A sliding-window limit of `per_minute` requests (and `routes`: path -> its own limit),
    answered in one vendor's `style`: zendesk, freshdesk, helpscout or intercom (whose
    window is 10 seconds). A shorter `window_s` makes a burst show in a short test."""

    per_minute: float
    style: str
    routes: dict[str, float] = field(default_factory=dict)
    window_s: float | None = None  # None: the vendor's own
    clock: Callable[[], float] = time.monotonic
    rejected: int = 0
    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, path: str) -> tuple[bool, dict[str, str]]:
        """(admitted, the headers to answer with)."""
        window = self.window_s or (10.0 if self.style == "intercom" else 60.0)
        limit = self.per_minute * window / 60.0
        with self._lock:
            now = self.clock()
            checks = [("", limit)]
            if path in self.routes:
                checks.append((path, self.routes[path] * window / 60.0))
            for key, allowed in checks:
                seen = self._seen.setdefault(key, deque())
                while seen and seen[0] <= now - window:
                    seen.popleft()
                if len(seen) >= allowed:
                    self.rejected += 1
                    wait = max(seen[0] + window - now, 0.001)
                    return False, self._headers(limit, 0, wait, now)
            for key, _ in checks:
                self._seen[key].append(now)
            remaining = int(limit - len(self._seen[""]))
            return True, self._headers(limit, remaining, None, now)

    def _headers(
        self, limit: float, remaining: int, wait: float | None, now: float
    ) -> dict[str, str]:
        # The headers count a minute (Intercom: 10 seconds), whatever window is enforced.
        shown = str(int(self.per_minute / 6 if self.style == "intercom" else self.per_minute))
        if self.style == "zendesk":
            headers = {"X-Rate-Limit": shown, "X-Rate-Limit-Remaining": str(remaining)}
        elif self.style == "freshdesk":
            headers = {"X-RateLimit-Total": shown, "X-RateLimit-Remaining": str(remaining)}
        elif self.style == "helpscout":
            headers = {"X-RateLimit-Limit-Minute": shown,
                       "X-RateLimit-Remaining-Minute": str(remaining)}  # fmt: skip
        else:  # Intercom: the reset time, not a wait
            reset = int(time.time() + (wait if wait is not None else 10.0)) + 1
            return {"X-RateLimit-Limit": shown, "X-RateLimit-Remaining": str(remaining),
                    "X-RateLimit-Reset": str(reset)}  # fmt: skip
        if wait is not None:
            name = "X-RateLimit-Retry-After" if self.style == "helpscout" else "Retry-After"
            headers[name] = f"{wait:.3f}"
        return headers


@contextmanager
def serve(fake: F) -> Iterator[F]:
    """Run `fake` on a free loopback port; `fake.url` is its base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms stalls

        def _reply(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            received = self.rfile.read(length) if length else b""
            time.sleep(getattr(fake, "latency_s", 0.0))  # a real server's time to answer
            limiter: RateLimiter | None = getattr(fake, "limiter", None)
            admitted, limits = limiter.admit(self.path.split("?")[0]) if limiter else (True, {})
            if admitted:
                status, headers, kind, body = fake.answer(method, self.path, self.headers, received)
                headers = {**headers, **limits}
            else:
                status, headers, kind = 429, limits, "application/json"
                body = '{"error": "rate limited"}'

            data = body.encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._reply("GET")

        def do_POST(self) -> None:
            self._reply("POST")

        def do_PUT(self) -> None:
            self._reply("PUT")

        def log_message(self, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client killed mid-request (bench/pull.py does that on purpose)

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
