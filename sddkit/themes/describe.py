"""From clustered tickets to `Theme`s: keywords, label, representatives, kind, figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from sddkit.themes.corpus import Corpus
from sddkit.themes.embed import Vectors
from sddkit.themes.figures import average, tally, trend, weekly_counts
from sddkit.themes.kinds import classify_kind
from sddkit.themes.label import class_keywords, make_label, make_title
from sddkit.themes.model import Theme
from sddkit.themes.store import StoredTheme
from sddkit.themes.title_words import identity_words

KEYWORD_SAMPLE = 400  # texts per theme for keywords (the closest to the centroid)
KIND_SAMPLE = 2_000  # texts per theme for the kind cues
TITLE_SAMPLE = 50  # tickets closest to the centroid whose subject may become the title


@dataclass
class Draft:
    """A cluster with its final id, before it is described."""

    theme_id: str
    rows: NDArray[np.int64]  # corpus rows of the members
    centroid: Vectors
    origin: str
    overlap: float | None = None
    cosine: float | None = None


def describe(
    corpus: Corpus,
    drafts: Sequence[Draft],
    similarity: NDArray[np.float32],
    now: datetime,
    team_language: str = "en",
) -> list[StoredTheme]:
    """Describe every draft; `similarity[row]` is the member's cosine to its centroid.
    Titles are in `team_language` where the theme's tickets allow (`label.make_title`)."""
    ranked = [_by_closeness(d.rows, similarity, corpus.keys) for d in drafts]
    keywords = class_keywords([[corpus.texts[i] for i in rows[:KEYWORD_SAMPLE]] for rows in ranked])
    themes = []
    for draft, rows, words in zip(drafts, ranked, keywords, strict=True):
        theme = _theme(corpus, draft.theme_id, rows, words, now, team_language)
        themes.append(StoredTheme(theme, draft.centroid, draft.origin, draft.overlap, draft.cosine))
    themes.sort(key=lambda s: (-s.theme.size, s.theme.id))
    return themes


def _by_closeness(
    rows: NDArray[np.int64], similarity: NDArray[np.float32], keys: Sequence[str]
) -> list[int]:
    return sorted(rows.tolist(), key=lambda i: (-float(similarity[i]), keys[i]))


def _theme(
    corpus: Corpus,
    theme_id: str,
    rows: list[int],
    words: list[str],
    now: datetime,
    team_language: str,
) -> Theme:
    created = [corpus.created[i] for i in rows]
    # The corpus already detected the languages its tickets came without; one it could not
    # place has no letters at all ("und").
    language_of = {i: corpus.languages[i] or "und" for i in rows}
    sample = rows[:KIND_SAMPLE]
    kind, evidence = classify_kind(
        [corpus.texts[i] for i in sample],
        [corpus.tags[i] for i in sample],
        [language_of[i] for i in sample],
    )
    customers = {corpus.customers[i] for i in rows if corpus.customers[i]}
    keyword_label = make_label(words, fallback=corpus.texts[rows[0]][:48] or theme_id)
    lines = [(corpus.subjects[i], language_of[i]) for i in rows[:TITLE_SAMPLE]]
    languages = tally(list(language_of.values()))
    main = next(iter(languages), None)
    avoid = identity_words(customers, (corpus.organizations[i] for i in rows))
    title = make_title(lines, words, keyword_label, main, team_language=team_language, avoid=avoid)
    return Theme(
        id=theme_id,
        label=title,
        kind=kind,
        keywords=tuple(words),
        ticket_keys=tuple(sorted(corpus.keys[i] for i in rows)),
        representative_keys=tuple(corpus.keys[i] for i in rows[:3]),
        customer_count=len(customers),
        first_seen=min(created),
        last_seen=max(created),
        trend=trend(created, now),
        evidence=evidence,
        avg_satisfaction=average([corpus.satisfaction[i] for i in rows]),
        channels=tally([corpus.channels[i] for i in rows]),
        languages=languages,
        weekly_counts=weekly_counts(created, now),
    )
