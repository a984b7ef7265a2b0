"""What a keyset walk has already handed on, so the overlap of its steps is not handed twice.

A walk that restarts each request at the newest change seen (less a second) reads some
records again, possibly several steps later; `Handed` remembers (id, change time) pairs for
as long as a request can still return them, i.e. until the keyset moves past their time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

Key = Callable[[Mapping[str, Any]], tuple[Any, float] | None]  # record -> (id, change time)


class Handed:
    def __init__(self, key: Key) -> None:
        self.key = key
        self.pairs: dict[tuple[Any, float], None] = {}

    def fresh(self, batch: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """The records of `batch` not handed on yet (a record without a key always is)."""
        result = []
        for record in batch:
            pair = self.key(record)
            if pair is None or pair not in self.pairs:
                result.append(record)
                if pair is not None:
                    self.pairs[pair] = None
        return result

    def forget_before(self, moment: float) -> None:
        """The keyset starts at `moment`: older records cannot come back."""
        self.pairs = {pair: None for pair in self.pairs if pair[1] >= moment}
