"""Kind accuracy on a hand-labelled ticket set in four languages and on the demo.

    python bench/themes_kinds.py [--data FILE.csv ...] [--no-demo]

Two hand-labelled sets (`bench/data/*.csv`: text, lang, kind), each 25 short tickets per
language (en, ru, pl, sr in both scripts), 5 per kind, written as customers phrase them, not
from the cue lists. `kinds_handlabelled.csv` was written first, and the cue lists were then
extended with it in view (its figure is optimistic); `kinds_holdout.csv` was written after
that and never tuned on. Two ways of reading each:

- themes: the 5 tickets of one (kind, lang) form one small theme, classified as a theme is
  in a run (the kind needs at least 2 of the 5 tickets showing its cues);
- tickets: every ticket alone, a theme of one (harder: one ticket, one chance of a cue).

Texts are cleaned as the pipeline cleans them (`clean_text` with the ticket's language), and
the language is passed along as a run would. Printed: accuracy per language and overall, how
many were called `unknown`, and a confusion table (truth in rows, the kind called in columns).

The demo (`bench/themes_demo.py`'s truth: `SUBJECT_KINDS` of each theme's majority subject):
kind accuracy per theme and per ticket, and its confusion table; `--no-demo` skips it (~20 s).
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from sddkit.themes.clean import clean_text
from sddkit.themes.kinds import classify_kind
from sddkit.themes.model import KINDS

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_DATA = [DATA / "kinds_handlabelled.csv", DATA / "kinds_holdout.csv"]
LANGUAGES = ("en", "ru", "pl", "sr")
THEME_SIZE = 5

Row = tuple[str, str, str]  # cleaned text, language, true kind


def load(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(clean_text(r["text"], r["lang"]), r["lang"], r["kind"]) for r in csv.DictReader(f)]


def as_themes(rows: Sequence[Row]) -> list[list[Row]]:
    """Consecutive groups of `THEME_SIZE` tickets of one (kind, language)."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row[2], row[1]), []).append(row)
    return [
        members[start : start + THEME_SIZE]
        for members in groups.values()
        for start in range(0, len(members), THEME_SIZE)
    ]


def called(members: Sequence[Row]) -> str:
    kind, _ = classify_kind([m[0] for m in members], languages=[m[1] for m in members])
    return kind


def report(name: str, results: Sequence[tuple[str, str, str]]) -> None:
    """`results`: (language, truth, called) per item."""
    print(f"\n{name}: {len(results)}")
    for language in (*LANGUAGES, "all"):
        mine = [r for r in results if language in ("all", r[0])]
        if not mine:
            continue
        right = sum(r[1] == r[2] for r in mine)
        unknown = sum(r[2] == "unknown" for r in mine)
        print(
            f"  {language:<4} accuracy {right / len(mine):.3f} ({right}/{len(mine)}),"
            f" unknown {unknown}"
        )
    confusion(results)


def confusion(results: Sequence[tuple[str, str, str]]) -> None:
    counts = Counter((truth, kind) for _, truth, kind in results)
    columns = [k for k in KINDS if any(c[1] == k for c in counts)]
    print("  truth \\ called " + "".join(f"{k:>9}" for k in columns))
    for truth in KINDS:
        if any(c[0] == truth for c in counts):
            cells = "".join(f"{counts[truth, k]:>9}" for k in columns)
            print(f"  {truth:<15} {cells}")


def handlabelled(path: Path) -> None:
    rows = load(path)
    languages = dict(Counter(r[1] for r in rows))
    print(f"\n== hand-labelled set {path.name}: {len(rows)} tickets, {languages}")
    themes = as_themes(rows)
    report(
        f"themes of {THEME_SIZE} (one kind, one language)",
        [(t[0][1], t[0][2], called(t)) for t in themes],
    )
    report("single tickets", [(r[1], r[2], called([r])) for r in rows])


def demo() -> None:
    """Kind accuracy on the demo, as `bench/themes_demo.py` measures it."""
    from themes_demo import NOW, SUBJECT_KINDS, true_subjects

    from sddkit.store import open_store
    from sddkit.themes.pipeline import update_themes
    from sddkit.tickets.demo import demo_tickets
    from sddkit.tickets.store import upsert_tickets

    truth = true_subjects()
    conn = open_store(":memory:")
    upsert_tickets(conn, demo_tickets())
    themes = update_themes(conn, now=NOW, min_size=5)
    results: list[tuple[str, str, str]] = []
    right_tickets = total = 0
    for theme in themes:
        subject = Counter(truth[k] for k in theme.ticket_keys).most_common(1)[0][0]
        language = next(iter(theme.languages), "")
        results.append((language, SUBJECT_KINDS[subject], theme.kind))
        total += theme.size
        right_tickets += theme.size * (theme.kind == SUBJECT_KINDS[subject])
    print("\n== demo (truth: bench/themes_demo.py SUBJECT_KINDS of each theme's majority subject)")
    report("demo themes", results)
    print(f"  kind accuracy (tickets): {right_tickets / max(total, 1):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, nargs="+", default=DEFAULT_DATA)
    parser.add_argument("--no-demo", action="store_true", help="skip the demo (~20 s)")
    args = parser.parse_args()
    for path in args.data:
        handlabelled(path)
    if not args.no_demo:
        demo()


if __name__ == "__main__":
    main()
