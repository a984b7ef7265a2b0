"""The Tracker interface and the plain data it exchanges.

The tracker is the ledger: every issue sddkit files carries the marker
``<!-- sddkit:theme=<theme id> -->`` in its body and the ``sddkit`` label, so a later run (on a
stateless CI runner) finds it again instead of filing a duplicate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

SDDKIT_LABEL = "sddkit"
MARKER_RE = re.compile(r"<!--\s*sddkit:theme=([A-Za-z0-9_.:-]+)\s*-->")


def marker(theme_id: str) -> str:
    return f"<!-- sddkit:theme={theme_id} -->"


def theme_id_in(body: str | None) -> str | None:
    match = MARKER_RE.search(body or "")
    return match.group(1) if match else None


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

    def filed_issues(self) -> list[FiledIssue]:
        """Every issue carrying an sddkit marker, in any state, whatever its current title."""
        ...

    def create(self, draft: IssueDraft) -> FiledIssue: ...

    def update(self, issue: FiledIssue, draft: IssueDraft) -> FiledIssue: ...

    def comment(self, issue: FiledIssue, text: str) -> None: ...

    def fix_of(self, issue: FiledIssue) -> Fix | None:
        """The pull request / commit / resolution that closed the issue, if any."""
        ...
