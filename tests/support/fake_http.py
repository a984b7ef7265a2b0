"""Serving a fake helpdesk API on loopback: a threaded `http.server` speaking HTTP/1.1.

A fake is any object with a `url` attribute (set here) and an ``answer(method, target,
headers, body)`` method returning (status, headers, content type, body text). `Fault`s script
failures (429 with Retry-After, 5xx, HTML) for requests whose path contains a given text.
No pytest needed, so bench/pull.py serves the fakes too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
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


@contextmanager
def serve(fake: F) -> Iterator[F]:
    """Run `fake` on a free loopback port; `fake.url` is its base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms stalls

        def _reply(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            received = self.rfile.read(length) if length else b""
            status, headers, kind, body = fake.answer(method, self.path, self.headers, received)
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
