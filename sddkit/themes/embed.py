"""Text -> vector backends behind one small interface.

The default, `CharNgramEmbedder`, needs no model download and copes with many languages and
inflections: hashed character n-grams (within word boundaries) plus word uni/bigrams, TF-IDF
weighted, reduced with truncated SVD and L2-normalised, so a dot product is a cosine.

It scales by fitting on a sample (IDF and SVD) and transforming in batches; the fitted state
is small (only the features seen often in the sample are kept) so it can be stored and
reused by incremental runs, which must embed new tickets in the same space as the stored
theme centroids.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Protocol

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import HashingVectorizer

Vectors = NDArray[np.float32]


class Embedder(Protocol):
    """Maps cleaned texts to L2-normalised float32 rows; `fit` may be a no-op."""

    name: str

    def fit(self, texts: Sequence[str]) -> None: ...

    def transform(self, texts: Sequence[str]) -> Vectors: ...

    def dumps(self) -> bytes:
        """The fitted state (stored with a run, see `space.ThemeSpace.dumps`)."""
        ...


def normalize_rows(matrix: NDArray[np.floating]) -> Vectors:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: Vectors = (matrix / norms).astype(np.float32)
    return result


def batches(count: int, size: int) -> Iterator[slice]:
    for start in range(0, count, size):
        yield slice(start, min(start + size, count))


class CharNgramEmbedder:
    """Character n-gram + word TF-IDF reduced by truncated SVD (see module docstring)."""

    name = "char-ngram"

    def __init__(
        self,
        n_components: int = 160,
        sample_size: int = 30_000,
        max_features: int = 120_000,
        word_weight: float = 1.0,
        seed: int = 0,
    ) -> None:
        self.n_components = n_components
        self.sample_size = sample_size
        self.max_features = max_features
        self.word_weight = word_weight
        self.seed = seed
        self._chars = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            n_features=2**21,
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )
        self._words = HashingVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            token_pattern=r"(?u)\b\w\w+\b|\?",
            n_features=2**20,
            alternate_sign=False,
            norm=None,
            dtype=np.float32,
        )
        self.columns: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.idf: NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        self.components: NDArray[np.float32] = np.zeros((0, 0), dtype=np.float32)
        self.typical_coverage = 1.0  # median coverage of the fitted sample

    def _counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        if not texts:
            width = self._chars.n_features + self._words.n_features
            return sp.csr_matrix((0, width), dtype=np.float32)
        chars = self._chars.transform(texts)
        words = self._words.transform(texts) * self.word_weight
        return sp.hstack([chars, words], format="csr")

    def _weighted(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Unit rows of sublinear tf-idf over the fitted columns, from `_counts`' matrix."""
        counts = counts[:, self.columns]
        counts.data = np.log1p(counts.data)  # sublinear tf
        weighted = counts.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted)

    def fit(self, texts: Sequence[str]) -> None:
        rng = np.random.default_rng(self.seed)
        if len(texts) > self.sample_size:
            picked = np.sort(rng.choice(len(texts), self.sample_size, replace=False))
            texts = [texts[i] for i in picked]
        distinct, rows = distinct_texts(texts)
        counts = self._counts(distinct)[rows]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        seen = np.flatnonzero(df >= 2) if len(texts) >= 20 else np.flatnonzero(df)
        if seen.size > self.max_features:
            seen = np.sort(seen[np.argsort(-df[seen], kind="stable")[: self.max_features]])
        self.columns = seen.astype(np.int64)
        n = max(len(texts), 1)
        self.idf = (np.log((1 + n) / (1 + df[seen])) + 1).astype(np.float32)
        weighted = self._weighted(counts)  # the fitted sample is counted once
        k = min(self.n_components, max(weighted.shape[0] - 1, 1), max(weighted.shape[1] - 1, 1))
        if weighted.shape[1] < 2 or weighted.shape[0] < 2:
            self.components = np.eye(weighted.shape[1], max(k, 1), dtype=np.float32)
            return
        svd = TruncatedSVD(n_components=k, algorithm="randomized", random_state=self.seed)
        with np.errstate(divide="ignore", invalid="ignore"):  # all-identical texts
            svd.fit(weighted)
        self.components = svd.components_.T.astype(np.float32)
        coverage = np.linalg.norm(np.asarray(weighted @ self.components), axis=1)
        self.typical_coverage = float(np.median(coverage))

    def transform(self, texts: Sequence[str]) -> Vectors:
        return self.transform_with_coverage(texts)[0]

    def transform_with_coverage(self, texts: Sequence[str]) -> tuple[Vectors, NDArray[np.float32]]:
        """Vectors plus each text's coverage: the norm of its projection (0..1), low when the
        text is mostly made of n-grams the model was not fitted on (a new subject)."""
        distinct, rows = distinct_texts(texts)
        out = np.zeros((len(distinct), self.components.shape[1]), dtype=np.float32)
        for part in batches(len(distinct), 20_000):
            out[part] = np.asarray(self._weighted(self._counts(distinct[part])) @ self.components)
        out = out[rows]
        return normalize_rows(out), np.linalg.norm(out, axis=1).astype(np.float32)

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        params = np.array(
            [self.n_components, self.sample_size, self.max_features, self.seed], dtype=np.int64
        )
        # Uncompressed (see `ThemeSpace.dumps`).
        np.savez(
            buffer,
            params=params,
            word_weight=np.array([self.word_weight]),
            typical_coverage=np.array([self.typical_coverage]),
            columns=self.columns,
            idf=self.idf,
            components=self.components,
        )
        return buffer.getvalue()

    @classmethod
    def loads(cls, blob: bytes) -> CharNgramEmbedder:
        data = np.load(io.BytesIO(blob))
        n_components, sample_size, max_features, seed = (int(v) for v in data["params"])
        embedder = cls(n_components, sample_size, max_features, float(data["word_weight"][0]), seed)
        embedder.columns = data["columns"]
        embedder.idf = data["idf"]
        embedder.components = data["components"]
        embedder.typical_coverage = float(data["typical_coverage"][0])
        return embedder


def distinct_texts(texts: Sequence[str]) -> tuple[list[str], NDArray[np.int64]]:
    """The distinct texts, and for each text its row among them. Support tickets repeat
    themselves ("where is my order?"; of the speed bench's 100k cleaned texts 32% are
    distinct), and the n-gram analysis, in Python, is the costliest step of a cached run."""
    index: dict[str, int] = {}
    rows = np.fromiter(
        (index.setdefault(text, len(index)) for text in texts), dtype=np.int64, count=len(texts)
    )
    return list(index), rows


UNCOVERED_SHARE = 0.3  # coverage below this share of the typical one: the text is noise


def covered_vectors(embedder: Embedder, texts: Sequence[str]) -> Vectors:
    """`embedder.transform(texts)`, with zero rows (always noise) for texts the fitted
    char n-gram model barely covers: made of n-grams no other text in the fitted sample
    shares (made-up words, names, typos), only their letter statistics would be left to
    cluster on, which puts them with whatever shares their alphabet. Measured at 100k
    generated tickets: such one-offs reach ≤ 0.15 of the typical coverage, real tickets
    ≥ 0.9; on CLINC150 0.4% of queries fall below 0.4."""
    if not isinstance(embedder, CharNgramEmbedder):
        return embedder.transform(texts)
    vectors, coverage = embedder.transform_with_coverage(texts)
    vectors[coverage < UNCOVERED_SHARE * embedder.typical_coverage] = 0.0
    return vectors
