"""Tickets -> themes with stable ids: clean, embed, cluster (full or incremental), label, store.

A *full* run refits the embedding on all tickets in scope, clusters them and carries ids over
from the previous run (see `ids`). An *incremental* run reuses the stored model: new tickets
join existing themes whose centroid they are close to, and only the leftovers (new tickets
that fit nowhere plus earlier noise) are clustered into new themes. `update_themes` runs
incrementally when the new tickets are a small share of those already seen, the scope and
minimum size are unchanged and the model is recent; `full=True` forces a full run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial

import numpy as np
from numpy.typing import NDArray

from sddkit.errors import SddkitError
from sddkit.store import transaction
from sddkit.themes.cluster import (
    ClusterSettings,
    Labels,
    assign_to_centroids,
    centroids_of,
    cluster_vectors,
    similarity_within,
)
from sddkit.themes.connect import join_connected, members_sample
from sddkit.themes.corpus import Corpus
from sddkit.themes.describe import Draft, describe
from sddkit.themes.embed import Vectors, normalize_rows
from sddkit.themes.families import FamilySettings, ThemeFamily, family_of, find_families, profile
from sddkit.themes.ids import Match, MatchSettings, match_clusters, mint_id
from sddkit.themes.model import Theme
from sddkit.themes.space import SemanticCache, SpaceSettings, ThemeSpace
from sddkit.themes.store import PreviousRun, StoredTheme, load_previous, save_run
from sddkit.themes.vector_cache import cached_vectors, prune_vectors
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import iter_tickets

COVERAGE_SHARE = 0.6  # below this share of the typical coverage a new ticket is not assigned


@dataclass(frozen=True)
class ThemeSettings:
    space: SpaceSettings = field(default_factory=SpaceSettings)
    cluster: ClusterSettings = field(default_factory=ClusterSettings)
    match: MatchSettings = field(default_factory=MatchSettings)
    incremental_max_share: float = 0.25  # new tickets / tickets seen, above it: full run
    incremental_max_runs: int = 6  # runs since the model was fitted, above it: full run
    families: FamilySettings = field(default_factory=FamilySettings)
    title_language: str = "en"  # titles in the team's language where tickets allow


@dataclass
class RunResult:
    mode: str
    themes: list[StoredTheme]
    members: list[tuple[str, str | None, float]]
    model_state: bytes | None
    model_run: int | None
    families: list[ThemeFamily] = field(default_factory=list)
    space: ThemeSpace | None = None  # the run's vector space (families compare meanings in it)
    vectors: Vectors | None = None  # every corpus row's vector, when the run computed them


def update_themes(
    conn: sqlite3.Connection,
    *,
    now: datetime,
    min_size: int = 5,
    since: datetime | None = None,
    full: bool | None = None,
    settings: ThemeSettings | None = None,
) -> list[Theme]:
    """Cluster the store's tickets created in [since, now), keep stable ids, store the run
    (themes, memberships, history) and return the themes, largest first."""
    if now.tzinfo is None or (since is not None and since.tzinfo is None):
        raise SddkitError("now and since must be timezone-aware")
    if min_size < 2:
        raise SddkitError(f"min-size must be at least 2, got {min_size}")
    settings = settings or ThemeSettings()
    previous = load_previous(conn)
    corpus = Corpus.from_tickets(iter_tickets(conn, since=since, until=now))
    cache: SemanticCache = partial(cached_vectors, conn)
    result = run_themes(corpus, previous, now=now, min_size=min_size, since=since,
                        full=full, settings=settings, cache=cache)  # fmt: skip
    _link_families(corpus, result, previous, settings.families)
    with transaction(conn):
        save_run(
            conn,
            now=now,
            mode=result.mode,
            since=since,
            min_size=min_size,
            backend=settings.space.backend,
            model_state=result.model_state,
            model_run=result.model_run,
            ticket_count=len(corpus),
            themes=result.themes,
            members=result.members,
            families=result.families,
        )
    model_id = result.space.cached_model if result.space else None
    if result.mode == "full" and model_id:
        # A full run's scope is what later runs embed: vectors of other texts (tickets out
        # of the window, edited or deleted) would only make the store grow.
        prune_vectors(conn, model_id, corpus.plain)
    return [stored.theme for stored in result.themes]


def themes_from_tickets(
    tickets: Iterable[Ticket],
    *,
    now: datetime,
    min_size: int = 5,
    settings: ThemeSettings | None = None,
) -> list[Theme]:
    """One full run on tickets in memory, nothing stored (benchmarks, previews)."""
    settings = settings or ThemeSettings()
    corpus = Corpus.from_tickets(tickets)
    result = run_themes(corpus, None, now=now, min_size=min_size, since=None, full=True,
                        settings=settings)  # fmt: skip
    _link_families(corpus, result, None, settings.families)
    return [stored.theme for stored in result.themes]


def run_themes(
    corpus: Corpus,
    previous: PreviousRun | None,
    *,
    now: datetime,
    min_size: int,
    since: datetime | None,
    full: bool | None,
    settings: ThemeSettings,
    cache: SemanticCache | None = None,
) -> RunResult:
    """One run over `corpus`; `cache` keeps pretrained vectors between runs (`vector_cache`)."""
    if full is not True and _can_go_incremental(corpus, previous, min_size, since, settings):
        assert previous is not None and previous.model_state is not None
        space = ThemeSpace.loads(previous.model_state, settings.space.model_path, cache)
        if space is not None and space.cut is not None:
            return _incremental(corpus, previous, space, space.cut, now, min_size, settings)
    return _full(corpus, previous, ThemeSpace(settings.space, cache), now, min_size, settings)


def _link_families(
    corpus: Corpus, result: RunResult, previous: PreviousRun | None, s: FamilySettings
) -> None:
    """Find the run's theme families and set each theme's `family_id` (see `families`)."""
    index = corpus.index()
    rows_of = {
        stored.theme.id: [index[k] for k in stored.theme.ticket_keys[: s.sample] if k in index]
        for stored in result.themes
    }
    profiles = {
        theme_id: profile([corpus.tags[i] for i in rows], [corpus.tokens[i] for i in rows])
        for theme_id, rows in rows_of.items()
    }
    earlier = {
        t.theme.id: t.theme.family_id
        for t in (previous.themes if previous else [])
        if t.theme.family_id
    }
    themes = [stored.theme for stored in result.themes]
    centroids = _semantic_centroids(corpus, result, rows_of)
    result.families = find_families(themes, profiles, earlier, s, centroids)
    family = family_of(result.families)
    for stored in result.themes:
        stored.theme = replace(stored.theme, family_id=family.get(stored.theme.id))


def _semantic_centroids(
    corpus: Corpus, result: RunResult, rows_of: dict[str, list[int]]
) -> dict[str, Vectors]:
    """Each theme's mean semantic vector (centred per language, unit length); none when the
    run's space has no semantic part. An incremental run reads its members' vectors from the
    cache."""
    space = result.space
    if space is None or space.semantic_weight == 0:
        return {}
    needed = sorted({i for rows in rows_of.values() for i in rows})
    if result.vectors is not None:
        semantic = space.semantic_part(result.vectors[needed])
    else:
        texts = corpus.space_texts(needed)
        semantic = space.centred(space.semantic(texts), texts.languages)
    if semantic is None:
        return {}
    position = {row: n for n, row in enumerate(needed)}
    sums = {
        tid: semantic[[position[i] for i in rows]].sum(axis=0)
        for tid, rows in rows_of.items()
        if rows
    }
    return {tid: normalize_rows(total[None, :])[0] for tid, total in sums.items()}


def _can_go_incremental(
    corpus: Corpus,
    previous: PreviousRun | None,
    min_size: int,
    since: datetime | None,
    settings: ThemeSettings,
) -> bool:
    if previous is None or previous.model_state is None or previous.model_run is None:
        return False
    wanted = (min_size, since, settings.space.backend)
    if (previous.min_size, previous.since, previous.backend) != wanted:
        return False
    if previous.run_id - previous.model_run >= settings.incremental_max_runs:
        return False
    new = sum(1 for key in corpus.keys if key not in previous.members)
    return new <= settings.incremental_max_share * max(len(previous.members), 1)


def _full(
    corpus: Corpus,
    previous: PreviousRun | None,
    space: ThemeSpace,
    now: datetime,
    min_size: int,
    s: ThemeSettings,
) -> RunResult:
    texts = corpus.space_texts()
    semantic = space.semantic(texts) if space.semantic_weight > 0 else None
    space.fit(texts, semantic)
    vectors = space.transform(texts, semantic)
    settings = _for_space(s.cluster, space)
    clustering = cluster_vectors(vectors, min_size, settings, corpus.texts, corpus.languages,
                                 _themes_before(corpus, previous))  # fmt: skip
    space.cut = clustering.cut
    groups = [np.flatnonzero(clustering.labels == c) for c in range(len(clustering.centroids))]
    new_members = [frozenset(corpus.keys[i] for i in g) for g in groups]
    old_ids, old_members, old_centroids = _previous_in_space(corpus, previous, vectors)
    matches = match_clusters(
        new_members, clustering.centroids, old_ids, old_members, old_centroids, s.match
    )
    drafts = [
        Draft(m.theme_id, g, clustering.centroids[c], m.origin, m.overlap, m.cosine)
        for c, (g, m) in enumerate(zip(groups, matches, strict=True))
    ]
    themes = describe(corpus, drafts, clustering.similarity, now, s.title_language)
    members = _memberships(corpus, clustering.labels, clustering.similarity, matches)
    return RunResult("full", themes, members, space.dumps(), None, space=space, vectors=vectors)


def _themes_before(corpus: Corpus, previous: PreviousRun | None) -> Labels | None:
    """Each ticket's theme in the previous run, as an index (-1: none)."""
    if previous is None:
        return None
    index: dict[str, int] = {}
    found = [previous.members.get(key, (None, 0.0))[0] for key in corpus.keys]
    return np.array(
        [-1 if t is None else index.setdefault(t, len(index)) for t in found], dtype=np.int64
    )


def _for_space(settings: ClusterSettings, space: ThemeSpace) -> ClusterSettings:
    """The subject-level join (`connect`) reads meaning: in a letters-only space (the
    n-gram backend) two texts' nearest neighbours share spelling, not a subject."""
    return settings if space.semantic_weight > 0 else replace(settings, connect_neighbours=0)


def _previous_in_space(
    corpus: Corpus, previous: PreviousRun | None, vectors: Vectors
) -> tuple[list[str], list[frozenset[str]], Vectors]:
    """Previous themes' members and centroids recomputed in this run's vector space."""
    if previous is None or not previous.themes:
        return [], [], np.zeros((0, vectors.shape[1]), dtype=np.float32)
    index = corpus.index()
    ids, members, centroids = [], [], []
    for stored in previous.themes:
        keys = frozenset(stored.theme.ticket_keys)
        rows = [index[k] for k in keys if k in index]
        ids.append(stored.theme.id)
        members.append(keys)
        centroids.append(vectors[rows].sum(axis=0) if rows else np.zeros(vectors.shape[1]))
    return ids, members, normalize_rows(np.array(centroids))


def _memberships(
    corpus: Corpus, labels: NDArray[np.int64], similarity: NDArray[np.float32], matches: list[Match]
) -> list[tuple[str, str | None, float]]:
    return [
        (key, matches[label].theme_id if label >= 0 else None, float(similarity[i]))
        for i, (key, label) in enumerate(zip(corpus.keys, labels.tolist(), strict=True))
    ]


def _incremental(
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
    c = _for_space(s.cluster, space)
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
        share=min(c.connect_share / c.granularity, 1.0),
        members=c.connect_members,
        rng=rng,
        languages=languages,
        floors=(similarity_within(cut), similarity_within(c.cross_language_reach * cut)),
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
    settings = replace(_for_space(s.cluster, space), threshold=cut)
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
