"""Small exports: do the themes of 30-100 tickets ever join unrelated subjects?

    python bench/small_exports.py [--sizes 30,50,100] [--samples 10]

A team's first export is small. For each size, `--samples` random samples of the bundled
demo tickets (several languages; truth from the demo generator, as in bench/themes_demo.py)
and of CLINC150 test (English, 150 intents; `../shared/bench-data`) are clustered as one full
run (`themes_from_tickets`, default settings). Prints per size and data set: themes, the share
of tickets in a theme, and *mixed* themes: themes whose largest subject holds under 60 % of
their tickets, or whose second subject has two tickets or more and a quarter of the theme
(two subjects in one issue), with the share of clustered tickets that sit in one.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from themes_demo import true_subjects

from sddkit.themes.pipeline import themes_from_tickets
from sddkit.tickets.demo import demo_tickets
from sddkit.tickets.model import Ticket

CLINC = Path(__file__).resolve().parent.parent.parent / "shared/bench-data/clinc150/test.csv"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def clinc_tickets() -> tuple[list[Ticket], dict[str, str]]:
    with CLINC.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    tickets, truth = [], {}
    for n, row in enumerate(rows):
        ticket = Ticket(
            source="bench",
            external_id=f"C-{n}",
            created_at=NOW - timedelta(hours=n % 700),
            subject="",
            body=row["text"],
            customer_id=f"c{n}",
        )
        tickets.append(ticket)
        truth[ticket.key] = row["intent"]
    return tickets, truth


def demo() -> tuple[list[Ticket], dict[str, str]]:
    return list(demo_tickets()), true_subjects()


def mixed(keys: tuple[str, ...], truth: dict[str, str]) -> bool:
    counts = Counter(truth.get(k, "?") for k in keys).most_common(2)
    if counts[0][1] < 0.6 * len(keys):
        return True
    return len(counts) > 1 and counts[1][1] >= 2 and counts[1][1] >= 0.25 * len(keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,50,100")
    parser.add_argument("--samples", type=int, default=10)
    args = parser.parse_args()
    sources = {"demo": demo(), "clinc:test": clinc_tickets()}
    for name, (tickets, truth) in sources.items():
        # CLINC150 as an export: a handful of subjects, as a small team's first month has
        for size in (int(s) for s in args.sizes.split(",")):
            themes_total = clustered = mixed_themes = in_mixed = 0
            for sample in range(args.samples):
                rng = random.Random(sample)
                pool = tickets
                if name.startswith("clinc"):
                    intents = rng.sample(sorted(set(truth.values())), max(3, size // 10))
                    pool = [t for t in tickets if truth[t.key] in intents]
                picked = rng.sample(pool, min(size, len(pool)))
                themes = themes_from_tickets(picked, now=NOW)
                themes_total += len(themes)
                for theme in themes:
                    clustered += theme.size
                    if mixed(theme.ticket_keys, truth):
                        mixed_themes += 1
                        in_mixed += theme.size
            print(
                f"{name:<11} {size:>4} tickets x {args.samples}: themes {themes_total:>4}  "
                f"clustered {clustered / (size * args.samples):.2f}  mixed themes "
                f"{mixed_themes:>3}  tickets in a mixed theme {in_mixed / max(clustered, 1):.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
