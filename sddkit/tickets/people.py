"""People and organisations behind the numeric ids some helpdesks export.

Zendesk JSON carries ``assignee_id``, ``requester_id`` and ``organization_id``; with
``include=users,organizations`` the same document has top-level ``users`` ([{id, name, email,
role}]) and ``organizations`` ([{id, name}]) arrays, often *after* the ``tickets`` array.
Freshdesk gives ``responder_id``/``company_id`` and lists agents (``/api/v2/agents``: [{id,
contact: {name, email}}]) and companies (``/api/v2/companies``: [{id, name}]) separately;
Intercom lists teammates at ``/admins`` ({"admins": [{id, name, email}]}).

Tickets are stored with the ids as exported (the content hash covers the export, so an
unchanged ticket stays unchanged); at the end of each file, inside the import's transaction,
`resolve_people` stores the file's people per source (table ``ticket_people``) and replaces
every id known for the source by the person's e-mail (or name) and the organisation's name.
An id nothing resolves is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sddkit.errors import InputError
from sddkit.tickets.reading import SIDELOAD_PATHS, JsonStream, container_of, open_export, records

PERSON, ORGANIZATION = "person", "organization"
# Where sideloads sit in a ticket export (path of the array -> what its elements are).
SIDELOADS: dict[tuple[str, ...], str] = dict(
    zip(SIDELOAD_PATHS, (PERSON, ORGANIZATION), strict=True)
)
_LISTS: dict[tuple[str, ...], str] = {**SIDELOADS, ("admins",): PERSON, ("agents",): PERSON}


@dataclass
class People:
    """Ids (as strings) -> e-mail or name of a person, and -> name of an organisation."""

    persons: dict[str, str] = field(default_factory=dict)
    organizations: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.persons or self.organizations)

    def add(self, kind: str, record: Mapping[str, Any]) -> bool:
        """Add one user/agent/admin/organisation record; False when it names nobody."""
        key = record.get("id")
        if isinstance(key, bool) or not isinstance(key, (int, str)) or key == "":
            return False
        contact = record.get("contact")
        if kind == PERSON and isinstance(contact, Mapping):  # Freshdesk agent
            record = contact
        value = record.get("email") if kind == PERSON else None
        value = value or record.get("name")
        if not isinstance(value, str) or not value.strip():
            return False
        target = self.persons if kind == PERSON else self.organizations
        target[str(key)] = value.strip()
        return True

    def update(self, other: People) -> None:
        self.persons.update(other.persons)
        self.organizations.update(other.organizations)


def load_people(path: Path) -> People:
    """Read a people file: a Zendesk users/organizations export (``{"users": [...]}``,
    ``{"organizations": [...]}``, or both), Intercom ``{"admins": [...]}``, a Freshdesk
    agents or companies list (top-level array), or a CSV with ``id``, ``name``, ``email``
    columns (``email`` empty for an organisation). Streams like a ticket export."""
    people = People()
    with open_export(path) as export:
        container = container_of(export)
        if container == "json":
            stream = JsonStream(export.text, path).records(tuple(_LISTS))
            items = ((_LISTS.get(p), record) for p, record in stream)
        else:
            items = ((None, record) for _, record in records(export, container))
        for kind, (line, data) in items:
            _add_line(people, path, kind, line, data)
    if not people:
        raise InputError(path, "no users, organizations, agents, admins or id,name,email rows")
    return people


def _add_line(people: People, path: Path, kind: str | None, line: int, data: Any) -> None:
    if "__error__" in data:
        raise InputError(path, str(data["__error__"]), line)
    if kind is None:  # a top-level array or CSV: agents have a contact or an e-mail
        has_email = isinstance(data.get("contact"), Mapping) or bool(data.get("email"))
        kind = PERSON if has_email else ORGANIZATION
    if data.get("id") in (None, ""):
        raise InputError(path, "missing", line, "id")
    if not people.add(kind, data):
        raise InputError(path, "neither an e-mail nor a name", line, "name")


def resolve_people(conn: Any, sources: Iterable[str], people: People) -> None:
    """Remember `people` for `sources`, then replace every id the store knows for those
    sources in their stored tickets (assignee and customer by the person's e-mail or name,
    organisation by its name). Remembered people make the outcome independent of the order
    of the imports: a newer version of a ticket from a file without sideloads is resolved by
    the people an earlier (or older) file brought. Runs in the caller's transaction."""
    sources = sorted(set(sources))
    if not sources:
        return
    conn.executemany(
        "INSERT INTO ticket_people (source, kind, id, value) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (source, kind, id) DO UPDATE SET value = excluded.value",
        [
            (source, kind, key, value)
            for source in sources
            for kind, known in ((PERSON, people.persons), (ORGANIZATION, people.organizations))
            for key, value in known.items()
        ],
    )
    marks = ",".join("?" * len(sources))
    if not conn.execute(
        f"SELECT 1 FROM ticket_people WHERE source IN ({marks})", sources
    ).fetchone():
        return
    for column, kind in (
        ("assignee", PERSON),
        ("customer_id", PERSON),
        ("organization", ORGANIZATION),
    ):
        lookup = (
            "SELECT value FROM ticket_people AS p WHERE p.source = tickets.source"
            f" AND p.kind = '{kind}' AND p.id = tickets.{column}"
        )
        conn.execute(
            f"UPDATE tickets SET {column} = ({lookup})"
            f" WHERE source IN ({marks}) AND EXISTS ({lookup})",
            sources,
        )
