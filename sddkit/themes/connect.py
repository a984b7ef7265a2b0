"""Subject level: clusters that are one subject, joined by how they are connected.

The agglomeration (`cluster.py`) cuts at one neighbourhood overlap, so a theme is as wide as
a few neighbourhoods: a subject of 20 tickets is one theme, one of 200 tickets comes out as
ten (CLINC150 train, 100 queries an intent: 562 themes for 150 intents). Whether two clusters
are one subject is better read off how they are connected than off how far apart they are:
a subject split by wording has many of its members' nearest neighbours across the split,
two neighbouring subjects have few, whatever their size.

So each cluster's members (a sample) look at their `neighbours` nearest clustered texts, and
two clusters are joined when the neighbour links between them are at least `share` of the
smaller cluster's links (its *conductance*, the share of its neighbourhood that lies in the
other): best pair first, links and volumes added up after each join, so a subject split in
five joins piece by piece while a neighbouring subject, linked by its border only, does not.
The share is relative, so the same setting holds for subjects of 20 and of 200 tickets.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from sddkit.themes.embed import Vectors, batches

Labels = NDArray[np.int64]


def join_connected(
    vectors: Vectors,
    labels: Labels,
    count: int,
    *,
    neighbours: int,
    share: float,
    members: int,
    rng: np.random.Generator,
) -> Labels:
    """`labels` with clusters joined as the module docstring says; cluster numbers stay in
    0..count-1 (with gaps where clusters were joined away), noise (-1) stays noise."""
    if count < 2 or neighbours <= 0 or share <= 0:
        return labels
    rows = members_sample(labels, count, members, rng)
    if len(rows) <= neighbours:
        return labels
    links = _links(vectors[rows], labels[rows], count, neighbours)
    volume = np.bincount(labels[rows], minlength=count).astype(np.float64) * neighbours
    group = np.arange(count)
    alive = volume > 0
    conductance = _conductance(links, volume, alive)
    while True:
        best = int(np.argmax(conductance))
        keep, gone = divmod(best, count)
        if conductance[keep, gone] < share:
            break
        links[keep] += links[gone]
        links[:, keep] += links[:, gone]
        links[keep, keep] = 0.0
        links[gone], links[:, gone] = 0.0, 0.0
        volume[keep] += volume[gone]
        volume[gone] = 0.0
        alive[gone] = False
        group[group == gone] = keep
        # Only the joined cluster's row and column change.
        smaller = np.minimum(volume[keep], volume)
        row = np.where(alive, links[keep] / np.maximum(smaller, 1.0), 0.0)
        row[keep] = 0.0
        conductance[keep], conductance[:, keep] = row, row
        conductance[gone], conductance[:, gone] = 0.0, 0.0
    return np.where(labels >= 0, group[np.maximum(labels, 0)], -1)


def _conductance(
    links: NDArray[np.float64], volume: NDArray[np.float64], alive: NDArray[np.bool_]
) -> NDArray[np.float64]:
    smaller = np.minimum(volume[:, None], volume[None, :])
    conductance = np.where(alive[:, None] & alive[None, :], links / np.maximum(smaller, 1.0), 0.0)
    np.fill_diagonal(conductance, 0.0)
    return conductance


def members_sample(
    labels: Labels, count: int, per_cluster: int, rng: np.random.Generator
) -> Labels:
    """Up to `per_cluster` random members of every cluster (row numbers, sorted)."""
    order = rng.permutation(len(labels))
    order = order[labels[order] >= 0]
    order = order[np.argsort(labels[order], kind="stable")]
    starts = np.searchsorted(labels[order], np.arange(count))
    rank = np.arange(len(order)) - starts[labels[order]]
    return np.sort(order[rank < per_cluster])


def _links(vectors: Vectors, labels: Labels, count: int, k: int) -> NDArray[np.float64]:
    """links[a, b]: how often a member of a has a member of b among its k nearest (cosine),
    or the other way round; symmetric, zero diagonal."""
    pairs = []
    for part in batches(len(vectors), 2_000):
        sims = vectors[part] @ vectors.T
        sims[np.arange(part.stop - part.start), np.arange(part.start, part.stop)] = -np.inf
        nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        source = np.repeat(labels[part], k)
        pairs.append(source * count + labels[nearest].ravel())
    counted = np.bincount(np.concatenate(pairs), minlength=count * count).astype(np.float64)
    links = counted.reshape(count, count)
    links = links + links.T
    np.fill_diagonal(links, 0.0)
    return links
