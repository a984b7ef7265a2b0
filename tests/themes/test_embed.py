from __future__ import annotations

import random

import numpy as np

from sddkit.themes.embed import CharNgramEmbedder, covered_vectors


def test_texts_the_model_barely_covers_get_zero_vectors() -> None:
    rng = random.Random(0)
    tails = ["today", "again", "now", "since monday", "for everyone", ""]
    themed = [f"invoice pdf download fails {rng.choice(tails)}" for _ in range(40)]
    themed += [f"dark mode labels hard to read {rng.choice(tails)}" for _ in range(40)]
    strays = [
        " ".join("".join(rng.choices("bcdfghjklmnpqrstvwxz", k=7)) for _ in range(5))
        for _ in range(4)
    ]
    embedder = CharNgramEmbedder(n_components=4)
    embedder.fit(themed + strays)
    norms = np.linalg.norm(covered_vectors(embedder, [*themed, *strays]), axis=1)
    assert np.allclose(norms[: len(themed)], 1.0, atol=1e-4)
    assert (norms[len(themed) :] == 0).all()


def test_repeated_texts_are_analysed_once_with_the_same_vectors() -> None:
    texts = ["export fails", "dark mode hard to read", "export fails", "invoice missing vat"]
    texts += ["dark mode hard to read", "export fails"]
    embedder = CharNgramEmbedder(n_components=3)
    embedder.fit(texts)
    together = embedder.transform(texts)
    one_by_one = np.vstack([embedder.transform([text]) for text in texts])
    assert np.allclose(together, one_by_one, atol=1e-6)
    assert np.allclose(together[0], together[2]) and not np.allclose(together[0], together[1])
    # The fit sees every copy: a text's weight in the fit grows with its repeats.
    once = CharNgramEmbedder(n_components=3)
    once.fit(list(dict.fromkeys(texts)))
    assert not np.allclose(once.idf, embedder.idf)
