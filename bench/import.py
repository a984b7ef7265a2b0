"""Import benchmark: ``python bench/import.py [--sizes 100000,1000000]``.

For each size, writes a Zendesk Incremental Export JSON of that many tickets to a temporary
file (streamed, never held in memory), imports it into a fresh store in a child process and
prints tickets/s (wall clock, and per CPU second of the child and the reading process it forks
for a large file: on a shared machine the wall figure also measures the other load), the
child's peak RSS and the reading process's. Flat memory shows as equal RSS across sizes.
Target: >= 20,000 tickets/s.

In the same run, a naive reader imports the same file in a child process of its own:
``json.load`` of the whole file, one row per ticket (id, times, subject, description, status,
tags as JSON) and ``executemany`` into one SQLite table. "ratio" is its wall time over
sddkit's (>= 1.0: sddkit is at least as fast), with the CPU times' ratio and both peak RSS.
The naive reader converts nothing (no HTML to text, no language, no version rules), and holds
the whole file in memory.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUBJECTS = ["CSV export times out", "Экспорт в CSV зависает", "Eksport do CSV nie działa",
            "Password reset e-mail never arrives", "Izvoz u CSV ne radi"]  # fmt: skip
BODIES = ["When I export the monthly report to CSV the page spins and then shows a 504 error.",
          "Несколько раз нажимал «Забыли пароль», но письмо для сброса так и не пришло.",
          "<p>Kilka razy kliknąłem <b>Nie pamiętam hasła</b>, ale mail nie przychodzi.</p>",
          "Kontrolna tabla se učitava 20-30 sekundi svakog jutra."]  # fmt: skip


def generate(path: Path, count: int) -> None:
    rng = random.Random(count)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"tickets": [\n')
        for number in range(1, count + 1):
            ticket = {
                "id": number,
                "via": {"channel": rng.choice(["email", "web", "chat"])},
                "created_at": f"2026-{rng.randint(5, 10):02d}-{rng.randint(1, 28):02d}T"
                f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z",
                "updated_at": "2026-11-01T00:00:00Z",
                "subject": rng.choice(SUBJECTS),
                "description": rng.choice(BODIES),
                "status": "solved",
                "requester_id": rng.randint(1, 50_000),
                "assignee_id": rng.randint(1, 11),
                "organization_id": None,
                "tags": ["export"] if number % 3 else [],
                "satisfaction_rating": {"score": rng.choice(["good", "bad", "unoffered"])},
            }
            out.write(json.dumps(ticket, ensure_ascii=False))
            out.write(",\n" if number < count else "\n")
        out.write('], "end_of_stream": true}\n')


def child(path: Path, detect: bool) -> None:
    from sddkit.store import open_store
    from sddkit.tickets.imports import ImportSettings, import_file

    conn = open_store(path.with_suffix(".db"))
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = import_file(conn, path, ImportSettings(detect_languages=detect))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # The reading process a large import forks (ended by now) counts too.
    reader = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"tickets": summary.new, "seconds": elapsed,
                      "cpu_seconds": cpu + reader.ru_utime + reader.ru_stime,
                      "peak_rss_mib": peak_kib / 1024,
                      "reader_rss_mib": reader.ru_maxrss / 1024}))  # fmt: skip


def naive(path: Path) -> None:
    """The naive reader, in its own child process."""
    started, cpu_started = time.perf_counter(), time.process_time()
    with path.open(encoding="utf-8") as handle:
        tickets = json.load(handle)["tickets"]
    conn = sqlite3.connect(path.with_suffix(".naive.db"))
    conn.execute(
        "CREATE TABLE tickets (source TEXT, external_id TEXT, created_at TEXT, updated_at TEXT,"
        " subject TEXT, body TEXT, status TEXT, tags TEXT, UNIQUE (source, external_id))"
    )
    with conn:
        conn.executemany(
            "INSERT INTO tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (("zendesk", str(t["id"]), t["created_at"], t["updated_at"], t["subject"],
              t["description"], t["status"], json.dumps(t["tags"])) for t in tickets),
        )  # fmt: skip
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"tickets": len(tickets), "seconds": elapsed, "cpu_seconds": cpu,
                      "peak_rss_mib": peak_kib / 1024}))  # fmt: skip


def _child(flags: list[str]) -> dict[str, float]:
    run = subprocess.run([sys.executable, __file__, *flags],
                         check=True, capture_output=True, text=True)  # fmt: skip
    result: dict[str, float] = json.loads(run.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--no-detect-language", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--naive-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, not args.no_detect_language)
        return
    if args.naive_child:
        naive(args.naive_child)
        return
    flags = ["--no-detect-language"] if args.no_detect_language else []
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "tickets.json"
            generate(path, size)
            megabytes = path.stat().st_size / 1e6
            result = _child(["--child", str(path), *flags])
            plain = _child(["--naive-child", str(path)])
            rate = result["tickets"] / result["seconds"]
            cpu_rate = result["tickets"] / result["cpu_seconds"]
            print(f"{size:>9,} tickets ({megabytes:,.0f} MB file): {result['seconds']:.1f} s, "
                  f"{rate:,.0f} tickets/s ({cpu_rate:,.0f} per CPU second), "
                  f"peak RSS {result['peak_rss_mib']:.0f} MiB"
                  f" + {result['reader_rss_mib']:.0f} MiB reading process")  # fmt: skip
            ratio = plain["seconds"] / result["seconds"]
            cpu_ratio = plain["cpu_seconds"] / result["cpu_seconds"]
            print(
                f"{'':>9}  naive reader: {plain['seconds']:.1f} s, peak RSS"
                f" {plain['peak_rss_mib']:.0f} MiB; ratio {ratio:.2f} (CPU {cpu_ratio:.2f})"
            )


if __name__ == "__main__":
    main()
