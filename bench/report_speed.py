"""Report speed on a large synthetic history, through the real SQLite store.

    python bench/report_speed.py [--tickets 100000] [--themes 200] [--issues 60]

Loads the tickets into a fresh store (not timed), saves one theme run and the tracker cache,
then times, in the same run, a 13-week report over a year of history built the way the store
was read before (every ticket of the period and every theme ticket outside it read whole,
by key, as build_report did before commit aa7225b) and by build_report (a few columns of the
period's tickets; outside it only the tickets a figure needs), checks both give the same
figures, and times rendering HTML, Markdown and JSON; prints the timings, peak memory and
file sizes. Both ways compute the figures with today's code (assemble_report), so work that
made the figures faster speeds up the old way too: that ratio understates, never overstates.

It also times, in the same rounds, the code as it was when the 2x target was set
(`--against`, default THEN: the last commit before work on it began) against the code of
this checkout, each building the same report on the same history in a process of its own
started the same way (bench/report_then.py), so neither gains from the other's memory or
caches. That code computed fewer figures (no "Fix next", onboarding, per-person quality):
this ratio is the one a user sees, the report they had against the report they have.
`--against ''` skips it (it needs the git history).
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from report_then import PERIOD, rota, stored_history

from sddkit.report.build import assemble_report, build_report, period
from sddkit.report.history import customers_first_seen
from sddkit.report.model import Report, ReportOptions
from sddkit.report.render import report_data, write_report
from sddkit.rotation.model import Person
from sddkit.themes.model import Theme
from sddkit.themes.store import load_themes
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import get_tickets, iter_tickets
from sddkit.trackers.base import FiledIssue, Fix

START = datetime(2025, 1, 6, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent
THEN = "3c01641"  # main when the report's 2x speed target was set (issue 13)
ROUNDS = 5
PEOPLE = [
    Person(name, f"{name.split()[0].lower()}@example.com", role, "Europe/Berlin")
    for name, role in [
        ("Nina Kovač", "engineer"),
        ("Ana Petrović", "engineer"),
        ("Marko Jovanović", "engineer"),
        ("Piotr Nowak", "engineer"),
        ("Olga Smirnova", "engineer"),
        ("Dmitri Volkov", "engineer"),
        ("Sam Carter", "engineer"),
        ("Priya Shah", "engineer"),
        ("Kasia Wójcik", "designer"),
        ("Lena Fischer", "designer"),
        ("Jonas Berg", "designer"),
    ]
]


def synthetic(n_tickets: int, n_themes: int, n_issues: int, rng: random.Random):
    tickets, members = [], {}
    for i in range(n_tickets):
        created = START + timedelta(minutes=rng.randrange(365 * 24 * 60))
        frt = rng.expovariate(1 / 10) if rng.random() < 0.95 else None
        tickets.append(
            Ticket(
                "zendesk",
                str(i),
                created,
                subject=f"ticket {i}",
                customer_id=f"c{rng.randrange(n_tickets // 3)}",
                assignee=rng.choice(PEOPLE).email,
                channel=rng.choice(["email", "chat", "web"]),
                language=rng.choice(["en", "de", "sr", "pl"]),
                first_response_at=created + timedelta(hours=frt) if frt is not None else None,
                solved_at=created + timedelta(hours=rng.expovariate(1 / 40)),
                satisfaction=float(rng.randrange(11)) if rng.random() < 0.3 else None,
                satisfaction_scale="10",
            )
        )
        if rng.random() < 0.7:
            members[tickets[-1].key] = f"T-{rng.randrange(n_themes):04d}"
    by_key = {t.key: t for t in tickets}
    by_theme: dict[str, list[str]] = {}
    for key, theme_id in members.items():
        by_theme.setdefault(theme_id, []).append(key)
    themes = []
    for t in range(n_themes):
        keys = tuple(by_theme.get(f"T-{t:04d}", ()))
        if not keys:
            continue
        times = [START] * 2
        # As a theme run stores them: the languages of its tickets, most first.
        languages = Counter(by_key[key].language for key in keys)
        themes.append(
            Theme(
                f"T-{t:04d}",
                f"theme {t}",
                "bug",
                ("x",),
                keys,
                keys[:3],
                len(keys),
                times[0],
                times[1],
                rng.choice(["growing", "stable"]),
                languages=dict(languages.most_common()),
            )
        )
    issues = []
    for t in themes[:n_issues]:
        filed = START + timedelta(days=rng.randrange(200))
        fixed = filed + timedelta(days=rng.randrange(5, 120))
        issues.append(
            FiledIssue(
                f"acme/app#{len(issues) + 1}",
                t.id,
                t.label,
                "closed",
                "https://example.com",
                filed,
                fixed,
                Fix("pull_request", "#1", fixed),
            )
        )
    return tickets, themes, members, issues


def whole_ticket_read(conn: sqlite3.Connection, since: date, until: date, **inputs: Any) -> Report:
    """The report as build_report read the store before: every theme ticket outside the
    period read whole, looked up by key (kept here to time against the current read)."""
    start, end = period(since, until)
    themes = load_themes(conn)
    in_period = list(iter_tickets(conn, since=start, until=end))
    known = {t.key for t in in_period}
    missing = sorted({k for theme in themes for k in theme.ticket_keys} - known)
    # Onboarding is new: both ways read when customers started the same way.
    started = customers_first_seen(conn, {t.customer_id for t in in_period if t.customer_id})
    return assemble_report(
        period_tickets=in_period,
        other_tickets=get_tickets(conn, missing, visible_only=True),
        started=started,
        themes=themes,
        since=start,
        until=end,
        options=ReportOptions(),
        **inputs,
    )


class _Builder:
    """The code in `tree` in its own process (bench/report_then.py), its store loaded while
    the others load theirs; `time()` has it build the report once."""

    def __init__(self, tree: Path, args: argparse.Namespace) -> None:
        driver = str(Path(__file__).with_name("report_then.py"))
        sizes = ["--tickets", str(args.tickets), "--themes", str(args.themes)]
        self._process = subprocess.Popen(
            [sys.executable, driver, str(tree), *sizes, "--issues", str(args.issues)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ready(self) -> tuple[int, int]:
        """(the period's tickets, traces) of that revision's report, once its store is loaded."""
        assert self._process.stdout is not None
        line = self._process.stdout.readline().split()
        if not line or line[0] != "ready":
            raise SystemExit("report_then.py did not start (see above)")
        return int(line[1]), int(line[2])

    def time(self) -> float:
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write("go\n")
        self._process.stdin.flush()
        return float(self._process.stdout.readline())

    def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait()


def _checkout(revision: str, tree: Path) -> Path | None:
    """The sddkit, bench and templates of `revision`, extracted into `tree`; None (and why,
    on stderr) when this checkout lacks it, e.g. a shallow clone."""
    archive = subprocess.run(
        ["git", "archive", revision, "sddkit", "bench", "templates"],
        cwd=ROOT,
        capture_output=True,
    )
    if archive.returncode:
        why = archive.stderr.decode().strip().splitlines()[-1:] or ["git archive failed"]
        print(
            f"--against {revision} skipped: {why[0]} (a shallow clone? `git fetch --unshallow`)",
            file=sys.stderr,
        )
        return None
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--themes", type=int, default=200)
    parser.add_argument("--issues", type=int, default=60)
    parser.add_argument("--against", default=THEN, help="git revision to time too ('' skips)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tree:
        builders = []
        if args.against:
            then = _checkout(args.against, Path(tree))
            if then is not None:
                builders = [_Builder(then, args), _Builder(ROOT, args)]
        try:
            run(args, builders)
        finally:
            for builder in builders:
                builder.close()


def run(args: argparse.Namespace, builders: list[_Builder]) -> None:
    rng = random.Random(7)
    tickets, themes, members, issues = synthetic(args.tickets, args.themes, args.issues, rng)
    shifts = rota(START, PEOPLE)
    with tempfile.TemporaryDirectory() as tmp:
        conn = stored_history(Path(tmp) / "bench.db", tickets, themes, members, issues, START)
        since, until = PERIOD
        inputs = {"filed": issues, "shifts": shifts, "people": PEOPLE, "now": START}
        figures_of = [builder.ready() for builder in builders]
        # Every way in turn, five rounds; the best of each (the machine's other work only ever
        # adds time).
        olds, news = [], []
        apart: list[list[float]] = [[] for _ in builders]
        for round_ in range(ROUNDS):
            # In turn first and last: whichever goes first in a round gains or loses nothing.
            order = list(zip(builders, apart, strict=True))
            for builder, times in order[:: -1 if round_ % 2 else 1]:
                times.append(builder.time())
            began = time.perf_counter()
            before = whole_ticket_read(conn, since, until, **inputs)
            olds.append(time.perf_counter() - began)
            began = time.perf_counter()
            report = build_report(conn, since=since, until=until, **inputs)  # type: ignore[arg-type]
            news.append(time.perf_counter() - began)
        old, built = min(olds), min(news)
        same = report_data(before) == report_data(report)
        began = time.perf_counter()
        assemble_report(
            period_tickets=[t for t in tickets if report.since <= t.created_at < report.until],
            other_tickets=tickets,
            themes=themes,
            filed=issues,
            shifts=shifts,
            people=PEOPLE,
            since=report.since,
            until=report.until,
            now=report.generated_at,
            options=report.options,
        )
        figures = time.perf_counter() - began
        began = time.perf_counter()
        paths = write_report(report, Path(tmp) / "out")
        rendered = time.perf_counter() - began
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1024:.0f} KiB" for p in paths)
    print(f"history: {len(tickets)} tickets, {len(themes)} themes, {len(issues)} fixed issues")
    print(f"period: 13 weeks, {report.health.tickets} tickets, {len(report.traces)} traces")
    print(f"build_report, whole tickets read by key (the read before): {old:.2f} s (best of 5)")
    print(
        f"build_report (store read + figures): {built:.2f} s (best of 5, {old / built:.1f}x faster)"
    )
    print(f"  same figures both ways: {same}")
    print(f"  of which figures alone (assemble_report on in-memory lists): {figures:.2f} s")
    if builders:
        then, now = (min(times) for times in apart)
        print(f"each in a process of its own, same rounds (period and traces: {figures_of}):")
        print(f"  build_report of {args.against} (when the 2x target was set): {then:.2f} s")
        print(f"  build_report of this checkout: {now:.2f} s ({then / now:.1f}x faster)")
    print(f"render html+md+json: {rendered:.2f} s  ({sizes})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
