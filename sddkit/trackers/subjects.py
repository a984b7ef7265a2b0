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

A person's word outranks the clustering: an issue a person closed as a duplicate of another
(`FiledIssue.duplicate_of`) makes its unit and the other's unit one subject, counted on the
other issue (followed along a chain of duplicates), for as long as the tickets come: the
clustering may keep the two apart every week, the tracker shows one issue. When the other
issue is a person's own (`FiledIssue.canonical`), every issue closed as its duplicate is one
subject, and the report reads the subject's issue as that one (its state and fix).
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


@dataclass(frozen=True)
class Subject:
    """One customer subject: its unit (members merged) and its issues, oldest first."""

    unit: Unit
    issues: tuple[FiledIssue, ...]
    by_tickets: frozenset[str] = frozenset()  # issue keys found by lineage or fingerprint
    marked: frozenset[str] = frozenset()  # issue keys a person closed as another's duplicate

    @property
    def primary(self) -> FiledIssue | None:
        """The issue that counts the subject: the oldest open one, else the last closed;
        never one a person marked a duplicate of another of its issues."""
        issues = [i for i in self.issues if i.key not in self.marked] or list(self.issues)
        open_ = [i for i in issues if i.state != "closed"]
        if open_:
            return open_[0]
        closed = sorted(issues, key=lambda i: (i.closed_at or i.created_at, i.key))
        return closed[-1] if closed else None

    @property
    def others(self) -> tuple[FiledIssue, ...]:
        """Issues of the same subject that are not its primary (linked to it); those a
        person marked as duplicates are `duplicates` (already linked, by that person)."""
        primary = self.primary
        return tuple(i for i in self.issues if i is not primary and i.key not in self.marked)

    @property
    def duplicates(self) -> tuple[FiledIssue, ...]:
        """Issues of the subject a person closed as a duplicate of another of its issues."""
        return tuple(i for i in self.issues if i.key in self.marked and i is not self.primary)


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
    owner, followed = _by_lineage(units, lineage or {}, by_key)
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
    units, owner, marked = _join_duplicates(units, owner, followed, by_key, tickets, now)
    foreign = {end for end in marked.values() if end not in by_key}  # people's own issues
    issues_of: dict[int, list[FiledIssue]] = {}
    for issue in ordered:
        if issue.key in owner:
            issues_of.setdefault(owner[issue.key], []).append(issue)
    subjects = []
    for n, unit in enumerate(units):
        issues = tuple(issues_of.get(n, ()))
        keys = {i.key for i in issues}
        subjects.append(
            Subject(
                unit,
                issues,
                frozenset(keys & found_by_tickets),
                frozenset(key for key in keys & set(marked) if marked[key] in keys | foreign),
            )
        )
    return subjects


def report_subjects(
    themes: Sequence[Theme],
    filed: Sequence[FiledIssue],
    lineage: Mapping[str, frozenset[str]] | None = None,
) -> tuple[list[Theme], list[FiledIssue]]:
    """The themes and issues as the report reads them, paired as triage pairs them:
    `filed` with each subject's primary issue naming the subject's member themes (its
    `theme_ids`), so a reader that finds issues by theme ids names the same issue for a
    family as triage does, also after a re-cluster gave the family new ids (other issues
    kept as they are); and `themes` with the families a person's duplicate verdict joined
    (see the module docstring) under one family id, the joined subject's, so the report
    shows one row per subject, as the tracker has one issue for it."""
    subjects = pair_subjects(themes, filed, {}, None, lineage)
    family: dict[str, str] = {}
    for subject in subjects:
        members = subject.unit.members
        if len({m.family_id or m.id for m in members}) > 1:
            family.update(dict.fromkeys(subject.unit.member_ids, subject.unit.theme.id))
    joined = [replace(t, family_id=family[t.id]) if t.id in family else t for t in themes]
    return joined, _named(subjects, filed)


def _named(subjects: Sequence[Subject], filed: Sequence[FiledIssue]) -> list[FiledIssue]:
    named = {}
    for subject in subjects:
        primary = subject.primary
        if primary is not None:
            members = tuple(dict.fromkeys((*primary.theme_ids, *subject.unit.member_ids)))
            named[primary.key] = _followed(replace(primary, theme_ids=members))
    return [named.get(issue.key, issue) for issue in filed]


def _followed(issue: FiledIssue) -> FiledIssue:
    """The subject's issue as the report reads it when a person closed it as a duplicate of
    their own issue (`FiledIssue.canonical`): that issue's key, state and fix, so the
    subject's complaints are traced to that fix (and their customers followed up), with
    sddkit's themes and the counts its issue recorded; filed when the first of the two was."""
    their = issue.canonical
    if their is None:
        return issue
    return replace(
        issue,
        key=their.key,
        title=their.title,
        url=their.url,
        state=their.state,
        created_at=min(issue.created_at, their.created_at),
        closed_at=their.closed_at,
        close_reason=their.close_reason,
        fix=their.fix,
        duplicate_of=None,
        canonical=None,
    )


def _by_lineage(
    units: Sequence[Unit], lineage: Mapping[str, frozenset[str]], issues: Mapping[str, FiledIssue]
) -> tuple[dict[str, int], dict[int, str]]:
    """Issue key -> the one unit that continues it: of the units whose earlier-filed tickets
    that issue listed most of (at least `MIN_LINEAGE`, and `LINEAGE_SHARE` of them), the one
    holding the most of the issue's tickets. An issue whose tickets a weekly run split over
    several themes stays with one of them; the others are subjects of their own, as this
    run's clustering judged them (on CLINC150 val as a weekly stream, 19 of the 20 issues
    that followed several themes this way had joined different subjects). Also returns each
    unit's issue by lineage (the one that listed most of its earlier-filed tickets), claimed
    or not."""
    listed_by: dict[str, list[str]] = {}
    for issue_key, keys in lineage.items():
        if issue_key in issues:
            for key in keys:
                listed_by.setdefault(key, []).append(issue_key)
    claims: dict[str, tuple[int, int]] = {}  # issue -> (tickets held, unit)
    followed: dict[int, str] = {}
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
        if held < max(MIN_LINEAGE, LINEAGE_SHARE * found):
            continue
        followed[n] = best
        if held > claims.get(best, (0, 0))[0]:
            claims[best] = (held, n)
    return {key: n for key, (_, n) in claims.items()}, followed


def _join_duplicates(
    units: list[Unit],
    owner: dict[str, int],
    followed: Mapping[int, str],
    issues: Mapping[str, FiledIssue],
    tickets: Mapping[str, Ticket],
    now: datetime | None,
) -> tuple[list[Unit], dict[str, int], dict[str, str]]:
    """Units and issue owners with each issue a person closed as a duplicate joined to the
    issue it duplicates (the end of its chain of duplicates): every unit that one of them
    owns or that follows one of them by lineage (`followed`) becomes one unit, the other
    issue's unit first (its id names the joined unit). Without it, a subject that last
    week's issue was written for whole (both parts) would follow it with one part only and
    the other part be filed again. Also returns each duplicate's key -> the key it
    duplicates (the end of its chain: one of `issues`, or a person's own issue)."""
    folded = {key.casefold(): key for key in issues}
    marked: dict[str, str] = {}
    for key, issue in issues.items():
        seen = {key}
        target = issue
        while target.duplicate_of:
            nxt = folded.get(target.duplicate_of.casefold())
            if nxt is None or nxt in seen:
                break
            seen.add(nxt)
            target = issues[nxt]
        # A person's own issue at the end of the chain (`FiledIssue.canonical`): every
        # issue closed as its duplicate is one subject with it, though sddkit never writes
        # to it.
        end = target.canonical.key if target.canonical is not None else target.key
        if end != key:
            marked[key] = end
    group_of = {**{c: c for c in marked.values()}, **marked}
    grouped: dict[str, list[int]] = {}  # canonical issue -> the units of its group
    for key, canonical in group_of.items():
        if key in owner:
            grouped.setdefault(canonical, []).append(owner[key])
    for n, key in sorted(followed.items()):
        if key in group_of:
            grouped.setdefault(group_of[key], []).append(n)
    head = list(range(len(units)))

    def root(n: int) -> int:
        while head[n] != n:
            n = head[n]
        return n

    for canonical, found in grouped.items():
        if canonical not in owner:
            owner[canonical] = found[0]
        into = root(owner[canonical])
        for n in found:
            if root(n) != into:
                head[root(n)] = into
    groups: dict[int, list[int]] = {}
    for n in range(len(units)):
        groups.setdefault(root(n), []).append(n)
    if all(len(group) == 1 for group in groups.values()):
        return units, owner, marked
    joined_units: list[Unit] = []
    where: dict[int, int] = {}
    for first, group in groups.items():
        members = tuple(
            m for n in sorted(group, key=lambda n: n != first) for m in units[n].members
        )
        unit = (
            units[first]
            if len(group) == 1
            else Unit(merge(units[first].theme.id, members, tickets, now), members)
        )
        where.update({n: len(joined_units) for n in group})
        joined_units.append(unit)
    order = sorted(
        range(len(joined_units)),
        key=lambda n: (-joined_units[n].theme.size, joined_units[n].theme.id),
    )
    rank = {old: new for new, old in enumerate(order)}
    return (
        [joined_units[n] for n in order],
        {key: rank[where[n]] for key, n in owner.items()},
        marked,
    )
