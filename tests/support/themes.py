"""Themes stored as a theme run would store them, for tests and benchmarks of what reads
them (the report, triage, follow-ups, read-only commands)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from sddkit.store import transaction
from sddkit.themes.model import Theme
from sddkit.themes.store import StoredTheme, ensure_schema, save_run


def save_themes(conn: sqlite3.Connection, themes: Sequence[Theme], now: datetime) -> None:
    """`themes` as one full run at `now`, each of a theme's tickets a member of it."""
    ensure_schema(conn)
    members = [(key, theme.id, 1.0) for theme in themes for key in theme.ticket_keys]
    with transaction(conn):
        save_run(
            conn,
            now=now,
            mode="full",
            since=None,
            min_size=2,
            backend="test",
            model_state=None,
            model_run=None,
            ticket_count=len(members),
            themes=[StoredTheme(theme, np.zeros(4, dtype=np.float32)) for theme in themes],
            members=members,
        )
