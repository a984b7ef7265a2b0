"""What the vectors allow: a labelled set clustered *knowing* its number of subjects.

    python bench/subject_ceiling.py --data clinc:test [--min-size 5]
    python bench/subject_ceiling.py --data FILE.csv --subject-column subject

One full run (all tickets at once, no weekly splits) in sddkit's own space (the default
backend, fitted on the set), clustered three ways: sddkit's clustering (which is not told the
number of subjects), and Ward and k-means (two seeds) given the true number of subjects, an
oracle no product has. Each is counted as bench/weekly_stream.py counts issues, with a theme
of `--min-size` or more standing for an issue: themes, duplicates (a subject's 2nd, 3rd...
theme), mixed (top subject under 60 %), missed (subjects of 15+ tickets that top no theme),
NMI with noise as one cluster.

The oracle rows are a ceiling for any method that clusters these vectors: where even they
mix and miss subjects, the space does not separate them, and only a better sentence model
would.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.metrics import normalized_mutual_info_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from weekly_stream import MISSED_MIN, MIXED_SHARE, NAMED

from sddkit.themes.clean import clean_text, plain_text
from sddkit.themes.cluster import cluster_vectors
from sddkit.themes.space import SpaceSettings, Texts, ThemeSpace


def figures(truth: NDArray[np.str_], labels: NDArray[np.int64], min_size: int) -> str:
    """One line: themes, duplicates, mixed, missed and NMI (noise as one cluster)."""
    tops: list[str] = []
    mixed = 0
    for label in np.unique(labels[labels >= 0]):
        members = truth[labels == label]
        if len(members) < min_size:
            continue
        subject, n = Counter(members.tolist()).most_common(1)[0]
        tops.append(subject)
        mixed += n < MIXED_SHARE * len(members)
    sizes = Counter(truth.tolist())
    missed = sum(1 for s, n in sizes.items() if n >= MISSED_MIN and s not in set(tops))
    filed = max(len(set(tops)), 1)
    duplicates = len(tops) - len(set(tops))
    nmi = normalized_mutual_info_score(truth, np.where(labels >= 0, labels, -1))
    return (
        f"themes {len(tops):>4}  duplicates {duplicates:>3} ({duplicates / filed:.2f})  "
        f"mixed {mixed:>3} ({mixed / max(len(tops), 1):.2f})  missed {missed:>3}  NMI {nmi:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help=f"{', '.join(NAMED)} or a CSV file")
    parser.add_argument("--subject-column", default="subject", help="for a CSV file")
    parser.add_argument("--min-size", type=int, default=5)
    args = parser.parse_args()
    path, column = NAMED.get(args.data, (Path(args.data), args.subject_column))
    with Path(path).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    languages = [row.get("lang") or "en" for row in rows]
    texts = Texts(
        [clean_text(r["text"], lang) for r, lang in zip(rows, languages, strict=True)],
        [plain_text(r["text"], lang) for r, lang in zip(rows, languages, strict=True)],
        languages,
    )
    truth = np.array([row[column] for row in rows])
    subjects = len(set(truth.tolist()))
    print(f"{args.data}: {len(rows)} tickets, {subjects} subjects, one full run")
    space = ThemeSpace(SpaceSettings())
    semantic = space.semantic(texts)
    space.fit(texts, semantic)
    vectors = space.transform(texts, semantic)
    ours = cluster_vectors(vectors, args.min_size, None, texts.cleaned, texts.languages)
    print(f"{'sddkit (k not given)':<26} {figures(truth, ours.labels, args.min_size)}")
    ward = AgglomerativeClustering(subjects, linkage="ward").fit_predict(vectors)
    print(f"{'Ward, true k (oracle)':<26} {figures(truth, ward, args.min_size)}")
    for seed in (0, 1):
        kmeans = KMeans(subjects, n_init=1, random_state=seed).fit_predict(vectors)
        name = f"k-means, true k, seed {seed}"
        print(f"{name:<26} {figures(truth, kmeans, args.min_size)}")


if __name__ == "__main__":
    main()
