"""The embedding cache on a real SQLite file: computed once per text and model."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from sddkit.store import migrate, open_store, schema_version
from sddkit.themes.embed import Vectors, normalize_rows
from sddkit.themes.store import MIGRATIONS
from sddkit.themes.vector_cache import cached_vectors, prune_vectors, text_key, vector_count

DIM = 8


def fake_vector(text: str) -> Vectors:
    rng = np.random.default_rng(int.from_bytes(text_key(text)[:8], "little"))
    row: Vectors = normalize_rows(rng.normal(size=(1, DIM)))[0]
    return row


class Spy:
    """A compute function that records every text it was asked to embed."""

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.calls: list[list[str]] = []
        self.fail_on_call = fail_on_call

    def __call__(self, texts: list[str]) -> Vectors:
        self.calls.append(list(texts))
        if self.fail_on_call == len(self.calls):
            raise RuntimeError("model crashed")
        return np.stack([fake_vector(t) for t in texts]).astype(np.float32)

    @property
    def texts(self) -> list[str]:
        return [t for call in self.calls for t in call]


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    connection = open_store(tmp_path / "sddkit.db")
    yield connection
    connection.close()


def test_first_call_computes_and_second_computes_nothing(conn: sqlite3.Connection) -> None:
    texts = ["export fails", "dark mode please", "где фактура"]
    first, second = Spy(), Spy()
    cold = cached_vectors(conn, "m", texts, first)
    warm = cached_vectors(conn, "m", texts, second)
    assert first.texts == texts
    assert second.texts == []
    assert cold.dtype == np.float32 and cold.shape == (3, DIM)
    np.testing.assert_array_equal(cold, warm)  # same values whether computed or read back


def test_only_new_texts_are_computed(conn: sqlite3.Connection) -> None:
    cached_vectors(conn, "m", ["a", "b"], Spy())
    spy = Spy()
    result = cached_vectors(conn, "m", ["c", "a", "d", "b"], spy)
    assert spy.texts == ["c", "d"]
    expected = np.stack([fake_vector(t) for t in ["c", "a", "d", "b"]])
    np.testing.assert_allclose(result, expected, atol=1e-3)
    assert vector_count(conn, "m") == 4


def test_duplicates_are_computed_once_across_batches(conn: sqlite3.Connection) -> None:
    spy = Spy()
    texts = ["x", "y", "x", "z", "y", "x", "w"]
    result = cached_vectors(conn, "m", texts, spy, batch=2)
    assert sorted(spy.texts) == ["w", "x", "y", "z"]
    assert all(len(call) <= 2 for call in spy.calls)
    np.testing.assert_array_equal(result[0], result[2])
    np.testing.assert_array_equal(result[0], result[5])
    assert vector_count(conn, "m") == 4


def test_model_ids_do_not_share_rows(conn: sqlite3.Connection) -> None:
    cached_vectors(conn, "model-a", ["same text"], Spy())
    spy = Spy()
    cached_vectors(conn, "model-b", ["same text"], spy)
    assert spy.texts == ["same text"]
    assert vector_count(conn, "model-a") == 1
    assert vector_count(conn, "model-b") == 1


def test_vectors_round_trip_within_float16_precision(tmp_path: Path) -> None:
    texts = [f"ticket {i}" for i in range(300)]
    exact = np.stack([fake_vector(t) for t in texts])
    first = open_store(tmp_path / "a.db")
    cached_vectors(first, "m", texts, Spy())
    first.close()
    reopened = open_store(tmp_path / "a.db")
    spy = Spy()
    back = cached_vectors(reopened, "m", texts, spy)
    reopened.close()
    assert spy.texts == []
    assert np.abs(back - exact).max() < 1e-3
    cosines = np.sum(back * exact, axis=1) / np.linalg.norm(back, axis=1)
    assert np.abs(cosines - 1).max() < 1e-3


def test_a_failing_compute_leaves_no_rows_of_that_call(conn: sqlite3.Connection) -> None:
    cached_vectors(conn, "m", ["kept"], Spy())
    with pytest.raises(RuntimeError, match="crashed"):
        cached_vectors(conn, "m", ["a", "b", "c", "d", "e"], Spy(fail_on_call=2), batch=2)
    assert vector_count(conn, "m") == 1
    assert not conn.in_transaction
    spy = Spy()
    cached_vectors(conn, "m", ["kept", "a", "b"], spy)
    assert spy.texts == ["a", "b"]


def test_prune_keeps_only_the_given_texts_of_that_model(conn: sqlite3.Connection) -> None:
    cached_vectors(conn, "m", ["a", "b", "c"], Spy())
    cached_vectors(conn, "other", ["a", "b"], Spy())
    assert prune_vectors(conn, "m", ["b", "unknown"]) == 2
    assert vector_count(conn, "m") == 1
    assert vector_count(conn, "other") == 2
    spy = Spy()
    cached_vectors(conn, "m", ["a", "b"], spy)
    assert spy.texts == ["a"]


def test_no_texts_compute_nothing(conn: sqlite3.Connection) -> None:
    spy = Spy()
    assert cached_vectors(conn, "m", [], spy).shape == (0, 0)
    assert spy.calls == []


def test_a_store_migrated_before_the_cache_existed_is_upgraded(conn: sqlite3.Connection) -> None:
    migrate(conn, "themes", MIGRATIONS[:2])
    cached_vectors(conn, "m", ["a"], Spy())
    assert schema_version(conn, "themes") == len(MIGRATIONS)
    assert vector_count(conn, "m") == 1


def test_a_changed_dimension_is_refused(conn: sqlite3.Connection) -> None:
    cached_vectors(conn, "m", ["a"], Spy())

    def wider(texts: list[str]) -> Vectors:
        return np.full((len(texts), DIM * 2), 1 / DIM, dtype=np.float32)

    with pytest.raises(ValueError, match="dimension"):
        cached_vectors(conn, "m", ["a", "b"], wider)
    assert vector_count(conn, "m") == 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (np.ones((1, DIM), dtype=np.float32), "expected 2 vectors"),
        (np.full((2, DIM), 1e6, dtype=np.float32), "range"),
        (np.full((2, DIM), np.nan, dtype=np.float32), "NaN"),
    ],
)
def test_bad_vectors_from_compute_are_refused(
    conn: sqlite3.Connection, rows: Vectors, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        cached_vectors(conn, "m", ["a", "b"], lambda texts: rows)
    assert vector_count(conn, "m") == 0
