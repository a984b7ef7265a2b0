"""Coverage predictions against what happened, on the demo store.

    python bench/rotation_coverage.py [--weeks 8] [--history 8]

Loads the bundled demo tickets (six months to 2026-11-16) into a fresh store, plans the
example team's schedule, and replays each of the last `--weeks` weeks against it with the
reply pace measured on the `--history` weeks before that week. Prints, per week and over all
of them, the predicted and actual first-response p50 and p90, and whether the p90 over all
the weeks is within 20 % of the actual one (the target); then the prediction per rotation
for those weeks and the time taken.
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from pathlib import Path

from sddkit.rotation.config import load_config
from sddkit.rotation.coverage import Arrival, Cover, backtest, fit, predict, spans_of
from sddkit.rotation.schedule import published
from sddkit.store import open_store, transaction
from sddkit.tickets.demo import DEMO_END, demo_tickets
from sddkit.tickets.store import ensure_schema, iter_tickets, upsert_tickets


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--history", type=int, default=8)
    args = parser.parse_args()
    conn = open_store(":memory:")
    ensure_schema(conn)
    with transaction(conn):
        upsert_tickets(conn, demo_tickets())
    config = load_config(Path(__file__).resolve().parent.parent / "rotations.toml")
    began = time.perf_counter()
    plan, _ = published(conn, config, date(2026, 11, 16))
    arrivals = [Arrival(t.created_at, t.first_response_at) for t in iter_tickets(conn)]
    cover = Cover(spans_of(plan.shifts))
    found = backtest(arrivals, cover, DEMO_END, args.weeks, args.history)
    took = time.perf_counter() - began
    print(f"demo store: {len(arrivals)} tickets; schedule {plan.start} to {plan.end}")
    print(f"{'week of':<12}{'tickets':>8}{'pred p50':>10}{'p50':>8}{'pred p90':>10}{'p90':>8}")
    for week in found.weeks:
        print(
            f"{week.start:%Y-%m-%d}  {week.tickets:>8}{_h(week.predicted.p50):>10}"
            f"{_h(week.actual_p50):>8}{_h(week.predicted.p90):>10}{_h(week.actual_p90):>8}"
        )
    print(
        f"{'all':<12}{found.predicted.tickets:>8}{_h(found.predicted.p50):>10}"
        f"{_h(found.actual_p50):>8}{_h(found.predicted.p90):>10}{_h(found.actual_p90):>8}"
    )
    error = found.error or 0.0
    verdict = "met" if abs(error) <= 0.2 else "MISSED"
    print(f"predicted p90 within 20 % of the actual over all the weeks: {verdict} ({error:+.1%})")
    recent = [a for a in arrivals if DEMO_END - timedelta(weeks=args.weeks) <= a.at < DEMO_END]
    _, per_rotation = predict(recent, cover, fit(recent, cover))
    for name, prediction in per_rotation.items():
        print(f"  {name:<10} {prediction.tickets:>5} tickets  predicted p90 {_h(prediction.p90)}")
    print(f"time (schedule, replay, backtest): {took:.2f} s")


def _h(hours: float | None) -> str:
    return "-" if hours is None else f"{hours:.2f} h"


if __name__ == "__main__":
    main()
