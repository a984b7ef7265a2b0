"""Writing follow-ups to a helpdesk: one small interface, one module per vendor.

Each vendor module builds its writer from the same ``SDDKIT_<HELPDESK>_*`` variables as
`sddkit tickets pull` (reusing that module's client: retries, rate-limit waits, errors that
hold no secret) and says how fast its API may be written to (`PER_MINUTE`, from the vendor's
documented limits; `[followup.<helpdesk>] per_minute` overrides it).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Protocol

from sddkit.errors import SddkitError
from sddkit.tickets.pull.http import HttpClient, Response

# Answers that mean "not done, and asking again will not help" for one ticket (a closed or
# unknown ticket, a body refused); other errors (credentials, 5xx) stop the whole run.
REFUSALS = (400, 404, 409, 422)


class Refused(SddkitError):
    """The helpdesk refused this one write; the message is one line and holds no secret."""


def refused(vendor: str, external_id: str, response: Response) -> Refused | None:
    """A `Refused` for a refusal status, else None."""
    if response.status not in REFUSALS:
        return None
    detail = ""
    data = response.data
    if isinstance(data, Mapping):
        found = data.get("description") or data.get("message") or data.get("error")
        detail = f": {' '.join(str(found).split())[:200]}" if found else ""
    return Refused(f"{vendor}: ticket {external_id}: HTTP {response.status}{detail}")


def send(
    client: HttpClient, method: str, path: str, payload: object, vendor: str, external_id: str
) -> Response:
    """One write: never retried after a 5xx or a dropped connection (it may have landed; the
    ledger and the note's marker decide), a refusal raised as `Refused`."""
    response = client.request(method, path, body=payload, allow=REFUSALS, retry_failures=False)
    problem = refused(vendor, external_id, response)
    if problem is not None:
        raise problem
    return response


class Helpdesk(Protocol):
    name: str  # the ticket source it writes to ("zendesk")
    write_cost: int  # how many requests a write counts as against the vendor's limit

    def has_marker(self, external_id: str, marker: str) -> bool:
        """Whether a note or reply by an agent on the ticket already carries `marker`."""
        ...

    def write(self, external_id: str, body: str, *, public: bool, customer: str | None) -> str:
        """Add `body` to the ticket: an internal note, or a public reply to `customer` (their
        id as the helpdesk gave it). Returns the new note's id ("" when not told); raises
        `Refused` when the helpdesk refuses this ticket's write."""
        ...


@dataclass
class Pacer:
    """Spaces requests so that no more than `per_minute` go out in any minute."""

    per_minute: float
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    waited_s: float = field(default=0.0, init=False)
    _next: float = field(default=float("-inf"), init=False)

    def take(self, requests: int = 1) -> None:
        now = self.clock()
        if self._next > now:
            self.waited_s += self._next - now
            self.sleep(self._next - now)
            now = self._next
        self._next = now + requests * 60.0 / self.per_minute


FromEnv = Callable[[Mapping[str, str]], Helpdesk]


def writers() -> dict[str, tuple[FromEnv, float]]:
    """helpdesk -> (its writer from the environment, its default requests per minute)."""
    from sddkit.followup.helpdesks import freshdesk, helpscout, intercom, zendesk

    return {
        module.NAME: (module.from_env, module.PER_MINUTE)
        for module in (zendesk, freshdesk, helpscout, intercom)
    }


WRITABLE = ("zendesk", "freshdesk", "helpscout", "intercom")  # the keys of writers()


def open_helpdesks(
    names: Iterable[str], env: Mapping[str, str], per_minute: Callable[[str], float | None]
) -> tuple[dict[str, Helpdesk], dict[str, Pacer]]:
    """A writer and a pacer for each helpdesk named, all built before anything is written
    (missing credentials stop the run first); `per_minute` gives a helpdesk's configured pace
    (None: its documented default)."""
    known = writers()
    desks = {name: known[name][0](env) for name in names}
    pacers = {name: Pacer(per_minute(name) or known[name][1]) for name in desks}
    return desks, pacers


def as_html(text: str) -> str:
    """Plain text as HTML for the vendors whose notes are HTML: escaped (customer words are
    quoted in it), paragraphs and line breaks kept."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
