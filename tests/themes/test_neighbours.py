from __future__ import annotations

import numpy as np

from sddkit.themes.cluster import ClusterSettings, cluster_vectors
from sddkit.themes.embed import normalize_rows
from sddkit.themes.neighbours import language_groups, neighbourhood_vectors


def _two_languages(
    subjects: int = 12, per: int = 6, shift: float = 1.3, seed: int = 1
) -> tuple[np.ndarray, ...]:
    """Each subject written in two languages; the encoder reads the second one poorly: its
    texts share an offset larger than what tells one of its subjects from another, so by raw
    cosine every text of the second language is nearer to the others of that language than to
    its own subject in the first."""
    rng = np.random.default_rng(seed)
    topic = normalize_rows(rng.normal(size=(subjects, 64)))
    offset = normalize_rows(rng.normal(size=(1, 64)))[0]
    rows, subject, language = [], [], []
    for s in range(subjects):
        for lang, moved in (("en", 0.0), ("cs", shift)):
            rows.append(topic[s] + moved * offset + rng.normal(scale=0.08, size=(per, 64)))
            subject += [s] * per
            language += [lang] * per
    return normalize_rows(np.vstack(rows)), np.array(subject), np.array(language)


def _cross_language_links(graph: np.ndarray, subject: np.ndarray, language: np.ndarray) -> float:
    """The share of texts linked to at least one text of their subject in the other language."""
    same = (subject[:, None] == subject[None, :]) & (language[:, None] != language[None, :])
    return float(((graph > 0) & same).any(axis=1).mean())


def test_scaling_by_language_links_one_subject_across_languages() -> None:
    vectors, subject, language = _two_languages()
    raw = neighbourhood_vectors(vectors, 5, -1.0).toarray()
    scaled = neighbourhood_vectors(vectors, 5, -1.0, list(language)).toarray()
    assert _cross_language_links(raw, subject, language) < 0.2
    assert _cross_language_links(scaled, subject, language) > 0.9


def test_rows_are_unit_symmetric_and_hold_the_text_itself() -> None:
    vectors, _, language = _two_languages(subjects=4)
    graph = neighbourhood_vectors(vectors, 3, 0.0, list(language)).toarray()
    assert np.allclose(np.linalg.norm(graph, axis=1), 1.0)
    assert np.array_equal(graph > 0, (graph > 0).T)
    assert (np.diag(graph) > 0).all()


def test_neighbours_beyond_the_similarity_floor_are_no_link() -> None:
    rng = np.random.default_rng(0)
    one_offs = normalize_rows(rng.normal(size=(30, 256)))  # all near-orthogonal
    graph = neighbourhood_vectors(one_offs, 5, 0.5).toarray()
    assert np.array_equal(graph > 0, np.eye(30, dtype=bool))


def test_clustering_puts_each_subject_in_one_theme_across_languages() -> None:
    vectors, subject, language = _two_languages(per=4, shift=1.0)
    # uncentred vectors, a strong language offset: the agglomeration alone (the subject-level
    # join reads plain cosines, which the pipeline centres per language first)
    settings = ClusterSettings(graph_neighbours=3, connect_neighbours=0)
    result = cluster_vectors(vectors, 3, settings, languages=list(language))
    for s in range(12):
        labels = set(result.labels[subject == s])
        assert len(labels) == 1 and -1 not in labels
    assert len(result.centroids) == 12
    # Told nothing of the languages, the same clustering splits subjects by language.
    blind = cluster_vectors(vectors, 3, settings)
    assert max(len(set(blind.labels[subject == s])) for s in range(12)) == 2


def test_a_few_texts_read_as_another_language_are_not_everyones_neighbours() -> None:
    # 300 English texts on 6 subjects; 6 of them (2 %) detected as Italian, as short English
    # queries sometimes are. Adjusted as a language of their own, they would look nearer
    # to every text than its own subject and take its neighbour slots, none of them a link.
    rng = np.random.default_rng(3)
    topic = normalize_rows(rng.normal(size=(6, 64)))
    subject = np.repeat(np.arange(6), 50)
    vectors = normalize_rows(topic[subject] + rng.normal(scale=0.08, size=(300, 64)))
    language = ["en"] * 300
    for row in range(0, 300, 50):
        language[row] = "it"
    graph = neighbourhood_vectors(vectors, 10, 0.5, language, 0.5).toarray()
    linked = graph > 0
    assert (linked.sum(axis=1) >= 11).all()  # itself and its 10 nearest, all links
    assert (subject[None, :] == subject[:, None])[linked].all()


def test_languages_under_five_percent_count_as_the_largest() -> None:
    names, group = language_groups(["en"] * 95 + ["it"] * 4 + ["pl"])
    assert names.tolist() == ["en"]
    assert group.tolist() == [0] * 100
    names, group = language_groups(["en"] * 90 + ["ru"] * 10)
    assert names.tolist() == ["en", "ru"]
    names, _ = language_groups(["en"] * 90 + ["ru"] * 10, min_texts=100)
    assert names.tolist() == ["en"]
