"""Writing the drafts, each exactly once, however often the run is repeated or killed.

For each draft: skip it if the ledger has it as told; else note it `pending` (committed), ask
the helpdesk whether the ticket already carries its marker (a run killed between the write
and the ledger's update, or a store that is not the one that wrote it), and only then write
and mark it `written`. A write the helpdesk refuses for this ticket (closed, unknown) is
reported and the others go on; it stays pending, so the next run tries it again. A write is
never retried after a failure that may have reached the
helpdesk (a 5xx, a dropped connection): the run stops, and the next run's marker check
decides.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sddkit.followup import ledger
from sddkit.followup.helpdesks import Helpdesk, Pacer, Refused
from sddkit.followup.model import Draft

REFUSED = "refused"


@dataclass
class Applied:
    written: list[Draft] = field(default_factory=list)
    found: list[Draft] = field(default_factory=list)  # already on the ticket: recorded only
    refused: list[tuple[Draft, str]] = field(default_factory=list)  # (draft, the helpdesk's why)
    already: int = 0  # the ledger had them as told


def apply(
    conn: sqlite3.Connection,
    drafts: Iterable[Draft],
    helpdesks: Mapping[str, Helpdesk],
    pacers: Mapping[str, Pacer],
    *,
    clock: Callable[[], datetime],
    progress: Callable[[str, Draft], None] | None = None,
) -> Applied:
    """Write every draft through the helpdesk of its ticket's source (`helpdesks` must hold
    them all), pacing each helpdesk's requests with its pacer."""
    ledger.ensure_schema(conn)
    result = Applied()
    for draft in drafts:
        if ledger.state_of(conn, draft) in (ledger.WRITTEN, ledger.FOUND):
            result.already += 1
            continue
        desk, pacer = helpdesks[draft.helpdesk], pacers[draft.helpdesk]
        ledger.start(conn, draft, clock())
        external_id = draft.recipient.ticket.external_id
        pacer.take()
        if desk.has_marker(external_id, draft.marker):
            ledger.finish(conn, draft, ledger.FOUND, None, clock())
            result.found.append(draft)
            if progress:
                progress(ledger.FOUND, draft)
            continue
        pacer.take(desk.write_cost)
        customer = draft.recipient.ticket.customer_id
        try:
            note_id = desk.write(external_id, draft.body, public=draft.public, customer=customer)
        except Refused as problem:  # stays pending: the next run checks and tries again
            result.refused.append((draft, str(problem)))
            if progress:
                progress(REFUSED, draft)
            continue
        ledger.finish(conn, draft, ledger.WRITTEN, note_id or None, clock())
        result.written.append(draft)
        if progress:
            progress(ledger.WRITTEN, draft)
    return result
