"""Subjects as the tracker sees them: this run's units joined by the issues they share.

A unit (a theme family, `family.family_units`) belongs to an issue
- by its **marker**: the issue names one of the unit's themes (the unit holding the theme its
  marker was filed for, when it names themes of several units);
- by **lineage** (`lineage`): most of the unit's tickets that issues listed before were
  listed by this one (at least `MIN_LINEAGE`), and the unit holds the most of that issue's
  tickets (or `ISSUE_SHARE` of them): a subject re-clustered under a new id, or split
  differently by a weekly run, is still the subject of the issue that listed its tickets;
- by its ticket **fingerprint** when nothing else names the issue: the unit holding at least
  half of the issue's fingerprinted tickets (`identity`; a lost store brings the same tickets
  back under new theme ids, and a subject filed twice comes back as one theme).

Units that share an issue are one subject: merged into one unit (`family.merge`) and filed as
one issue. A subject with several issues (two filed issues found to be one subject) counts on
its primary issue (`Subject.primary`: the oldest open one); triage links the others to it.
The report reads the same pairing, so both always name the same issue for a subject.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import FiledIssue
from sddkit.trackers.family import Unit, family_units, merge
from sddkit.trackers.identity import MIN_SHARE, fingerprint_in, share

MIN_LINEAGE = 2  # earlier-filed tickets a unit needs to follow an issue by lineage
LINEAGE_SHARE = 0.5  # ... and the share of its earlier-filed tickets that issue listed
ISSUE_SHARE = 0.3  # a unit holding less of an issue's tickets than another follows it from here


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
    links: list[tuple[int, FiledIssue]] = []
    home = {m: n for n, unit in enumerate(units) for m in unit.member_ids}
    for issue in ordered:
        found = [home[t] for t in issue.covered if t in home]
        if found:
            links.append((home.get(issue.theme_id, found[0]), issue))
    found_by_tickets: set[str] = set()
    by_key = {issue.key: issue for issue in ordered}
    follow = _by_lineage(units, lineage or {}, by_key)
    for n, key in follow.items():
        links.append((n, by_key[key]))
        found_by_tickets.add(key)
    # An issue nothing else names: the unit holding most of its fingerprinted tickets (a lost
    # store; or a second issue of a subject whose tickets are now one theme).
    claimed = {issue.key for _, issue in links}
    for issue in ordered:
        hashes = fingerprint_in(issue.body)
        if issue.key in claimed or not hashes:
            continue
        shares = [share(unit.theme.ticket_keys, hashes) for unit in units]
        best = max(range(len(units)), key=lambda n: (shares[n], -n), default=None)
        if best is not None and shares[best] >= MIN_SHARE:
            links.append((best, issue))
            found_by_tickets.add(issue.key)
    return _join(units, links, tickets, now, found_by_tickets)


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
) -> dict[int, str]:
    """Unit index -> the issue that listed most of its earlier-filed tickets, when the unit
    also holds the most of that issue's tickets still in a theme, or `ISSUE_SHARE` of them: a
    subject split in two follows its issue whole, while a theme that a broad early issue
    covered in part (one of several subjects it listed) is a subject of its own."""
    listed_by: dict[str, list[str]] = {}
    for issue_key, keys in lineage.items():
        if issue_key in issues:
            for key in keys:
                listed_by.setdefault(key, []).append(issue_key)
    overlap: list[Counter[str]] = []
    earlier: list[int] = []
    for unit in units:
        counts: Counter[str] = Counter()
        found = 0
        for key in unit.theme.ticket_keys:
            listed = listed_by.get(key)
            if listed:
                found += 1
                counts.update(listed)
        overlap.append(counts)
        earlier.append(found)
    in_themes: Counter[str] = Counter()
    most: Counter[str] = Counter()
    for counts in overlap:
        in_themes.update(counts)
        for key, n in counts.items():
            most[key] = max(most[key], n)
    follow = {}
    for n, counts in enumerate(overlap):
        if not counts:
            continue
        oldest = {k: (issues[k].created_at, k) for k in counts}
        best = min(counts, key=lambda k: (-counts[k], oldest[k]))
        held = counts[best]
        if held < max(MIN_LINEAGE, LINEAGE_SHARE * earlier[n]):
            continue
        if held == most[best] or held >= ISSUE_SHARE * in_themes[best]:
            follow[n] = best
    return follow


def _join(
    units: Sequence[Unit],
    links: Sequence[tuple[int, FiledIssue]],
    tickets: Mapping[str, Ticket],
    now: datetime | None,
    by_tickets: set[str],
) -> list[Subject]:
    """Units that share an issue become one subject (union-find over the links)."""
    parent = list(range(len(units)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    first_unit: dict[str, int] = {}
    for n, issue in links:
        if issue.key in first_unit:
            a, b = root(n), root(first_unit[issue.key])
            parent[max(a, b)] = min(a, b)  # units are largest first: the largest stays root
        else:
            first_unit[issue.key] = n
    groups: dict[int, list[int]] = {}
    for n in range(len(units)):
        groups.setdefault(root(n), []).append(n)
    issues_of: dict[int, dict[str, FiledIssue]] = {}
    for n, issue in links:
        issues_of.setdefault(root(n), {})[issue.key] = issue
    subjects = []
    for top, members in groups.items():
        issues = sorted(issues_of.get(top, {}).values(), key=lambda i: (i.created_at, i.key))
        unit = _merged([units[n] for n in members], tickets, now)
        found = frozenset(i.key for i in issues if i.key in by_tickets)
        subjects.append(Subject(unit, tuple(issues), found))
    return sorted(subjects, key=lambda s: (-s.unit.theme.size, s.unit.theme.id))


def _merged(units: Sequence[Unit], tickets: Mapping[str, Ticket], now: datetime | None) -> Unit:
    if len(units) == 1:
        return units[0]
    members = tuple(m for unit in units for m in unit.members)
    return Unit(merge(units[0].theme.id, members, tickets, now), members)
