from __future__ import annotations

import re
from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

from sddkit.tickets.demo import demo_tickets
from sddkit.tickets.language import (
    DEFAULT_LANGUAGES,
    DEPTH,
    SAMPLE_CHARS,
    _encode,
    _model,
    _walk,
    detect_language,
    detect_languages,
)

LETTERS = "abcčćđšžxyz абвгдђежзијклљмнњопрстћуфхцчџшыэюяё ąęłńśźżÀÉ 1.,!?\n<>&\U0001f600"
TEXTS = st.text(alphabet=LETTERS, max_size=SAMPLE_CHARS + 50) | st.text(max_size=80)


def _reference(languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    identifier.set_languages(list(languages))
    return identifier


REFERENCE = _reference()


def _expected(text: str) -> str | None:
    """What py3langid itself says, on the sample detection looks at."""
    sample = text[:SAMPLE_CHARS]
    if not re.search(r"[^\W\d_]{3}", sample):  # no word of three letters
        return None
    return str(REFERENCE.classify(sample)[0])


def _state_counts(text: str) -> Counter[int]:
    """Feature counts from the vectorised walk, here on the text between two others."""
    model = _model(DEFAULT_LANGUAGES)
    encoded = [_encode("Другой текст"), _encode(text), _encode("another text")]
    lengths = np.array([len(e) for e in encoded])
    state = _walk(model, encoded, lengths)[lengths[0] : lengths[0] + lengths[1]]
    features = model.output[state]
    return Counter(features[features >= 0].tolist())


def test_depth_covers_the_automaton() -> None:
    """Breadth-first from the start state: every state is at most DEPTH bytes away."""
    model = _model(DEFAULT_LANGUAGES)
    seen = np.zeros(len(model.rowbase), dtype=bool)
    seen[0] = True
    frontier, depth = np.array([0]), 0
    while len(frontier):
        reached = np.zeros(len(seen), dtype=bool)
        for chunk in np.array_split(frontier, max(1, len(frontier) // 2000)):
            reached[model.nextmove[(model.rowbase[chunk][:, None] + np.arange(256)).ravel()]] = True
        frontier = np.flatnonzero(reached & ~seen)
        seen[frontier] = True
        depth += bool(len(frontier))
    assert seen.all() and depth <= DEPTH


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_vectorised_walk_counts_what_py3langid_counts(text: str) -> None:
    encoded = _encode(text)
    expected = visit_counts(REFERENCE.tk_nextmove, REFERENCE._rowbase, REFERENCE.tk_output, encoded)
    assert _state_counts(text) == (expected or Counter())


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS, max_size=12))
def test_batch_detection_matches_py3langid(texts: list[str]) -> None:
    assert detect_languages(texts) == [_expected(text) for text in texts]


def test_demo_texts_get_py3langid_labels_and_their_languages() -> None:
    tickets = list(demo_tickets())[::7]
    detected = detect_languages([t.text for t in tickets])
    assert detected == [_expected(t.text) for t in tickets]
    assert sum(d == t.language for d, t in zip(detected, tickets, strict=True)) / len(tickets) > 0.9
    assert set(detected) == {"en", "ru", "pl", "sr"}


def test_restricted_languages_and_texts_without_words() -> None:
    assert detect_languages(["12 34 !!", "", "Экспорт в CSV зависает"], ("en", "ru")) == [
        None,
        None,
        "ru",
    ]
    assert detect_language("Eksport do CSV nie działa", ("en", "pl")) == "pl"
    assert detect_languages(["abc"]) == [_expected("abc")]
