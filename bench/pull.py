"""Pull benchmark at each vendor's documented rate limit: ``python bench/pull.py
[--tickets 3000] [--vendors zendesk,freshdesk,helpscout,intercom] [--rate 150] [--seed N]``.

For each vendor, fills its fake (tests/support/fake_*.py, served from this process on loopback)
with `--tickets` tickets and their conversations, and makes it enforce the vendor's documented
limit the way the vendor does (its rate-limit headers on every answer, 429 beyond; a sliding
window). A real backfill at 700 requests a minute takes hours, so the clock is scaled: the
fake's limit and ``sddkit tickets pull --rate-limit`` are both the documented limit times
`speedup` (= `--rate` requests a second over the documented rate), as is the fake's latency
(`--latency`, a real server's time to answer, divided by `speedup`); the figures at the
documented limit are the measured ones divided by it. "pace" says how close the pull came to
the scaled limit (near 100%: the limit, not latency or this machine, sets the speed).

The pull runs in a child process, is killed (SIGKILL) once it has stored a random fifth to
half of the tickets; then five tickets already stored are deleted and five changed (and two
not read yet), and the pull is resumed; one more pull follows. The store is then checked
against the fake: tickets lost, stale (a change not stored), stored twice, deleted but still
visible. Prints requests per ticket, tickets/s, 429s, the time a 100,000-ticket backfill
takes at the documented limit, and the requests of a pull with nothing new.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import fake_freshdesk, fake_helpscout, fake_intercom, fake_zendesk
from tests.support.fake_http import RateLimiter, serve

NOW = "2026-11-28T12:00:00Z"
START = datetime(2026, 11, 1, tzinfo=UTC)
SDDKIT = [sys.executable, "-c", "from sddkit.cli import main; main()"]
TRANSCRIPT = "Chat line about the stuck CSV export, with details. " * 55  # 2,860 characters


@dataclass
class Vendor:
    name: str
    per_minute: float  # the documented limit paced to
    routes: dict[str, float]  # endpoints with their own documented limit
    fake: Any
    env: dict[str, str]
    live: Callable[[], dict[str, str]]  # external id -> subject, as the fake has them now
    delete: Callable[[str], None]
    change: Callable[[str, int], None]  # (external id, a change counter)
    edited: dict[str, str] = field(default_factory=dict)  # id -> subject expected
    deleted: list[str] = field(default_factory=list)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def zendesk(count: int) -> Vendor:
    fake = fake_zendesk.FakeZendesk()
    fake.users[7] = {"id": 7, "name": "Ana", "email": "ana@example.com", "role": "agent"}
    for number in range(1, count + 1):
        ticket = fake_zendesk.make_ticket(number, _stamp(START + timedelta(seconds=20 * number)))
        fake.put(ticket, fake_zendesk.make_comments(ticket, 2), {"ticket_id": number})
    bump = iter(range(1, 10**6))

    def later() -> str:
        return _stamp(START + timedelta(days=20, seconds=next(bump)))

    def delete(key: str) -> None:
        fake.put({**fake.tickets[int(key)], "status": "deleted", "updated_at": later()})

    def change(key: str, n: int) -> None:
        fake.put({**fake.tickets[int(key)], "subject": f"Edited {n}", "updated_at": later()})

    def live() -> dict[str, str]:
        return {str(i): t["subject"] for i, t in fake.tickets.items() if t["status"] != "deleted"}

    env = {"SDDKIT_ZENDESK_EMAIL": fake.email, "SDDKIT_ZENDESK_TOKEN": fake.token}
    return Vendor("zendesk", 700, {fake_zendesk.EXPORT: 10}, fake, env, live,
                  delete, change)  # fmt: skip


def freshdesk(count: int) -> Vendor:
    fake = fake_freshdesk.FakeFreshdesk(
        agents=[{"id": 77, "contact": {"name": "Ana", "email": "ana@example.com"}}]
    )
    for number in range(1, count + 1):
        stamp = _stamp(START + timedelta(seconds=20 * number))
        fake.tickets[number] = fake_freshdesk.make_ticket(number, stamp)
        fake.conversations[number] = [
            fake_freshdesk.make_conversation(number, reply, reply % 2 == 0) for reply in (1, 2)
        ]
    bump = iter(range(1, 10**6))

    def later() -> str:
        return _stamp(START + timedelta(days=20, seconds=next(bump)))

    def delete(key: str) -> None:
        fake.tickets[int(key)] = {**fake.tickets[int(key)], "deleted": True, "updated_at": later()}

    def change(key: str, n: int) -> None:
        edited = {**fake.tickets[int(key)], "subject": f"Edited {n}", "updated_at": later()}
        fake.tickets[int(key)] = edited

    def live() -> dict[str, str]:
        return {str(i): t["subject"] for i, t in fake.tickets.items() if not t.get("deleted")}

    env = {"SDDKIT_FRESHDESK_API_KEY": fake.api_key}
    return Vendor("freshdesk", 700, {fake_freshdesk.TICKETS: 200}, fake, env, live,
                  delete, change)  # fmt: skip


def helpscout(count: int) -> Vendor:
    fake = fake_helpscout.FakeHelpScout(now=datetime(2026, 11, 28, 12, tzinfo=UTC))
    for number in range(1, count + 1):
        conversation = fake_helpscout.make_conversation(number)
        if number % 10 == 0:  # every tenth a chat, its transcript longer than embed shows
            conversation["type"] = "chat"
            conversation["_embedded"]["threads"][1]["body"] = TRANSCRIPT
        fake.put(conversation, _stamp(START + timedelta(seconds=20 * number)))
    bump = iter(range(1, 10**6))

    def change(key: str, n: int) -> None:
        conversation = {**fake.conversations[int(key)], "subject": f"Edited {n}"}
        fake.put(conversation, _stamp(START + timedelta(days=20, seconds=next(bump))))

    def live() -> dict[str, str]:
        return {str(i): c["subject"] for i, c in fake.conversations.items()}

    env = {"SDDKIT_HELPSCOUT_APP_ID": fake.app_id, "SDDKIT_HELPSCOUT_APP_SECRET": fake.app_secret}
    return Vendor("helpscout", 200, {}, fake, env, live,
                  lambda key: fake.delete(int(key)), change)  # fmt: skip


def intercom(count: int) -> Vendor:
    fake = fake_intercom.FakeIntercom(
        admins=[{"type": "admin", "id": "814860", "email": "ana@example.com"}]
    )
    start = int(START.timestamp())
    for number in range(1, count + 1):
        conversation = fake_intercom.make_conversation(number, start + 20 * number)
        conversation["title"] = f"Export {number} is stuck"
        fake.conversations[conversation["id"]] = conversation
    bump = iter(range(1, 10**6))

    def change(key: str, n: int) -> None:
        updated = start + 20 * 86400 + next(bump)
        fake.conversations[key] = {**fake.conversations[key], "title": f"Edited {n}",
                                   "updated_at": updated}  # fmt: skip

    def live() -> dict[str, str]:
        return {key: str(c["title"]) for key, c in fake.conversations.items()}

    env = {"SDDKIT_INTERCOM_TOKEN": fake.token}
    return Vendor("intercom", 10_000, {}, fake, env, live,
                  lambda key: fake.conversations.__delitem__(key), change)  # fmt: skip


VENDORS = {"zendesk": zendesk, "freshdesk": freshdesk, "helpscout": helpscout,
           "intercom": intercom}  # fmt: skip


def command(vendor: Vendor, db: Path, per_minute: float) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, **vendor.env, f"SDDKIT_{vendor.name.upper()}_URL": vendor.fake.url}
    args = [*SDDKIT, "--db", str(db), "tickets", "pull", "--source", vendor.name, "--now", NOW,
            "--rate-limit", f"{per_minute:.0f}", "--no-detect-language"]  # fmt: skip
    return args, env


def stored(db: Path, source: str) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT external_id, subject, hidden FROM tickets WHERE source = ?", (source,)
        ).fetchall()
    return {str(key): (subject, hidden) for key, subject, hidden in rows}


def count_stored(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=0.1) as conn:
            return int(conn.execute("SELECT count(*) FROM tickets").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet, or being written
        return 0


def run(
    vendor: Vendor, count: int, rate: float, latency: float, rng: random.Random, folder: Path
) -> None:
    speedup = rate * 60 / vendor.per_minute
    scaled = vendor.per_minute * speedup
    vendor.fake.latency_s = latency / speedup
    vendor.fake.limiter = RateLimiter(
        scaled, vendor.name, {path: n * speedup for path, n in vendor.routes.items()}
    )
    db = folder / f"{vendor.name}.db"
    with serve(vendor.fake):
        args, env = command(vendor, db, scaled)
        started = time.perf_counter()
        child = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        kill_at = rng.randint(count // 5, count // 2)
        while count_stored(db) < kill_at and child.poll() is None:
            time.sleep(0.02)
        if child.poll() is not None:
            raise SystemExit(
                f"{vendor.name}: the pull ended before the kill: "
                f"{child.communicate()[1].decode()[-500:]}"
            )
        child.send_signal(signal.SIGKILL)
        child.wait()
        killed_s = time.perf_counter() - started
        read = sorted(k for k, (_, hidden) in stored(db, vendor.name).items() if not hidden)
        unread = sorted(set(vendor.live()) - set(read))
        picked = rng.sample(read, 10) + rng.sample(unread, min(2, len(unread)))
        for n, key in enumerate(picked):
            if n < 5:
                vendor.delete(key)
                vendor.deleted.append(key)
            else:
                vendor.change(key, n)
                vendor.edited[key] = f"Edited {n}"
        resumed_at = time.perf_counter()
        subprocess.run(args, env=env, capture_output=True, text=True, check=True)
        seconds = killed_s + time.perf_counter() - resumed_at
        requests = len(vendor.fake.requests)
        again = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
        idle = len(vendor.fake.requests) - requests
    report(vendor, db, count, seconds, requests, idle, speedup, scaled, again)


def report(
    vendor: Vendor,
    db: Path,
    count: int,
    seconds: float,
    requests: int,
    idle: int,
    speedup: float,
    scaled: float,
    again: subprocess.CompletedProcess[str],
) -> None:
    rows = stored(db, vendor.name)
    live = vendor.live()
    lost = sum(1 for key in live if key not in rows or rows[key][1])
    stale = sum(1 for key, subject in vendor.edited.items() if rows.get(key, ("",))[0] != subject)
    visible = sum(1 for key in vendor.deleted if key in rows and not rows[key][1])
    with sqlite3.connect(db) as conn:
        twice = conn.execute(
            "SELECT count(*) - count(DISTINCT external_id) FROM tickets WHERE source = ?",
            (vendor.name,),
        ).fetchone()[0]
    per_ticket = requests / count
    rate = count / seconds
    at_limit = vendor.per_minute / 60 / per_ticket  # tickets/s when the limit sets the pace
    pace = requests / seconds / (scaled / 60)
    print(
        f"{vendor.name}: {count:,} tickets at {vendor.per_minute:,.0f} requests/min (scaled"
        f" x{speedup:.1f}); killed, 5 read deleted, 5 read + 2 unread changed, resumed"
    )
    print(f"  lost {lost}, stale {stale}, stored twice {twice}, deleted still visible {visible}")
    print(f"  {per_ticket:.2f} requests per ticket, 429s {vendor.fake.limiter.rejected}, "
          f"pace {pace:.0%} of the limit")  # fmt: skip
    hours = 100_000 / at_limit / 3600
    print(
        f"  {rate:,.0f} tickets/s scaled = {rate / speedup:,.1f} at the documented limit"
        f" (measured); the limit allows {at_limit:,.1f}: 100,000 tickets in {hours:.1f} h"
    )
    print(f"  a pull with nothing new: {idle} requests ({again.stdout.strip()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--vendors", default=",".join(VENDORS))
    parser.add_argument("--rate", type=float, default=150.0, help="requests/s to scale to")
    parser.add_argument("--latency", type=float, default=0.15, help="a real answer's seconds")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as name:
        for vendor_name in args.vendors.split(","):
            vendor = VENDORS[vendor_name](args.tickets)
            run(vendor, args.tickets, args.rate, args.latency, rng, Path(name))


if __name__ == "__main__":
    main()
