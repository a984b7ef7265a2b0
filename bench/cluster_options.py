"""The clustering knobs shared by the theme benchmarks (run as `python bench/X.py`)."""

from __future__ import annotations

import argparse

from sddkit.themes.cluster import ClusterSettings
from sddkit.themes.space import BACKENDS, SpaceSettings


def add_cluster_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--min-size", type=int, default=5)
    parser.add_argument("--backend", default=SpaceSettings.backend, choices=BACKENDS)
    parser.add_argument("--model-path", help="local model folder (sentence-transformers)")
    parser.add_argument("--granularity", type=float, default=ClusterSettings.granularity)
    parser.add_argument("--threshold", type=float, default=None,
                        help="a fixed distance cut instead of the adaptive one")  # fmt: skip
    parser.add_argument("--merge-share", type=float, default=ClusterSettings.merge_share)
    parser.add_argument("--merge-reach", type=float, default=ClusterSettings.merge_reach)
    parser.add_argument("--min-word-share", type=float, default=ClusterSettings.min_word_share,
                        help="coherence floor (0: no check)")  # fmt: skip
    parser.add_argument("--graph-neighbours", type=int, default=ClusterSettings.graph_neighbours,
                        help="neighbourhood size (0: cluster raw cosines)")  # fmt: skip
    parser.add_argument("--cross-language-reach", type=float,
                        default=ClusterSettings.cross_language_reach)  # fmt: skip
    parser.add_argument("--graph-overlap", type=float, default=ClusterSettings.graph_overlap)
    parser.add_argument("--no-merge", action="store_true", help="skip the fragment merge pass")


def cluster_settings(args: argparse.Namespace) -> ClusterSettings:
    return ClusterSettings(
        granularity=args.granularity,
        threshold=args.threshold,
        merge_share=args.merge_share,
        merge_reach=args.merge_reach,
        merge_neighbours=0 if args.no_merge else ClusterSettings.merge_neighbours,
        min_word_share=args.min_word_share,
        graph_neighbours=args.graph_neighbours,
        cross_language_reach=args.cross_language_reach,
        graph_overlap=args.graph_overlap,
    )


def space_settings(args: argparse.Namespace) -> SpaceSettings:
    return SpaceSettings(backend=args.backend, model_path=args.model_path)
