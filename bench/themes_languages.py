"""One subject in many languages: SIB-200 sentences, each professionally translated into en, ru,
pl, sr (Cyrillic; also given in Latin here), uk, hr and cs. Runs the whole theme pipeline
(clustering and families) and counts how many translation pairs land in one theme or family.

    python bench/themes_languages.py [--split test] [--backend hybrid] [--no-bertopic]

Prints the share of translation pairs (same id, different languages) in one theme or family,
overall and for each pair of languages that includes Serbian; NMI against the topic (noise as
one cluster); and the same figures for BERTopic with its defaults on the same semantic vectors
(`bash bench/install_bertopic.sh`). The sentences are news, not tickets: this measures the
cross-language figure, not theme sizes. Half the Serbian sentences are given in Latin script
(the ids with an even number), so both scripts are measured.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from bertopic_reference import available, bertopic_labels, unavailable_reason
from cluster_options import add_cluster_options, cluster_settings, space_settings
from sklearn.metrics import normalized_mutual_info_score

from sddkit.serbian import to_latin
from sddkit.themes.corpus import Corpus
from sddkit.themes.pipeline import ThemeSettings, themes_from_tickets
from sddkit.themes.space import ThemeSpace
from sddkit.tickets.model import Ticket

DEFAULT_DATA = (
    Path(__file__).resolve().parent.parent.parent / "shared/bench-data/sib200-slavic-topics"
)
NOW = datetime(2026, 11, 28, tzinfo=UTC)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["lang"] == "sr" and int(row["id"]) % 2 == 0:
            row["text"] = to_latin(row["text"].lower())
    return rows


def pairs_together(
    groups: np.ndarray, rows: list[dict[str, str]]
) -> tuple[float, dict[str, float]]:
    by_id: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_id.setdefault(row["id"], []).append(i)
    together: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for members in by_id.values():
        for a, b in itertools.combinations(members, 2):
            key = "-".join(sorted((rows[a]["lang"], rows[b]["lang"])))
            total[key] += 1
            together[key] += int(groups[a] >= 0 and groups[a] == groups[b])
    share = sum(together.values()) / max(sum(total.values()), 1)
    serbian = {k: together[k] / total[k] for k in sorted(total) if "sr" in k.split("-")}
    return share, serbian


def report(name: str, groups: np.ndarray, rows: list[dict[str, str]], took: float) -> None:
    truth = np.array([r["label"] for r in rows])
    share, serbian = pairs_together(groups, rows)
    print(f"{name:<22} groups {len(set(groups[groups >= 0])):>4}  clustered "
          f"{(groups >= 0).mean():.3f}  translation pairs together {share:.3f}  "
          f"NMI (topic, noise=one) {normalized_mutual_info_score(truth, groups):.3f}  "
          f"{took:.1f} s")  # fmt: skip
    print(" " * 23 + "with Serbian: " + ", ".join(f"{k} {v:.2f}" for k, v in serbian.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--split", default="test", choices=["test", "dev"])
    add_cluster_options(parser)
    parser.add_argument("--no-bertopic", action="store_true", help="skip the reference")
    args = parser.parse_args()
    rows = read(args.data / f"{args.split}.csv")
    tickets = [
        Ticket(source="sib", external_id=f"{r['id']}-{r['lang']}", created_at=NOW - timedelta(
            hours=n), body=r["text"], language=r["lang"])
        for n, r in enumerate(rows)
    ]  # fmt: skip
    print(f"data: {args.data / args.split}.csv ({len(rows)} sentences, "
          f"{len({r['id'] for r in rows})} ids x {len({r['lang'] for r in rows})} languages); "
          f"backend {args.backend}")  # fmt: skip
    settings = ThemeSettings(space=space_settings(args), cluster=cluster_settings(args))
    started = time.perf_counter()
    themes = themes_from_tickets(tickets, now=NOW, min_size=args.min_size, settings=settings)
    took = time.perf_counter() - started
    group_of = {k: t.family_id or t.id for t in themes for k in t.ticket_keys}
    theme_of = {k: t.id for t in themes for k in t.ticket_keys}
    ids = {g: n for n, g in enumerate(sorted(set(group_of.values())))}
    tids = {g: n for n, g in enumerate(sorted(set(theme_of.values())))}
    families = np.array([ids.get(group_of.get(t.key, ""), -1) for t in tickets])
    alone = np.array([tids.get(theme_of.get(t.key, ""), -1) for t in tickets])
    report("sddkit themes", alone, rows, took)
    report("sddkit theme families", families, rows, took)
    if args.no_bertopic:
        return
    if not available():
        print(unavailable_reason())
        return
    corpus = Corpus.from_tickets(tickets)
    space = ThemeSpace(space_settings(args))
    if space.semantic_weight == 0:
        return
    started = time.perf_counter()
    semantic = space.semantic(corpus.space_texts())
    reference = bertopic_labels([r["text"] for r in rows], semantic)
    report("BERTopic (defaults)", reference, rows, time.perf_counter() - started)


if __name__ == "__main__":
    main()
