"""Fetching details a few at a time: order kept, one connection per worker, errors surface."""

from __future__ import annotations

import threading
import time
from typing import Any, cast

import pytest

from sddkit.tickets.pull.fetch import fetch_all
from sddkit.tickets.pull.http import HttpClient, PullError


class Client:
    def __init__(self, clones: list[Client]) -> None:
        self.clones, self.closed = clones, False

    def clone(self) -> Client:
        twin = Client(self.clones)
        self.clones.append(twin)
        return twin

    def close(self) -> None:
        self.closed = True


def test_results_keep_the_items_order_and_each_worker_has_a_connection() -> None:
    clones: list[Client] = []
    in_flight, most = 0, 0
    lock = threading.Lock()

    def fetch(client: Any, item: int) -> tuple[int, int]:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        time.sleep(0.01 * (item % 3))
        with lock:
            in_flight -= 1
        return item, id(client)

    results = fetch_all(cast(HttpClient, Client(clones)), list(range(12)), fetch, workers=4)
    assert [item for item, _ in results] == list(range(12))
    assert 1 < most <= 4 and 1 < len(clones) <= 4
    assert {client for _, client in results} == {id(c) for c in clones}
    assert all(c.closed for c in clones)


def test_the_first_error_ends_the_fetch() -> None:
    def fetch(client: Any, item: int) -> int:
        if item == 3:
            raise PullError("acme: GET /things/3: HTTP 500")
        return item

    with pytest.raises(PullError, match="things/3"):
        fetch_all(cast(HttpClient, Client([])), list(range(8)), fetch, workers=3)


def test_one_worker_uses_the_client_itself() -> None:
    client = Client([])
    assert fetch_all(cast(HttpClient, client), [1, 2], lambda c, i: (c is client, i), 1) == [
        (True, 1),
        (True, 2),
    ]
