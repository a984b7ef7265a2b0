"""What the report reads from the store, and no more.

No figure of the report looks at a ticket's text, messages, tags or custom fields, so only
the columns below are read. Tickets created in the period are all read: every health
figure, "Fix next" and the tickets per week come from them. Of those outside the period only
the ones a figure needs:
- every ticket of a theme that a filed issue covers (first complaint, tickets and customers
  behind the issue, the before/after windows, who handled them);
- every ticket of a family of several themes (its customers, counted once across them), and
  of a theme stored without its languages (the to-do list counts them from its tickets);
- of any other theme, its first k tickets before the period: whether someone "surfaced" a
  theme depends only on whether one of the theme's first k tickets is theirs.
SQLite gets the keys wanted as JSON and joins them with the tickets itself (numbering a
theme's first k there too): reading those few columns of those few tickets, instead of
every theme ticket whole, looked up by key, is what keeps a 13-week report on a year of
tickets fast (bench/report_speed.py).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
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
_IN_PERIOD = (
    f"SELECT {_COLUMNS} FROM tickets WHERE hidden = 0 AND created_us >= ? AND created_us < ?"
    " ORDER BY created_us, source, external_id"
)
# Outside the period: the wanted tickets whole, and the first k before the period of the
# themes read in part (numbered per theme in creation order). The keys come as JSON arrays
# of [source, external_id(, theme)], unpacked by SQLite itself.
_OUTSIDE = f"""
WITH whole(source, external_id) AS (
  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(:whole)),
part(source, external_id, theme) AS (
  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]')
  FROM json_each(:part))
SELECT {_COLUMNS} FROM whole CROSS JOIN tickets USING (source, external_id)
WHERE hidden = 0 AND (created_us < :start OR created_us >= :end)
UNION ALL
SELECT {_COLUMNS} FROM (
  SELECT t.*, row_number() OVER (
    PARTITION BY p.theme ORDER BY t.created_us, t.source, t.external_id) AS rank
  FROM part AS p CROSS JOIN tickets AS t USING (source, external_id)
  WHERE t.hidden = 0 AND t.created_us < :start)
WHERE rank <= :k
"""


def read_tickets(
    conn: sqlite3.Connection,
    themes: Sequence[Theme],
    filed: Iterable[FiledIssue],
    *,
    start: datetime,
    end: datetime,
    first_k: int,
) -> tuple[list[Ticket], list[Ticket]]:
    """(tickets created in [start, end), the tickets outside it that a figure needs)."""
    from sddkit.tickets.store import ensure_schema

    ensure_schema(conn)
    bounds = (_micros(start), _micros(end))
    in_period = list(_tickets(conn.execute(_IN_PERIOD, bounds)))
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
    query = {
        "whole": json.dumps([_pair(key) for key in whole]),
        "part": json.dumps([[*_pair(key), theme] for key, theme in part.items()]),
        "start": bounds[0],
        "end": bounds[1],
        "k": first_k,
    }
    return in_period, list(_tickets(conn.execute(_OUTSIDE, query)))


def customers_first_seen(conn: sqlite3.Connection, customers: Iterable[str]) -> dict[str, datetime]:
    """When the store first saw each of these customers (their earliest visible ticket)."""
    # One pass over the tickets; SQLite returns min()'s own row for the bare created_at.
    query = (
        "SELECT customer_id, created_at, min(created_us) FROM tickets"
        " WHERE hidden = 0 AND customer_id IN (SELECT value FROM json_each(?))"
        " GROUP BY customer_id"
    )
    rows = conn.execute(query, (json.dumps(sorted(customers)),))
    return {customer: datetime.fromisoformat(created) for customer, created, _ in rows}


def _pair(key: str) -> tuple[str, str]:
    source, _, external_id = key.partition(":")
    return source, external_id


def _tickets(rows: Iterable[Any]) -> Iterator[Ticket]:
    """Tickets from rows of `_COLUMNS` (the other fields keep their empty defaults)."""
    parse = datetime.fromisoformat
    for source, ext, created, solved, customer, channel, assignee, first, sat, scale, lang in rows:
        yield Ticket(
            source,
            ext,
            parse(created),
            solved_at=parse(solved) if solved else None,
            customer_id=customer,
            channel=channel,
            assignee=assignee,
            first_response_at=parse(first) if first else None,
            satisfaction=sat,
            satisfaction_scale=scale,
            language=lang,
        )


def _micros(moment: datetime) -> int:
    """The store's `created_us`: whole microseconds since the epoch, as the store counts."""
    delta = moment - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
