"""Counting what bench/triage_faults.py runs leave behind in the fake trackers, and printing it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sddkit.trackers.base import CommentMark
from sddkit.trackers.suggest import recorded_counts

MARKER = re.compile(r"sddkit:theme=T-(s\d+)-")


def bodies(kind: str, fake: Any) -> dict[Any, str]:
    """Every issue's body but those of other repositories/projects in the listings."""
    if kind == "github":
        return {n: i["body"] or "" for n, i in fake.issues.items() if n not in fake.leak}
    return {
        k: i["fields"]["description"] or "" for k, i in fake.issues.items() if k not in fake.leak
    }


def now_at(kind: str, fake: Any, ident: Any) -> Any:
    """Where an issue is kept now (a moved Jira issue has a new key)."""
    while kind != "github" and ident in fake.moved:
        ident = fake.moved[ident]
    return ident


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
    blocked: int = 0
    kills: int = 0
    real_kills: int = 0
    process_runs: int = 0
    edits_restored: int = 0
    attempts: int = 0
    foreign_writes: int = 0
    refused_runs: int = 0
    refused_writes: int = 0
    overlapping: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    trackers: Counter[str] = field(default_factory=Counter)
    verbose: bool = False
    process_share: float = 0.5


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
    summarised = {now_at(kind, fake, i): s for i, s in getattr(fake, "summarised", {}).items()}
    for ident, body in current.items():
        match = MARKER.search(body)
        subject = match.group(1) if match else summarised.get(ident)
        if subject:  # a person's summary without sddkit's part still is that subject's issue
            by_subject.setdefault(subject, []).append(ident)
    totals.issues += sum(len(v) for v in by_subject.values())
    duplicates = sum(len(v) - 1 for v in by_subject.values())
    totals.duplicates += duplicates
    if duplicates and totals.verbose:
        print(f"run {totals.runs}: {kind} duplicates {by_subject}")
    for subject, size in after.items():
        idents = by_subject.get(subject, [])
        if not idents:  # none marked: the one whose notes leave no room may keep it so
            totals.blocked += subject != oversized
            if totals.verbose:
                print(f"run {totals.runs}: {kind} no marked issue for {subject} ({oversized=})")
            continue
        ident = idents[0]
        counts = recorded_counts(current[ident])
        if subject != oversized and (counts is None or counts.tickets != size):
            totals.blocked += 1
            if totals.verbose:
                print(f"run {totals.runs}: {kind} blocked {subject} on {ident}: {counts}")
        marks = [CommentMark.parse(c) for c in fake.comments[ident]]
        idents_seen = Counter(m.ident for m in marks if m is not None)
        totals.comments_duplicated += sum(n - 1 for n in idents_seen.values())
        base, grew = before[subject], size - before[subject]
        expected = grew > 0 and (grew >= 5 or 100 * grew / base >= 25)
        expected = expected and ident not in summarised  # a person removed the counts
        if expected and not any(m[1] == "growth" and m[2] == size for m in idents_seen):
            totals.comments_lost += 1
            if totals.verbose:
                print(f"run {totals.runs}: {kind} no growth comment on {ident} ({subject})")
    for ident, note, window in notes:
        lost = note not in current.get(now_at(kind, fake, ident), "")
        if lost and totals.verbose:
            print(f"run {totals.runs}: {kind} lost {note!r} on {ident} (window {window})")
        totals.edits += 1
        totals.edits_lost += lost
        totals.edits_in_window += window
        totals.edits_restored += window and not lost


def report(totals: Totals, elapsed: float, requests: int, how: str) -> None:
    trackers = ", ".join(f"{k} {v}" for k, v in sorted(totals.trackers.items()))
    faults = ", ".join(f"{k} {v}" for k, v in sorted(totals.faults.items()))
    simulated = totals.kills - totals.real_kills
    print(
        f"runs {totals.runs} ({trackers}) in {elapsed:.0f} s; {totals.attempts} triage runs, "
        f"{requests} requests"
    )
    print(
        f"kills {totals.kills}: {totals.real_kills} real kill -9 of the `sddkit triage --apply` "
        f"process ({totals.process_runs} runs as processes, {how}), {simulated} simulated "
        "in-process"
    )
    print(f"faults drawn (times each): {faults}; human edits made {totals.edits}")
    print(f"issues {totals.issues}")
    print(f"duplicates {totals.duplicates}")
    print(
        f"lost or duplicated comments {totals.comments_lost + totals.comments_duplicated} "
        f"(lost {totals.comments_lost}, duplicated {totals.comments_duplicated})"
    )
    print(
        f"human edits lost {totals.edits_lost} (of {totals.edits}; {totals.edits_in_window} "
        f"saved between sddkit's re-read and its write, {totals.edits_restored} of those "
        "restored)"
    )
    print(f"blocked themes {totals.blocked}")
    print(f"foreign writes {totals.foreign_writes} (to other repositories'/projects' issues)")
    print(
        f"writes by refused runs {totals.refused_writes} ({totals.refused_runs} runs with a "
        f"newer store or a clock behind the last run); {totals.overlapping} pairs of "
        "overlapping runs"
    )
