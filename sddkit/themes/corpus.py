"""The tickets in scope as compact columns: cleaned text plus what the figures need.

Built in one pass over `iter_tickets`, so raw bodies and messages are not kept in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from sddkit.themes.clean import clean_text, detect_language, plain_text
from sddkit.themes.families import technical_tokens
from sddkit.themes.figures import satisfaction_score
from sddkit.themes.label import says_nothing, title_line
from sddkit.themes.space import Texts
from sddkit.tickets.model import Ticket


@dataclass
class Corpus:
    keys: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    created: list[datetime] = field(default_factory=list)
    customers: list[str | None] = field(default_factory=list)
    organizations: list[str | None] = field(default_factory=list)
    channels: list[str | None] = field(default_factory=list)
    satisfaction: list[float | None] = field(default_factory=list)
    languages: list[str | None] = field(default_factory=list)
    tags: list[tuple[str, ...]] = field(default_factory=list)
    tokens: list[tuple[str, ...]] = field(default_factory=list)  # see families.technical_tokens
    subjects: list[str] = field(default_factory=list)  # label.title_line: "" when unusable
    plain: list[str] = field(default_factory=list)  # clean.plain_text, for the encoder

    @classmethod
    def from_tickets(cls, tickets: Iterable[Ticket]) -> Corpus:
        corpus = cls()
        for ticket in tickets:
            corpus.add(ticket)
        return corpus

    def add(self, ticket: Ticket) -> None:
        # A subject line that says nothing ("Help", "Support request") is left out: shared by
        # tickets about anything, it made them neighbours.
        subject = "" if says_nothing(ticket.subject) else ticket.subject
        text = f"{subject}\n{ticket.body}".strip()
        language = ticket.language.split("-")[0].lower() if ticket.language else None
        if language is None:  # the importer detects it; a ticket stored without one
            detected = detect_language(text)
            language = None if detected == "und" else detected
        self.keys.append(ticket.key)
        self.texts.append(clean_text(text, language))
        self.plain.append(plain_text(text, language))
        self.created.append(ticket.created_at)
        self.customers.append(ticket.customer_id)
        self.organizations.append(ticket.organization)
        self.channels.append(ticket.channel)
        self.satisfaction.append(satisfaction_score(ticket.satisfaction, ticket.satisfaction_scale))
        self.languages.append(language)
        self.tags.append(ticket.tags)
        self.tokens.append(technical_tokens(text))
        self.subjects.append(title_line(subject, ticket.body))

    def space_texts(self, rows: Sequence[int] | NDArray[np.int64] | None = None) -> Texts:
        """What the vector space reads of the rows (all rows by default)."""
        texts = Texts(self.texts, self.plain, self.languages)
        return texts if rows is None else texts.pick(rows)

    def __len__(self) -> int:
        return len(self.keys)

    def index(self) -> dict[str, int]:
        return {key: i for i, key in enumerate(self.keys)}
