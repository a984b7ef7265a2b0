"""The clustering knobs shared by the theme benchmarks (run as `python bench/X.py`)."""

from __future__ import annotations

import argparse

from sddkit.themes.cluster import ClusterSettings


def add_cluster_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--min-size", type=int, default=5)
    parser.add_argument("--threshold", type=float, default=ClusterSettings.threshold)
    parser.add_argument("--merge-share", type=float, default=ClusterSettings.merge_share)
    parser.add_argument("--merge-cosine", type=float, default=ClusterSettings.merge_cosine)
    parser.add_argument("--min-word-share", type=float, default=ClusterSettings.min_word_share,
                        help="coherence floor (0: no check)")  # fmt: skip
    parser.add_argument("--no-merge", action="store_true", help="skip the fragment merge pass")


def cluster_settings(args: argparse.Namespace) -> ClusterSettings:
    return ClusterSettings(
        threshold=args.threshold,
        merge_share=args.merge_share,
        merge_cosine=args.merge_cosine,
        merge_neighbours=0 if args.no_merge else ClusterSettings.merge_neighbours,
        min_word_share=args.min_word_share,
    )
