"""The shared HTTP client's edges: foreign links, long rate limits, dropped connections."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sddkit.tickets.pull.http import HttpClient, PullError, RetryPolicy


def _client(server: HTTPServer, sleeps: list[float], **retry: float) -> HttpClient:
    policy = RetryPolicy(sleep=sleeps.append, **retry)  # type: ignore[arg-type]
    return HttpClient(
        server.url_for("/api"), {"Authorization": "Bearer s3cret"}, vendor="acme",
        hint="ACME_TOKEN", retry=policy,
    )  # fmt: skip


def test_paths_keep_the_base_and_send_the_headers(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/api/v2/tickets", query_string="page=2", headers={"Authorization": "Bearer s3cret"}
    ).respond_with_json({"ok": True}, headers={"Link": '<https://x/next?page=3>; rel="next"'})
    response = _client(httpserver, []).get("/v2/tickets", {"page": 2})
    assert response.data == {"ok": True}
    assert response.next_link() == "https://x/next?page=3"


def test_a_rate_limit_longer_than_we_wait_stops_with_a_hint(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/things").respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    with pytest.raises(PullError, match=r"rate limited for 3600 s .* run again later"):
        _client(httpserver, [], max_wait_s=600).get("things")


def test_429_without_retry_after_backs_off_then_succeeds(httpserver: HTTPServer) -> None:
    answers = iter([Response("", status=429), Response("", status=429), Response("[1]")])

    def handler(request: Request) -> Response:
        return next(answers)

    httpserver.expect_request("/api/things").respond_with_handler(handler)
    sleeps: list[float] = []
    assert _client(httpserver, sleeps).get("things").data == [1]
    assert sleeps == [2.0, 4.0]


def test_backoff_is_capped(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/things").respond_with_data("", status=503)
    sleeps: list[float] = []
    with pytest.raises(PullError, match="HTTP 503, gave up after 6 retries"):
        _client(httpserver, sleeps, max_delay_s=10).get("things")
    assert sleeps == [2.0, 4.0, 8.0, 10.0, 10.0, 10.0]


def test_a_lost_connection_is_retried() -> None:
    server = HTTPServer()  # its own server: the shared one must keep running
    server.start()
    server.expect_request("/api/things").respond_with_json({"n": 1})
    client = _client(server, [])
    assert client.get("things").data == {"n": 1}
    server.stop()  # the kept-alive connection is gone, and nothing listens
    sleeps: list[float] = []
    client.retry = RetryPolicy(retries=1, sleep=sleeps.append)
    with pytest.raises(PullError, match=r"acme: GET /api/things: \w+Error, gave up after 1"):
        client.get("things")
    assert sleeps == [2.0]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),  # Zendesk, Freshdesk
        ({"X-RateLimit-Retry-After": "11"}, 11.0),  # Help Scout
        # Intercom: the reset time, measured against the response's own Date
        ({"X-RateLimit-Reset": "1793613630", "Date": "Mon, 02 Nov 2026 10:00:00 GMT"}, 30.0),
        ({"Retry-After": "Mon, 02 Nov 2026 10:00:00 GMT"}, 2.0),  # a date: the backoff
    ],
)
def test_each_vendors_rate_limit_header_is_honoured(
    httpserver: HTTPServer, headers: dict[str, str], expected: float
) -> None:
    answers = iter([Response("", status=429, headers=headers), Response("{}")])
    httpserver.expect_request("/api/things").respond_with_handler(lambda _: next(answers))
    sleeps: list[float] = []
    _client(httpserver, sleeps).get("things")
    assert sleeps == [expected]


def test_429s_never_use_up_the_retries_meant_for_failures(httpserver: HTTPServer) -> None:
    """Issue 22, finding 4: seven 429s ended a pull ("gave up after 6 retries"); five 429s
    then a 503 waited 60 s."""
    limited = [Response("", status=429, headers={"Retry-After": "1"}) for _ in range(7)]
    answers = iter([*limited, Response("[1]")])
    httpserver.expect_request("/api/things").respond_with_handler(lambda _: next(answers))
    sleeps: list[float] = []
    client = _client(httpserver, sleeps)
    assert client.get("things").data == [1]
    assert sleeps == [1.0] * 7 and client.retry.rate_limited == 7
    answers = iter([*limited[:5], Response("", status=503), Response("[2]")])
    sleeps.clear()
    assert client.get("things").data == [2]
    assert sleeps == [1.0] * 5 + [2.0]  # the 503 is the first failure: the first backoff


def test_rate_limits_have_their_own_budget(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/things").respond_with_data(
        "", status=429, headers={"Retry-After": "400"}
    )
    with pytest.raises(PullError, match=r"still rate limited after 800 s of waiting; run again"):
        _client(httpserver, [], rate_limit_budget_s=1000).get("things")


def test_a_refused_token_is_renewed_once(httpserver: HTTPServer) -> None:
    answers = iter([Response('{"error": "invalid_token"}', status=401), Response("[1]")])
    httpserver.expect_request("/api/things").respond_with_handler(lambda _: next(answers))
    client = _client(httpserver, [])
    renewed: list[bool] = []
    client.refresh = lambda: renewed.append(True)
    assert client.get("things").data == [1] and renewed == [True]
    httpserver.clear()
    httpserver.expect_request("/api/things").respond_with_data(
        '{"error": "invalid_token", "error_description": "The token was revoked"}', status=401
    )
    with pytest.raises(PullError) as caught:
        client.get("things")
    assert str(caught.value) == (
        "acme: GET /api/things: HTTP 401: invalid_token; The token was revoked: the credentials"
        " were refused even after a new token was fetched; check ACME_TOKEN"
    )


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ('{"type": "error.list", "errors": [{"code": "parameter_invalid", "message": '
         '"Cursor expired"}]}', ": Cursor expired"),  # Intercom
        ('{"description": "Validation failed", "errors": [{"field": "updated_since", '
         '"message": "It should be a valid date", "code": "invalid_value"}]}',
         ": Validation failed; updated_since: It should be a valid date"),  # Freshdesk
        ('{"error": "StartTimeTooRecent", "description": "Too recent a start_time."}',
         ": StartTimeTooRecent; Too recent a start_time."),  # Zendesk
        ('{"error": {"title": "Forbidden", "message": "You do not have access"}}',
         ": Forbidden; You do not have access"),  # Zendesk, newer
        ('{"message": "Validation error", "_embedded": {"errors": [{"path": "page", '
         '"message": "must be greater than 0"}]}}',
         ": Validation error; page: must be greater than 0"),  # Help Scout
        ("<html>oops</html>", ""),
    ],
)  # fmt: skip
def test_errors_quote_the_vendors_own_message(httpserver: HTTPServer, body: str, said: str) -> None:
    httpserver.expect_request("/api/things").respond_with_data(body, status=400)
    with pytest.raises(PullError) as caught:
        _client(httpserver, []).get("things")
    assert str(caught.value) == f"acme: GET /api/things: HTTP 400{said}"
