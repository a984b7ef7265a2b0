from __future__ import annotations

import numpy as np

from sddkit.themes.cluster import ClusterSettings, cluster_vectors
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
