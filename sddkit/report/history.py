"""What the report reads from the store, and no more.

No figure of the report looks at a ticket's text, messages or tags, so only the columns
below are read, and the period's custom fields only when `[report] segment_field` names
one. Tickets created in the period are all read: every health figure, "Fix next" and the
tickets per week come from them. Of those outside the period only the ones a figure needs:
- every ticket of a theme that a filed issue covers (first complaint, tickets and customers
  behind the issue, the before/after windows, who handled them);
- every ticket of a family of several themes (its customers, counted once across them), and
  of a theme stored without its languages (the to-do list counts them from its tickets);
- of any other theme, its first k tickets before the period: whether someone "surfaced" a
  theme depends only on whether one of the theme's first k tickets is theirs. They are found
  by reading the store in creation order until every such theme has its k, which stops
  early for themes that began well before the period, instead of looking up all their keys.
SQLite gets the keys wanted whole as JSON and joins them with the tickets itself: reading
those few columns of those few tickets, instead of every theme ticket whole, looked up by
key, is what keeps a 13-week report on a year of tickets fast (bench/report_speed.py).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sddkit.report.trace import issue_themes
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.trackers.base import FiledIssue

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Columns of the store's `tickets` table (sddkit.tickets.store); spam, deleted and merged
# tickets (`hidden`) are no complaints, as in tickets.store.iter_tickets.
_COLUMNS = (
    "source, external_id, created_at, solved_at, customer_id, channel, assignee,"
    " first_response_at, satisfaction, satisfaction_scale, language"
)
# The period's tickets; their custom fields (JSON) only when a figure uses them.
_IN_PERIOD = (
    f"SELECT {_COLUMNS}, %s FROM tickets WHERE hidden = 0 AND created_us >= ?"
    " AND created_us < ? ORDER BY created_us, source, external_id"
)
# Outside the period the figures only place a ticket in time and say whose it was (first
# complaints, windows around a fix, customers, who handled or surfaced it, a theme's
# languages): the other columns are left NULL.
_WHO_AND_WHEN = (
    "source, external_id, created_at, NULL, customer_id, NULL, assignee, NULL, NULL, NULL,"
    " language, NULL"
)
# The wanted tickets of one source: their ids come as a JSON array that SQLite unpacks
# itself (one index look-up each).
_OUTSIDE = f"""
SELECT {_WHO_AND_WHEN} FROM json_each(:ids) AS wanted
CROSS JOIN tickets ON source = :source AND external_id = wanted.value
WHERE hidden = 0 AND (created_us < :start OR created_us >= :end)
"""
# Before the period, oldest first: read until every theme read in part has its first k.
_BEFORE = (
    f"SELECT {_WHO_AND_WHEN} FROM tickets WHERE hidden = 0 AND created_us < ?"
    " ORDER BY created_us, source, external_id"
)


def read_tickets(
    conn: sqlite3.Connection,
    themes: Sequence[Theme],
    filed: Iterable[FiledIssue],
    *,
    start: datetime,
    end: datetime,
    first_k: int,
    custom_fields: bool = False,
) -> tuple[list[Ticket], list[Ticket]]:
    """(tickets created in [start, end), the tickets outside it that a figure needs); the
    period's tickets carry their custom fields when `custom_fields`."""
    from sddkit.tickets.store import ensure_schema

    ensure_schema(conn)
    bounds = (_micros(start), _micros(end))
    read = _IN_PERIOD % ("custom_fields" if custom_fields else "NULL")
    in_period = list(_tickets(conn.execute(read, bounds)))
    covered = {theme_id for issue in filed for theme_id in issue_themes(issue)}
    family_size = Counter(theme.family_id or theme.id for theme in themes)
    whole: set[str] = set()
    part: dict[str, str] = {}  # ticket key -> theme, for the themes read only in part
    for theme in themes:
        # A theme stored without its languages takes them from its tickets (the to-do list).
        if (
            theme.id in covered
            or family_size[theme.family_id or theme.id] > 1
            or not theme.languages
        ):
            whole.update(theme.ticket_keys)
        else:
            part.update(dict.fromkeys(theme.ticket_keys, theme.id))
    whole.difference_update(t.key for t in in_period)
    outside = _whole(conn, whole, bounds)
    outside.extend(_first_before(conn, part, bounds[0], first_k))
    return in_period, outside


def _whole(conn: sqlite3.Connection, keys: Iterable[str], bounds: tuple[int, int]) -> list[Ticket]:
    """The tickets with these keys created outside the period."""
    by_source: dict[str, list[str]] = {}
    for key in keys:
        source, _, external_id = key.partition(":")
        by_source.setdefault(source, []).append(external_id)
    found: list[Ticket] = []
    for source, ids in sorted(by_source.items()):
        query = {"ids": json.dumps(ids), "source": source, "start": bounds[0], "end": bounds[1]}
        found.extend(_tickets(conn.execute(_OUTSIDE, query)))
    return found


def _first_before(
    conn: sqlite3.Connection, theme_of: Mapping[str, str], start: int, k: int
) -> list[Ticket]:
    """The first k tickets (oldest first) created before `start` of each theme in
    `theme_of` (ticket key -> theme): the store is read in creation order until each theme
    has them, which for themes that began before the period takes a small part of it."""
    wanted = dict.fromkeys(theme_of.values(), k) if k > 0 else {}
    found: list[Ticket] = []
    if not wanted:
        return found
    for row in conn.execute(_BEFORE, (start,)):
        theme = theme_of.get(f"{row[0]}:{row[1]}")
        if theme is None or theme not in wanted:
            continue
        found.extend(_tickets((row,)))
        wanted[theme] -= 1
        if not wanted[theme]:
            del wanted[theme]
            if not wanted:
                break
    return found


def customers_first_seen(conn: sqlite3.Connection, customers: Iterable[str]) -> dict[str, datetime]:
    """When the store first saw each of these customers (their earliest visible ticket), in
    UTC: one look-up each in the store's index of visible tickets by customer."""
    from sddkit.tickets.store import ensure_schema

    ensure_schema(conn)
    query = (
        "SELECT value, (SELECT min(created_us) FROM tickets"
        " WHERE hidden = 0 AND customer_id = value) FROM json_each(?)"
    )
    rows = conn.execute(query, (json.dumps(sorted(customers)),))
    return {
        customer: _EPOCH + timedelta(microseconds=us) for customer, us in rows if us is not None
    }


def history_start(conn: sqlite3.Connection) -> datetime | None:
    """When the store's history starts: its earliest visible ticket (None when empty). A
    store filled from a first export knows nothing before it."""
    from sddkit.tickets.store import ensure_schema

    ensure_schema(conn)
    (us,) = conn.execute("SELECT min(created_us) FROM tickets WHERE hidden = 0").fetchone()
    return None if us is None else _EPOCH + timedelta(microseconds=us)


def _tickets(rows: Iterable[Any]) -> Iterator[Ticket]:
    """Tickets from rows of `_COLUMNS` and the custom fields' JSON (NULL when not read); the
    other fields keep their empty defaults. Built with positional arguments (Ticket's field
    order), the quickest way to make tens of thousands of them."""
    parse = datetime.fromisoformat
    for source, ext, created, solved, customer, channel, assignee, first, *rest in rows:
        sat, scale, lang, custom = rest
        fields = ((), json.loads(custom)) if custom else ()  # messages, custom_fields
        yield Ticket(
            source,
            ext,
            parse(created),
            "",  # subject
            "",  # body
            None,  # updated_at
            parse(solved) if solved else None,
            customer,
            None,  # organization
            channel,
            (),  # tags
            None,  # status
            assignee,
            parse(first) if first else None,
            sat,
            scale,
            lang,
            *fields,
        )


def _micros(moment: datetime) -> int:
    """The store's `created_us`: whole microseconds since the epoch, as the store counts."""
    delta = moment - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
