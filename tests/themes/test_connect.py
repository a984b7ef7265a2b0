"""Subject level: clusters joined by their links, whatever the subject's size."""

from __future__ import annotations

import numpy as np
import pytest

from sddkit.themes.cluster import ClusterSettings, cluster_vectors
from sddkit.themes.connect import join_connected, was_one
from sddkit.themes.embed import normalize_rows


def blobs(centres: list[np.ndarray], sizes: list[int], spread: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    parts = [
        c + spread * rng.standard_normal((n, len(c))) for c, n in zip(centres, sizes, strict=True)
    ]
    return normalize_rows(np.concatenate(parts).astype(np.float32))


def subject_and_neighbour(per_part: int) -> tuple[np.ndarray, np.ndarray]:
    """One subject cut in two halves (labels 0, 1: a continuous blob split down the middle)
    and a neighbouring subject (label 2), each half `per_part` vectors."""
    rng = np.random.default_rng(1)
    dims = 24
    a, b = rng.standard_normal(dims), rng.standard_normal(dims)
    b = b - (b @ a) / (a @ a) * a  # orthogonal to a
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    subject = blobs([a], [2 * per_part], 0.12, seed=2)
    # cut the subject down the middle along a direction inside it
    direction = rng.standard_normal(dims)
    order = np.argsort(subject @ direction)
    halves = np.empty(2 * per_part, dtype=np.int64)
    halves[order[:per_part]] = 0
    halves[order[per_part:]] = 1
    neighbour = blobs([0.6 * a + 0.8 * b], [per_part], 0.12, seed=3)
    vectors = np.concatenate([subject, neighbour])
    labels = np.concatenate([halves, np.full(per_part, 2)])
    return vectors, labels


@pytest.mark.parametrize("per_part", [100, 400])
def test_a_subject_cut_in_two_is_joined_its_neighbour_is_not_at_any_size(per_part: int) -> None:
    vectors, labels = subject_and_neighbour(per_part)
    joined = join_connected(vectors, labels, 3, neighbours=10, share=0.25, members=40,
                            rng=np.random.default_rng(0))  # fmt: skip
    assert joined[labels == 0][0] == joined[labels == 1][0]
    assert set(joined[labels == 2]) == {2}


def test_a_small_export_is_left_as_clustered() -> None:
    vectors, labels = subject_and_neighbour(15)  # 45 texts: a neighbourhood is a fifth of them
    joined = join_connected(vectors, labels, 3, neighbours=10, share=0.25, members=40,
                            rng=np.random.default_rng(0))  # fmt: skip
    assert (joined == labels).all()


def test_noise_stays_noise_and_off_means_unchanged() -> None:
    vectors, labels = subject_and_neighbour(110)
    labels[:3] = -1
    joined = join_connected(vectors, labels, 3, neighbours=10, share=0.25, members=40,
                            rng=np.random.default_rng(0))  # fmt: skip
    assert (joined[:3] == -1).all() and joined[3] == joined[labels == 1][0]  # joined, not noise
    off = join_connected(vectors, labels, 3, neighbours=0, share=0.25, members=40,
                         rng=np.random.default_rng(0))  # fmt: skip
    assert (off == labels).all()


def test_a_large_subject_is_one_theme_not_one_per_neighbourhood() -> None:
    """Four subjects of 250 texts each: the agglomeration alone cuts each in several pieces
    (a theme is a few neighbourhoods wide); the subject level joins them back."""
    rng = np.random.default_rng(4)
    centres = list(normalize_rows(rng.standard_normal((4, 32)).astype(np.float32)))
    vectors = blobs(centres, [250] * 4, 0.1, seed=5)
    truth = np.repeat(np.arange(4), 250)
    pieces = cluster_vectors(vectors, 5, ClusterSettings(connect_neighbours=0))
    found = cluster_vectors(vectors, 5, ClusterSettings())
    assert pieces.labels.max() + 1 > 4  # the cut alone splits
    assert found.labels.max() + 1 == 4
    for subject in range(4):
        members = found.labels[truth == subject]
        assert np.bincount(members[members >= 0]).max() >= 0.9 * 250


def test_a_finer_granularity_splits_themes_and_drops_none() -> None:
    """Granularity scales how much clusters must share to merge or join, not the distance
    within which a text belongs to a theme: finer settings split, never leave tickets out."""
    rng = np.random.default_rng(6)
    centres = list(normalize_rows(rng.standard_normal((6, 32)).astype(np.float32)))
    vectors = blobs(centres, [80] * 6, 0.12, seed=7)
    runs = {g: cluster_vectors(vectors, 5, ClusterSettings(granularity=g)) for g in (0.6, 1.0)}
    coarse, fine = runs[1.0].labels, runs[0.6].labels
    assert fine.max() >= coarse.max()
    for theme in range(coarse.max() + 1):
        members = coarse == theme
        assert (fine[members] >= 0).mean() >= 0.9  # still in a theme at the finer setting


def test_parts_of_last_weeks_theme_join_more_readily_than_strangers() -> None:
    """A weekly run that splits what the previous run held as one theme joins the parts
    from the lower share; clusters never in one theme need the full share, and a previous
    theme that held two subjects does not make their few links a join."""
    vectors, labels = subject_and_neighbour(100)  # halves linked at ~0.69, neighbour ~0.002
    strict = {"neighbours": 10, "share": 0.9, "members": 40}
    apart = join_connected(vectors, labels, 3, rng=np.random.default_rng(0), **strict)
    assert len(set(apart)) == 3  # 0.69 < 0.9: not joined
    before = np.zeros(len(labels), dtype=np.int64)  # last week: all one theme
    joined = join_connected(vectors, labels, 3, rng=np.random.default_rng(0), before=before,
                            before_share=0.3, **strict)  # fmt: skip
    assert joined[labels == 0][0] == joined[labels == 1][0]
    assert set(joined[labels == 2]) == {2}  # one theme last week, but no links now
    split = np.where(labels == 1, 1, 0)  # the halves were two themes last week
    kept = join_connected(vectors, labels, 3, rng=np.random.default_rng(0), before=split,
                          before_share=0.3, **strict)  # fmt: skip
    assert len(set(kept)) == 3


def test_was_one_needs_most_of_a_clusters_earlier_members() -> None:
    labels = np.repeat(np.arange(3), 10)
    before = np.concatenate([np.full(10, 7), np.full(6, 7), np.full(4, 8), [7] * 4 + [-1] * 6])
    same = was_one(labels, before, 3)
    assert same[0, 1] and same[1, 0]  # 6 of 10 in theme 7
    assert not same[0, 2]  # only 4 of cluster 2's members were in a theme: too few to tell
    assert not same.diagonal().any()


def test_a_subject_in_one_language_is_not_pulled_into_another_languages_subject() -> None:
    """Linking across languages asks for each text's nearest as if the others were written
    in its language. A subject asked in English only (a tight one, like one question sent
    again and again) then finds "nearest" Russian texts anyway; Russian texts do not find
    it. Such a pull from one side is no link: it stays its own theme, while one subject's
    English and Russian parts, which find each other, join."""
    rng = np.random.default_rng(7)
    topic, lonely, other, russian = normalize_rows(rng.standard_normal((4, 48)))
    parts = [
        (topic, 150, 0.2),  # a subject in English ...
        (topic + 1.2 * russian, 120, 0.2),  # ... and in Russian (the encoder sets it apart)
        (lonely, 60, 0.03),  # English only, near-identical wordings
        (other + 1.2 * russian, 120, 0.2),  # Russian only
    ]
    vectors = normalize_rows(
        np.concatenate([c + s * rng.standard_normal((n, 48)) for c, n, s in parts]).astype(
            np.float32
        )
    )
    labels = np.repeat(np.arange(4), [n for _, n, _ in parts])
    languages = ["en"] * 150 + ["ru"] * 120 + ["en"] * 60 + ["ru"] * 120
    joined = join_connected(vectors, labels, 4, neighbours=10, share=0.2, members=100,
                            rng=np.random.default_rng(0), languages=languages)  # fmt: skip
    assert set(joined[labels == 1]) == {joined[0]}  # one subject across languages
    assert set(joined[labels == 2]) == {2}  # the English-only subject stays apart
