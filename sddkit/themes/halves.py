"""A theme that is two unrelated subjects is split in two.

In a small export the cut (read off each text's 10th nearest neighbour) reaches across
subjects: 30 tickets of three subjects come out as two themes, one of them two subjects that
have nothing in common ("how many days off have I used" with "call mom"). Each theme of at
least twice the minimum size is cut in two by average linkage; it is split when both halves
are of the minimum size and they are nearly as unrelated as two random texts of the run: the
mean cosine across the halves rises above the median cosine of random pairs by less than
`RELATED` of what the looser half's own mean cosine does. Two wordings of one subject,
or two neighbouring subjects, lie well above that (samples of 30-100 tickets of CLINC150
val, 10 a subject: the halves of pure themes at 0.36 and more, of themes joining two
intents at 0.3 and less for 25 of 36; test, for the record: 0.33 and more).
Halves mostly in different languages are never split apart: the families read those.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.cluster.hierarchy import fcluster, linkage

from sddkit.themes.embed import Vectors
from sddkit.themes.space import language_group

Labels = NDArray[np.int64]
RELATED = 0.3
SAMPLE = 300  # members of a theme looked at (average linkage is quadratic)
RANDOM_PAIRS = 3_000


def split_unrelated(
    vectors: Vectors,
    labels: Labels,
    count: int,
    copies: NDArray[np.int64],
    min_size: int,
    languages: Sequence[str | None] | None,
    rng: np.random.Generator,
) -> tuple[Labels, int]:
    """`labels` with each theme of two unrelated subjects split (the smaller half numbered
    from `count` on), and the new number of clusters. `copies`: tickets per row."""
    live = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0)
    if len(live) < 2 * min_size:
        return labels, count
    a, b = rng.choice(live, RANDOM_PAIRS), rng.choice(live, RANDOM_PAIRS)
    random_pair = float(np.median(np.einsum("ij,ij->i", vectors[a], vectors[b])))
    labels = labels.copy()
    pending = list(range(count))
    while pending:
        theme = pending.pop()
        members = np.flatnonzero(labels == theme)
        if copies[members].sum() < 2 * min_size:
            continue
        half = _unrelated_half(vectors, members, copies, min_size, random_pair, languages, rng)
        if half is not None:
            labels[half] = count
            pending += [theme, count]  # either half may be two subjects again
            count += 1
    return labels, count


def _unrelated_half(
    vectors: Vectors,
    members: NDArray[np.int64],
    copies: NDArray[np.int64],
    min_size: int,
    random_pair: float,
    languages: Sequence[str | None] | None,
    rng: np.random.Generator,
) -> NDArray[np.int64] | None:
    """The rows of the smaller half when the theme at `members` is two unrelated subjects
    (read off a sample of them; every member goes with the nearer half's centroid)."""
    everyone = members
    if len(members) < 2:  # one message sent many times
        return None
    if len(members) > SAMPLE:
        members = np.sort(rng.choice(members, SAMPLE, replace=False))
    sims = vectors[members] @ vectors[members].T
    distances = np.clip(1.0 - sims[np.triu_indices(len(members), 1)], 0.0, None)
    side = fcluster(linkage(distances, "average"), 2, "maxclust") == 1
    if side.all() or not side.any():
        return None
    if min(copies[members[side]].sum(), copies[members[~side]].sum()) < min_size:
        return None
    if languages is not None and _main_language(members[side], copies, languages) != (
        _main_language(members[~side], copies, languages)
    ):
        return None
    across = float(sims[np.ix_(side, ~side)].mean())
    looser = min(_mean_within(sims[np.ix_(s, s)]) for s in (side, ~side))
    if looser <= random_pair or across - random_pair >= RELATED * (looser - random_pair):
        return None
    smaller = side if side.sum() <= (~side).sum() else ~side
    if len(everyone) == len(members):
        rows: NDArray[np.int64] = members[smaller]
        return rows
    centroids = np.stack([vectors[members[smaller]].mean(0), vectors[members[~smaller]].mean(0)])
    nearer = np.argmax(vectors[everyone] @ centroids.T, axis=1)
    rows = everyone[nearer == 0]
    return rows if 0 < len(rows) < len(everyone) else None


def _mean_within(sims: NDArray[np.floating]) -> float:
    n = len(sims)
    return float((sims.sum() - np.trace(sims)) / (n * (n - 1))) if n > 1 else 1.0


def _main_language(
    rows: NDArray[np.int64], copies: NDArray[np.int64], languages: Sequence[str | None]
) -> str:
    """The language group most of the tickets at `rows` are written in."""
    counts = Counter[str]()
    for i in rows:
        counts[language_group(languages[int(i)])] += int(copies[int(i)])
    return max(sorted(counts), key=counts.__getitem__)
