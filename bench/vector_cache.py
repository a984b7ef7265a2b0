"""Time to store and read back cached embeddings (themes.vector_cache), and the DB size.

    python bench/vector_cache.py [--count 100000] [--dim 512]

In a fresh SQLite file: a cold call (every vector "computed" as random unit rows, so the time
is the cache's own: hashing, float16 conversion, insert), a warm call (all read back), a call
with 5% new texts, then the file size and the worst cosine error of the float16 round trip.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

from sddkit.store import open_store
from sddkit.themes.embed import Vectors, normalize_rows
from sddkit.themes.vector_cache import cached_vectors, vector_count

T = TypeVar("T")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--dim", type=int, default=512)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    computed: list[Vectors] = []
    compute_s = [0.0]

    def compute(texts: list[str]) -> Vectors:
        started = time.perf_counter()
        rows = normalize_rows(rng.normal(size=(len(texts), args.dim)))
        computed.append(rows)
        compute_s[0] += time.perf_counter() - started
        return rows

    texts = [f"ticket {i}: the export of report {i % 977} fails" for i in range(args.count)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sddkit.db"
        conn = open_store(path)
        cold, cold_s = _timed(lambda: cached_vectors(conn, "bench", texts, compute))
        cold_s -= compute_s[0]
        error = _worst_cosine_error(cold, np.concatenate(computed))
        computed.clear()
        warm, warm_s = _timed(lambda: cached_vectors(conn, "bench", texts, compute))
        assert np.array_equal(cold, warm)
        del cold, warm
        tracemalloc.start()
        cached_vectors(conn, "bench", texts, compute)
        warm_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        more = texts + [f"new ticket {i}" for i in range(args.count // 20)]
        _, more_s = _timed(lambda: cached_vectors(conn, "bench", more, compute))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = path.stat().st_size
        count = vector_count(conn, "bench")
        conn.close()
    print(f"{args.count:,} vectors of {args.dim} dims (float16 in the store)")
    print(f"  write (cold call, compute excluded): {cold_s:6.2f} s")
    print(f"  read back (warm call):               {warm_s:6.2f} s")
    print(f"  +5% new texts (read + write):        {more_s:6.2f} s")
    print(f"  DB size: {size / 2**20:.1f} MiB for {count:,} rows ({size / count:.0f} B/row)")
    print(f"  worst cosine error of float16: {error:.1e}")
    print(f"  warm call's peak allocation: {warm_peak / 2**20:.0f} MiB (tracemalloc)")
    print(
        f"  process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MiB"
    )


def _worst_cosine_error(stored: Vectors, exact: Vectors) -> float:
    cosines = np.sum(stored * exact, axis=1) / np.linalg.norm(stored, axis=1)
    return float(np.abs(cosines - 1).max())


def _timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


if __name__ == "__main__":
    main()
