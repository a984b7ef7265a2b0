"""Small exports: do the themes of 30-100 tickets ever join unrelated subjects?

    python bench/small_exports.py [--sizes 30,50,100] [--samples 10] [--per-subject 10]

A team's first export is small. For each size, `--samples` random samples are clustered as
one full run (`themes_from_tickets`, default settings): of the bundled demo tickets (several
languages; truth from the demo generator, as in bench/themes_demo.py) drawn from all its 22
subjects (`demo`: at 30 tickets most subjects have one or two, so there is hardly a theme to
find) and drawn from a handful of them (`demo:few`: size / `--per-subject` subjects, 10
tickets each by default, as a small team's first month has), and of CLINC150 test (English,
150 intents; `../shared/bench-data`) drawn from as many intents. Prints per size and data
set: themes, the share of tickets in a theme, *mixed* themes (the largest subject holds under
60 % of their tickets, or the second subject has two tickets or more and a quarter of the
theme: two subjects in one issue) with the share of clustered tickets that sit in one, and of
the subjects with 5 tickets or more in the sample, how many top a theme (*found*) and how
many top two or more (*split*: a second issue for one subject).
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
    parser.add_argument(
        "--per-subject", type=int, default=10, help="tickets per subject in demo:few and CLINC150"
    )
    args = parser.parse_args()
    demo_set = demo()
    sources = {"demo": demo_set, "demo:few": demo_set, "clinc:test": clinc_tickets()}
    for name, (tickets, truth) in sources.items():
        for size in (int(s) for s in args.sizes.split(",")):
            report(name, size, args.samples, args.per_subject, tickets, truth)


def report(
    name: str, size: int, samples: int, per: int, tickets: list[Ticket], truth: dict[str, str]
) -> None:
    themes_total = clustered = mixed_themes = in_mixed = subjects = found = split = 0
    for sample in range(samples):
        rng = random.Random(sample)
        pool = tickets
        if name != "demo":  # a handful of subjects, as a small team's first month has
            chosen = rng.sample(sorted(set(truth.values())), max(2, size // per))
            pool = [t for t in tickets if truth[t.key] in chosen]
        picked = rng.sample(pool, min(size, len(pool)))
        themes = themes_from_tickets(picked, now=NOW)
        themes_total += len(themes)
        tops: Counter[str] = Counter()
        for theme in themes:
            clustered += theme.size
            tops[Counter(truth[k] for k in theme.ticket_keys).most_common(1)[0][0]] += 1
            if mixed(theme.ticket_keys, truth):
                mixed_themes += 1
                in_mixed += theme.size
        sized = [s for s, n in Counter(truth[t.key] for t in picked).items() if n >= 5]
        subjects += len(sized)
        found += sum(1 for s in sized if tops[s])
        split += sum(1 for s in sized if tops[s] > 1)
    print(
        f"{name:<11} {size:>4} tickets x {samples}: themes {themes_total:>4}  "
        f"clustered {clustered / (size * samples):.2f}  mixed themes {mixed_themes:>3}  "
        f"tickets in a mixed theme {in_mixed / max(clustered, 1):.3f}  subjects of 5+ "
        f"{subjects:>3}  found {found:>3}  split {split:>3}",
        flush=True,
    )


if __name__ == "__main__":
    main()
