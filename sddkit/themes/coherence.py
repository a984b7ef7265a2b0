"""A theme must be about something: its members share vocabulary.

Character n-gram vectors can pull together texts that share no word at all: tickets made of
words nobody else uses (names, typos, made-up or foreign words) end up close because of their
letter statistics alone, one cluster per alphabet. Such a cluster is not a theme. The check
here is word-level and independent of the vectors: take a random sample of a cluster's
members, reduce each to its content words (letters only, at least 3 long, no stop words)
cut to a short prefix so inflected forms meet ("ошибка"/"ошибку", "crash"/"crashes"), and
measure the share of members containing the cluster's most common such word. Below
`min_share` the cluster is rejected and its tickets are noise.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from sddkit.themes.label import STOPWORDS

STEM = 5  # characters kept of each word
_WORD = re.compile(r"[^\W\d_]{3,}")


def content_stems(text: str) -> set[str]:
    """The distinct content words of a cleaned text, cut to their first `STEM` letters."""
    return {w[:STEM] for w in _WORD.findall(text) if w not in STOPWORDS}


def top_word_share(texts: Sequence[str]) -> float:
    """Share of `texts` containing the most common content stem among them (0 if none)."""
    if not texts:
        return 0.0
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(content_stems(text))
    return counts.most_common(1)[0][1] / len(texts) if counts else 0.0


def incoherent_clusters(
    texts: Sequence[str],
    labels: NDArray[np.int64],
    count: int,
    min_share: float,
    sample: int,
    rng: np.random.Generator,
    languages: Sequence[str | None] | None = None,
) -> NDArray[np.bool_]:
    """For clusters 0..count-1 of `labels` (-1 = noise): True where a random sample of up to
    `sample` members has no content stem shared by at least `min_share` of them. With
    `languages`, a cluster written in several languages is judged per language (a multilingual
    theme shares meaning, not words): the members' weighted share over languages."""
    rejected = np.zeros(count, dtype=bool)
    if min_share <= 0:
        return rejected
    order = np.flatnonzero(labels >= 0)
    order = order[np.argsort(labels[order], kind="stable")]
    bounds = np.searchsorted(labels[order], np.arange(count + 1))
    for cluster in range(count):
        rows = order[bounds[cluster] : bounds[cluster + 1]]
        if len(rows) == 0:
            continue
        if len(rows) > sample:
            rows = rng.choice(rows, sample, replace=False)
        rejected[cluster] = word_share(texts, rows, languages) < min_share
    return rejected


def word_share(
    texts: Sequence[str], rows: NDArray[np.int64], languages: Sequence[str | None] | None
) -> float:
    if languages is None:
        return top_word_share([texts[i] for i in rows])
    groups: dict[str | None, list[str]] = {}
    for i in rows:
        groups.setdefault(languages[i], []).append(texts[i])
    # A text alone in its language shares every word with itself: such texts are judged
    # together, or three one-offs in three languages would pass as a theme.
    alone = [group[0] for group in groups.values() if len(group) == 1]
    judged = [group for group in groups.values() if len(group) > 1]
    if alone:
        judged.append(alone)
    return sum(top_word_share(group) * len(group) for group in judged) / len(rows)
