"""Triage under faults: ``python bench/triage_faults.py [--runs 200] [--seed 1]``.

Each run files a few themes into a local fake GitHub, Jira Cloud or Jira Server (real
PyGithub / jira clients over HTTP, tests/support/trackers.py), lets them grow, and triages
again, with faults drawn at random per run:

- lost responses: a create, comment or body write is stored, then answered with a 502;
- labels dropped: GitHub ignores the labels of a token without push access;
- search lag: nothing sddkit files is searchable (GitHub search; Jira JQL in "lag" runs);
- rate limits: secondary (retry-after), primary (reset in 30 s), Jira 429;
- a kill at a random request: the client process "dies" (a `Killed` BaseException raised
  in the HTTP adapter, before the request is sent or after its answer arrived, so the write
  landed); the next run starts with a fresh client, as after ``kill -9``;
- the store deleted between the rounds and the themes re-clustered under new ids;
- an oversized body: a person's notes leave no room for sddkit's part on one issue, and
  one theme too large for the limit unless its ticket list is trimmed;
- a human edit at a random request (below the region of a random issue).

A round is repeated (fresh client, faults cleared, as the next scheduled run) until it
completes. Then it prints, over all runs: duplicate issues, lost or duplicated comments, human
edits lost, blocked themes (a theme left without up-to-date counts, other than the one whose
issue cannot hold sddkit's part). Edits that land in the instant between sddkit's re-read and
its write are counted apart: no GitHub or Jira API offers a conditional issue write.
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import requests.adapters
from werkzeug import Request, Response
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sddkit.store import open_store
from sddkit.trackers.base import CommentMark
from sddkit.trackers.cache import load_filed, remember_filed
from sddkit.trackers.github import GitHubTracker
from sddkit.trackers.jira import JiraTracker
from sddkit.trackers.retry import RetryPolicy, TrackerError
from sddkit.trackers.settings import GitHubSettings, JiraSettings, TriageSettings
from sddkit.trackers.suggest import BODY_LIMITS, recorded_counts
from sddkit.trackers.triage import apply_plan
from sddkit.trackers.workflow import plan_against
from tests.support import trackers as fakes

MARKER = re.compile(r"sddkit:theme=T-(s\d+)-")
MAX_ATTEMPTS = 6


class Killed(BaseException):
    """The client process died (not an Exception: nothing in sddkit may catch it)."""


@dataclass
class Injector:
    """Counts HTTP requests; kills the client or lets a person edit an issue at one of them."""

    count: int = 0
    kill_at: int | None = None
    kill_after: bool = False
    edit_at: int | None = None
    edit: Callable[[Any], None] | None = None

    def send(self, original: Callable[..., Any], adapter: Any, request: Any, **kw: Any) -> Any:
        self.count += 1
        if self.edit_at == self.count and self.edit is not None:
            self.edit(request)
        if self.kill_at == self.count and not self.kill_after:
            raise Killed
        response = original(adapter, request, **kw)
        if self.kill_at == self.count:
            raise Killed
        return response


@dataclass
class Totals:
    runs: int = 0
    issues: int = 0
    duplicates: int = 0
    comments_lost: int = 0
    comments_duplicated: int = 0
    edits: int = 0
    edits_lost: int = 0
    edits_in_window: int = 0
    edits_lost_in_window: int = 0
    blocked: int = 0
    kills: int = 0
    attempts: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    trackers: Counter[str] = field(default_factory=Counter)
    verbose: bool = False


class Mount:
    """One local HTTP server; each run mounts its own fake behind it."""

    def __init__(self) -> None:
        self.fake: Any = None
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def app(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        response: Response = self.fake.handle(Request(environ))
        return response(environ, start_response)


def make_tracker(kind: str, fake: Any, sleeper: Any) -> Any:
    policy = RetryPolicy(retries=4, sleep=sleeper, clock=sleeper.clock)
    if kind == "github":
        settings = GitHubSettings(repo="acme/app", url=fake.api)
        return GitHubTracker(settings, fakes.GH_TOKEN, policy=policy, write_interval_s=0)
    jira = JiraSettings(url=fake.base, project="SUP", deployment=kind.removeprefix("jira-"))
    email = "nina@example.com" if kind == "jira-cloud" else None
    return JiraTracker(jira, fakes.JIRA_TOKEN, email=email, policy=policy)


def bodies(kind: str, fake: Any) -> dict[Any, str]:
    if kind == "github":
        return {n: i["body"] or "" for n, i in fake.issues.items()}
    return {k: i["fields"]["description"] or "" for k, i in fake.issues.items()}


def set_body(kind: str, fake: Any, ident: Any, body: str) -> None:
    if kind == "github":
        fake.issues[ident]["body"] = body
    else:
        fake.issues[ident]["fields"]["description"] = body


def comments(fake: Any, ident: Any) -> list[str]:
    return list(fake.comments[ident])


def add_faults(kind: str, fake: Any, rng: random.Random, sleeper: Any, used: Counter[str]) -> None:
    github = kind == "github"
    if rng.random() < 0.6:
        used["lost responses"] += 1
        issue = r"/repos/acme/app/issues" if github else r"/rest/api/2/issue"
        one = r"/repos/acme/app/issues/\d+" if github else r"/rest/api/2/issue/[A-Z]+-\d+"
        comment = one + ("/comments" if github else "/comment")
        write = "PATCH" if github else "PUT"
        for method, path in (("POST", issue), ("POST", comment), (write, one)):
            if rng.random() < 0.6:
                fault = fakes.Fault(method, path, 502, after=True, skip=rng.randint(0, 2))
                fault.times = rng.randint(1, 2)
                fake.faults.append(fault)
    if rng.random() < 0.4:
        used["rate limits"] += 1
        if not github:
            headers = {"retry-after": "1"}
            status = 429
        elif rng.random() < 0.5:
            headers = {"retry-after": "1"}
            status = 403
        else:
            reset = str(int(sleeper.clock()) + 30)
            headers = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset}
            status = 403
        method = rng.choice(["GET", "POST"])
        fake.faults.append(
            fakes.Fault(method, ".*", status, headers=headers, skip=rng.randint(0, 8))
        )


def scenario(seed: int, mount: Mount, injector: Injector, totals: Totals) -> None:
    rng = random.Random(seed)
    kind = rng.choice(["github", "jira-cloud", "jira-server"])
    totals.trackers[kind] += 1
    sleeper = fakes.Sleeper()
    if kind == "github":
        fake: Any = fakes.FakeGitHub(mount.url, fakes.GH_TOKEN)
        if rng.random() < 0.4:
            fake.drop_labels = True
            totals.faults["labels dropped"] += 1
    else:
        fake = fakes.FakeJira(
            mount.url, fakes.JIRA_TOKEN, cloud=kind == "jira-cloud", email="nina@example.com"
        )
        fake.lag = rng.random() < 0.6
        totals.faults["search lag"] += 1 if fake.lag else 0
    if kind == "github":
        totals.faults["search lag"] += 1  # GitHub's search never sees new issues here
    mount.fake = fake
    sizes = {f"s{n}": rng.randint(6, 12) for n in range(rng.randint(3, 5))}
    huge = rng.random() < 0.3
    if huge:
        sizes["s9"] = 700 if kind == "github" else 400
        totals.faults["oversized theme"] += 1
    options = TriageSettings(
        min_tickets=3,
        min_customers=2,
        max_ticket_refs=5000,
        ticket_urls={"zendesk": "https://acme.zendesk.example/agent/tickets/{id}"},
        jira=None if kind == "github" else JiraSettings(url=fake.base, project="SUP"),
    )
    store = open_store(":memory:")
    ids = {s: f"T-{s}-a" for s in sizes}
    notes: list[tuple[Any, str, bool]] = []

    def edit(request: Any) -> None:
        current = {i: b for i, b in bodies(kind, fake).items() if MARKER.search(b)}
        if not current:
            return
        ident = rng.choice(sorted(current))
        note = f"Human note {len(notes)} of run {seed}."
        set_body(kind, fake, ident, current[ident] + f"\n\n{note}")
        target = f"/issues/{ident}" if kind == "github" else f"/issue/{ident}"
        window = request.method in ("PATCH", "PUT") and request.path_url.split("?")[0].endswith(
            target
        )
        notes.append((ident, note, window))

    injector.edit = edit

    def round_(sizes: dict[str, int], oversized: str | None) -> None:
        tickets: dict[str, Any] = {}
        themes = []
        for subject, size in sizes.items():
            batch = fakes.corpus(f"{subject}-", size)
            tickets |= batch
            themes.append(fakes.theme(ids[subject], list(batch), customers=size))
        for attempt in range(MAX_ATTEMPTS):
            totals.attempts += 1
            first = attempt == 0
            fake.faults.clear()
            injector.kill_at = injector.edit_at = None
            if first:
                add_faults(kind, fake, rng, sleeper, totals.faults)
                if rng.random() < 0.5:
                    injector.kill_at = injector.count + rng.randint(1, 60)
                    injector.kill_after = rng.random() < 0.5
                if rng.random() < 0.7:
                    injector.edit_at = injector.count + rng.randint(1, 25)
            tracker = make_tracker(kind, fake, sleeper)
            known = [i.key for i in load_filed(store, tracker.name)]
            try:
                actions = plan_against(
                    tracker,
                    themes,
                    tickets,
                    options,
                    kind=kind.split("-")[0],
                    now=fakes.NOW,
                    known=known,
                )
                result = apply_plan(tracker, actions, partial(remember_filed, store, tracker.name))
            except Killed:
                totals.kills += 1
                totals.faults["kills"] += 1
                continue
            except TrackerError:
                continue
            failed = {a.theme.id for a in result.not_done}
            if not failed - ({ids[oversized]} if oversized else set()):
                return

    round_(sizes, None)
    grown = {s: n + rng.choice([0, 2, 6]) for s, n in sizes.items()}
    if rng.random() < 0.5:
        store = open_store(":memory:")
        ids = {s: f"T-{s}-b{rng.randrange(10**6)}" for s in sizes}
        totals.faults["store lost"] += 1
    oversized = None
    if rng.random() < 0.3:
        found: dict[str, Any] = {}
        for ident, body in bodies(kind, fake).items():
            match = MARKER.search(body)
            if match:
                found.setdefault(match.group(1), ident)
        candidates = sorted(s for s in found if s != "s9")
        if candidates:
            oversized = rng.choice(candidates)
            ident = found[oversized]
            limit = BODY_LIMITS[kind.split("-")[0]]
            set_body(kind, fake, ident, "Notes. " * (limit // 7) + "\n" + bodies(kind, fake)[ident])
            totals.faults["oversized body"] += 1
    round_(grown, oversized)
    evaluate(kind, fake, sizes, grown, oversized, notes, totals)
    store.close()


def evaluate(
    kind: str,
    fake: Any,
    before: dict[str, int],
    after: dict[str, int],
    oversized: str | None,
    notes: list[tuple[Any, str, bool]],
    totals: Totals,
) -> None:
    totals.runs += 1
    current = bodies(kind, fake)
    by_subject: dict[str, list[Any]] = {}
    for ident, body in current.items():
        match = MARKER.search(body)
        if match:
            by_subject.setdefault(match.group(1), []).append(ident)
    totals.issues += sum(len(v) for v in by_subject.values())
    duplicates = sum(len(v) - 1 for v in by_subject.values())
    totals.duplicates += duplicates
    if duplicates and totals.verbose:
        print(f"run {totals.runs}: {kind} duplicates {by_subject}")
    for subject, size in after.items():
        idents = by_subject.get(subject, [])
        if not idents:
            totals.blocked += 1
            continue
        ident = idents[0]
        counts = recorded_counts(current[ident])
        if subject != oversized and (counts is None or counts.tickets != size):
            totals.blocked += 1
        marks = [CommentMark.parse(c) for c in comments(fake, ident)]
        idents_seen = Counter(m.ident for m in marks if m is not None)
        totals.comments_duplicated += sum(n - 1 for n in idents_seen.values())
        base, grew = before[subject], size - before[subject]
        expected = grew > 0 and (grew >= 5 or 100 * grew / base >= 25)
        if expected and not any(m[1] == "growth" and m[2] == size for m in idents_seen):
            totals.comments_lost += 1
    for ident, note, window in notes:
        lost = note not in current.get(ident, "")
        totals.edits += 1
        totals.edits_in_window += window
        if window:
            totals.edits_lost_in_window += lost
        else:
            totals.edits_lost += lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true", help="name each failing run")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    mount = Mount()
    injector = Injector()
    original = requests.adapters.HTTPAdapter.send

    def send(adapter: Any, request: Any, **kw: Any) -> Any:
        return injector.send(original, adapter, request, **kw)

    setattr(requests.adapters.HTTPAdapter, "send", send)  # noqa: B010 (the kill switch)
    totals = Totals(verbose=args.verbose)
    started = time.perf_counter()
    for n in range(args.runs):
        scenario(args.seed * 100_000 + n, mount, injector, totals)
    elapsed = time.perf_counter() - started
    mount.server.shutdown()
    trackers = ", ".join(f"{k} {v}" for k, v in sorted(totals.trackers.items()))
    faults = ", ".join(f"{k} {v}" for k, v in sorted(totals.faults.items()))
    print(
        f"runs {totals.runs} ({trackers}) in {elapsed:.0f} s; {totals.attempts} triage runs, "
        f"{totals.kills} killed, {injector.count} requests"
    )
    print(f"faults drawn (times each): {faults}; human edits made {totals.edits}")
    print(f"issues {totals.issues}")
    print(f"duplicates {totals.duplicates}")
    print(
        f"lost or duplicated comments {totals.comments_lost + totals.comments_duplicated} "
        f"(lost {totals.comments_lost}, duplicated {totals.comments_duplicated})"
    )
    print(
        f"human edits lost {totals.edits_lost} (of {totals.edits - totals.edits_in_window}; "
        f"{totals.edits_in_window} more landed between sddkit's re-read and its write, "
        f"{totals.edits_lost_in_window} of those lost)"
    )
    print(f"blocked themes {totals.blocked}")


if __name__ == "__main__":
    main()
