"""Rewriting an issue's body without losing what a person saved meanwhile.

Neither GitHub nor Jira offers a conditional issue write. So sddkit reads the issue again,
splices its part (between its exact ``sddkit:begin`` / ``sddkit:end`` lines) into what the
issue says now, and writes; then it reads the issue's edit history (GitHub: the GraphQL
``userContentEdits`` of the issue; Jira: the ``description`` items of its changelog). The
version just before sddkit's write is the one the write replaced. If that is not the version
sddkit read, someone saved an edit in between: sddkit splices its part into that person's
text, writes again and checks again, at most `RETRIES` times, and says so. If an edit lands
while that restoring write is made, it was made on the version without the restored edit: the
two are merged line by line (`merge3`), or the write fails where they change the same lines.

If the issue changed once more after sddkit's write (someone edited the version that lacks the
overwritten edit), sddkit does not guess at merging two people's texts: the write fails with a
reason naming the edit, which the issue's history still holds.

A run killed between a write and its check would leave that check undone, so each write is
noted in a `Journal` (the store) before it is sent and cleared once checked; the next run
checks what is still noted (`settle_pending`) before anything else. When that note is gone
too (the run stopped, then the store was lost: an evicted CI cache), the history alone tells:
before writing an issue whose body the store has not seen, sddkit reads its history, and when
the last edit rewrote sddkit's part and put people's text back as an older version had it,
dropping what the version it replaced had, that version is a person's edit an unchecked write
overwrote (`unchecked_overwrite`): the new part is written into it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Protocol

from sddkit.trackers.base import BodyEdit, FiledIssue, IssueDraft, Tracker
from sddkit.trackers.retry import RateLimited, TrackerError
from sddkit.trackers.suggest import splice, split_parts

RETRIES = 2  # writes again after an overwritten edit, before giving up


@dataclass(frozen=True)
class Written:
    issue: FiledIssue
    notes: tuple[str, ...] = ()  # what the run output should say (a restored edit)


class Journal(Protocol):
    """Body writes noted before they are sent, cleared once checked against the history."""

    def begin(self, key: str, read: str, written: str) -> None:
        """Note a write, unless one to the issue is noted already: the first stays noted
        until what it overwrote is restored (the writes restoring it are checked with it)."""
        ...

    def end(self, key: str) -> None: ...

    def pending(self) -> list[tuple[str, str, str]]:
        """(key, the body read, the body written) of each write not checked yet."""
        ...

    def last_seen(self, key: str) -> str | None:
        """The body the store last saw the issue with (None: it has no record of it)."""
        ...


def rewrite_body(
    tracker: Tracker, issue: FiledIssue, draft: IssueDraft, journal: Journal | None = None
) -> Written:
    """Write `draft`'s part of the body into the issue as it is now; restore an edit that
    landed between the re-read and the write, or that an earlier run's unchecked write
    overwrote (see the module docstring)."""
    current = tracker.refresh(issue)
    base, notes = current.body, []
    lost = None if journal is None else unseen_overwrite(tracker, current, journal)
    if lost is not None and lost.after is not None:
        base = lost.after
        notes.append(
            f"{current.key}: {describe(lost)}, saved while an earlier run wrote, was "
            "overwritten (that run stopped before checking, and the store that noted the "
            "write is gone); sddkit's part is written into their text again"
        )
    return _write(tracker, current, base, draft, journal, notes)


def unseen_overwrite(tracker: Tracker, issue: FiledIssue, journal: Journal) -> BodyEdit | None:
    """For an issue whose body the store has not seen, `unchecked_overwrite` of its history;
    None when the store has seen that body (its writes were checked) or the history cannot
    be read (the check after a write says so)."""
    seen = journal.last_seen(issue.key)
    if seen is not None and same(seen, issue.body):
        return None
    try:
        edits = tracker.body_edits(issue)
    except RateLimited:
        raise
    except TrackerError:
        return None
    return unchecked_overwrite(edits, issue.body)


def settle_pending(tracker: Tracker, journal: Journal) -> list[str]:
    """Check the writes an earlier run noted but did not check (it was killed), restoring an
    edit they overwrote; what was found, for the run output."""
    notes: list[str] = []
    for key, read, written in journal.pending():
        try:
            notes += _settle(tracker, key, read, written, journal)
        except RateLimited as error:
            notes.append(f"{key}: not checked yet: {error}")
            break  # the rest stays noted for the next run
        except TrackerError as error:
            notes.append(str(error))
        journal.end(key)
    return notes


def _settle(tracker: Tracker, key: str, read: str, written: str, journal: Journal) -> list[str]:
    issue = tracker.find(key)
    if issue is None:
        return []
    check = overwritten(tracker.body_edits(issue), written, read)
    if check.lost is None or check.lost.after is None:
        return []  # nothing overwritten, or the write never landed
    what = describe(check.lost)
    if same(issue.body, splice(check.lost.after, written)):
        return []  # that run wrote it back before it stopped
    if check.edited_since or not same(issue.body, written):
        raise _edited_again(key, what)
    notes = [
        f"{key}: {what}, saved while an earlier run wrote (it stopped before checking), was "
        "overwritten; sddkit's part is written into their text again"
    ]
    draft = IssueDraft(issue.theme_id, issue.title, written, issue.labels)
    return list(_write(tracker, issue, check.lost.after, draft, journal, notes).notes)


def _write(
    tracker: Tracker,
    current: FiledIssue,
    base: str,
    draft: IssueDraft,
    journal: Journal | None,
    notes: list[str],
) -> Written:
    """Splice `draft`'s part into `base` and write it over `current`; check, and restore an
    overwritten edit, up to `RETRIES` times. The first write stays noted in the `journal`
    until what it overwrote is restored (`_until_settled`)."""
    with _until_settled(journal, current.key) as noted:
        for _ in range(RETRIES + 1):
            body = splice(base, draft.body)
            if len(body) > tracker.body_limit:
                raise TrackerError(
                    f"{current.key}: the body would be {len(body):,} characters, over the "
                    f"tracker's limit of {tracker.body_limit:,}: the text people added outside "
                    "sddkit's part leaves no room for it"
                )
            if same(body, current.body):
                return Written(current, tuple(notes))
            if journal is not None:
                journal.begin(current.key, current.body, body)
                noted.append(current.key)
            written = tracker.update(current, replace(draft, body=body))
            check = _check(tracker, written, body, current.body, notes)
            lost = check.lost
            if lost is None or lost.after is None:
                return Written(written, tuple(notes))
            what = describe(lost)
            if check.edited_since:
                raise _edited_again(current.key, what)
            notes.append(
                f"{current.key}: {what}, saved while sddkit wrote, was overwritten; "
                "sddkit's part is written into their text again"
            )
            read, current = current.body, tracker.refresh(current)
            if not same(current.body, body):
                raise _edited_again(current.key, what)
            if same(base, read):
                base = lost.after
                continue
            # This write restored an earlier edit, and the person edited the version without it:
            # keep both edits where they touch different lines.
            merged = merge3(read, body, lost.after)
            if merged is None:
                raise TrackerError(
                    f"{current.key}: {what} and an edit sddkit restored changed the same lines; "
                    "the overwritten text is in the issue's edit history"
                )
            base = merged
        raise TrackerError(
            f"{current.key}: edits kept landing while sddkit wrote ({RETRIES} retries); the last "
            "one overwritten is in the issue's edit history"
        )


@contextmanager
def _until_settled(journal: Journal | None, key: str) -> Iterator[list[str]]:
    """Clear the journal's note of the issue's write, once one was made (the block adds the
    key to the list it gets), when it is settled: written and checked, restored, or failed
    with a reason said now. A run that stops in between (a kill, a rate limit) leaves the
    next run that write to check."""
    noted: list[str] = []
    try:
        yield noted
    except RateLimited:
        raise
    except TrackerError:
        if journal is not None and noted:
            journal.end(key)
        raise
    if journal is not None and noted:
        journal.end(key)


@dataclass(frozen=True)
class Check:
    """What the edit history says about one write."""

    lost: BodyEdit | None = None  # the overwritten version (its `after`), who saved it, when
    unknown: str | None = None  # why the history could not tell
    edited_since: bool = False  # the history has edits after sddkit's write


def overwritten(edits: Sequence[BodyEdit], written: str, read: str) -> Check:
    """Whether sddkit's write of `written` replaced a version other than `read` (what sddkit
    read just before writing): someone's edit saved in between.

    Only a version saved after `read` counts as overwritten (one that descends from what
    sddkit read); a history that does not show the write, or does not show `read` before the
    replaced version, tells nothing. With edits after the write, `edited_since` is set: the
    overwritten version is reported, never restored over them. A write sent again after a
    lost answer saves `written` twice, and a person may save in between both times: every
    version it replaced counts, and their edits are merged (`merge3`).
    """
    written_at = [n for n, e in enumerate(edits) if _saved(e.after, written)]
    if not written_at:
        return Check(unknown="the edit history does not show sddkit's write")
    since = written_at[-1] < len(edits) - 1
    if _replaced(edits, written_at[-1]) is None:
        return Check(unknown="the edit history does not show what sddkit's write replaced")
    # Where the version read was last current (-1: it was the created version).
    shown = [n for n, e in enumerate(edits) if _saved(e.after, read)]
    shown += [n - 1 for n, e in enumerate(edits) if _saved(e.before, read)]
    read_at = max(shown, default=None)
    found: list[BodyEdit] = []
    for ours in written_at:
        if read_at is not None and ours <= read_at:
            continue  # an older write of the same text
        before = _replaced(edits, ours)
        if before is None or same(before, read) or same(before, written):
            continue
        savers = [n for n in range(ours) if _saved(edits[n].after, before)]
        if not savers:
            return Check(unknown="the edit history does not show who saved the replaced version")
        if read_at is None or savers[-1] <= read_at:
            return Check(unknown="the edit history does not show the version sddkit read")
        saver = edits[savers[-1]]
        found.append(BodyEdit(saver.at, saver.editor, saver.before, before))
    if not found:
        return Check(edited_since=since)
    return Check(_together(found, written), edited_since=since)


def _replaced(edits: Sequence[BodyEdit], n: int) -> str | None:
    """The version edit `n` replaced."""
    before = edits[n].before
    if before is None and n > 0:
        before = edits[n - 1].after
    return before


def _together(found: Sequence[BodyEdit], written: str) -> BodyEdit:
    """The versions sddkit's writes of `written` replaced, oldest first, as one: each older
    one's changes merged into the newest (which was saved on top of `written`); one whose
    lines clash with it stays out (the history keeps it)."""
    last = found[-1]
    assert last.after is not None
    merged = last.after
    for edit in reversed(found[:-1]):
        assert edit.after is not None
        merged = merge3(written, splice(edit.after, written), merged) or merged
    editors = ", ".join(dict.fromkeys(e.editor for e in found if e.editor))
    return BodyEdit(last.at, editors, last.before, merged)


def unchecked_overwrite(edits: Sequence[BodyEdit], body: str) -> BodyEdit | None:
    """The person's version that the last edit, an unchecked write of sddkit's, replaced, when
    the issue says `body`: that edit rewrote sddkit's part (into one no earlier version had)
    and put people's text back as an earlier version had it, dropping the replaced version's.
    sddkit's writes splice its part into the text it read, so such an edit is a write made
    from a version read before a person saved theirs. A person's own edit keeps sddkit's part,
    and a revert to an older version brings back an older part: neither counts."""
    if not edits or not _saved(edits[-1].after, body):
        return None
    replaced = _replaced(edits, len(edits) - 1)
    if replaced is None:
        return None
    people, part = split_parts(body)
    replaced_people, replaced_part = split_parts(replaced)
    if not part or same(part, replaced_part) or same(people, replaced_people):
        return None
    earlier = [v for e in edits[:-1] for v in (e.before, e.after) if v is not None]
    if any(same(split_parts(v)[1], part) for v in earlier):
        return None
    if not any(same(split_parts(v)[0], people) for v in earlier):
        return None
    savers = [e for e in edits[:-1] if _saved(e.after, replaced)]
    if not savers:
        return None
    saver = savers[-1]
    return BodyEdit(saver.at, saver.editor, saver.before, replaced)


def _saved(text: str | None, body: str) -> bool:
    return text is not None and same(text, body)


def merge3(base: str, ours: str, theirs: str) -> str | None:
    """Both sides' changes to `base`, line by line; None where they change the same lines.
    Insertions at the same place are both kept, ours first."""
    lines = _lines(base)
    hunks: list[tuple[int, int, int, list[str]]] = []  # base start, base end, side, new lines
    for side, text in enumerate((ours, theirs)):
        new = _lines(text)
        matcher = SequenceMatcher(None, lines, new, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag != "equal":
                hunks.append((i1, i2, side, new[j1:j2]))
    hunks.sort(key=lambda h: (h[0], h[1], h[2]))
    mine = [h for h in hunks if h[2] == 0]
    for a in mine:
        for b in hunks:
            if b[2] == 1 and (a[:2], a[3]) != (b[:2], b[3]) and _clash(a[:2], b[:2]):
                return None
    out: list[str] = []
    pos = 0
    for start, end, side, new in hunks:
        if side == 1 and (start, end, 0, new) in hunks:
            continue  # the same change on both sides
        out += lines[pos:start] + new
        pos = max(pos, end)
    merged = "".join(out + lines[pos:])
    return merged if ours.endswith("\n") or theirs.endswith("\n") else merged[:-1]


def _lines(text: str) -> list[str]:
    return (text if text.endswith("\n") else text + "\n").splitlines(keepends=True)


def _clash(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two changed base ranges overlap (an insertion is an empty range)."""
    if a[0] == a[1] or b[0] == b[1]:  # an insertion clashes only inside the other's range
        point, (lo, hi) = (a[0], b) if a[0] == a[1] else (b[0], a)
        return lo < point < hi
    return max(a[0], b[0]) < min(a[1], b[1])


def same(a: str, b: str) -> bool:
    """Equal bodies, as trackers store them (line endings and outer blank space may change)."""
    return _norm(a) == _norm(b)


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def _edited_again(key: str, what: str) -> TrackerError:
    return TrackerError(
        f"{key}: {what} was overwritten by sddkit's write and the issue was edited again "
        "since; restore it from the issue's edit history"
    )


def _check(tracker: Tracker, written: FiledIssue, body: str, read: str, notes: list[str]) -> Check:
    """The overwritten version, if any. A history that cannot be read or cannot tell is
    reported, not fatal: the write itself succeeded."""
    try:
        edits = tracker.body_edits(written)
    except RateLimited:
        raise
    except TrackerError as error:
        notes.append(f"{written.key}: could not check the edit history: {error}")
        return Check(unknown=str(error))
    check = overwritten(edits, body, read)
    if check.unknown:
        notes.append(
            f"{written.key}: {check.unknown}; an edit saved while sddkit wrote could not be "
            "checked (see the issue's history)"
        )
    return check


def describe(edit: BodyEdit) -> str:
    who = f"an edit by {edit.editor}" if edit.editor else "an edit"
    return f"{who} ({edit.at:%Y-%m-%d %H:%M:%S %Z})".replace(" )", ")")
