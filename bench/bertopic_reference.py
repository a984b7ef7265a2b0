"""BERTopic with its default settings, as the reference the theme benchmarks compare against.

    from bertopic_reference import available, bertopic_labels, unavailable_reason

BERTopic is a bench-only dependency: install it with `bash bench/install_bertopic.sh` (CPU only,
no torch or sentence-transformers). It is given the same precomputed vectors as sddkit, so no
embedding model is ever loaded. The only setting passed is UMAP's random_state, for
reproducible runs; the other UMAP arguments repeat BERTopic 0.17's defaults
(`BERTopic.__init__`), and HDBSCAN, the vectorizer and c-TF-IDF are left as BERTopic makes them.
"""

from __future__ import annotations

import warnings

import numpy as np

INSTALL_HINT = "bash bench/install_bertopic.sh"
_import_error: str | None = None


def available() -> bool:
    """True when BERTopic and its UMAP backend import (a failure is kept for the message)."""
    global _import_error
    try:
        import bertopic  # noqa: F401
        import umap  # noqa: F401
    except ImportError as error:
        _import_error = str(error)
        return False
    _import_error = None
    return True


def unavailable_reason() -> str:
    """A one-line message to print when `available()` is False."""
    detail = f" ({_import_error})" if _import_error else ""
    return f"BERTopic reference skipped: it is not installed here{detail}; run `{INSTALL_HINT}`."


def bertopic_labels(texts: list[str], vectors: np.ndarray, seed: int = 0) -> np.ndarray:
    """One BERTopic topic per text (-1 is BERTopic's outlier topic), clustered from `vectors`.

    `texts` only feed BERTopic's topic words (they need at least one token of two or more
    word characters between them); the labels come from `vectors` alone.
    """
    if len(texts) != len(vectors):
        raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
    from bertopic import BERTopic
    from umap import UMAP

    # BERTopic's default UMAP (n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
    # low_memory=False) with a fixed seed; a seed makes UMAP run single-threaded.
    umap_model = UMAP(
        n_neighbors=15,
        n_components=5,
        min_dist=0.0,
        metric="cosine",
        low_memory=False,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "n_jobs value .* overridden", UserWarning)
        topics, _ = BERTopic(umap_model=umap_model).fit_transform(
            list(texts), embeddings=np.asarray(vectors)
        )
    return np.asarray(topics, dtype=np.int64)
