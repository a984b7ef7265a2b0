"""Time another revision's build_report, for bench/report_speed.py to compare in the same run.

    python bench/report_then.py TREE [--tickets N --themes N --issues N]

TREE holds that revision's `sddkit/` and `bench/` (bench/report_speed.py extracts it with
`git archive`). The history is that revision's own bench data (the same seed), stored by
that revision's store code. Prints "ready <tickets> <traces>" once the store is loaded, then
builds the 13-week report once per line read on stdin and prints the seconds it took.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

# The 13-week period both benches report on.
PERIOD = (date(2025, 7, 7), date(2025, 10, 5))


def rota(start: datetime, people: Sequence[Any]) -> list[Any]:
    """A year of daily 08:00-11:00 shifts from `start`, the first eight people in turn."""
    from sddkit.rotation.model import Shift

    return [
        Shift(
            "emea",
            start + timedelta(days=d, hours=8),
            start + timedelta(days=d, hours=11),
            "engineer",
            0,
            people[d % 8].name,
        )
        for d in range(365)
    ]


def stored_history(
    path: Path,
    tickets: list[Any],
    themes: list[Any],
    members: dict[str, str],
    issues: list[Any],
    now: datetime,
) -> sqlite3.Connection:
    """A store at `path` holding the tickets, one theme run of `themes` made at `now` (ticket
    key -> theme in `members`) and the filed `issues`, written by whichever sddkit is
    imported."""
    import numpy as np

    from sddkit.store import open_store, transaction
    from sddkit.themes.store import StoredTheme, ensure_schema, save_run
    from sddkit.tickets.store import upsert_tickets
    from sddkit.trackers.cache import save_filed

    conn = open_store(path)
    upsert_tickets(conn, tickets)
    ensure_schema(conn)
    with transaction(conn):
        save_run(
            conn,
            now=now,
            mode="full",
            since=None,
            min_size=5,
            backend="tfidf",
            model_state=None,
            model_run=None,
            ticket_count=len(tickets),
            themes=[StoredTheme(t, np.zeros((1, 4), dtype=np.float32)) for t in themes],
            members=[(k, v, 1.0) for k, v in members.items()],
        )
    save_filed(conn, "github", issues)
    return conn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--themes", type=int, default=200)
    parser.add_argument("--issues", type=int, default=60)
    args = parser.parse_args()
    sys.path[:0] = [str(args.tree), str(args.tree / "bench")]
    then: Any = __import__("report_speed")  # that revision's bench: its synthetic history
    import random

    import sddkit
    from sddkit.report.build import build_report

    if not Path(sddkit.__file__).resolve().is_relative_to(args.tree.resolve()):
        sys.exit(f"report_then: imported {sddkit.__file__}, not the code in {args.tree}")
    rng = random.Random(7)
    tickets, themes, members, issues = then.synthetic(args.tickets, args.themes, args.issues, rng)
    shifts = rota(then.START, then.PEOPLE)
    with tempfile.TemporaryDirectory() as tmp:
        conn = stored_history(Path(tmp) / "then.db", tickets, themes, members, issues, then.START)

        def build() -> Any:
            return build_report(
                conn,
                since=PERIOD[0],
                until=PERIOD[1],
                filed=issues,
                shifts=shifts,
                people=then.PEOPLE,
                now=then.START,
            )

        report = build()
        print(f"ready {report.health.tickets} {len(report.traces)}", flush=True)
        for _ in sys.stdin:
            began = time.perf_counter()
            build()
            print(f"{time.perf_counter() - began:.6f}", flush=True)


if __name__ == "__main__":
    main()
