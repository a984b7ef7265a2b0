"""What people decided about sddkit's issues in the tracker: the issue a person closed one as
a duplicate of, and, when that is the team's own issue rather than one of sddkit's, that
issue with its fix (`FiledIssue.canonical`). Read by triage (`workflow.gather`) and by the
report and follow-ups (`report.sources.live_filed`); light on imports, as reading commands
must start without numpy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sddkit.trackers.base import FiledIssue, Tracker, theme_id_in


def with_verdicts(tracker: Tracker, issues: Sequence[FiledIssue]) -> list[FiledIssue]:
    """`issues` with each closed one carrying the issue a person closed it as a duplicate
    of (`duplicate_of`) and, when that is a person's own issue rather than one of `issues`,
    that issue with its fix (`canonical`): the subject's fix is then that issue's."""
    ours = {issue.key.casefold() for issue in issues}
    people: dict[str, FiledIssue | None] = {}  # their issues, read once a run
    marked = []
    for issue in issues:
        duplicate_of = tracker.marked_duplicate_of(issue) if issue.state == "closed" else None
        canonical = None
        if duplicate_of is not None and duplicate_of.casefold() not in ours:
            if duplicate_of not in people:
                people[duplicate_of] = _their_issue(tracker, duplicate_of)
            canonical = people[duplicate_of]
        marked.append(replace(issue, duplicate_of=duplicate_of, canonical=canonical))
    return marked


def _their_issue(tracker: Tracker, key: str) -> FiledIssue | None:
    """A person's issue by key, with the fix that closed it; None when it is gone, or is
    one of sddkit's after all (it carries a marker: the listing missed it)."""
    found = tracker.find(key)
    if found is None or theme_id_in(found.body) is not None:
        return None
    return replace(found, fix=tracker.fix_of(found)) if found.state == "closed" else found
