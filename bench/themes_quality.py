"""Theme quality on CLINC150: cluster the in-scope queries without being told the number of
intents and compare with the intent labels.

    python bench/themes_quality.py [--data ../shared/bench-data/clinc150] [--split test]

Prints NMI and ARI (three ways: on the clustered queries only; on all queries with each noise
query its own singleton; on all queries with noise as one extra cluster), the share of
queries put in a theme, the number of themes, how many of the 1,000 out-of-scope queries
(one-offs) are put in a theme when mixed in, and the time. The settings were tuned on
val.csv; report figures from test.csv.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np
from cluster_options import add_cluster_options, cluster_settings
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from sddkit.themes.clean import clean_text
from sddkit.themes.cluster import cluster_vectors
from sddkit.themes.embed import covered_vectors, make_embedder

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared/bench-data/clinc150"


def read(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["intent"] for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="test", choices=["test", "val", "train"])
    add_cluster_options(parser)
    parser.add_argument("--backend", default="char-ngram")
    parser.add_argument("--model-path", help="local model folder (sentence-transformers)")
    parser.add_argument("--no-oos", action="store_true", help="leave out the out-of-scope mix")
    args = parser.parse_args()

    texts, intents = read(args.data / f"{args.split}.csv")
    oos_texts: list[str] = [] if args.no_oos else read(args.data / "oos_test.csv")[0]
    started = time.perf_counter()
    cleaned = [clean_text(t, "en") for t in texts + oos_texts]
    embedder = make_embedder(args.backend, args.model_path)
    embedder.fit(cleaned)
    vectors = covered_vectors(embedder, cleaned)
    labels = cluster_vectors(vectors, args.min_size, cluster_settings(args), cleaned).labels
    elapsed = time.perf_counter() - started

    inscope, oos = labels[: len(texts)], labels[len(texts) :]
    truth = np.array(intents)
    clustered = inscope >= 0
    singletons = np.where(clustered, inscope, -np.arange(1, len(inscope) + 1))
    print(f"data: {args.data / args.split}.csv ({len(texts)} in-scope queries, "
          f"{len(set(intents))} intents) + {len(oos_texts)} out-of-scope mixed in")  # fmt: skip
    print(f"backend: {args.backend}  min size: {args.min_size}  threshold: {args.threshold}")
    print(f"themes found:            {len(set(inscope[clustered]) | set(oos[oos >= 0]))}")
    print(f"share clustered:         {clustered.mean():.3f}")
    nmi_clustered = normalized_mutual_info_score(truth[clustered], inscope[clustered])
    print(f"NMI clustered only:      {nmi_clustered:.3f}")
    print(f"NMI noise = singletons:  {normalized_mutual_info_score(truth, singletons):.3f}")
    print(f"NMI noise = one cluster: {normalized_mutual_info_score(truth, inscope):.3f}")
    ari_clustered = adjusted_rand_score(truth[clustered], inscope[clustered])
    print(f"ARI clustered only:      {ari_clustered:.3f}")
    print(f"ARI noise = one cluster: {adjusted_rand_score(truth, inscope):.3f}")
    if len(oos):
        print(f"out-of-scope put in a theme: {(oos >= 0).mean():.3f}")
    print(f"time: {elapsed:.1f} s")


if __name__ == "__main__":
    main()
