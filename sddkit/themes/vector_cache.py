"""Embeddings kept in the store, so each ticket text is embedded once per model.

Rows of `theme_vectors` are keyed by the model id and a 16-byte BLAKE2b digest of the
UTF-8 text (the text itself is not stored). A vector is stored as little-endian float16:
half the size of float32, and the rounding (relative error <= 2**-11 per component) moves a
cosine between unit vectors by about 1e-3 at most, far below what clustering can tell apart.
Values beyond float16's range (|x| > 65504) are refused, so store normalised vectors.

`cached_vectors` always returns the float16-rounded values, whether a row was just computed
or read back, so a run gives the same result with a cold or a warm cache. Computed vectors
are written in one transaction after every batch succeeded: a failure leaves no row of that
call, and the write lock is held only for the insert, not while computing.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
from numpy.typing import NDArray

from sddkit.store import transaction
from sddkit.themes.embed import Vectors, batches
from sddkit.themes.store import ensure_schema

STORED = np.dtype("<f2")
_LOOKUP_CHUNK = 900  # keys per `IN (...)` query, well under SQLite's variable limit


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def cached_vectors(
    conn: sqlite3.Connection,
    model_id: str,
    texts: Sequence[str],
    compute: Callable[[list[str]], Vectors],
    *,
    batch: int = 4096,
) -> Vectors:
    """Float32 rows for `texts`: cached ones read back, missing distinct texts computed by
    `compute` (at most `batch` per call) and stored. Not inside an open transaction.

    Zero texts give an array of shape (0, 0).
    """
    if batch < 1:
        raise ValueError(f"batch must be at least 1, not {batch}")
    ensure_schema(conn)
    slot_of: dict[bytes, int] = {}
    index = np.fromiter(
        (slot_of.setdefault(text_key(t), len(slot_of)) for t in texts),
        dtype=np.intp,
        count=len(texts),
    )
    keys = list(slot_of)
    table = _Table(len(keys))
    found = _read(conn, model_id, keys, table)
    missing = np.flatnonzero(~found)
    if missing.size:
        first_text = dict(zip(index.tolist(), texts, strict=True))  # unique slot -> its text
        for part in batches(missing.size, batch):
            slots = missing[part]
            table.put(slots, _to_stored(compute([first_text[s] for s in slots.tolist()])))
        _write(conn, model_id, [keys[s] for s in missing.tolist()], table.rows_bytes(missing))
    return table.as_float32(index, batch)


def vector_count(conn: sqlite3.Connection, model_id: str) -> int:
    ensure_schema(conn)
    row = conn.execute(
        "SELECT count(*) FROM theme_vectors WHERE model_id = ?", (model_id,)
    ).fetchone()
    return int(row[0])


def prune_vectors(conn: sqlite3.Connection, model_id: str, keep_texts: Iterable[str]) -> int:
    """Delete the rows of `model_id` whose text is not in `keep_texts`; returns how many."""
    ensure_schema(conn)
    keep = {text_key(t) for t in keep_texts}
    stored = conn.execute("SELECT text_hash FROM theme_vectors WHERE model_id = ?", (model_id,))
    doomed = [(model_id, bytes(row[0])) for row in stored if bytes(row[0]) not in keep]
    with transaction(conn):
        conn.executemany("DELETE FROM theme_vectors WHERE model_id = ? AND text_hash = ?", doomed)
    return len(doomed)


class _Table:
    """The float16 vectors of the distinct texts, allocated once the dimension is known."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.data: NDArray[np.float16] | None = None

    def put(self, slots: NDArray[np.intp], rows: NDArray[np.float16]) -> None:
        if rows.ndim != 2 or rows.shape[0] != len(slots) or rows.shape[1] == 0:
            raise ValueError(f"expected {len(slots)} vectors, got an array of shape {rows.shape}")
        if self.data is None:
            self.data = np.empty((self.count, rows.shape[1]), dtype=STORED)
        if rows.shape[1] != self.data.shape[1]:
            raise ValueError(
                f"vector dimension {rows.shape[1]} differs from {self.data.shape[1]}"
                " (a changed model needs a new model id)"
            )
        self.data[slots] = rows

    def as_float32(self, slots: NDArray[np.intp], batch: int) -> Vectors:
        """The rows at `slots` as float32, converted a batch at a time (no float16 copy)."""
        result: Vectors = np.empty((len(slots), self.dim), dtype=np.float32)
        for part in batches(len(slots), batch):
            result[part] = self.rows(slots[part])
        return result

    @property
    def dim(self) -> int:
        return 0 if self.data is None else int(self.data.shape[1])

    def rows_bytes(self, slots: NDArray[np.intp]) -> Iterator[bytes]:
        data = self.data
        return iter(()) if data is None else (data[slot].tobytes() for slot in slots.tolist())

    def rows(self, slots: NDArray[np.intp]) -> NDArray[np.float16]:
        if self.data is None:
            return np.empty((len(slots), 0), dtype=STORED)
        return self.data[slots]


def _to_stored(vectors: Vectors) -> NDArray[np.float16]:
    rows = np.asarray(vectors, dtype=np.float32)
    if rows.size and np.abs(rows).max() > np.finfo(np.float16).max:
        raise ValueError("vector values exceed float16's range; store normalised vectors")
    if not np.isfinite(rows).all():
        raise ValueError("vectors contain NaN or infinity")
    return rows.astype(STORED)


def _read(
    conn: sqlite3.Connection, model_id: str, keys: list[bytes], table: _Table
) -> NDArray[np.bool_]:
    """Put the cached vectors of `keys` into `table`; True where a key was found."""
    found = np.zeros(len(keys), dtype=bool)
    slot_of = {key: slot for slot, key in enumerate(keys)}
    for part in batches(len(keys), _LOOKUP_CHUNK):
        chunk = keys[part]
        rows = conn.execute(
            "SELECT text_hash, vector FROM theme_vectors WHERE model_id = ?"
            f" AND text_hash IN ({','.join('?' * len(chunk))})",
            (model_id, *chunk),
        ).fetchall()
        if not rows:
            continue
        slots = np.fromiter((slot_of[bytes(r[0])] for r in rows), dtype=np.intp, count=len(rows))
        if len({len(r[1]) for r in rows}) != 1:
            raise ValueError(f"cached vectors of {model_id!r} differ in dimension")
        blob = b"".join(r[1] for r in rows)
        table.put(slots, np.frombuffer(blob, dtype=STORED).reshape(len(rows), -1))
        found[slots] = True
    return found


def _write(
    conn: sqlite3.Connection, model_id: str, keys: list[bytes], blobs: Iterable[bytes]
) -> None:
    with transaction(conn):
        conn.executemany(
            "INSERT INTO theme_vectors(model_id, text_hash, vector) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            ((model_id, key, blob) for key, blob in zip(keys, blobs, strict=True)),
        )
