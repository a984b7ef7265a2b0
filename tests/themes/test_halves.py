"""A theme that is two unrelated subjects is split in two (`halves`)."""

from __future__ import annotations

import numpy as np

from sddkit.themes.embed import normalize_rows
from sddkit.themes.halves import split_unrelated


def _space(seed: int = 0) -> tuple[np.ndarray, list[np.ndarray]]:
    """Unit vectors: a crowd of random texts (what "unrelated" looks like) and four
    subjects of 8 texts each; subjects 0 and 1 are two wordings of one (near each other)."""
    rng = np.random.default_rng(seed)
    dims = 64
    crowd = rng.normal(size=(200, dims))
    shared = rng.normal(size=dims)
    centres = [shared + 0.6 * rng.normal(size=dims), shared + 0.6 * rng.normal(size=dims)]
    centres += [rng.normal(size=dims), rng.normal(size=dims)]
    subjects = [c + 0.5 * rng.normal(size=(8, dims)) for c in centres]
    vectors = normalize_rows(np.vstack([crowd, *subjects]))
    rows = [200 + 8 * n + np.arange(8) for n in range(4)]
    return vectors, rows


def _split(labels: np.ndarray, vectors: np.ndarray, languages: list[str] | None = None):  # type: ignore[no-untyped-def]
    copies = np.ones(len(vectors), dtype=np.int64)
    return split_unrelated(vectors, labels, 1, copies, 5, languages, np.random.default_rng(0))


def test_two_unrelated_subjects_in_one_theme_are_split() -> None:
    vectors, rows = _space()
    labels = np.full(len(vectors), -1, dtype=np.int64)
    labels[np.concatenate([rows[2], rows[3]])] = 0
    split, count = _split(labels, vectors)
    assert count == 2
    assert len(set(split[rows[2]])) == 1 and len(set(split[rows[3]])) == 1
    assert split[rows[2][0]] != split[rows[3][0]] and (split[:200] == -1).all()


def test_two_wordings_of_one_subject_stay_one_theme() -> None:
    vectors, rows = _space()
    labels = np.full(len(vectors), -1, dtype=np.int64)
    labels[np.concatenate([rows[0], rows[1]])] = 0
    split, count = _split(labels, vectors)
    assert count == 1 and (split == labels).all()


def test_halves_in_different_languages_are_left_to_the_families() -> None:
    vectors, rows = _space()
    labels = np.full(len(vectors), -1, dtype=np.int64)
    labels[np.concatenate([rows[2], rows[3]])] = 0
    languages = ["en"] * len(vectors)
    for row in rows[3]:
        languages[int(row)] = "sr"
    split, count = _split(labels, vectors, languages)
    assert count == 1 and (split == labels).all()


def test_a_theme_smaller_than_two_themes_is_not_looked_at() -> None:
    vectors, rows = _space()
    labels = np.full(len(vectors), -1, dtype=np.int64)
    labels[np.concatenate([rows[2][:4], rows[3][:5]])] = 0
    split, count = _split(labels, vectors)
    assert count == 1 and (split == labels).all()


def test_a_large_theme_is_read_off_a_sample_and_every_member_goes_with_its_half() -> None:
    rng = np.random.default_rng(1)
    centres = rng.normal(size=(2, 64))
    members = [c + 0.5 * rng.normal(size=(200, 64)) for c in centres]
    vectors = normalize_rows(np.vstack([rng.normal(size=(300, 64)), *members]))
    labels = np.full(len(vectors), -1, dtype=np.int64)
    labels[300:] = 0  # 400 members: more than the sample
    split, count = _split(labels, vectors)
    assert count == 2
    assert len(set(split[300:500])) == 1 and len(set(split[500:])) == 1
    assert split[300] != split[500]
