from __future__ import annotations

import random

import numpy as np

from sddkit.themes.cluster import ClusterSettings, cluster_vectors
from sddkit.themes.coherence import content_stems, incoherent_clusters, top_word_share
from sddkit.themes.embed import CharNgramEmbedder

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _made_up(rng: random.Random) -> str:
    return " ".join("".join(rng.choices(LETTERS, k=rng.randint(5, 9))) for _ in range(7))


def test_stems_skip_stop_words_digits_and_meet_across_inflections() -> None:
    assert content_stems("the export crashes, export crashed 42 times") == {
        "expor",
        "crash",
        "times",
    }
    assert content_stems("ошибка при входе") & content_stems("снова ошибку выдает") == {"ошибк"}
    assert content_stems("and the of to") == set()


def test_top_word_share_is_the_share_of_texts_with_the_commonest_word() -> None:
    texts = ["export crashes", "export is slow", "invoice missing", "export fails"]
    assert top_word_share(texts) == 0.75
    assert top_word_share([]) == 0.0
    assert top_word_share(["the and of"]) == 0.0


def test_a_cluster_of_unrelated_one_offs_is_rejected_and_a_real_theme_kept() -> None:
    rng = random.Random(0)
    theme = [f"export crashes with an error {w}" for w in ("today", "again", "now", "")] * 5
    one_offs = [_made_up(rng) for _ in range(20)]
    labels = np.repeat(np.arange(2), 20)
    rejected = incoherent_clusters(
        theme + one_offs, labels, 2, 0.3, sample=10, rng=np.random.default_rng(0)
    )
    assert rejected.tolist() == [False, True]
    kept = incoherent_clusters(theme + one_offs, labels, 2, 0.0, 10, np.random.default_rng(0))
    assert not kept.any()  # 0 switches the check off


def test_one_offs_that_char_ngrams_pull_together_end_as_noise() -> None:
    # Made-up words share no word, but their letter statistics put them in one cluster when
    # nothing else tells them apart; the coherence check turns that cluster into noise.
    rng = random.Random(1)
    theme = [
        f"{rng.choice(['the', 'our', 'my'])} invoice pdf download fails {rng.choice(['', 'again'])}"
        for _ in range(30)
    ]
    one_offs = [_made_up(rng) for _ in range(60)]
    texts = theme + one_offs
    embedder = CharNgramEmbedder(n_components=20)
    embedder.fit(texts)
    vectors = embedder.transform(texts)
    loose = ClusterSettings(threshold=1.3, min_word_share=0.0)
    unchecked = cluster_vectors(vectors, 5, loose, texts).labels
    assert (unchecked[30:] >= 0).mean() > 0.5  # the premise: they do form a cluster
    checked = cluster_vectors(vectors, 5, ClusterSettings(threshold=1.3), texts).labels
    assert (checked[30:] == -1).all()
    assert len(set(checked[:30])) == 1 and checked[0] >= 0


def test_texts_alone_in_their_language_are_judged_together() -> None:
    # Each text alone in its language shares all its words with itself; judged one language
    # at a time, four unrelated one-offs in four languages would pass as a theme.
    texts = ["zorblat quenchy mivvet", "пасторщина убычка", "krzywołap dżemowy", "vrtoglav šupak"]
    rng = np.random.default_rng(0)
    labels = np.zeros(4, dtype=np.int64)
    assert incoherent_clusters(texts, labels, 1, 0.3, 200, rng, ["en", "ru", "pl", "sr"])[0]
    # A real theme in one language with one translation keeps its language's share.
    texts += ["export fails on save", "export fails again", "export fails"]
    labels = np.array([-1, -1, 0, -1, 0, 0, 0])
    assert not incoherent_clusters(
        texts, labels, 1, 0.3, 200, rng, ["en", "ru", "pl", "sr", "en", "en", "en"]
    )[0]
