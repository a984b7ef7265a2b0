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
from dataclasses import replace
from datetime import datetime
from functools import partial

import numpy as np
from numpy.typing import NDArray

from sddkit.errors import SddkitError
from sddkit.store import transaction
from sddkit.themes.cluster import (
    Labels,
    cluster_vectors,
)
from sddkit.themes.corpus import Corpus
from sddkit.themes.describe import Draft, describe
from sddkit.themes.embed import Vectors, normalize_rows
from sddkit.themes.embed_e5 import E5Embedder
from sddkit.themes.embed_e5 import available as e5_available
from sddkit.themes.embed_e5 import model_id as e5_model_id
from sddkit.themes.embed_use import LANGUAGES as USE_LANGUAGES
from sddkit.themes.families import (
    FamilySettings,
    family_of,
    find_families,
    main_languages,
    profile,
)
from sddkit.themes.ids import Match, match_clusters
from sddkit.themes.incremental import incremental_run
from sddkit.themes.meaning import cross_language_centroids
from sddkit.themes.model import Theme
from sddkit.themes.run import RunResult, for_space
from sddkit.themes.run import ThemeSettings as ThemeSettings
from sddkit.themes.space import SemanticCache, ThemeSpace, language_group
from sddkit.themes.store import PreviousRun, load_previous, save_run
from sddkit.themes.vector_cache import cached_vectors, prune_vectors
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import iter_tickets


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
    link_families(corpus, result, previous, settings.families, cache)
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
    if result.mode == "full":
        # A full run's scope is what later runs embed: vectors of other texts (tickets out
        # of the window, edited or deleted) would only make the store grow.
        for kept in filter(None, (model_id, e5_model_id() if e5_available() else None)):
            prune_vectors(conn, kept, corpus.plain)
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
    link_families(corpus, result, None, settings.families)
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
            return incremental_run(corpus, previous, space, space.cut, now, min_size, settings)
    return _full(corpus, previous, ThemeSpace(settings.space, cache), now, min_size, settings)


def link_families(
    corpus: Corpus,
    result: RunResult,
    previous: PreviousRun | None,
    s: FamilySettings,
    cache: SemanticCache | None = None,
) -> None:
    """Find the run's theme families and set each theme's `family_id` (see `families`)."""
    index = corpus.index()
    rows_of = {
        stored.theme.id: [index[k] for k in stored.theme.ticket_keys[: s.sample] if k in index]
        for stored in result.themes
    }
    profiles = {
        theme_id: profile(
            [corpus.tags[i] for i in rows],
            [corpus.tokens[i] for i in rows],
            [corpus.subjects[i] for i in rows],
        )
        for theme_id, rows in rows_of.items()
    }
    earlier = {
        t.theme.id: t.theme.family_id
        for t in (previous.themes if previous else [])
        if t.theme.family_id
    }
    themes = [stored.theme for stored in result.themes]
    centroids = _semantic_centroids(corpus, result, rows_of)
    meaning = None
    if centroids and _read_poorly(main_languages(themes, s), result) and e5_available():
        meaning = cross_language_centroids(corpus, themes, E5Embedder(), cache)
    result.families = find_families(themes, profiles, earlier, s, centroids, meaning)
    family = family_of(result.families)
    for stored in result.themes:
        stored.theme = replace(stored.theme, family_id=family.get(stored.theme.id))


def _read_poorly(languages: set[frozenset[str]], result: RunResult) -> bool:
    """Whether themes in several languages are compared by meaning and one of their main
    languages is not one the space's encoder was trained on (USE-multilingual: Serbian,
    Ukrainian, Czech...; a model of one's own: any), so `meaning` reads them again."""
    if len(languages) < 2:
        return False
    own_model = result.space is None or result.space.settings.backend == "sentence-transformers"
    read = (frozenset() if own_model else USE_LANGUAGES) | {"und"}  # unknown: no say
    return any(language_group(code) not in read for codes in languages for code in codes)


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
    settings = for_space(s.cluster, space)
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
