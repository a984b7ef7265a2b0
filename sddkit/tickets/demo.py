"""The bundled demo tickets and the fixes the demo story is built around.

`demo_tickets()` reads ``sddkit/data/demo_tickets.jsonl.gz``, written by
``python -m sddkit.tickets.demo_generator`` (deterministic: regenerating gives the same bytes).
`demo_fixes()` says which themes were fixed when, so the demo can simulate the tracker: their
complaints drop sharply after the fix date.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files

from sddkit.tickets.importers import Options
from sddkit.tickets.importers.native import convert
from sddkit.tickets.model import Ticket

DATA_FILE = "demo_tickets.jsonl.gz"
# The demo's six months end here (exclusive): the demo "today" is 2026-11-16.
DEMO_END = datetime(2026, 11, 16, tzinfo=UTC)
DEMO_START = datetime(2026, 5, 18, tzinfo=UTC)


@dataclass(frozen=True)
class DemoFix:
    theme: str  # the generator's theme slug (its tickets carry this as a tag, sometimes)
    fixed_at: datetime
    pr_number: int
    pr_title: str
    keywords: tuple[str, ...]  # English words the theme's tickets are about, to match themes


_FIXES = (
    DemoFix("calendar-sync-duplicates", datetime(2026, 7, 20, 14, 0, tzinfo=UTC), 412,
            "Deduplicate calendar events by UID during sync", ("calendar", "duplicate", "sync")),
    DemoFix("password-reset-email", datetime(2026, 8, 5, 10, 30, tzinfo=UTC), 438,
            "Send password reset e-mails through the transactional mail queue",
            ("password", "reset", "email")),
    DemoFix("csv-export-timeout", datetime(2026, 9, 10, 16, 0, tzinfo=UTC), 471,
            "Stream CSV exports in chunks to avoid gateway timeouts", ("csv", "export", "timeout")),
    DemoFix("mobile-login-loop", datetime(2026, 10, 1, 9, 0, tzinfo=UTC), 502,
            "Fix token refresh race that sent the mobile app back to login",
            ("login", "mobile", "app")),
)  # fmt: skip


def demo_fixes() -> list[DemoFix]:
    """Themes fixed during the demo period, oldest fix first."""
    return list(_FIXES)


def demo_tickets() -> Iterator[Ticket]:
    """The bundled demo tickets, oldest first."""
    raw = files("sddkit.data").joinpath(DATA_FILE).read_bytes()
    options = Options()
    with gzip.open(io.BytesIO(raw), "rt", encoding="utf-8") as lines:
        for line in lines:
            yield convert(json.loads(line), options)
