"""Pull benchmark: ``python bench/pull.py [--tickets 100000] [--replies 2]``.

Fills the fake Zendesk of tests/support/fake_zendesk.py (served from this process, on
loopback) with that many tickets, each with a conversation (the description plus `--replies`
replies) and sideloaded users; runs ``sddkit tickets pull --source zendesk`` in a child
process, kills it (SIGKILL) once the server has served a random export page, and runs the same
command again to resume. Then checks the store against the server: tickets lost, tickets
stored twice, conversations that differ (a message lost or stored twice). Prints tickets/s of
the pull (both runs' wall time together) beside ``sddkit tickets import`` of the same data as
one export file. Wall clock on a shared machine also measures the other load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.fake_zendesk import FakeZendesk, make_comments, make_ticket, serve

NOW = "2026-11-28T12:00:00Z"
SDDKIT = [sys.executable, "-c", "from sddkit.cli import main; main()"]
SUBJECTS = ["CSV export times out", "Экспорт в CSV зависает", "Eksport do CSV nie działa",
            "Password reset e-mail never arrives", "Izvoz u CSV ne radi"]  # fmt: skip


def fill(fake: FakeZendesk, count: int, replies: int) -> None:
    rng = random.Random(count)
    fake.users[7] = {"id": 7, "name": "Ana", "email": "ana@example.com", "role": "agent"}
    for number in range(1, count + 1):
        seconds = 20 * number  # one change every 20 s from 1 November
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1793491200 + seconds))
        ticket = make_ticket(number, stamp, subject=f"{rng.choice(SUBJECTS)} #{number}")
        if number % 500 == 0:
            ticket["status"] = "deleted"
        fake.users[ticket["requester_id"]] = {
            "id": ticket["requester_id"], "name": f"Customer {number}",
            "email": f"c{number}@client.example", "role": "end-user",
        }  # fmt: skip
        metrics = {"ticket_id": number, "reply_time_in_minutes": {"calendar": 30 + number % 90}}
        fake.put(ticket, make_comments(ticket, replies), metrics)


def pull_command(fake: FakeZendesk, db: Path) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "SDDKIT_ZENDESK_URL": fake.url, "SDDKIT_ZENDESK_EMAIL": fake.email,
           "SDDKIT_ZENDESK_TOKEN": fake.token}  # fmt: skip
    command = [*SDDKIT, "--db", str(db), "tickets", "pull",
               "--source", "zendesk", "--now", NOW]  # fmt: skip
    return command, env


def killed_then_resumed(fake: FakeZendesk, db: Path, kill_page: int) -> tuple[float, str]:
    command, env = pull_command(fake, db)
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while fake.export_pages < kill_page and child.poll() is None:
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    resumed = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, resumed.stdout.strip()


def check(fake: FakeZendesk, db: Path) -> tuple[int, int, int]:
    """(lost, stored twice, conversations differing from the server's public comments)."""
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT external_id, messages FROM tickets WHERE source = 'zendesk'")
    counts: dict[str, int] = {}
    rows = 0
    for external_id, messages in stored:
        rows += 1
        counts[external_id] = len(json.loads(messages))
    lost = sum(1 for number in fake.tickets if str(number) not in counts)
    differing = 0
    for number, ticket in fake.tickets.items():
        public = sum(1 for c in fake.comments[number] if c.get("public", True))
        expected = 0 if ticket["status"] == "deleted" else public
        if str(number) in counts and counts[str(number)] != expected:
            differing += 1
    return lost, rows - len(counts), differing


def import_rate(fake: FakeZendesk, folder: Path) -> tuple[int, float]:
    """The same tickets (comments and metric sets merged in) as one export file, imported."""
    path = folder / "export.json"
    with path.open("w", encoding="utf-8") as out:
        out.write('{"tickets": [\n')
        for index, (number, ticket) in enumerate(sorted(fake.tickets.items())):
            record = {**ticket, "metric_set": fake.metric_sets[number]}
            if ticket["status"] != "deleted":
                record["comments"] = fake.comments[number]
            out.write(("," if index else "") + json.dumps(record, ensure_ascii=False) + "\n")
        out.write('], "users": ' + json.dumps(list(fake.users.values())) + "}\n")
    command = [*SDDKIT, "--db", str(folder / "import.db"),
               "tickets", "import", str(path)]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return len(fake.tickets), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--replies", type=int, default=2)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    fake = FakeZendesk()
    fill(fake, args.tickets, args.replies)
    pages = -(-args.tickets // 1000)
    kill_page = random.Random(args.seed).randint(2, max(2, pages - 1))
    with tempfile.TemporaryDirectory() as name, serve(fake):
        folder = Path(name)
        seconds, last_line = killed_then_resumed(fake, folder / "pull.db", kill_page)
        lost, twice, differing = check(fake, folder / "pull.db")
        imported, import_seconds = import_rate(fake, folder)
    print(f"{args.tickets:,} tickets, {args.replies + 1} messages each, {pages} export pages; "
          f"killed after page {kill_page} was served, then resumed ({last_line})")  # fmt: skip
    print(f"lost {lost}, duplicated {twice}, conversations differing {differing}")
    other = len(fake.requests) - fake.export_pages
    print(f"pull:   {args.tickets / seconds:,.0f} tickets/s ({seconds:.1f} s, both runs, "
          f"{fake.export_pages} export + {other} comment requests)")  # fmt: skip
    print(f"import: {imported / import_seconds:,.0f} tickets/s ({import_seconds:.1f} s, "
          "sddkit tickets import of the same tickets as one file)")  # fmt: skip


if __name__ == "__main__":
    main()
