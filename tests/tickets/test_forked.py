from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator

import pytest

from sddkit.errors import InputError
from sddkit.tickets.forked import can_fork, forked


def _numbers() -> Iterator[tuple[int, int]]:
    for number in range(5):
        yield number, os.getpid()


def test_items_come_in_order_from_another_process() -> None:
    with forked(_numbers) as items:
        received = list(items)
    assert [number for number, _ in received] == list(range(5))
    assert {pid for _, pid in received} != {os.getpid()}


def _bad_input() -> Iterator[int]:
    yield 1
    raise InputError("x.json", "expected a time", 7, "created_at")


def test_input_error_is_raised_again_with_its_fields() -> None:
    seen: list[int] = []
    with pytest.raises(InputError) as caught, forked(_bad_input) as items:
        seen.extend(items)
    assert seen == [1]
    assert str(caught.value) == "x.json:7: created_at: expected a time"


class _Unpicklable(Exception):
    def __init__(self, first: str, second: str) -> None:
        super().__init__(first)  # unpickling calls __init__(first) alone: it fails


def _crash() -> Iterator[int]:
    raise _Unpicklable("broken", "beyond repair")
    yield 0  # pragma: no cover


def test_other_errors_come_with_the_child_traceback() -> None:
    with (
        pytest.raises(RuntimeError, match=r"(?s)_crash.*_Unpicklable: broken"),
        forked(_crash) as items,
    ):
        list(items)


def _forever() -> Iterator[int]:
    while True:
        yield os.getpid()


def test_leaving_early_ends_the_child() -> None:
    with forked(_forever) as items:
        child = next(items)
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def test_no_fork_beside_another_thread() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork()
    finally:
        stop.set()
        thread.join()
    assert can_fork() == (sys.platform.startswith("linux") and threading.active_count() == 1)
