from __future__ import annotations

import numpy as np

from sddkit.themes.cluster import ClusterSettings, cluster_vectors, distinct_messages
from sddkit.themes.embed import normalize_rows


def _blobs(count: int, per: int, noise: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centers = normalize_rows(rng.normal(size=(count, 128)))
    points = [centers[i] + rng.normal(scale=0.05, size=(per, 128)) for i in range(count)]
    truth = np.repeat(np.arange(count), per)
    stray = rng.normal(size=(noise, 128))
    return normalize_rows(np.vstack([*points, stray])), np.concatenate([truth, -np.ones(noise)])


def test_sampled_rounds_find_every_blob_and_leave_strays_out() -> None:
    vectors, truth = _blobs(count=40, per=60, noise=50)
    settings = ClusterSettings(sample_size=500, rounds=4)
    result = cluster_vectors(vectors, min_size=5, settings=settings)
    assert len(result.centroids) == 40
    for blob in range(40):
        assert len(set(result.labels[truth == blob])) == 1
    assert (result.labels[truth == -1] == -1).mean() > 0.9


def test_zero_vectors_are_noise() -> None:
    vectors = np.zeros((10, 8), dtype=np.float32)
    assert (cluster_vectors(vectors, min_size=2).labels == -1).all()


def test_fragments_of_one_subject_merge_but_distinct_subjects_stay_apart() -> None:
    # Each subject is phrased three ways (tight fragments) that share a common part; two
    # further subjects are unrelated. Without the merge pass every phrasing is its own cluster.
    rng = np.random.default_rng(3)
    subjects = normalize_rows(rng.normal(size=(3, 256)))
    points, truth = [], []
    for s, subject in enumerate(subjects):
        for _ in range(3):
            wording = normalize_rows(rng.normal(size=(1, 256)))[0]
            center = normalize_rows((0.62 * subject + 0.78 * wording)[None, :])[0]
            points.append(center + rng.normal(scale=0.02, size=(15, 256)))
            truth += [s] * 15
    vectors, truth_array = normalize_rows(np.vstack(points)), np.array(truth)
    # A fixed cut: the merge pass is what is under test, not the cut read off the data.
    split = cluster_vectors(vectors, 5, ClusterSettings(threshold=1.05, merge_neighbours=0))
    assert len(split.centroids) == 9
    merged = cluster_vectors(vectors, 5, ClusterSettings(threshold=1.05))
    assert len(merged.centroids) == 3
    for s in range(3):
        assert len(set(merged.labels[truth_array == s])) == 1


def test_a_message_is_its_words_whatever_the_punctuation_or_please() -> None:
    # A templated export sends one request as "X", "X??" and "X please": one message.
    texts = ["cancel my order", "cancel my order??", "cancel my order please", "", "",
             "cancel my order fee", "cancel my order"]  # fmt: skip
    languages = ["en", "en", "en", "en", "en", "en", "ru"]
    vectors = np.eye(len(texts), dtype=np.float32)
    first, message, copies = distinct_messages(vectors, texts, languages)
    assert message.tolist() == [0, 0, 0, 1, 2, 3, 4]  # an empty text is its own message
    assert first.tolist() == [0, 3, 4, 5, 6] and copies.tolist() == [3, 1, 1, 1, 1]
