"""Neighbourhood vectors: texts compared by the neighbours they share, not by raw cosine.

Average linkage on raw cosines needs one distance cut for the whole space, but a space is not
equally dense everywhere: one subject's wordings sit tight, another's loose, and a language the
encoder reads poorly (Czech, Serbian) sits apart from the rest even after centring. Here each
text becomes the sparse unit row of its similarities to its k nearest neighbours (and itself),
made symmetric, and two texts are as close as those rows overlap: a rank-based measure that
adapts to local density and to whatever space the backend makes.

Similarities are adjusted per language, after cross-domain similarity local scaling (CSLS,
Conneau et al. 2018, "Word translation without parallel data"): x's cosine to y, less x's
typical cosine to its r nearest texts in y's language, plus x's typical cosine in its own
language: the cosine x would have to y were y written in x's language. By raw cosine a Czech
text's nearest neighbours are other Czech texts; adjusted, they include its subject in other
languages, which is what puts one subject in one theme across languages. In a single language
nothing changes. (CSLS also takes off y's typical cosine; that term made one-offs, whose
typical cosine is low, each other's neighbours.) A neighbour whose adjusted similarity is
below the raw cut's is no link, so a set of one-offs shares no neighbourhood. A language
of under 5 % of the texts counts as the largest (`language_groups`): mostly misdetected
short texts, too few to say what is typical of it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from sddkit.themes.embed import Vectors, batches
from sddkit.themes.space import language_group

HUB_NEIGHBOURS = 10  # r: the nearest texts per language whose mean cosine is a text's "typical"
MIN_LANGUAGE_SHARE = 0.05  # a language with fewer of the texts counts as the largest


def neighbourhood_vectors(
    vectors: Vectors,
    k: int,
    min_similarity: float,
    languages: Sequence[str | None] | None = None,
    across: float | None = None,
) -> sparse.csr_matrix:
    """Unit rows, one per vector, of its cosines to its k nearest neighbours (by adjusted
    similarity) and to itself, symmetric (a neighbour of b makes b a neighbour of a); see the
    module docstring. A neighbour is no link below `min_similarity`, or below `across` when
    it is in another language (the encoder puts languages apart: their cosines run lower)."""
    n = len(vectors)
    sims = vectors @ vectors.T
    names, group = language_groups(languages or [None] * n)
    typical = typical_similarity(sims, group, len(names))
    own = typical[np.arange(n), group]
    across = min_similarity if across is None else across
    k = min(k, n - 1)
    rows, cols, weights = [], [], []
    for part in batches(n, 1_000):
        # x's cosine to y as if y were written in x's language
        adjusted = sims[part] - typical[part][:, group] + own[part, None]
        adjusted[np.arange(part.stop - part.start), np.arange(part.start, part.stop)] = np.inf
        nearest = np.argpartition(-adjusted, k, axis=1)[:, : k + 1]
        rows.append(np.repeat(np.arange(part.start, part.stop), k + 1))
        cols.append(nearest.ravel())
        raw = np.take_along_axis(sims[part], nearest, axis=1)
        floor = np.where(group[nearest] == group[part, None], min_similarity, across)
        weights.append(np.where(raw >= floor, np.maximum(raw, 0.0), 0.0).ravel())
    row, col = np.concatenate(rows), np.concatenate(cols)
    weight = np.concatenate(weights).astype(np.float32)
    weight[row == col] = 1.0
    graph = sparse.csr_matrix((weight, (row, col)), shape=(n, n))
    graph = graph.maximum(graph.T).tocsr()
    norms = np.sqrt(np.asarray(graph.multiply(graph).sum(axis=1)).ravel())
    return sparse.csr_matrix(sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ graph)


def language_groups(
    languages: Sequence[str | None], min_texts: int = 0
) -> tuple[NDArray[np.str_], NDArray[np.int64]]:
    """Language groups for the adjustment, and each text's group: a group under
    `MIN_LANGUAGE_SHARE` of the texts (or `min_texts`) counts as the largest. Short English
    queries are read as Italian or Pidgin now and then, and a handful of such texts made a
    language of their own: every text's typical cosine to it is low, so the adjustment made
    them everyone's nearest neighbours, and the neighbour slots they took were no links
    (below the cut). 20 of 3,000 English queries (CLINC150 train, 30 intents) split 38
    themes into 47."""
    groups = np.asarray([language_group(code) for code in languages])
    names, group, counts = np.unique(groups, return_inverse=True, return_counts=True)
    small = counts < max(min_texts, MIN_LANGUAGE_SHARE * len(groups))
    if small.any():
        groups = np.where(small[group], names[np.argmax(counts)], groups)
        names, group = np.unique(groups, return_inverse=True)
    return names, np.asarray(group, dtype=np.int64)


def typical_similarity(
    sims: NDArray[np.float32], group: NDArray[np.int64], count: int
) -> NDArray[np.float32]:
    """typical[i, g]: the mean cosine of vector i to its nearest `HUB_NEIGHBOURS` in language
    group g (itself left out); a group too small to tell takes the mean over all vectors."""
    n = len(sims)
    overall: NDArray[np.float32] | None = None
    typical = np.empty((n, count), dtype=np.float32)
    for g in range(count):
        members = np.flatnonzero(group == g)
        r = min(HUB_NEIGHBOURS, len(members) - 1)
        if r >= 3:
            typical[:, g] = _mean_top(sims, members, r)
            continue
        if overall is None:
            overall = _mean_top(sims, np.arange(n), min(HUB_NEIGHBOURS, n - 1))
        typical[:, g] = overall
    return typical


def _mean_top(sims: NDArray[np.float32], members: NDArray[np.int64], r: int) -> NDArray[np.float32]:
    if r < 1:
        return np.zeros(len(sims), dtype=np.float32)
    out = np.empty(len(sims), dtype=np.float32)
    for part in batches(len(sims), 2_000):
        block = sims[part][:, members]
        own = np.flatnonzero((members >= part.start) & (members < part.stop))
        block[members[own] - part.start, own] = -np.inf
        top = -np.partition(-block, r - 1, axis=1)[:, :r]
        out[part] = np.mean(top, axis=1)
    return out
