"""Follow-up benchmark: ``python bench/followup.py [--customers 2000] [--kills 3]``.

A store with one fix and `--customers` customers behind it (two tickets each, in English,
Polish, Russian and Serbian in both scripts), their tickets in the fake Zendesk of
tests/support/fake_zendesk.py (served from this process, on loopback). Then:
1. the dry run (`sddkit followup --show`): seconds, drafts;
2. `--apply` in a child process, killed (SIGKILL) `--kills` times at random moments and run
   again until it finishes; then once more;
3. checks the helpdesk: notes missing, notes written twice; and the requests of the last run.
Pacing is set out of the way (`per_minute` very high) to measure sddkit itself; at the
vendors' documented limits the writes take what the last line says.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sddkit.followup.helpdesks import writers
from sddkit.store import open_store
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.tickets.store import upsert_tickets
from sddkit.trackers.base import FiledIssue, Fix
from sddkit.trackers.cache import save_filed
from tests.support.fake_zendesk import FakeZendesk, make_ticket, serve
from tests.support.themes import save_themes

SDDKIT = [sys.executable, "-c", "from sddkit.cli import main; main()"]
START = datetime(2026, 3, 2, 8, tzinfo=UTC)
FIXED = START + timedelta(days=20)
PERIOD = ["--since", "2026-03-16", "--until", "2026-03-29", "--now", "2026-03-30T09:00:00Z"]
SUBJECTS = [
    ("en", "Sync fails on the iPad"),
    ("pl", "Synchronizacja nie działa"),
    ("ru", "Синхронизация не работает"),
    ("sr", "Синхронизација не ради"),
    ("sr", "Sinhronizacija ne radi"),
]
CONFIG = "[followup]\n[followup.zendesk]\nper_minute = 100000000\n"


def build(folder: Path, fake: FakeZendesk, customers: int) -> None:
    rng = random.Random(customers)
    tickets = []
    for n in range(customers):
        language, subject = SUBJECTS[n % len(SUBJECTS)]
        for k in range(2):
            number = 2 * n + k + 1
            created = START + timedelta(hours=rng.uniform(0, 19 * 24))
            tickets.append(
                Ticket(
                    "zendesk",
                    str(number),
                    created,
                    subject=subject,
                    customer_id=f"c{n}",
                    language=language,
                )
            )
            fake.put(make_ticket(number, "2026-03-20T10:00:00Z"), [])
    conn = open_store(folder / "sddkit.db")
    upsert_tickets(conn, tickets)
    keys = tuple(t.key for t in tickets)
    theme = Theme(
        "T", "Sync fails", "bug", ("sync",), keys, keys[:1], customers, START, FIXED, "stable"
    )
    save_themes(conn, [theme], FIXED)
    fix = Fix("pull_request", "#7", FIXED, "https://github.com/a/b/pull/7")
    save_filed(
        conn,
        "github",
        [FiledIssue("a/b#5", "T", "Sync fails", "closed", "https://x/5", START, FIXED, fix)],
    )
    conn.close()
    (folder / "rotations.toml").write_text(CONFIG, encoding="utf-8")


def run(folder: Path, env: dict[str, str], *extra: str) -> subprocess.Popen[bytes]:
    args = [*SDDKIT, "followup", "--no-tracker", *PERIOD, *extra]
    return subprocess.Popen(
        args, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=3)
    options = parser.parse_args()
    rng = random.Random(1)
    fake = FakeZendesk()
    with tempfile.TemporaryDirectory() as tmp, serve(fake):
        folder = Path(tmp)
        build(folder, fake, options.customers)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(sys.path),
            "SDDKIT_ZENDESK_URL": fake.url,
            "SDDKIT_ZENDESK_EMAIL": fake.email,
            "SDDKIT_ZENDESK_TOKEN": fake.token,
        }
        began = time.perf_counter()
        dry = subprocess.run(
            [*SDDKIT, "followup", "--no-tracker", *PERIOD, "--show"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        drafts = dry.stdout.count("--- zendesk:")
        print(
            f"dry run: {drafts} drafts in {time.perf_counter() - began:.1f} s "
            f"(writes: {len(fake.written)})"
        )
        began, kills = time.perf_counter(), 0
        while True:
            process = run(folder, env, "--apply")
            if kills < options.kills:
                time.sleep(rng.uniform(1.5, 4.0))
                if process.poll() is None:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    kills += 1
                    continue
            if process.wait() == 0:
                break
        seconds = time.perf_counter() - began
        per_ticket = Counter(ticket for ticket, _ in fake.written)
        twice = sum(1 for n in per_ticket.values() if n > 1)
        print(
            f"apply: {len(fake.written)} notes in {seconds:.1f} s with {kills} kills "
            f"({len(fake.written) / seconds:.0f} notes/s); missing {drafts - len(per_ticket)}, "
            f"written twice {twice}"
        )
        before = len(fake.requests)
        again = run(folder, env, "--apply")
        again.wait()
        print(
            f"re-run: {len(fake.requests) - before} requests, "
            f"{len(fake.written) - sum(per_ticket.values())} writes"
        )
        costs = {"helpscout": 3}  # a marker check and a write; Help Scout counts a write twice
        for name, (_, per_minute) in writers().items():
            minutes = drafts * costs.get(name, 2) / per_minute
            print(
                f"at {name}'s default pace ({per_minute:.0f} requests/min, a marker check "
                f"and a write per note): {drafts} notes take {minutes:.0f} min"
            )


if __name__ == "__main__":
    main()
