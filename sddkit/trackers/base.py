"""The Tracker interface and the plain data it exchanges.

The tracker is the ledger: every issue sddkit files carries the marker
``<!-- sddkit:theme=<theme id> -->`` in its body and the ``sddkit`` label, so a later run (on a
stateless CI runner) finds it again instead of filing a duplicate. An issue about a theme
family (one subject in several languages) names its family id there and every member theme
in ``<!-- sddkit:themes=T-a,T-b -->``.

Every comment sddkit posts carries a mark too, ``sddkit:comment theme=T-x event=growth
count=42``: hidden in an HTML comment on GitHub, a small grey footer on Jira (whose wiki
markup has no hidden text). Before posting, a tracker looks for a comment with the same mark,
so a retried or repeated post never shows twice, and planning reads the marks to know when
it last commented.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

SDDKIT_LABEL = "sddkit"
MARKER_RE = re.compile(r"<!--\s*sddkit:theme=([A-Za-z0-9_.:-]+)\s*-->")
# A family's issue also names every member theme (the same subject in other languages).
THEMES_MARKER_RE = re.compile(r"<!--\s*sddkit:themes=([A-Za-z0-9_.:,-]+)\s*-->")
# What else of sddkit's stays in a body when a person deletes the marker line or the end line.
TRACES_RE = re.compile(r"sddkit:(?:begin\b|end\b|tickets\s|counts\s|themes=)")
COMMENT_MARK_RE = re.compile(
    r"sddkit:comment\s+theme=([A-Za-z0-9_.:-]+)\s+event=([a-z_]+)\s+count=(\d+)"
)
# How issues closed without a fix say so: GitHub's state_reason, Jira's resolution names.
DEFAULT_NOT_PLANNED = (
    "not_planned",
    "duplicate",
    "Won't Do",
    "Won't Fix",
    "Cannot Reproduce",
    "Incomplete",
)


def marker(theme_id: str) -> str:
    return f"<!-- sddkit:theme={theme_id} -->"


def theme_id_in(body: str | None) -> str | None:
    match = MARKER_RE.search(body or "")
    return match.group(1) if match else None


def has_traces(body: str | None) -> bool:
    """Whether a body holds any of sddkit's lines besides the marker (begin/end, ticket
    fingerprint, counts): an issue of ours whose marker a person deleted."""
    return bool(TRACES_RE.search(body or ""))


def themes_marker(theme_ids: Iterable[str]) -> str:
    return f"<!-- sddkit:themes={','.join(theme_ids)} -->"


def theme_ids_in(body: str | None) -> tuple[str, ...]:
    """The member theme ids a family's issue names (empty for a one-theme issue)."""
    match = THEMES_MARKER_RE.search(body or "")
    return tuple(i for i in match.group(1).split(",") if i) if match else ()


def closed_as_not_planned(close_reason: str | None, not_planned: Iterable[str]) -> bool:
    """Whether a close reason (GitHub state_reason / Jira resolution) means "no fix"."""
    return close_reason is not None and _fold(close_reason) in {_fold(r) for r in not_planned}


def _fold(reason: str) -> str:
    return reason.replace("\u2019", "'").strip().casefold()


@dataclass(frozen=True)
class CommentMark:
    """The identity of a comment sddkit posted: theme, event ("growth" | "regression"), count."""

    theme_id: str
    event: str
    count: int
    at: datetime | None = None  # when the comment was posted (None: not known / not yet)

    @property
    def ident(self) -> tuple[str, str, int]:
        return (self.theme_id, self.event, self.count)

    def text(self, tracker: str) -> str:
        token = f"sddkit:comment theme={self.theme_id} event={self.event} count={self.count}"
        return f"{{color:#97a0af}}{token}{{color}}" if tracker == "jira" else f"<!-- {token} -->"

    @classmethod
    def parse(cls, text: str | None, at: datetime | None = None) -> CommentMark | None:
        match = COMMENT_MARK_RE.search(text or "")
        if match is None:
            return None
        return cls(match.group(1), match.group(2), int(match.group(3)), at)


def comment_once(
    text: str,
    *,
    marks: Callable[[], list[CommentMark]],
    post: Callable[[], object],
    call: Callable[[Callable[[], bool], Callable[[], bool | None]], bool],
) -> bool:
    """Post `text` unless a comment with its mark is already on the issue; True if posted.

    The marks are checked before posting and again before any retry (`call` runs `attempt`
    with `already_posted` as its before-retry check), since a request that failed ambiguously
    (5xx, timeout) may have been stored: so a marked comment lands exactly once.
    """
    mark = CommentMark.parse(text)

    def already_posted() -> bool | None:
        if mark is None:
            return None
        return any(m.ident == mark.ident for m in marks()) or None

    if already_posted():
        return False

    def attempt() -> bool:
        post()
        return True

    return call(attempt, already_posted)


@dataclass(frozen=True)
class Fix:
    """What closed an issue: a merged pull request, a commit, or a Jira resolution."""

    kind: str  # "pull_request" | "commit" | "resolution"
    ref: str  # PR number "#123", commit sha, or the Jira resolution name
    fixed_at: datetime
    url: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class FiledIssue:
    """An issue in the tracker that carries an sddkit marker."""

    key: str  # GitHub "owner/repo#12" or Jira "PROJ-12"
    theme_id: str
    title: str
    state: str  # "open" | "closed"
    url: str
    created_at: datetime
    closed_at: datetime | None = None
    fix: Fix | None = None
    labels: tuple[str, ...] = ()
    body: str = ""
    close_reason: str | None = None  # GitHub state_reason / Jira resolution, when closed
    theme_ids: tuple[str, ...] = ()  # a family's member themes (its `themes=` marker)
    # The issue a person closed this one as a duplicate of (its key), see
    # `Tracker.marked_duplicate_of`: the two are one subject from then on.
    duplicate_of: str | None = None
    # That issue as the tracker has it (state, fix), when it is a person's own issue, not
    # one of sddkit's: the report follows it to its fix (`subjects.report_subjects`).
    canonical: FiledIssue | None = None

    @property
    def covered(self) -> tuple[str, ...]:
        """Every theme the issue is about: its marker's theme, then the family members."""
        return tuple(dict.fromkeys((self.theme_id, *self.theme_ids)))


@dataclass(frozen=True)
class BodyEdit:
    """One saved version of an issue's body, from the tracker's edit history."""

    at: datetime
    editor: str  # login / display name ("" when the tracker does not say)
    before: str | None  # the body this edit replaced (None: not known)
    after: str | None  # the body it saved (None: not known, e.g. a deleted history entry)


@dataclass(frozen=True)
class IssueDraft:
    """What sddkit wants an issue to say about a theme."""

    theme_id: str
    title: str
    body: str  # rendered from a template; contains marker(theme_id)
    labels: tuple[str, ...] = field(default=(SDDKIT_LABEL,))
    issue_type: str | None = None  # Jira issue type


class Tracker(Protocol):
    """One small interface, one module per implementation (github.py, jira.py)."""

    name: str
    body_limit: int  # the longest issue body the tracker accepts, in characters

    def filed_issues(self, *, unmarked: bool = False) -> list[FiledIssue]:
        """Every issue of this repository/project carrying an sddkit marker, in any state,
        whatever its current title. With `unmarked`, also those that lost the marker but
        carry the ``sddkit`` label or other sddkit lines, with ``theme_id == ""`` (the
        caller tells whose they are: `workflow.recognise`)."""
        ...

    def create(self, draft: IssueDraft) -> FiledIssue: ...

    def update(self, issue: FiledIssue, draft: IssueDraft) -> FiledIssue: ...

    def find(self, key: str) -> FiledIssue | None:
        """The issue with this key (one sddkit wrote: read by key), followed to where it was
        moved or transferred (its key then is the new one); None if it is gone. Without a
        marker its ``theme_id`` is ""."""
        ...

    def refresh(self, issue: FiledIssue) -> FiledIssue:
        """The issue as the tracker has it now (read again, not from any cache)."""
        ...

    def body_edits(self, issue: FiledIssue) -> list[BodyEdit]:
        """The issue's recent body edits from its edit history, oldest first."""
        ...

    def comment(self, issue: FiledIssue, text: str) -> bool:
        """Post `text` unless a comment with the same `CommentMark` is there; True if posted."""
        ...

    def comment_marks(self, issue: FiledIssue) -> list[CommentMark]:
        """The marks of the comments sddkit posted on `issue`, oldest first."""
        ...

    def fix_of(self, issue: FiledIssue) -> Fix | None:
        """The pull request / commit / resolution that closed the issue, if any."""
        ...

    def marked_duplicate_of(self, issue: FiledIssue) -> str | None:
        """The key of the issue of this repository/project that a person closed `issue` as
        a duplicate of (GitHub: a "Duplicate of #N" comment; Jira: a Duplicate link); None
        unless `issue` was closed as not planned."""
        ...
