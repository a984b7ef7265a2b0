"""Triage under faults: ``python bench/triage_faults.py [--runs 200] [--seed 1]``.

Each run files a few themes into a local fake GitHub, Jira Cloud or Jira Server (real
PyGithub / jira clients over HTTP, tests/support/trackers.py), lets them grow, and triages
again, with faults drawn at random per run:

- lost responses: a create, comment or body write is stored, then answered with a 502;
- labels dropped: GitHub ignores the labels of a token without push access;
- search lag: nothing sddkit files is searchable (GitHub search; Jira JQL in "lag" runs);
- rate limits: secondary (retry-after), primary (reset in 30 s), Jira 429;
- kill -9 at a random request. In "process" runs (half of them, `--process-share`) the real
  CLI, ``sddkit triage --apply``, runs as its own process over a store file
  (bench/triage_cli.py) and the fake server sends it SIGKILL when that request arrives,
  either before handling it or after applying it (the write landed, no answer came). In
  in-process runs the kill is simulated: a `Killed` BaseException raised in the HTTP adapter
  before the request is sent or after its answer arrived. The next attempt starts afresh;
- the store deleted between the rounds and the themes re-clustered under new ids;
- an oversized body: a person's notes leave no room for sddkit's part on one issue, and
  one theme too large for the limit unless its ticket list is trimmed;
- a human edit at a random request (below the region of a random issue), or racing sddkit:
  saved when sddkit's next body write arrives, before the server applies it (between
  sddkit's re-read and its write);
- between the rounds (bench/triage_drift.py): marker, begin or end lines deleted, a block
  replaced by a person's summary, an issue moved to another Jira project or transferred to
  another GitHub repository, another repository's/project's issue with a copy of one of ours
  in the listings; in process runs also two `triage --apply` at once on one store, a store
  from a newer sddkit and a `--now` before the last applied run (both must write nothing).

Process runs draw no rate limits and fewer lost responses: their retries wait in real time.

A round is repeated (fresh client, faults cleared, as the next scheduled run) until it
completes. Then it prints, over all runs: duplicate issues, lost or duplicated comments, human
edits lost (their notes and any text people wrote around the markers), blocked themes (a
theme left without up-to-date counts, other than the one whose issue cannot hold sddkit's
part), writes to the foreign issues and writes by runs that had to be refused. Edits that
land between sddkit's re-read and its write are also counted apart: sddkit finds them in the
issue's edit history after writing and restores them.
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

import requests.adapters
from werkzeug import Request, Response
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.triage_cli import (
    Killer,
    Spawner,
    Zygote,
    drop_store,
    run_cli,
    write_config,
    write_store,
)
from bench.triage_drift import add_faults, drift, foreign, foreign_writes, newer_store
from bench.triage_tally import MARKER, Totals, bodies, evaluate, report
from sddkit.store import open_store
from sddkit.trackers.cache import load_filed
from sddkit.trackers.github import GitHubTracker
from sddkit.trackers.jira import JiraTracker
from sddkit.trackers.retry import RetryPolicy, TrackerError
from sddkit.trackers.settings import GitHubSettings, JiraSettings, TriageSettings
from sddkit.trackers.suggest import BODY_LIMITS
from sddkit.trackers.workflow import TriageRun, apply_run, plan_against
from tests.support import trackers as fakes

MAX_ATTEMPTS = 6


class Killed(BaseException):
    """The client process died (not an Exception: nothing in sddkit may catch it)."""


@dataclass
class Injector:
    """Counts an in-process client's HTTP requests; "kills" the client at one of them."""

    count: int = 0
    kill_at: int | None = None
    kill_after: bool = False

    def send(self, original: Callable[..., Any], adapter: Any, request: Any, **kw: Any) -> Any:
        self.count += 1
        if self.kill_at == self.count and not self.kill_after:
            raise Killed
        response = original(adapter, request, **kw)
        if self.kill_at == self.count:
            raise Killed
        return response


@dataclass
class ServerSide:
    """What happens at the fake server's request number `count`: a person's edit (before
    the request is handled), a real SIGKILL of the CLI process (before handling the request,
    or after applying it and before answering)."""

    count: int = 0
    edit_at: int | None = None
    edit: Callable[[Request], None] | None = None
    kill_at: int | None = None
    kill_after: bool = False
    killer: Killer = field(default_factory=Killer)
    killed: int = 0


class Mount:
    """One local HTTP server; each run mounts its own fake behind it."""

    def __init__(self) -> None:
        self.fake: Any = None
        self.side = ServerSide()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        side, request = self.side, Request(environ)
        side.count += 1
        if side.edit_at == side.count and side.edit is not None:
            side.edit(request)
        kill = side.kill_at == side.count
        if kill and not side.kill_after and side.killer.kill():
            side.killed += 1
            return Response("", 502)(environ, start_response)  # nobody is left to read it
        response: Response = self.fake.handle(request)
        if kill and side.kill_after and side.killer.kill():
            side.killed += 1
        return response(environ, start_response)


def make_tracker(kind: str, fake: Any, sleeper: Any) -> Any:
    policy = RetryPolicy(retries=4, sleep=sleeper, clock=sleeper.clock)
    if kind == "github":
        settings = GitHubSettings(repo="acme/app", url=fake.api)
        return GitHubTracker(settings, fakes.GH_TOKEN, policy=policy, write_interval_s=0)
    jira = JiraSettings(url=fake.base, project="SUP", deployment=kind.removeprefix("jira-"))
    email = "nina@example.com" if kind == "jira-cloud" else None
    return JiraTracker(jira, fakes.JIRA_TOKEN, email=email, policy=policy)


@dataclass
class Run:
    """One randomized run: a tracker, its faults, two rounds of triage, the human edits."""

    seed: int
    mount: Mount
    injector: Injector
    launcher: Zygote | Spawner
    totals: Totals
    process: bool = False
    kind: str = ""
    notes: list[tuple[Any, str, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.kind = self.rng.choice(["github", "jira-cloud", "jira-server"])
        self.process = self.rng.random() < self.totals.process_share
        self.sleeper = fakes.Sleeper()
        self.store = open_store(":memory:")
        self.workdir = Path(tempfile.mkdtemp(prefix="sddkit-triage-faults-"))

    def fake(self) -> Any:
        used = self.totals.faults
        if self.kind == "github":
            fake: Any = fakes.FakeGitHub(self.mount.url, fakes.GH_TOKEN)
            if self.rng.random() < 0.4:
                fake.drop_labels = True
                used["labels dropped"] += 1
            used["search lag"] += 1  # GitHub's search never sees new issues here
            return fake
        cloud = self.kind == "jira-cloud"
        fake = fakes.FakeJira(
            self.mount.url, fakes.JIRA_TOKEN, cloud=cloud, email="nina@example.com"
        )
        fake.lag = self.rng.random() < 0.6
        used["search lag"] += 1 if fake.lag else 0
        return fake

    def human(self, fake: Any, ident: Any, window: bool) -> None:
        note = f"Human note {len(self.notes)} of run {self.seed}."
        fake.human_edit(ident, bodies(self.kind, fake)[ident] + f"\n\n{note}")
        self.notes.append((ident, note, window))

    def edit(self, fake: Any, request: Request) -> None:
        """A person edits a random issue now, or the one sddkit writes next, just before
        the write is applied (between sddkit's re-read and its write)."""
        marked = sorted(i for i, b in bodies(self.kind, fake).items() if MARKER.search(b))
        if not marked:
            return
        if self.rng.random() < 0.4:

            def racing(ident: Any) -> None:
                fake.before_write = None
                self.human(fake, ident, True)

            fake.before_write = racing
            return
        ident = self.rng.choice(marked)
        target = f"/issues/{ident}" if self.kind == "github" else f"/issue/{ident}"
        window = request.method in ("PATCH", "PUT") and request.path.endswith(target)
        self.human(fake, ident, window)

    def arm(self, fake: Any) -> None:
        """The first attempt of a round: faults, perhaps a kill, perhaps a human edit."""
        side, totals = self.mount.side, self.totals
        add_faults(self.kind, fake, self.rng, self.sleeper, totals.faults, self.process)
        if self.rng.random() < (0.7 if self.process else 0.5):
            at, after = self.rng.randint(1, 60), self.rng.random() < 0.5
            if self.process:
                side.kill_at, side.kill_after = side.count + at, after
            else:
                self.injector.kill_at = self.injector.count + at
                self.injector.kill_after = after
        if self.rng.random() < 0.7:
            side.edit_at = side.count + self.rng.randint(1, 25)

    def attempt(
        self, fake: Any, themes: list[Any], tickets: dict[str, Any], at_once: int = 1
    ) -> set[str] | None:
        """One triage run (`at_once` processes together); the theme ids it left undone, None
        if it died or stopped early."""
        self.totals.attempts += 1
        if self.process:
            env = write_config(self.workdir / "sddkit.toml", self.kind, fake)
            results = run_cli(
                self.launcher, self.mount.side.killer, self.workdir, env, at_once=at_once
            )
            if results[0].killed:
                self.totals.kills += 1
                self.totals.real_kills += 1
            left = [result.not_done() for result in results]
            return None if None in left else set().union(*(x for x in left if x is not None))
        tracker = make_tracker(self.kind, fake, self.sleeper)
        known = load_filed(self.store, tracker.name)
        kind, options = self.kind.split("-")[0], self.options(fake)
        try:
            actions = plan_against(
                tracker, themes, tickets, options, kind=kind, now=fakes.NOW, known=known
            )
            run = apply_run(self.store, TriageRun(tracker.name, actions), tracker)
            assert run.result is not None
            result = run.result
        except Killed:
            self.totals.kills += 1
            return None
        except TrackerError:
            return None
        return {a.theme.id for a in result.not_done}

    def options(self, fake: Any) -> TriageSettings:
        jira = None if self.kind == "github" else JiraSettings(url=fake.base, project="SUP")
        urls = {"zendesk": "https://acme.zendesk.example/agent/tickets/{id}"}
        return TriageSettings(
            min_tickets=3, min_customers=2, max_ticket_refs=5000, ticket_urls=urls, jira=jira
        )

    def refused(self, fake: Any) -> None:
        """A run over a store from a newer sddkit, or with --now before the last applied run:
        it must stop with one line and write nothing."""
        env = write_config(self.workdir / "sddkit.toml", self.kind, fake)
        db, writes = self.workdir / "sddkit.db", len(fake.writes())
        newer = self.rng.random() < 0.5
        self.totals.faults["newer store" if newer else "clock behind"] += 1
        if newer:
            newer_store(db, 1)
        now = fakes.NOW - timedelta(days=0 if newer else 9)
        [result] = run_cli(self.launcher, self.mount.side.killer, self.workdir, env, now=now)
        if newer:
            newer_store(db, -1)
        self.totals.refused_runs += 1
        self.totals.refused_writes += len(fake.writes()) - writes + (result.returncode != 1)

    def round(
        self,
        fake: Any,
        sizes: dict[str, int],
        ids: dict[str, str],
        oversized: str | None,
        refuse: bool = False,
    ) -> None:
        """Triage until a run completes (all but the theme whose issue has no room)."""
        tickets: dict[str, Any] = {}
        themes = []
        for subject, size in sizes.items():
            batch = fakes.corpus(f"{subject}-", size)
            tickets |= batch
            themes.append(fakes.theme(ids[subject], list(batch), customers=size))
        if self.process:
            write_store(self.workdir / "sddkit.db", tickets, themes)
            if refuse:
                self.refused(fake)
        side = self.mount.side
        for attempt in range(MAX_ATTEMPTS):
            fake.faults.clear()
            self.injector.kill_at = side.kill_at = side.edit_at = None
            at_once = 2 if attempt == 0 and self.process and self.rng.random() < 0.3 else 1
            if attempt == 0 and at_once == 1:
                self.arm(fake)
            self.totals.overlapping += at_once - 1
            left = self.attempt(fake, themes, tickets, at_once)
            if left is not None and not left - ({ids[oversized]} if oversized else set()):
                return

    def oversize(self, fake: Any) -> str | None:
        """A person's notes leave no room for sddkit's part on one issue."""
        found: dict[str, Any] = {}
        for ident, body in bodies(self.kind, fake).items():
            match = MARKER.search(body)
            if match:
                found.setdefault(match.group(1), ident)
        candidates = sorted(s for s in found if s != "s9")
        if not candidates:
            return None
        chosen = self.rng.choice(candidates)
        limit = BODY_LIMITS[self.kind.split("-")[0]]
        body = bodies(self.kind, fake)[found[chosen]]
        fake.human_edit(found[chosen], "Notes. " * (limit // 7) + "\n" + body)
        self.totals.faults["oversized body"] += 1
        return chosen

    def play(self) -> None:
        totals = self.totals
        totals.trackers[self.kind] += 1
        totals.process_runs += self.process
        fake = self.fake()
        self.mount.fake = fake
        self.mount.side.edit = partial(self.edit, fake)
        sizes = {f"s{n}": self.rng.randint(6, 12) for n in range(self.rng.randint(3, 5))}
        if self.rng.random() < 0.3:
            sizes["s9"] = 700 if self.kind == "github" else 400
            totals.faults["oversized theme"] += 1
        ids = {s: f"T-{s}-a" for s in sizes}
        self.round(fake, sizes, ids, None)
        grown = {s: n + self.rng.choice([0, 2, 6]) for s, n in sizes.items()}
        if self.rng.random() < 0.5:
            self.store = open_store(":memory:")
            drop_store(self.workdir / "sddkit.db")
            ids = {s: f"T-{s}-b{self.rng.randrange(10**6)}" for s in sizes}
            totals.faults["store lost"] += 1
        oversized = self.oversize(fake) if self.rng.random() < 0.3 else None
        kept = not ids["s0"].startswith("T-s0-b")

        def note(ident: Any, text: str) -> None:
            self.notes.append((ident, text, False))

        drift(self.kind, fake, self.rng, totals.faults, note, store_kept=kept)
        copy = foreign(self.kind, fake, self.rng, totals.faults)
        self.round(fake, grown, ids, oversized, refuse=kept and self.rng.random() < 0.4)
        fake.before_write = None
        evaluate(self.kind, fake, sizes, grown, oversized, self.notes, totals)
        totals.foreign_writes += foreign_writes(self.kind, fake, copy)
        self.store.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--process-share", type=float, default=0.5, help="share of runs as CLI processes"
    )
    parser.add_argument(
        "--spawn", action="store_true", help="start `sddkit` afresh (no zygote; slow)"
    )
    parser.add_argument("--verbose", action="store_true", help="name each failing run")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    logging.getLogger("github").setLevel(logging.WARNING)
    mount = Mount()
    injector = Injector()
    original = requests.adapters.HTTPAdapter.send

    def send(adapter: Any, request: Any, **kw: Any) -> Any:
        return injector.send(original, adapter, request, **kw)

    setattr(requests.adapters.HTTPAdapter, "send", send)  # noqa: B010 (the kill switch)
    totals = Totals(verbose=args.verbose, process_share=args.process_share)
    launcher = Spawner() if args.spawn else Zygote()
    started = time.perf_counter()
    for n in range(args.runs):
        Run(args.seed * 100_000 + n, mount, injector, launcher, totals).play()
    elapsed = time.perf_counter() - started
    launcher.close()
    mount.server.shutdown()
    report(totals, elapsed, mount.side.count, "fresh processes" if args.spawn else "forked")


if __name__ == "__main__":
    main()
