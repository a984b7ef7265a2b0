"""A local copy of the tracker's sddkit issues, kept in the store after each triage run.

The tracker stays the ledger; this cache lets the report run offline (`--no-tracker`) and
keeps the demo's simulated tracker state. `PendingWrites` notes each body write until it was
checked against the issue's edit history (`rewrite.Journal`), for a run killed in between.
`last_applied` / `record_applied` keep the `--now` of the latest applied run per tracker
(component ``tracker_runs``), so a run whose clock is behind it is caught before it writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sddkit.store import migrate, transaction
from sddkit.trackers.base import FiledIssue, Fix

MIGRATIONS = [
    """
    CREATE TABLE tracker_issues (
        tracker TEXT NOT NULL,
        key TEXT NOT NULL,
        theme_id TEXT NOT NULL,
        title TEXT NOT NULL,
        state TEXT NOT NULL,
        url TEXT NOT NULL,
        created_at TEXT NOT NULL,
        closed_at TEXT,
        fix_kind TEXT,
        fix_ref TEXT,
        fix_at TEXT,
        fix_url TEXT,
        fix_title TEXT,
        labels TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (tracker, key)
    );
    CREATE INDEX tracker_issues_theme ON tracker_issues(theme_id);
    """,
    # The body holds the recorded counts, so `triage --offline` can plan from the cache.
    "ALTER TABLE tracker_issues ADD COLUMN body TEXT NOT NULL DEFAULT ''",
    # Why a closed issue was closed, so offline plans skip those closed as not planned.
    "ALTER TABLE tracker_issues ADD COLUMN close_reason TEXT",
    # The member themes of a family's issue, so the report traces all of them offline.
    "ALTER TABLE tracker_issues ADD COLUMN theme_ids TEXT NOT NULL DEFAULT ''",
    # Body writes not yet checked against the edit history (a kill came in between).
    """
    CREATE TABLE tracker_pending_writes (
        tracker TEXT NOT NULL,
        key TEXT NOT NULL,
        read TEXT NOT NULL,
        written TEXT NOT NULL,
        PRIMARY KEY (tracker, key)
    )
    """,
    # The issue a person closed this one as a duplicate of, so offline plans count it there.
    "ALTER TABLE tracker_issues ADD COLUMN duplicate_of TEXT",
    # That issue when it is a person's own (JSON: its state and fix), for offline reports.
    "ALTER TABLE tracker_issues ADD COLUMN canonical TEXT",
]


RUNS_MIGRATIONS = [
    "CREATE TABLE tracker_runs (tracker TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
]


def ensure_schema(conn: sqlite3.Connection) -> None:
    """The cache's tables, created or migrated; `store.NewerStore` for a newer sddkit's."""
    migrate(conn, "trackers", MIGRATIONS)
    migrate(conn, "tracker_runs", RUNS_MIGRATIONS)


def last_applied(conn: sqlite3.Connection, tracker: str) -> datetime | None:
    """The `--now` of the latest `triage --apply` against `tracker` (None: never)."""
    ensure_schema(conn)
    row = conn.execute(
        "SELECT applied_at FROM tracker_runs WHERE tracker = ?", (tracker,)
    ).fetchone()
    return datetime.fromisoformat(row[0]) if row else None


def record_applied(conn: sqlite3.Connection, tracker: str, now: datetime) -> None:
    """Remember an applied run's `--now` (never moving the record back in time)."""
    ensure_schema(conn)
    previous = last_applied(conn, tracker)
    if previous is not None and previous >= now:
        return
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO tracker_runs VALUES (?, ?)", (tracker, now.isoformat())
        )


def save_filed(conn: sqlite3.Connection, tracker: str, issues: Iterable[FiledIssue]) -> None:
    """Replace the cached issues of `tracker` with `issues`, atomically."""
    ensure_schema(conn)
    with transaction(conn):
        conn.execute("DELETE FROM tracker_issues WHERE tracker = ?", (tracker,))
        conn.executemany(
            "INSERT INTO tracker_issues VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [_row(tracker, issue) for issue in issues],
        )


def remember_filed(conn: sqlite3.Connection, tracker: str, issue: FiledIssue) -> None:
    """Record one issue right after it was written (its key comes from the create answer),
    so a later run reads it by key even while the tracker's search has not indexed it."""
    ensure_schema(conn)
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO tracker_issues VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            _row(tracker, issue),
        )


@dataclass
class PendingWrites:
    """The store's journal of body writes not yet checked (`rewrite.Journal`)."""

    conn: sqlite3.Connection
    tracker: str

    def begin(self, key: str, read: str, written: str) -> None:
        ensure_schema(self.conn)
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR IGNORE INTO tracker_pending_writes VALUES (?,?,?,?)",
                (self.tracker, key, read, written),
            )

    def end(self, key: str) -> None:
        ensure_schema(self.conn)
        with transaction(self.conn):
            self.conn.execute(
                "DELETE FROM tracker_pending_writes WHERE tracker = ? AND key = ?",
                (self.tracker, key),
            )

    def pending(self) -> list[tuple[str, str, str]]:
        ensure_schema(self.conn)
        rows = self.conn.execute(
            "SELECT key, read, written FROM tracker_pending_writes WHERE tracker = ? ORDER BY key",
            (self.tracker,),
        )
        return [(str(k), str(r), str(w)) for k, r, w in rows]

    def last_seen(self, key: str) -> str | None:
        ensure_schema(self.conn)
        row = self.conn.execute(
            "SELECT body FROM tracker_issues WHERE tracker = ? AND key = ?", (self.tracker, key)
        ).fetchone()
        return None if row is None else str(row[0])


def load_filed(conn: sqlite3.Connection, tracker: str | None = None) -> list[FiledIssue]:
    ensure_schema(conn)
    sql = "SELECT * FROM tracker_issues"
    params: tuple[str, ...] = ()
    if tracker is not None:
        sql += " WHERE tracker = ?"
        params = (tracker,)
    return [_issue(row) for row in conn.execute(sql + " ORDER BY created_at, key", params)]


def _row(tracker: str, issue: FiledIssue) -> tuple[str | None, ...]:
    fix = issue.fix
    canonical = issue.canonical
    return (
        tracker,
        issue.key,
        issue.theme_id,
        issue.title,
        issue.state,
        issue.url,
        issue.created_at.isoformat(),
        issue.closed_at.isoformat() if issue.closed_at else None,
        fix.kind if fix else None,
        fix.ref if fix else None,
        fix.fixed_at.isoformat() if fix else None,
        fix.url if fix else None,
        fix.title if fix else None,
        ",".join(issue.labels),
        issue.body,
        issue.close_reason,
        ",".join(issue.theme_ids),
        issue.duplicate_of,
        json.dumps(_their_issue(canonical)) if canonical is not None else None,
    )


def _their_issue(issue: FiledIssue) -> dict[str, object]:
    """What the report reads of a person's issue (`FiledIssue.canonical`), as JSON."""
    fix = issue.fix
    return {
        "key": issue.key,
        "title": issue.title,
        "state": issue.state,
        "url": issue.url,
        "created_at": issue.created_at.isoformat(),
        "closed_at": issue.closed_at.isoformat() if issue.closed_at else None,
        "close_reason": issue.close_reason,
        "fix": None
        if fix is None
        else [fix.kind, fix.ref, fix.fixed_at.isoformat(), fix.url, fix.title],
    }


def _their_issue_from(text: str) -> FiledIssue:
    data = json.loads(text)
    fix = data["fix"]
    return FiledIssue(
        key=data["key"],
        theme_id="",
        title=data["title"],
        state=data["state"],
        url=data["url"],
        created_at=datetime.fromisoformat(data["created_at"]),
        closed_at=datetime.fromisoformat(data["closed_at"]) if data["closed_at"] else None,
        fix=None
        if fix is None
        else Fix(fix[0], fix[1], datetime.fromisoformat(fix[2]), fix[3], fix[4]),
        close_reason=data["close_reason"],
    )


def _issue(row: sqlite3.Row) -> FiledIssue:
    fix = None
    if row["fix_kind"]:
        fix = Fix(
            kind=row["fix_kind"],
            ref=row["fix_ref"],
            fixed_at=datetime.fromisoformat(row["fix_at"]),
            url=row["fix_url"],
            title=row["fix_title"],
        )
    return FiledIssue(
        key=row["key"],
        theme_id=row["theme_id"],
        title=row["title"],
        state=row["state"],
        url=row["url"],
        created_at=datetime.fromisoformat(row["created_at"]),
        closed_at=datetime.fromisoformat(row["closed_at"]) if row["closed_at"] else None,
        fix=fix,
        labels=tuple(label for label in row["labels"].split(",") if label),
        body=row["body"],
        close_reason=row["close_reason"],
        theme_ids=tuple(i for i in row["theme_ids"].split(",") if i),
        duplicate_of=row["duplicate_of"],
        canonical=_their_issue_from(row["canonical"]) if row["canonical"] else None,
    )
