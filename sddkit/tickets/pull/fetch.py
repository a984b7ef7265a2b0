"""Fetching many tickets' details at once: a few requests in flight, as a real helpdesk's
latency (100-300 ms a request) would otherwise hold a pull far below the rate limit.

Each worker thread has its own connection (`HttpClient.clone`); they share the credentials,
the retry policy and the `Pacer`, which still spaces every request to the vendor's limit. The
results come back in the order of the items, and the first error ends the fetch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sddkit.tickets.pull.http import HttpClient

T = TypeVar("T")
R = TypeVar("R")


def fetch_all(
    client: HttpClient, items: Sequence[T], fetch: Callable[[HttpClient, T], R], workers: int
) -> list[R]:
    """`fetch(client, item)` for every item, `workers` at a time."""
    if workers <= 1 or len(items) <= 1:
        return [fetch(client, item) for item in items]
    local = threading.local()
    clones: list[HttpClient] = []

    def one(item: T) -> R:
        own = getattr(local, "client", None)
        if own is None:
            own = local.client = client.clone()
            clones.append(own)
        return fetch(own, item)

    try:
        with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
            return list(pool.map(one, items))
    finally:
        for clone in clones:
            clone.close()
