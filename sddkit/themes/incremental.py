"""Incremental runs: new tickets join the stored themes; only the leftovers are clustered.

The stored model (`ThemeSpace`) and cut are reused, so a weekly run with few new tickets
neither refits the space nor moves the themes: new tickets join the nearest stored theme
within the cut; the rest, with earlier noise, are clustered into new themes, and a new
cluster that is one subject with an old theme by its links (`connect`) joins that theme.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from sddkit.themes.cluster import (
    assign_to_centroids,
    centroids_of,
    cluster_vectors,
    similarity_within,
)
from sddkit.themes.connect import join_connected, members_sample
from sddkit.themes.corpus import Corpus
from sddkit.themes.describe import Draft, describe
from sddkit.themes.embed import Vectors, normalize_rows
from sddkit.themes.ids import mint_id
from sddkit.themes.run import RunResult, ThemeSettings, for_space
from sddkit.themes.space import ThemeSpace
from sddkit.themes.store import PreviousRun, StoredTheme

COVERAGE_SHARE = 0.6  # below this share of the typical coverage a new ticket is not assigned


def incremental_run(
    corpus: Corpus,
    previous: PreviousRun,
    space: ThemeSpace,
    cut: float,
    now: datetime,
    min_size: int,
    s: ThemeSettings,
) -> RunResult:
    """New tickets join the stored themes within the stored run's `cut`; the rest, with
    earlier noise, are clustered into new themes."""
    old = [t for t in previous.themes if len(t.centroid)]
    labels = np.full(len(corpus), -1, dtype=np.int64)
    similarity = np.zeros(len(corpus), dtype=np.float32)
    old_index = {t.theme.id: n for n, t in enumerate(old)}
    fresh, earlier_noise = [], []
    for i, key in enumerate(corpus.keys):
        seen = previous.members.get(key)
        if seen is None:
            fresh.append(i)
        elif seen[0] is None or seen[0] not in old_index:
            earlier_noise.append(i)
        else:
            labels[i], similarity[i] = old_index[seen[0]], seen[1]
    centroids = np.array([t.centroid for t in old], dtype=np.float32).reshape(len(old), -1)
    fresh_rows = np.array(fresh, dtype=np.int64)
    fresh_texts = corpus.space_texts(fresh)
    fresh_vectors = space.transform(fresh_texts)
    near, sims = assign_to_centroids(fresh_vectors, centroids, similarity_within(cut))
    if space.char is not None and space.semantic_weight == 0:
        # A text the stored n-gram model covers poorly is about something new: leave it to
        # the leftover clustering rather than trust its projection.
        coverage = space.char.transform_with_coverage(fresh_texts.cleaned)[1]
        unknown = coverage < COVERAGE_SHARE * space.char.typical_coverage
        near[unknown], sims[unknown] = -1, 0.0
    labels[fresh_rows], similarity[fresh_rows] = near, sims
    # Leftovers: fresh tickets that fit no theme, plus earlier noise; cluster them alone.
    left_rows = np.concatenate([fresh_rows[near < 0], np.array(earlier_noise, dtype=np.int64)])
    left_vectors = np.concatenate(
        [fresh_vectors[near < 0], space.transform(corpus.space_texts(earlier_noise))]
    )
    left_labels = _cluster_leftovers(corpus, left_rows, left_vectors, min_size, s, space, cut)
    new_centroids = centroids_of(left_vectors, left_labels, int(left_labels.max(initial=-1)) + 1)
    left = (left_vectors, left_labels, [corpus.languages[i] for i in left_rows])
    into_old = _join_to_old(corpus, space, labels, len(old), left, s, cut)
    for c, n in enumerate(into_old.tolist()):
        if n >= 0:  # a new wording of an old theme's subject: it joins that theme
            rows = left_rows[left_labels == c]
            labels[rows] = n
            similarity[rows] = left_vectors[left_labels == c] @ old[n].centroid
    drafts = _old_drafts(old, labels, fresh_rows, fresh_vectors, near)
    taken = {t.theme.id for t in previous.themes}
    for c, centroid in enumerate(new_centroids):
        if into_old[c] >= 0:
            continue
        rows = left_rows[left_labels == c]
        theme_id = mint_id({corpus.keys[i] for i in rows}, taken)
        taken.add(theme_id)
        labels[rows] = len(drafts)
        similarity[rows] = left_vectors[left_labels == c] @ centroid
        drafts.append(Draft(theme_id, rows, centroid, "new"))
    kept = [d for d in drafts if len(d.rows)]
    themes = describe(corpus, kept, similarity, now, s.title_language)
    ids = [d.theme_id for d in drafts]
    members = [
        (key, ids[label] if label >= 0 else None, float(similarity[i]))
        for i, (key, label) in enumerate(zip(corpus.keys, labels.tolist(), strict=True))
    ]
    return RunResult("incremental", themes, members, None, previous.model_run, space=space)


def _join_to_old(
    corpus: Corpus,
    space: ThemeSpace,
    labels: NDArray[np.int64],
    old_count: int,
    left: tuple[Vectors, NDArray[np.int64], list[str | None]],
    s: ThemeSettings,
    cut: float,
) -> NDArray[np.int64]:
    """For each new cluster of leftovers, the old theme it is one subject with by its links
    (`connect.join_connected` over a sample of the old themes' members and the new
    clusters), else -1: a subject's new wording joins its theme, as in a full run. `left`:
    the leftovers' vectors, cluster labels and languages."""
    left_vectors, left_labels, left_languages = left
    new_count = int(left_labels.max(initial=-1)) + 1
    into = np.full(new_count, -1, dtype=np.int64)
    c = for_space(s.cluster, space)
    if new_count == 0 or old_count == 0 or c.connect_neighbours <= 0:
        return into
    rng = np.random.default_rng(c.seed)
    rows = members_sample(labels, old_count, c.connect_members, rng)
    new_rows = np.flatnonzero(left_labels >= 0)
    vectors = np.concatenate([space.transform(corpus.space_texts(rows)), left_vectors[new_rows]])
    both = np.concatenate([labels[rows], old_count + left_labels[new_rows]])
    languages = [corpus.languages[i] for i in rows] + [left_languages[i] for i in new_rows]
    joined = join_connected(
        vectors,
        both,
        old_count + new_count,
        neighbours=c.connect_neighbours,
        share=c.join_share,
        members=c.connect_members,
        rng=rng,
        languages=languages,
        floors=c.link_floors(cut),
    )
    for cluster in range(new_count):
        group = joined[len(rows) :][left_labels[new_rows] == cluster]
        if len(group) and group[0] < old_count:
            into[cluster] = group[0]
    return into


def _cluster_leftovers(
    corpus: Corpus,
    rows: NDArray[np.int64],
    vectors: Vectors,
    min_size: int,
    s: ThemeSettings,
    space: ThemeSpace,
    cut: float,
) -> NDArray[np.int64]:
    """Cluster the leftovers (`vectors`: theirs in the stored space) at the full run's cut.
    With the n-gram backend alone, in a space fitted for them (with a sample of the rest for
    context): words new since the stored model was fitted are what new themes are made of.
    The caller computes the new themes' centroids in the stored space."""
    if len(rows) < min_size:
        return np.full(len(rows), -1, dtype=np.int64)
    texts = corpus.space_texts(rows)
    if space.semantic_weight == 0:
        rng = np.random.default_rng(s.cluster.seed)
        context = rng.choice(len(corpus), min(len(corpus), s.cluster.sample_size), replace=False)
        local = ThemeSpace(space.settings, space.cache)
        local.fit(corpus.space_texts(np.union1d(rows, context)))
        vectors = local.transform(texts)
    settings = replace(for_space(s.cluster, space), threshold=cut)
    return cluster_vectors(vectors, min_size, settings, texts.cleaned, texts.languages).labels


def _old_drafts(
    old: list[StoredTheme],
    labels: NDArray[np.int64],
    fresh_rows: NDArray[np.int64],
    fresh_vectors: Vectors,
    near: NDArray[np.int64],
) -> list[Draft]:
    """Previous themes with the fresh tickets that joined them; centroids move accordingly."""
    drafts = []
    for n, stored in enumerate(old):
        rows = np.flatnonzero(labels == n)
        joined = fresh_vectors[near == n]
        moved = stored.centroid * max(stored.theme.size, 1) + joined.sum(axis=0)
        centroid = normalize_rows(moved[None, :])[0]
        kept_share = (len(rows) - len(joined)) / max(stored.theme.size, 1)
        cosine = float(centroid @ stored.centroid)
        drafts.append(
            Draft(stored.theme.id, rows, centroid, "kept", round(kept_share, 4), round(cosine, 4))
        )
    return drafts
