"""Themes in the SQLite store (component "themes"): runs, themes per run (the history),
memberships (the last few runs) and the fitted embedding model of the latest full run."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from sddkit.store import migrate
from sddkit.themes.families import FamilyLink, ThemeFamily
from sddkit.themes.model import KindEvidence, Theme

if TYPE_CHECKING:  # the embedder imports scikit-learn: a second, which readers do not need
    from sddkit.themes.embed import Vectors

MIGRATIONS = [
    """
    CREATE TABLE theme_runs (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        mode TEXT NOT NULL,
        since TEXT,
        min_size INTEGER NOT NULL,
        backend TEXT NOT NULL,
        model_run INTEGER,
        ticket_count INTEGER NOT NULL,
        clustered_count INTEGER NOT NULL
    );
    CREATE TABLE theme_models (
        run_id INTEGER PRIMARY KEY REFERENCES theme_runs(id) ON DELETE CASCADE,
        backend TEXT NOT NULL,
        state BLOB NOT NULL
    );
    CREATE TABLE themes (
        run_id INTEGER NOT NULL REFERENCES theme_runs(id) ON DELETE CASCADE,
        theme_id TEXT NOT NULL,
        origin TEXT NOT NULL,
        previous_overlap REAL,
        previous_cosine REAL,
        label TEXT NOT NULL,
        kind TEXT NOT NULL,
        keywords TEXT NOT NULL,
        representative_keys TEXT NOT NULL,
        size INTEGER NOT NULL,
        customer_count INTEGER NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        trend TEXT NOT NULL,
        evidence TEXT NOT NULL,
        avg_satisfaction REAL,
        channels TEXT NOT NULL,
        languages TEXT NOT NULL,
        weekly_counts TEXT NOT NULL,
        centroid BLOB NOT NULL,
        PRIMARY KEY (run_id, theme_id)
    );
    CREATE INDEX themes_by_id ON themes(theme_id, run_id);
    CREATE TABLE theme_members (
        run_id INTEGER NOT NULL REFERENCES theme_runs(id) ON DELETE CASCADE,
        ticket_key TEXT NOT NULL,
        theme_id TEXT,
        similarity REAL NOT NULL,
        PRIMARY KEY (run_id, ticket_key)
    );
    CREATE INDEX theme_members_by_theme ON theme_members(run_id, theme_id);
    """,
    # Theme families (one subject across languages, see themes.families) and why.
    """
    ALTER TABLE themes ADD COLUMN family_id TEXT;
    CREATE TABLE theme_families (
        run_id INTEGER NOT NULL REFERENCES theme_runs(id) ON DELETE CASCADE,
        family_id TEXT NOT NULL,
        theme_ids TEXT NOT NULL,
        links TEXT NOT NULL,
        PRIMARY KEY (run_id, family_id)
    );
    """,
    # Embeddings cached per text and model (see themes.vector_cache): a 16-byte BLAKE2b digest
    # of the text, the vector as little-endian float16 (its dimension is the blob length / 2).
    """
    CREATE TABLE theme_vectors (
        model_id TEXT NOT NULL,
        text_hash BLOB NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (model_id, text_hash)
    );
    """,
]
KEEP_MEMBERSHIP_RUNS = 4


def ensure_schema(conn: sqlite3.Connection) -> None:
    migrate(conn, "themes", MIGRATIONS)


@dataclass
class StoredTheme:
    """A theme plus what the next run needs: its centroid and origin."""

    theme: Theme
    centroid: Vectors
    origin: str = "new"  # "new" or "kept"
    previous_overlap: float | None = None
    previous_cosine: float | None = None


@dataclass
class PreviousRun:
    run_id: int
    mode: str
    since: datetime | None
    min_size: int
    backend: str
    model_state: bytes | None
    model_run: int | None
    themes: list[StoredTheme]
    members: dict[str, tuple[str | None, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryEntry:
    run_id: int
    run_at: datetime
    size: int
    origin: str
    label: str


def _latest_run(conn: sqlite3.Connection) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM theme_runs ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return row


def load_themes(conn: sqlite3.Connection) -> list[Theme]:
    """The themes of the latest run, largest first (empty before the first run)."""
    ensure_schema(conn)
    run = _latest_run(conn)
    if run is None:
        return []
    # Themes only: the centroids (numpy) are for the next themes run (`load_previous`).
    return [_theme(row, keys) for row, keys in _rows_of(conn, int(run["id"]))]


def load_families(conn: sqlite3.Connection) -> list[ThemeFamily]:
    """The theme families of the latest run (two or more themes each), largest first."""
    ensure_schema(conn)
    run = _latest_run(conn)
    if run is None:
        return []
    rows = conn.execute(
        "SELECT family_id, theme_ids, links FROM theme_families WHERE run_id = ? ORDER BY rowid",
        (run["id"],),
    )
    return [
        ThemeFamily(
            row[0],
            tuple(json.loads(row[1])),
            tuple(
                FamilyLink(a, b, cos, strength, tuple(tags), tuple(tokens), *meaning)
                for a, b, cos, strength, tags, tokens, *meaning in json.loads(row[2])
            ),
        )
        for row in rows
    ]


def load_previous(conn: sqlite3.Connection) -> PreviousRun | None:
    ensure_schema(conn)
    run = _latest_run(conn)
    if run is None:
        return None
    model_run = run["model_run"]
    model = conn.execute("SELECT state FROM theme_models WHERE run_id = ?", (model_run,)).fetchone()
    members = {
        row[0]: (row[1], float(row[2]))
        for row in conn.execute(
            "SELECT ticket_key, theme_id, similarity FROM theme_members WHERE run_id = ?",
            (run["id"],),
        )
    }
    return PreviousRun(
        run_id=int(run["id"]),
        mode=run["mode"],
        since=datetime.fromisoformat(run["since"]) if run["since"] else None,
        min_size=int(run["min_size"]),
        backend=run["backend"],
        model_state=bytes(model[0]) if model else None,
        model_run=int(model_run) if model_run is not None else None,
        themes=_themes_of(conn, int(run["id"])),
        members=members,
    )


def theme_history(conn: sqlite3.Connection, theme_id: str) -> list[HistoryEntry]:
    """The theme's size and label in every run that had it, oldest first."""
    ensure_schema(conn)
    rows = conn.execute(
        "SELECT r.id, r.created_at, t.size, t.origin, t.label FROM themes t"
        " JOIN theme_runs r ON r.id = t.run_id WHERE t.theme_id = ? ORDER BY r.id",
        (theme_id,),
    )
    return [
        HistoryEntry(int(r[0]), datetime.fromisoformat(r[1]), int(r[2]), r[3], r[4]) for r in rows
    ]


def save_run(
    conn: sqlite3.Connection,
    *,
    now: datetime,
    mode: str,
    since: datetime | None,
    min_size: int,
    backend: str,
    model_state: bytes | None,
    model_run: int | None,
    ticket_count: int,
    themes: Sequence[StoredTheme],
    members: Sequence[tuple[str, str | None, float]],
    families: Sequence[ThemeFamily] = (),
) -> int:
    """Insert one run; call inside `store.transaction`. Returns the run id.

    A run that brings `model_state` owns the model; older models and memberships of all but
    the last few runs are pruned (theme rows stay: they are the history).
    """
    cursor = conn.execute(
        "INSERT INTO theme_runs(created_at, mode, since, min_size, backend, model_run,"
        " ticket_count, clustered_count) VALUES (?,?,?,?,?,?,?,?)",
        (
            now.isoformat(),
            mode,
            since.isoformat() if since else None,
            min_size,
            backend,
            model_run,
            ticket_count,
            sum(1 for _, theme_id, _ in members if theme_id is not None),
        ),
    )
    run_id = int(cursor.lastrowid or 0)
    if model_state is not None:
        conn.execute("DELETE FROM theme_models")
        conn.execute("INSERT INTO theme_models VALUES (?,?,?)", (run_id, backend, model_state))
        conn.execute("UPDATE theme_runs SET model_run = ? WHERE id = ?", (run_id, run_id))
    conn.executemany(
        "INSERT INTO themes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [_theme_row(run_id, stored) for stored in themes],
    )
    conn.executemany(
        "INSERT INTO theme_families VALUES (?,?,?,?)",
        [
            (
                run_id,
                f.id,
                json.dumps(list(f.theme_ids)),
                json.dumps(
                    [
                        [
                            k.a,
                            k.b,
                            k.cosine,
                            k.strength,
                            list(k.tags),
                            list(k.tokens),
                            k.meaning,
                            k.title,
                            k.lines,
                        ]
                        for k in f.links
                    ],
                    ensure_ascii=False,
                ),
            )
            for f in families
        ],
    )
    conn.executemany(
        "INSERT INTO theme_members VALUES (?,?,?,?)",
        ((run_id, key, theme_id, similarity) for key, theme_id, similarity in members),
    )
    conn.execute("DELETE FROM theme_members WHERE run_id <= ?", (run_id - KEEP_MEMBERSHIP_RUNS,))
    return run_id


def _theme_row(run_id: int, stored: StoredTheme) -> tuple[object, ...]:
    import numpy as np  # only a themes run writes centroids; readers need not load numpy

    t = stored.theme
    return (
        run_id,
        t.id,
        stored.origin,
        stored.previous_overlap,
        stored.previous_cosine,
        t.label,
        t.kind,
        json.dumps(list(t.keywords), ensure_ascii=False),
        json.dumps(list(t.representative_keys)),
        t.size,
        t.customer_count,
        t.first_seen.isoformat(),
        t.last_seen.isoformat(),
        t.trend,
        json.dumps([[e.kind, list(e.signals), e.score] for e in t.evidence], ensure_ascii=False),
        t.avg_satisfaction,
        json.dumps(t.channels, ensure_ascii=False),
        json.dumps(t.languages),
        json.dumps({d.isoformat(): n for d, n in sorted(t.weekly_counts.items())}),
        np.asarray(stored.centroid, dtype=np.float32).tobytes(),
        t.family_id,
    )


def _rows_of(conn: sqlite3.Connection, run_id: int) -> list[tuple[sqlite3.Row, list[str]]]:
    """The run's theme rows, largest first, each with its ticket keys in order."""
    # Each theme's keys in order, gathered by SQLite into one JSON array per theme: a few
    # hundred rows to read instead of one per ticket.
    keys: dict[str, list[str]] = {
        theme_id: json.loads(members)
        for theme_id, members in conn.execute(
            "SELECT theme_id, json_group_array(ticket_key) FROM (SELECT theme_id, ticket_key"
            " FROM theme_members WHERE run_id = ? AND theme_id IS NOT NULL ORDER BY ticket_key)"
            " GROUP BY theme_id",
            (run_id,),
        )
    }
    rows = conn.execute(
        "SELECT * FROM themes WHERE run_id = ? ORDER BY size DESC, theme_id", (run_id,)
    )
    return [(row, keys.get(row["theme_id"], [])) for row in rows]


def _themes_of(conn: sqlite3.Connection, run_id: int) -> list[StoredTheme]:
    return [_stored(row, keys) for row, keys in _rows_of(conn, run_id)]


def _theme(row: sqlite3.Row, keys: list[str]) -> Theme:
    return Theme(
        id=row["theme_id"],
        label=row["label"],
        kind=row["kind"],
        keywords=tuple(json.loads(row["keywords"])),
        ticket_keys=tuple(keys),
        representative_keys=tuple(json.loads(row["representative_keys"])),
        customer_count=int(row["customer_count"]),
        first_seen=datetime.fromisoformat(row["first_seen"]),
        last_seen=datetime.fromisoformat(row["last_seen"]),
        trend=row["trend"],
        evidence=tuple(
            KindEvidence(kind, tuple(signals), float(score))
            for kind, signals, score in json.loads(row["evidence"])
        ),
        avg_satisfaction=row["avg_satisfaction"],
        channels=json.loads(row["channels"]),
        languages=json.loads(row["languages"]),
        weekly_counts={
            date.fromisoformat(d): int(n) for d, n in json.loads(row["weekly_counts"]).items()
        },
        family_id=row["family_id"],
    )


def _stored(row: sqlite3.Row, keys: list[str]) -> StoredTheme:
    import numpy as np  # only a themes run reads centroids (`load_previous`)

    return StoredTheme(
        theme=_theme(row, keys),
        centroid=np.frombuffer(row["centroid"], dtype=np.float32).copy(),
        origin=row["origin"],
        previous_overlap=row["previous_overlap"],
        previous_cosine=row["previous_cosine"],
    )
