"""Theme quality on CLINC150: cluster the in-scope queries (with 1,000 out-of-scope one-offs
mixed in) without being told the number of intents, compare with the intent labels, and run
BERTopic with its defaults on the same vectors as the reference.

    python bench/themes_quality.py [--split test] [--backend hybrid] [--no-bertopic]

Prints, for sddkit and for BERTopic: NMI on the clustered queries only and on all in-scope
queries with noise as one extra cluster (the headline figure), ARI, the share of queries put
in a theme, the number of themes, the share of out-of-scope queries put in a theme, and the
time. BERTopic gets the semantic vectors sddkit clusters on (the encoder's, before sddkit's
own n-gram part); install it with `bash bench/install_bertopic.sh`. Tune on val, report test.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np
from bertopic_reference import available, bertopic_labels, unavailable_reason
from cluster_options import add_cluster_options, cluster_settings, space_settings
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from sddkit.themes.clean import clean_text, plain_text
from sddkit.themes.cluster import cluster_vectors
from sddkit.themes.space import Texts, ThemeSpace

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared/bench-data/clinc150"


def read(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["intent"] for r in rows]


def report(name: str, labels: np.ndarray, truth: np.ndarray, oos: np.ndarray, took: float) -> None:
    inscope = labels[: len(truth)]
    clustered = inscope >= 0
    nmi_clustered = normalized_mutual_info_score(truth[clustered], inscope[clustered])
    print(
        f"{name:<22} themes {len(set(labels[labels >= 0])):>4}  clustered {clustered.mean():.3f}"
        f"  NMI clustered {nmi_clustered:.3f}"
        f"  NMI noise=one {normalized_mutual_info_score(truth, inscope):.3f}"
        f"  ARI noise=one {adjusted_rand_score(truth, inscope):.3f}"
        f"  out-of-scope in a theme {(oos >= 0).mean() if len(oos) else 0:.3f}"
        f"  {took:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="test", choices=["test", "val", "train"])
    add_cluster_options(parser)
    parser.add_argument("--no-oos", action="store_true", help="leave out the out-of-scope mix")
    parser.add_argument("--no-bertopic", action="store_true", help="skip the reference")
    args = parser.parse_args()

    texts, intents = read(args.data / f"{args.split}.csv")
    oos_texts: list[str] = [] if args.no_oos else read(args.data / "oos_test.csv")[0]
    every = texts + oos_texts
    print(f"data: {args.data / args.split}.csv ({len(texts)} in-scope queries, "
          f"{len(set(intents))} intents) + {len(oos_texts)} out-of-scope mixed in; "
          f"backend {args.backend}, min size {args.min_size}")  # fmt: skip
    started = time.perf_counter()
    space_texts = Texts(
        [clean_text(t, "en") for t in every], [plain_text(t, "en") for t in every],
        ["en"] * len(every),
    )  # fmt: skip
    space = ThemeSpace(space_settings(args))
    semantic = space.semantic(space_texts) if space.semantic_weight > 0 else None
    encoded = time.perf_counter() - started
    space.fit(space_texts, semantic)
    vectors = space.transform(space_texts, semantic)
    clustering = cluster_vectors(
        vectors, args.min_size, cluster_settings(args), space_texts.cleaned, space_texts.languages
    )
    took = time.perf_counter() - started
    truth = np.array(intents)
    print(f"encoding {encoded:.1f} s; sddkit's cut {clustering.cut:.3f}")
    report("sddkit", clustering.labels, truth, clustering.labels[len(texts) :], took)
    if args.no_bertopic or semantic is None:
        return
    if not available():
        print(unavailable_reason())
        return
    started = time.perf_counter()
    reference = bertopic_labels(every, semantic)
    took = time.perf_counter() - started + encoded
    report("BERTopic (defaults)", reference, truth, reference[len(texts) :], took)


if __name__ == "__main__":
    main()
