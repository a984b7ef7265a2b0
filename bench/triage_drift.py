"""Faults bench/triage_faults.py draws besides kills: on requests, and between runs.

Requests (`add_faults`): lost responses (the write landed, a 502 came back) and rate limits.

Between runs, people edit sddkit's part: the marker line deleted, the end line deleted with
a note below it, the begin line deleted, the whole part replaced by their own summary.
Trackers move issues: a Jira issue moved to another project (SUP-3 → OPS-1), a GitHub issue
transferred to another repository (a 301 from its old URL). And a listing carries another
repository's or project's issue that holds a copy of one of ours (never to be adopted or
written).

Three faults only a CLI process meets (process runs): two `triage --apply` at once on one
store, a store written by a newer sddkit, and a `--now` earlier than the last applied run;
the last two must write nothing.
"""

from __future__ import annotations

import random
import re
import sqlite3
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.triage_tally import MARKER, bodies
from tests.support import trackers as fakes

THEME_LINE = re.compile(r"<!-- sddkit:theme=[^>]*-->\n?")
END_LINE = re.compile(r"^<!-- sddkit:end -->\n?|sddkit:end(?=\{noformat\})", re.MULTILINE)
BEGIN_LINE = re.compile(r"^.*sddkit:begin.*\n", re.MULTILINE)
PART = re.compile(r"^[^\n]*sddkit:begin.*?sddkit:end[^\n]*\n?", re.MULTILINE | re.DOTALL)
EDITS = ("marker deleted", "end line deleted", "begin line deleted", "block replaced")


def drift(
    kind: str,
    fake: Any,
    rng: random.Random,
    used: Counter[str],
    note: Callable[[Any, str], None],
    *,
    store_kept: bool,
) -> None:
    """Edits and moves between the rounds: each issue perhaps edited, one perhaps moved.
    `note(ident, text)` records human text that must survive. A block replaced by a summary,
    and a move, need what the store knows (without it the issue is unknowable)."""
    marked = sorted(i for i, b in bodies(kind, fake).items() if MARKER.search(b))
    for ident in marked:
        if rng.random() >= 0.3:
            continue
        edit = rng.choice(EDITS if store_kept else EDITS[:3])
        used[edit] += 1
        body = bodies(kind, fake)[ident]
        text = f"Person's text on {ident} after {edit}."
        if edit == "marker deleted":
            body = THEME_LINE.sub("", body, count=1)
        elif edit == "end line deleted":
            body = END_LINE.sub("", body, count=1) + f"\n{text}"
        elif edit == "begin line deleted":
            body = f"{text}\n" + BEGIN_LINE.sub("", body, count=1)
        else:  # the counts go too: no growth comment can be judged this time
            subject = MARKER.search(body)
            fake.summarised = {**getattr(fake, "summarised", {}), ident: subject and subject[1]}
            # sddkit's part only: notes people wrote around it stay
            summary = f"Summary by a person: {text}\n"
            part = PART.search(body)
            body = body[: part.start()] + summary + body[part.end() :] if part else summary
        fake.human_edit(ident, body)
        if edit != "marker deleted":
            note(ident, text)
    if store_kept and marked and rng.random() < 0.3:
        ident = rng.choice(marked)
        if kind == "github":
            fake.transfer(ident, "acme/tools")
            used["transferred"] += 1
        else:
            fake.move(ident, "OPS")
            used["moved"] += 1


def foreign(kind: str, fake: Any, rng: random.Random, used: Counter[str]) -> Any | None:
    """Another repository's / project's issue with a copy of one of ours, in the listings."""
    marked = sorted(i for i, b in bodies(kind, fake).items() if MARKER.search(b))
    if not marked or rng.random() >= 0.3:
        return None
    used["foreign issue listed"] += 1
    body = bodies(kind, fake)[rng.choice(marked)]
    if kind == "github":
        ident = fake.add_issue("Copy", body, ["sddkit"], repo="other/fork")["number"]
    else:
        fields = {"project": {"key": "EXT"}, "summary": "Copy", "description": body}
        ident = fake.add_issue({**fields, "issuetype": {"name": "Bug"}})["key"]
        fake.issues[ident]["fields"]["labels"] = ["sddkit"]
    fake.leak.add(ident)
    return ident


def foreign_writes(kind: str, fake: Any, ident: Any | None) -> int:
    """Write requests that reached the foreign issue."""
    if ident is None:
        return 0
    where = f"/repos/other/fork/issues/{ident}" if kind == "github" else f"/issue/{ident}"
    return sum(path.startswith(where) for _, path in fake.writes())


def newer_store(db: Path, bump: int) -> None:
    """Make the store look written by a newer sddkit (`bump` 1), or back (`bump` -1)."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "UPDATE schema_versions SET version = version + ? WHERE component = 'trackers'",
            (bump,),
        )
    conn.close()


def add_faults(
    kind: str, fake: Any, rng: random.Random, sleeper: Any, used: Counter[str], process: bool
) -> None:
    """Lost responses and rate limits. A process run waits for real: at most one lost
    response, no rate limits."""
    github = kind == "github"
    if rng.random() < (0.3 if process else 0.6):
        used["lost responses"] += 1
        issue = r"/repos/acme/app/issues" if github else r"/rest/api/2/issue"
        one = r"/repos/acme/app/issues/\d+" if github else r"/rest/api/2/issue/[A-Z]+-\d+"
        comment = one + ("/comments" if github else "/comment")
        write = "PATCH" if github else "PUT"
        targets = [("POST", issue), ("POST", comment), (write, one)]
        for method, path in [rng.choice(targets)] if process else targets:
            if process or rng.random() < 0.6:
                fault = fakes.Fault(method, path, 502, after=True, skip=rng.randint(0, 2))
                fault.times = 1 if process else rng.randint(1, 2)
                fake.faults.append(fault)
    if not process and rng.random() < 0.4:
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
