"""Subjects as the tracker sees them: this run's units, each with the issues it continues.

Each filed issue belongs to at most one unit (a theme family, `family.family_units`):
- by **lineage** (`lineage`): of the units most of whose earlier-filed tickets the issue
  listed (at least `MIN_LINEAGE`, and `LINEAGE_SHARE` of them), the one holding the most of
  the issue's tickets: a subject re-clustered under a new id, or split differently by a
  weekly run, is still the subject of the issue that listed its tickets;
- else by its **marker**: the issue names one of the unit's themes (the unit holding the
  theme its marker was filed for, when it names themes of several units);
- else by its ticket **fingerprint**: the unit holding at least half of the issue's
  fingerprinted tickets (`identity`; a lost store brings the same tickets back under new
  theme ids, and a subject filed twice comes back as one theme).

An issue never joins two units: when a weekly run splits the tickets an issue listed over
several families, this run's clustering says they are several subjects, and the others are
filed on their own. A unit with several issues (two filed issues found to be one subject)
counts on its primary issue (`Subject.primary`: the oldest open one); triage links the
others to it. The report reads the same pairing, so both always name the same issue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import FiledIssue
from sddkit.trackers.family import Unit, family_units
from sddkit.trackers.identity import MIN_SHARE, fingerprint_in, share

MIN_LINEAGE = 2  # earlier-filed tickets a unit needs to follow an issue by lineage
LINEAGE_SHARE = 0.5  # ... and the share of its earlier-filed tickets that issue listed


@dataclass(frozen=True)
class Subject:
    """One customer subject: its unit (members merged) and its issues, oldest first."""

    unit: Unit
    issues: tuple[FiledIssue, ...]
    by_tickets: frozenset[str] = frozenset()  # issue keys found by lineage or fingerprint

    @property
    def primary(self) -> FiledIssue | None:
        """The issue that counts the subject: the oldest open one, else the last closed."""
        open_ = [i for i in self.issues if i.state != "closed"]
        if open_:
            return open_[0]
        closed = sorted(self.issues, key=lambda i: (i.closed_at or i.created_at, i.key))
        return closed[-1] if closed else None

    @property
    def others(self) -> tuple[FiledIssue, ...]:
        """Issues of the same subject that are not its primary (linked to it)."""
        return tuple(i for i in self.issues if i is not self.primary)


def pair_subjects(
    themes: Iterable[Theme],
    filed: Sequence[FiledIssue],
    tickets: Mapping[str, Ticket],
    now: datetime | None,
    lineage: Mapping[str, frozenset[str]] | None = None,
) -> list[Subject]:
    """This run's subjects, largest first, each with its issues (see the module docstring)."""
    units = family_units(list(themes), tickets, now)
    ordered = sorted(filed, key=lambda i: (i.created_at, i.key))
    home = {m: n for n, unit in enumerate(units) for m in unit.member_ids}
    by_key = {issue.key: issue for issue in ordered}
    owner = _by_lineage(units, lineage or {}, by_key)
    found_by_tickets = set(owner)
    for issue in ordered:
        found = [home[t] for t in issue.covered if t in home]
        if found and issue.key not in owner:
            owner[issue.key] = home.get(issue.theme_id, found[0])
    # An issue nothing else names: the unit holding most of its fingerprinted tickets (a lost
    # store; or a second issue of a subject whose tickets are now one theme).
    for issue in ordered:
        hashes = fingerprint_in(issue.body)
        if issue.key in owner or not hashes:
            continue
        shares = [share(unit.theme.ticket_keys, hashes) for unit in units]
        best = max(range(len(units)), key=lambda n: (shares[n], -n), default=None)
        if best is not None and shares[best] >= MIN_SHARE:
            owner[issue.key] = best
            found_by_tickets.add(issue.key)
    issues_of: dict[int, list[FiledIssue]] = {}
    for issue in ordered:
        if issue.key in owner:
            issues_of.setdefault(owner[issue.key], []).append(issue)
    return [
        Subject(
            unit,
            tuple(issues_of.get(n, ())),
            frozenset(i.key for i in issues_of.get(n, ()) if i.key in found_by_tickets),
        )
        for n, unit in enumerate(units)
    ]


def issues_by_subject(
    themes: Sequence[Theme],
    filed: Sequence[FiledIssue],
    lineage: Mapping[str, frozenset[str]] | None = None,
) -> list[FiledIssue]:
    """`filed` with each subject's primary issue naming the subject's member themes (its
    `theme_ids`), as triage pairs them: a reader that finds issues by theme ids (the
    report) then names the same issue for a family as triage does, also after a re-cluster
    gave the family new ids. Other issues are kept as they are."""
    named = {}
    for subject in pair_subjects(themes, filed, {}, None, lineage):
        primary = subject.primary
        if primary is not None:
            members = tuple(dict.fromkeys((*primary.theme_ids, *subject.unit.member_ids)))
            named[primary.key] = replace(primary, theme_ids=members)
    return [named.get(issue.key, issue) for issue in filed]


def _by_lineage(
    units: Sequence[Unit], lineage: Mapping[str, frozenset[str]], issues: Mapping[str, FiledIssue]
) -> dict[str, int]:
    """Issue key -> the one unit that continues it: of the units whose earlier-filed tickets
    that issue listed most of (at least `MIN_LINEAGE`, and `LINEAGE_SHARE` of them), the one
    holding the most of the issue's tickets. An issue whose tickets a weekly run split over
    several themes stays with one of them; the others are subjects of their own, as this
    run's clustering judged them (on CLINC150 val as a weekly stream, 19 of the 20 issues
    that followed several themes this way had joined different subjects)."""
    listed_by: dict[str, list[str]] = {}
    for issue_key, keys in lineage.items():
        if issue_key in issues:
            for key in keys:
                listed_by.setdefault(key, []).append(issue_key)
    claims: dict[str, tuple[int, int]] = {}  # issue -> (tickets held, unit)
    for n, unit in enumerate(units):
        counts: Counter[str] = Counter()
        found = 0
        for key in unit.theme.ticket_keys:
            listed = listed_by.get(key)
            if listed:
                found += 1
                counts.update(listed)
        if not counts:
            continue
        best = min(counts, key=lambda k: (-counts[k], issues[k].created_at, k))
        held = counts[best]
        if held >= max(MIN_LINEAGE, LINEAGE_SHARE * found) and held > claims.get(best, (0, 0))[0]:
            claims[best] = (held, n)
    return {key: n for key, (_, n) in claims.items()}
