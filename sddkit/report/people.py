"""Who is who: helpdesk assignees (emails or names) mapped to the people in the config."""

from __future__ import annotations

from collections.abc import Iterable

from sddkit.rotation.model import Person


class People:
    """Looks assignees up by email or name, case-insensitively.

    An assignee that matches nobody in the config is kept as written, so the report still
    says who answered (a helpdesk agent outside the rotation, say).
    """

    def __init__(self, people: Iterable[Person] = ()) -> None:
        self.people = list(people)
        self._by_alias: dict[str, Person] = {}
        self._names: dict[str, str | None] = {}
        for person in self.people:
            self._by_alias[person.email.strip().lower()] = person
            self._by_alias[person.name.strip().lower()] = person

    def person(self, assignee: str | None) -> Person | None:
        if not assignee:
            return None
        return self._by_alias.get(assignee.strip().lower())

    def name(self, assignee: str | None) -> str | None:
        """The person's name for a known assignee, the assignee itself otherwise."""
        if not assignee:
            return None
        if assignee not in self._names:  # a report asks about the same few people often
            person = self.person(assignee)
            self._names[assignee] = (person.name if person else assignee.strip()) or None
        return self._names[assignee]
