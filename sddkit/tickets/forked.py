"""Running a generator in a forked child process, so that an import's reading side (parsing,
converting, detecting languages, building rows) and its writing side (SQLite) each get a core.

The child sends each item through a pipe (pickled); the pipe's small buffer keeps it at most
an item or two ahead, so memory stays bounded. An exception in the child is raised again in
the parent: the project's own errors (dataclasses, such as `InputError`) field by field, others
pickled, or, when they cannot be, as a `RuntimeError` carrying the child's traceback. Fork is
used only where it is safe and cheap: on Linux, from a process with no other thread (a thread
holding a lock at the fork would leave the child stuck on it).
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")
_ITEM, _DONE, _ERROR = range(3)


def can_fork() -> bool:
    return sys.platform.startswith("linux") and threading.active_count() == 1


@contextmanager
def forked(produce: Callable[[], Iterator[T]]) -> Iterator[Iterator[T]]:
    """The items of `produce()`, made in a child process. Leaving the block early (an error
    in the parent) kills the child."""
    context = multiprocessing.get_context("fork")
    for stream in (sys.stdout, sys.stderr):  # else the child would write their buffers again
        stream.flush()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_run, args=(produce, sender), daemon=True)
    child.start()
    sender.close()
    try:
        yield _receive(receiver, child)
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _receive(receiver: Connection, child: Any) -> Iterator[T]:
    while True:
        try:
            kind, payload = receiver.recv()
        except EOFError:
            child.join()
            message = f"the import's reading process died (exit code {child.exitcode})"
            raise RuntimeError(message) from None
        if kind == _DONE:
            return
        if kind == _ERROR:
            raise _rebuilt(payload)
        yield payload


def _run(produce: Callable[[], Iterator[Any]], sender: Connection) -> None:
    # Ctrl-C reaches the whole process group: the parent handles it (and kills the child).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for item in produce():
            sender.send((_ITEM, item))
        sender.send((_DONE, None))
    except BaseException as error:  # every failure goes to the parent
        with contextlib.suppress(OSError):  # unless it is gone: then quietly end
            sender.send((_ERROR, _portable(error)))
    finally:
        sender.close()


def _portable(error: BaseException) -> Any:
    if dataclasses.is_dataclass(error):
        fields = {field.name: getattr(error, field.name) for field in dataclasses.fields(error)}
        return type(error), fields
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # not picklable: its traceback instead
        return RuntimeError("".join(traceback.format_exception(error)))
    return error


def _rebuilt(payload: Any) -> BaseException:
    if isinstance(payload, tuple):
        kind, fields = payload
        error: BaseException = kind(**fields)
        return error
    assert isinstance(payload, BaseException)
    return payload
