"""Clustering with an unknown number of themes and room for noise.

Average-linkage agglomerative clustering finds the themes in (a sample of) the vectors, compared
by the neighbours they share (`neighbours.neighbourhood_vectors`, which also links one subject
across languages) and cut where little is shared; the raw cut, for joining the rest, is read
off the data (`adaptive_cut`: a multiple of the typical distance
to the nearest 1/150 of the data), so it follows whatever space the backend makes; clusters
smaller than the minimum size are noise. Every other vector
joins the nearest theme centroid when it is similar enough, else stays noise. When the data
is larger than the sample, the leftovers are sampled and clustered again (a few rounds), so
themes too small to show up in the first sample are still found. Memory stays bounded by the
sample (pairwise distances: sample_size² / 2 doubles) and the assignment batches.

A cut at one distance splits a subject that people phrase in several quite different ways
(three wordings of "dark mode is hard to read") into one cluster per wording. A second pass,
`merge_fragments`, joins two clusters when they are each other's neighbourhood: at least
`merge_share` of the nearest outside neighbours of one cluster's members lie in the other, and
their centroids are not far apart (within `merge_reach` times the cut). Pairs are merged best first,
recomputing after each merge, so a chain of loosely related clusters does not collapse into
one. Tuned on CLINC150 val.csv together with the demo tickets (`bench/themes_demo.py`).
After the subject level (`connect`), a theme that is two unrelated subjects is split in two
(`halves`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage

from sddkit.themes.coherence import incoherent_clusters, word_share
from sddkit.themes.connect import cluster_sums, join_connected, members_sample
from sddkit.themes.embed import Vectors, batches, normalize_rows
from sddkit.themes.halves import split_unrelated
from sddkit.themes.neighbours import neighbourhood_vectors

Labels = NDArray[np.int64]
_WORD = re.compile(r"\w+")
_POLITE = frozenset(
    ("please", "pls", "plz", "kindly", "пожалуйста", "proszę", "molim", "молим", "bitte")
)


@dataclass(frozen=True)
class ClusterSettings:
    """`granularity` scales how much clusters must share to merge (the neighbourhood overlap)
    and to join (`connect`): below 1 finer themes, above 1 broader ones; never the distance
    within which a ticket belongs to a theme, so a finer setting splits themes and leaves no
    ticket out. `threshold` fixes the cut instead (average Euclidean distance between unit
    vectors at which merging stops). A ticket joins a theme when its centroid is within the
    cut; fragments merge within `merge_reach` times the cut."""

    granularity: float = 1.0
    threshold: float | None = None
    neighbour_share: float = 1 / 150  # the cut is read off the distance to the k-th nearest
    # neighbour, k this share of the vectors (20 of CLINC150 val's 3,000)
    sample_size: int = 8_000
    rounds: int = 4
    seed: int = 0
    merge_neighbours: int = 10  # outside neighbours looked at per member (0: no merging)
    merge_share: float = 0.5
    merge_reach: float = 1.09
    merge_members: int = 40  # members per cluster sampled for the neighbour counts
    min_word_share: float = 0.3  # coherence: see `coherence` (0: no check)
    coherence_sample: int = 200  # members per cluster sampled for the coherence check
    graph_neighbours: int = 10  # neighbourhood size for `neighbourhood_vectors` (0: raw cosines)
    cross_language_reach: float = 1.25  # a neighbour in another language links within this
    # times the raw cut, one in the same language within the cut (the demo: 1.0 kept each
    # language its own theme, 1.25 joins most; no change on CLINC150 val or SIB-200 dev)
    graph_overlap: float = 0.155  # clusters stop merging where their texts' neighbourhoods
    # overlap less than this on average (cosine of neighbourhood vectors; CLINC150 val)
    connect_neighbours: int = 10  # subject level (`connect`): neighbours per member (0: off)
    connect_share: float = 0.2  # join when this share of the smaller one's links cross
    # (chosen on CLINC150 val and a 30-intent sample of train, 100 queries an intent)
    connect_members: int = 40  # members per cluster sampled for the links
    connect_reach: float = 1.5  # a neighbour links within this times the cut ...
    connect_reach_across: float = 2.0  # ... or this in another language
    connect_before: float = 0.75  # clusters that were one theme last run join from this
    # times the share (`connect.was_one`)

    @property
    def join_share(self) -> float:
        """The share of links at which the subject level joins two clusters (`connect`)."""
        return min(self.connect_share / self.granularity, 1.0)

    def link_floors(self, cut: float) -> tuple[float, float]:
        """The cosines below which a neighbour is no link for the subject level, in the same
        language and in another; full and incremental runs join with the same reach."""
        return (
            similarity_within(self.connect_reach * cut),
            similarity_within(self.connect_reach_across * cut),
        )


# The cut, as a multiple of the median distance from a vector to its k-th nearest neighbour.
# Chosen on CLINC150 val.csv (best NMI at a cut of 1.15-1.2 for the default space, where that
# distance is 1.10); the multiple, not the distance, carries over to other spaces.
CUT_PER_NEIGHBOUR_DISTANCE = 1.07
MIN_NEIGHBOURS = 10


def adaptive_cut(vectors: Vectors, settings: ClusterSettings) -> float:
    """The distance cut for these (sampled, non-zero, unit) vectors: the data's own typical
    distance to its k-th nearest neighbour (k = `neighbour_share` of the vectors, so the cut
    does not depend on how many were sampled, and at least `MIN_NEIGHBOURS`: on small data
    the nearest few are often the same message sent again), times `CUT_PER_NEIGHBOUR_DISTANCE`
    (not the granularity: see `ClusterSettings`). It follows the space: a model whose vectors
    all sit at cosine ≥ 0.7 gets a tight cut, near-orthogonal n-gram vectors a wide one."""
    if settings.threshold is not None:
        return settings.threshold
    if len(vectors) < 3:
        return 1.0
    k = min(max(MIN_NEIGHBOURS, round(settings.neighbour_share * len(vectors))), len(vectors) - 1)
    kth = np.empty(len(vectors), dtype=np.float32)
    for part in batches(len(vectors), 2_000):
        sims = vectors[part] @ vectors.T
        sims[np.arange(part.stop - part.start), np.arange(part.start, part.stop)] = -np.inf
        kth[part] = -np.partition(-sims, k - 1, axis=1)[:, k - 1]
    distance = float(np.median(np.sqrt(np.maximum(2.0 - 2.0 * kth, 0.0))))
    return CUT_PER_NEIGHBOUR_DISTANCE * distance


def similarity_within(distance: float) -> float:
    """The cosine between unit vectors at this Euclidean distance."""
    return 1.0 - distance * distance / 2.0


@dataclass
class Clustering:
    labels: Labels  # cluster index per vector, -1 = noise
    centroids: Vectors  # unit vectors, one row per cluster
    similarity: NDArray[np.float32]  # cosine of each vector to its centroid, 0 for noise
    cut: float  # the distance cut used (see `adaptive_cut`)


def assign_to_centroids(
    vectors: Vectors, centroids: Vectors, min_similarity: float
) -> tuple[Labels, NDArray[np.float32]]:
    """Nearest centroid by cosine; -1 where the best similarity is below `min_similarity`."""
    labels = np.full(len(vectors), -1, dtype=np.int64)
    best = np.zeros(len(vectors), dtype=np.float32)
    if len(centroids) == 0:
        return labels, best
    for part in batches(len(vectors), 50_000):
        sims = vectors[part] @ centroids.T
        nearest = np.argmax(sims, axis=1)
        top = sims[np.arange(len(nearest)), nearest]
        labels[part] = np.where(top >= min_similarity, nearest, -1)
        best[part] = np.where(top >= min_similarity, top, 0.0)
    return labels, best


def centroids_of(vectors: Vectors, labels: Labels, count: int) -> Vectors:
    return normalize_rows(cluster_sums(vectors, labels, count))


def _agglomerate(
    vectors: Vectors,
    threshold: float,
    settings: ClusterSettings,
    languages: Sequence[str | None] | None,
) -> Labels:
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=np.int64)
    rows: Vectors | sparse.csr_matrix = vectors
    if settings.graph_neighbours > 0 and settings.threshold is None:
        # Neighbours beyond the raw cut are no link: a set of one-offs shares no neighbourhood.
        within = similarity_within(threshold)
        across = similarity_within(settings.cross_language_reach * threshold)
        rows = neighbourhood_vectors(vectors, settings.graph_neighbours, within, languages, across)
        overlap = min(settings.graph_overlap / settings.granularity, 1.0)
        threshold = float(np.sqrt(2.0 - 2.0 * overlap))
    tree = linkage(_condensed_distances(rows), method="average")
    return np.asarray(fcluster(tree, t=threshold, criterion="distance"), dtype=np.int64) - 1


def _condensed_distances(vectors: Vectors | sparse.csr_matrix) -> NDArray[np.float64]:
    """Euclidean distances of all pairs in scipy's condensed order, from matrix products
    (|a|² + |b|² - 2a·b) a block of rows at a time: with 512+ dimensions scipy's own pdist,
    one pair at a time, took 13 s of a 10k-ticket run's 28. Sparse rows (neighbourhood
    vectors) stay sparse: their products are cheap, their dense form would not be."""
    if sparse.issparse(vectors):
        rows = sparse.csr_matrix(vectors, dtype=np.float64)
        squares = np.asarray(rows.multiply(rows).sum(axis=1)).ravel()
    else:
        rows = np.asarray(vectors, dtype=np.float64)
        squares = np.einsum("ij,ij->i", rows, rows)
    n = rows.shape[0]
    out = np.empty(n * (n - 1) // 2, dtype=np.float64)
    start = 0
    for part in batches(n, 512):
        products = rows[part] @ rows[part.start :].T
        if sparse.issparse(products):
            products = products.toarray()
        block = squares[part, None] + squares[None, part.start :] - 2.0 * products
        np.sqrt(np.maximum(block, 0.0), out=block)
        for offset in range(part.stop - part.start):
            row = block[offset, offset + 1 :]
            out[start : start + len(row)] = row
            start += len(row)
    return out


def cluster_vectors(
    vectors: Vectors,
    min_size: int,
    settings: ClusterSettings | None = None,
    texts: Sequence[str] | None = None,
    languages: Sequence[str | None] | None = None,
    before: Labels | None = None,
) -> Clustering:
    """Cluster unit vectors (zero rows are always noise); see the module docstring. With the
    cleaned `texts` of the vectors, clusters whose members share no content word (within a
    language, given `languages`) are noise (`coherence`), checked before the merge pass so
    they cannot join a real theme. `before`: each vector's theme in the previous run (an
    index, -1 for none), for the subject level (`connect.was_one`).

    A message sent again (the same text once cleaned) is clustered once and counted by its
    copies: copies took each other's places among the nearest neighbours, so a
    templated export (each wording one to three times) was split by wording (CLINC150 train,
    30 intents, each query sent one to three times: 98 issues for 30 subjects)."""
    settings = settings or ClusterSettings()
    first, message, copies = distinct_messages(vectors, texts, languages)
    cut = _cut_over_all(vectors, settings)
    labels, count = _cluster_messages(
        vectors[first],
        copies,
        cut,
        min_size,
        settings,
        None if texts is None else [texts[int(i)] for i in first],
        None if languages is None else [languages[int(i)] for i in first],
        None if before is None else before[first],
    )
    return _finish(vectors, labels[message], count, min_size, cut)


def distinct_messages(
    vectors: Vectors, texts: Sequence[str] | None, languages: Sequence[str | None] | None
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """The first row of each distinct message, each row's message (an index into the
    first) and how many rows each message has. A message is the words of a cleaned text in
    a language (`message_words`; one without words is a message of its own); without texts,
    a vector (bit for bit: the same text encoded in another batch may differ in its last
    bits)."""
    seen: dict[object, int] = {}
    message = np.empty(len(vectors), dtype=np.int64)
    first: list[int] = []
    for row in range(len(vectors)):
        key: object
        if texts is None:
            key = hashlib.blake2b(vectors[row].tobytes(), digest_size=16).digest()
        else:
            words = message_words(texts[row])
            key = (words, None if languages is None else languages[row]) if words else row
        message[row] = seen.setdefault(key, len(first))
        if message[row] == len(first):
            first.append(row)
    copies = np.bincount(message, minlength=len(first)).astype(np.int64)
    return np.asarray(first, dtype=np.int64), message, copies


def message_words(cleaned: str) -> str:
    """What makes two cleaned texts one message: their words in order, less punctuation and
    "please" (a templated export sends one request as "X", "X??" and "X please")."""
    return " ".join(w for w in _WORD.findall(cleaned) if w not in _POLITE)


def _cut_over_all(vectors: Vectors, settings: ClusterSettings) -> float:
    """The cut read off all the non-zero rows, copies included (a sample when many): in a
    small export a subject is a handful of distinct texts, and the 10th neighbour among
    them lies in another subject (`adaptive_cut`); counted with their copies, in its own."""
    rows = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0)
    if len(rows) == 0:  # nothing to cluster
        return settings.threshold or 1.0
    if len(rows) > settings.sample_size:
        rng = np.random.default_rng(settings.seed)
        rows = np.sort(rng.choice(rows, settings.sample_size, replace=False))
    return adaptive_cut(vectors[rows], settings)


def _cluster_messages(
    vectors: Vectors,
    copies: NDArray[np.int64],
    cut: float,
    min_size: int,
    settings: ClusterSettings,
    texts: Sequence[str] | None,
    languages: Sequence[str | None] | None,
    before: Labels | None,
) -> tuple[Labels, int]:
    """`cluster_vectors` on distinct vectors, each standing for `copies` tickets: the
    labels and the number of clusters (some numbers unused)."""
    rng = np.random.default_rng(settings.seed)
    labels = np.full(len(vectors), -1, dtype=np.int64)
    pending = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0)
    total = 0  # clusters found so far, over all rounds
    for _ in range(settings.rounds):
        if copies[pending].sum() < min_size:
            break
        sampled = len(pending) > settings.sample_size
        sample = pending
        if sampled:
            sample = np.sort(rng.choice(pending, settings.sample_size, replace=False))
        local = _agglomerate(
            vectors[sample],
            cut,
            settings,
            None if languages is None else [languages[int(i)] for i in sample],
        )
        sizes = np.bincount(local, weights=copies[sample])
        # In a sample a few members stand for many tickets; the full size is checked below.
        keep = np.flatnonzero(sizes >= (min(min_size, 3) if sampled else min_size))
        if keep.size == 0:
            break
        remap = np.full(local.max() + 1, -1, dtype=np.int64)
        remap[keep] = np.arange(keep.size) + total
        labels[sample] = remap[local]
        centroids = centroids_of(vectors, labels, total + keep.size)[total:]
        # Everything not in a kept cluster, members of too-small sampled clusters included,
        # joins the nearest new theme within the cut.
        rest = pending[labels[pending] < 0]
        near, _ = assign_to_centroids(vectors[rest], centroids, similarity_within(cut))
        labels[rest] = np.where(near >= 0, near + total, -1)
        total += keep.size
        pending = pending[labels[pending] < 0]
        if not sampled:
            break
    # Coherence is checked before the merge pass, so an incoherent cluster cannot join a real
    # theme, and after it: tiny clusters of one-offs pass alone (two texts share a word by
    # chance) and can merge into a larger one that does not.
    labels = _coherent(labels, total, texts, languages, settings, rng)
    labels = merge_fragments(vectors, labels, total, settings, rng, cut)
    labels = _coherent(labels, total, texts, languages, settings, rng)
    # Subject level: coherent clusters that are one subject by their links (`connect`).
    labels = join_connected(
        vectors,
        labels,
        total,
        neighbours=settings.connect_neighbours,
        share=settings.join_share,
        members=settings.connect_members,
        rng=rng,
        coherent=_shares_words(texts, languages, settings, rng),
        languages=languages,
        floors=settings.link_floors(cut),
        before=before,
        before_share=settings.join_share * settings.connect_before,
    )
    return split_unrelated(vectors, labels, total, copies, min_size, languages, rng)


def _coherent(
    labels: Labels,
    count: int,
    texts: Sequence[str] | None,
    languages: Sequence[str | None] | None,
    settings: ClusterSettings,
    rng: np.random.Generator,
) -> Labels:
    """`labels` with the clusters whose members share no content word made noise."""
    if texts is None or count == 0:
        return labels
    rejected = incoherent_clusters(
        texts, labels, count, settings.min_word_share, settings.coherence_sample, rng, languages
    )
    return np.where((labels >= 0) & ~rejected[np.maximum(labels, 0)], labels, -1)


def _shares_words(
    texts: Sequence[str] | None,
    languages: Sequence[str | None] | None,
    settings: ClusterSettings,
    rng: np.random.Generator,
) -> Callable[[NDArray[np.int64]], bool] | None:
    """Whether the texts at some rows, as one theme, pass the coherence check (`coherence`)."""
    if texts is None or settings.min_word_share <= 0:
        return None

    def check(rows: NDArray[np.int64]) -> bool:
        if len(rows) > settings.coherence_sample:
            rows = rng.choice(rows, settings.coherence_sample, replace=False)
        return word_share(texts, rows, languages) >= settings.min_word_share

    return check


def merge_fragments(
    vectors: Vectors,
    labels: Labels,
    count: int,
    settings: ClusterSettings,
    rng: np.random.Generator,
    cut: float,
) -> Labels:
    """Join clusters that are fragments of one subject (see the module docstring); cluster
    numbers stay in 0..count-1 with gaps where clusters were merged away."""
    if count < 2 or settings.merge_neighbours <= 0:
        return labels
    rows = members_sample(labels, count, settings.merge_members, rng)
    sample_labels = labels[rows]
    edges = _neighbour_edges(vectors[rows], sample_labels, count, settings.merge_neighbours)
    sampled = np.bincount(sample_labels, minlength=count).astype(np.float64)
    sums = cluster_sums(vectors, labels, count)
    group = np.arange(count)
    alive = sampled > 0
    merge_cosine = similarity_within(settings.merge_reach * cut)
    centroids = normalize_rows(sums)
    cosine = centroids @ centroids.T
    while True:
        share = edges / np.maximum(sampled[:, None] * settings.merge_neighbours, 1)
        share = np.maximum(share, share.T)
        ok = (share >= settings.merge_share) & (cosine >= merge_cosine)
        ok &= alive[:, None] & alive[None, :]
        np.fill_diagonal(ok, False)
        if not ok.any():
            break
        keep, gone = np.unravel_index(np.argmax(np.where(ok, cosine, -2.0)), ok.shape)
        sums[keep] += sums[gone]
        sampled[keep] += sampled[gone]
        edges[keep] += edges[gone]
        edges[:, keep] += edges[:, gone]
        edges[keep, keep] = 0
        edges[gone], edges[:, gone], sums[gone] = 0, 0, 0
        alive[gone] = False
        # Only the kept cluster moved: its row and column of cosines are all that change.
        centroids[keep] = normalize_rows(sums[keep : keep + 1])[0]
        cosine[keep, :] = cosine[:, keep] = centroids @ centroids[keep]
        group[group == gone] = keep
    return np.where(labels >= 0, group[np.maximum(labels, 0)], -1)


def _neighbour_edges(vectors: Vectors, labels: Labels, count: int, k: int) -> NDArray[np.float64]:
    """edges[a, b]: how often a member of a has a member of b among its k nearest
    neighbours outside a (cosine)."""
    k = min(k, len(vectors) - 1)
    if k < 1:
        return np.zeros((count, count), dtype=np.float64)
    pairs = []
    for part in batches(len(vectors), 2_000):
        sims = vectors[part] @ vectors.T
        sims[labels[part][:, None] == labels[None, :]] = -np.inf
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        reachable = np.isfinite(np.take_along_axis(sims, nearest, axis=1))
        source = np.repeat(labels[part], k).reshape(-1, k)
        pairs.append(source[reachable] * count + labels[nearest][reachable])
    counted = np.bincount(np.concatenate(pairs), minlength=count * count)
    return counted.reshape(count, count).astype(np.float64)


def _finish(vectors: Vectors, labels: Labels, count: int, min_size: int, cut: float) -> Clustering:
    """Drop clusters below `min_size`, renumber by size, compute centroids and similarities."""
    sizes = np.bincount(labels[labels >= 0], minlength=count)
    order = [c for c in np.argsort(-sizes, kind="stable") if sizes[c] >= min_size]
    remap = np.full(max(count, 1), -1, dtype=np.int64)
    remap[order] = np.arange(len(order))
    labels = np.where(labels >= 0, remap[np.maximum(labels, 0)], -1)
    centroids = centroids_of(vectors, labels, len(order))
    similarity = np.zeros(len(vectors), dtype=np.float32)
    members = labels >= 0
    similarity[members] = np.einsum("ij,ij->i", vectors[members], centroids[labels[members]])
    return Clustering(labels=labels, centroids=centroids, similarity=similarity, cut=cut)
