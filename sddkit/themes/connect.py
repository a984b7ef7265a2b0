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
The share is relative, so the same setting holds for subjects of 20 and of 200 tickets. In
a small export (under 300 clustered texts) nothing is joined: there a neighbourhood is a good
part of the data, themes are already as wide as subjects, and joins only mixed subjects
(49-100 demo tickets: one theme of 70 of 70).
Neighbours are picked across languages as the agglomeration picks them (after CSLS, see
`neighbours`): x's cosine to y as if y were written in x's language, so a Serbian theme's
members find their subject's English and Polish members, not other Serbian subjects (the
demo: 59 -> 26 themes for 22 subjects), and links only within 1.5 times the cut (2 times in
another language). Across languages a link must be found from both sides: a subject asked
in one language only finds "nearest" texts in every other language too, members of whatever
subject lies closest there, which do not find it (the demo's one-off questions, a webinar
recording or a blurry logo, joined login loop and plan change). A language needs 100 texts
and 5 % of them to count as one: a few misdetected texts (short English queries read as
Pidgin) would otherwise be everyone's neighbours, and in a small export a language may hold
one subject only, which the adjustment would make the nearest of every other language's
texts; smaller ones count as the largest language (plain cosines).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from sddkit.themes.embed import Vectors, batches
from sddkit.themes.neighbours import language_groups, typical_similarity

Labels = NDArray[np.int64]
MAX_ROWS = 8_000  # members sampled in all, at most (their similarities are held at once)
MIN_MEMBERS = 5
MIN_TEXTS_PER_NEIGHBOUR = 30  # below 30 x the neighbours (300 texts) nothing is joined
MIN_LANGUAGE_TEXTS = 100  # a language with fewer sampled texts counts as the largest


def join_connected(
    vectors: Vectors,
    labels: Labels,
    count: int,
    *,
    neighbours: int,
    share: float,
    members: int,
    rng: np.random.Generator,
    coherent: Callable[[NDArray[np.int64]], bool] | None = None,
    languages: Sequence[str | None] | None = None,
    floors: tuple[float, float] = (-1.0, -1.0),
    before: Labels | None = None,
    before_share: float | None = None,
) -> Labels:
    """`labels` with clusters joined as the module docstring says; cluster numbers stay in
    0..count-1 (with gaps where clusters were joined away), noise (-1) stays noise.
    `coherent(rows)` says whether the members at `rows`, joined, still share words
    (`coherence`): a join that would make a theme about nothing is not made. `languages`:
    the vectors' languages, for picking neighbours across them; `floors`: the cosine below
    which a neighbour is no link, in the same language and in another (as the
    agglomeration's: a neighbour picked as if in one's language must still be near).
    `before`: each vector's theme in the previous run (-1: none); two clusters that were
    mostly one theme then join from `before_share` (`was_one`)."""
    if count < 2 or neighbours <= 0 or share <= 0:
        return labels
    if np.count_nonzero(labels >= 0) < MIN_TEXTS_PER_NEIGHBOUR * neighbours:
        return labels  # a theme already spans a good part of so few texts
    per_cluster = min(members, max(MIN_MEMBERS, MAX_ROWS // count))
    rows = members_sample(labels, count, per_cluster, rng)
    if len(rows) <= neighbours:
        return labels
    picked = None if languages is None else [languages[int(i)] for i in rows]
    links, volume = _links(vectors[rows], labels[rows], count, neighbours, picked, floors)
    group = np.arange(count)
    alive = volume > 0
    conductance = _conductance(links, volume, alive)
    # Pairs that were one theme last run join from the lower share: their conductance is
    # weighed up by share / before_share, so one comparison orders every pair.
    weight = np.ones((count, count))
    if before is not None and before_share is not None and before_share < share:
        weight = np.where(was_one(labels, before, count), share / before_share, 1.0)
    conductance *= weight
    while True:
        best = int(np.argmax(conductance))
        keep, gone = divmod(best, count)
        if conductance[keep, gone] < share:
            break
        if coherent is not None:
            joined = np.isin(labels, np.flatnonzero((group == keep) | (group == gone)))
            if not coherent(np.flatnonzero(joined)):
                conductance[keep, gone] = conductance[gone, keep] = 0.0
                continue
        links[keep] += links[gone]
        links[:, keep] += links[:, gone]
        links[keep, keep] = 0.0
        links[gone], links[:, gone] = 0.0, 0.0
        volume[keep] += volume[gone]
        volume[gone] = 0.0
        alive[gone] = False
        group[group == gone] = keep
        weight[keep] = weight[:, keep] = np.maximum(weight[keep], weight[gone])
        # Only the joined cluster's row and column change.
        smaller = np.minimum(volume[keep], volume)
        row = np.where(alive, links[keep] / np.maximum(smaller, 1.0), 0.0) * weight[keep]
        row[keep] = 0.0
        conductance[keep], conductance[:, keep] = row, row
        conductance[gone], conductance[:, gone] = 0.0, 0.0
    return np.where(labels >= 0, group[np.maximum(labels, 0)], -1)


def was_one(labels: Labels, before: Labels, count: int) -> NDArray[np.bool_]:
    """[a, b]: clusters a and b were mostly one theme in the previous run: the theme that
    held most of a's members then (at least half of those that were in a theme, and at
    least `MIN_MEMBERS`) is the one that held most of b's. A weekly run that splits a subject
    its previous run held together (its tickets grew, its wordings drifted apart) does so
    with less evidence than one that finds two subjects; joining those parts more readily
    keeps the subject one theme and one issue from week to week."""
    dominant = np.full(count, -1, dtype=np.int64)
    for cluster in range(count):
        was = before[(labels == cluster) & (before >= 0)]
        if len(was) >= MIN_MEMBERS:
            values, counts = np.unique(was, return_counts=True)
            if counts.max() * 2 >= len(was):
                dominant[cluster] = values[np.argmax(counts)]
    same = (dominant[:, None] == dominant[None, :]) & (dominant[:, None] >= 0)
    np.fill_diagonal(same, False)
    return np.asarray(same, dtype=np.bool_)


def cluster_sums(vectors: Vectors, labels: Labels, count: int) -> NDArray[np.float64]:
    """The sum of each cluster's vectors (noise, -1, left out), as one sparse product:
    numpy's `add.at` took 20 s of a 100k-ticket run."""
    members = np.flatnonzero(labels >= 0)
    indicator = sparse.csr_matrix(
        (np.ones(len(members), dtype=vectors.dtype), (labels[members], members)),
        shape=(count, len(vectors)),
    )
    return np.asarray(indicator @ vectors, dtype=np.float64)


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


def _links(
    vectors: Vectors,
    labels: Labels,
    count: int,
    k: int,
    languages: Sequence[str | None] | None = None,
    floors: tuple[float, float] = (-1.0, -1.0),
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """links[a, b]: how often a member of a has a member of b among its nearest (cosine), or
    the other way round (symmetric, zero diagonal); and each cluster's volume, the links its
    members look for. A member looks at as many neighbours as its cluster has other sampled
    members, at most k: a cluster of 6 cannot hold 10 of its members' neighbours, and would
    otherwise seem to belong wherever its nearest outsiders are."""
    sizes = np.bincount(labels, minlength=count)
    wanted = np.clip(sizes[labels] - 1, 1, k)
    shift = None
    group = np.zeros(len(vectors), dtype=np.int64)
    if languages is not None:
        everything = vectors @ vectors.T
        names, group = language_groups(languages, MIN_LANGUAGE_TEXTS)
        typical = typical_similarity(everything, group, len(names))
        own = typical[np.arange(len(vectors)), group]
        shift = (typical[:, group] - own[:, None]) if len(names) > 1 else None
        del everything
    n = len(vectors)
    nearest = np.empty((n, k), dtype=np.int64)
    used = np.empty((n, k), dtype=bool)
    for part in batches(n, 2_000):
        sims = vectors[part] @ vectors.T
        if shift is not None:  # as if each text were written in this one's language
            sims = sims - shift[part]
        sims[np.arange(part.stop - part.start), np.arange(part.start, part.stop)] = -np.inf
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1)
        nearest[part] = np.take_along_axis(top, order, axis=1)
        raw = np.einsum("ij,ikj->ik", vectors[part], vectors[nearest[part]])
        floor = np.where(group[nearest[part]] == group[part, None], floors[0], floors[1])
        used[part] = (np.arange(k)[None, :] < wanted[part, None]) & (raw >= floor)
    source = np.repeat(labels, k).reshape(-1, k)
    across = group[nearest] != group[:, None]
    links = _counted(source[used & ~across], labels[nearest][used & ~across], count)
    found = _counted(source[used & across], labels[nearest][used & across], count)
    # Across languages a pull from one side only is no link: the adjustment asks for each
    # text's nearest as if the others were in its language, so a subject written in one
    # language only (a webinar recording, asked in English) finds its nearest in every other
    # language anyway, members of whatever subject lies closest there (demo: four one-off
    # subjects joined to login loop, plan change and training). One subject's parts in two
    # languages find each other from both sides.
    links += np.where((found > 0) & (found.T > 0), found, 0.0)
    links = links + links.T
    np.fill_diagonal(links, 0.0)
    volume = np.bincount(labels, weights=wanted, minlength=count).astype(np.float64)
    return links, volume


def _counted(source: Labels, target: Labels, count: int) -> NDArray[np.float64]:
    """[a, b]: how many of the (source, target) cluster pairs are (a, b)."""
    pairs = np.bincount(source * count + target, minlength=count * count)
    return pairs.reshape(count, count).astype(np.float64)
