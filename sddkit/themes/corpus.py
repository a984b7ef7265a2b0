"""The tickets in scope as compact columns: cleaned text plus what the figures need.

Built in one pass over `iter_tickets`, so raw bodies and messages are not kept in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from sddkit.themes.auto_reply import is_auto_reply
from sddkit.themes.clean import clean_text, detect_language, plain_text
from sddkit.themes.coherence import top_word_share
from sddkit.themes.families import technical_tokens
from sddkit.themes.figures import satisfaction_score
from sddkit.themes.label import says_nothing, title_line
from sddkit.themes.shared_sentences import (
    Sentence,
    sentences_about_nothing,
    sentences_of,
    without,
)
from sddkit.themes.space import Texts
from sddkit.tickets.model import Ticket

MIN_LINE_TICKETS = 10  # tickets a subject line must head before its bodies are judged
MIN_LINE_WORD_SHARE = 0.3  # as a theme's members (`cluster.ClusterSettings.min_word_share`)


@dataclass(frozen=True)
class _Unheaded:
    """What a row reads without its subject line."""

    texts: str
    plain: str
    tokens: tuple[str, ...]
    subject: str


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
    # Rows read with a subject line: the line (cleaned) and what the row reads without it.
    _headed: dict[int, tuple[str, _Unheaded]] = field(default_factory=dict, repr=False)
    # Rows of two sentences or more: the subject line read (as written and cleaned), the
    # body and its sentences.
    _bodies: dict[int, tuple[str, str, str, list[Sentence]]] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def from_tickets(cls, tickets: Iterable[Ticket]) -> Corpus:
        corpus = cls()
        for ticket in tickets:
            if not is_auto_reply(ticket.subject, ticket.body):
                corpus.add(ticket)
        corpus.drop_shared_sentences()
        corpus.drop_lines_about_nothing()
        return corpus

    def add(self, ticket: Ticket) -> None:
        # A subject line that says nothing ("Help", "Support request") is left out: shared by
        # tickets about anything, it made them neighbours. So is one cleaning leaves nothing
        # of: a sign-off ("Thank you!") as the first line cut the whole body as a signature.
        subject = "" if says_nothing(ticket.subject) else ticket.subject
        text = f"{subject}\n{ticket.body}".strip()
        language = ticket.language.split("-")[0].lower() if ticket.language else None
        if language is None:  # the importer detects it; a ticket stored without one
            detected = detect_language(text)
            language = None if detected == "und" else detected
        line = clean_text(subject, language) if subject else ""
        if not line:
            subject = ""
        self.keys.append(ticket.key)
        self.created.append(ticket.created_at)
        self.customers.append(ticket.customer_id)
        self.organizations.append(ticket.organization)
        self.channels.append(ticket.channel)
        self.satisfaction.append(satisfaction_score(ticket.satisfaction, ticket.satisfaction_scale))
        self.languages.append(language)
        self.tags.append(ticket.tags)
        self.texts.append("")
        self.plain.append("")
        self.tokens.append(())
        self.subjects.append("")
        row = len(self.keys) - 1
        self._read(row, subject, line, ticket.body)
        said = sentences_of(ticket.body)
        if len(said) + bool(line) < 2:  # one sentence in all: nothing else to judge it by
            return
        sentences = [Sentence(raw, clean_text(raw, language)) for raw in said]
        if sum(1 for s in sentences if s.key) + bool(line) > 1:
            self._bodies[row] = (subject, line, ticket.body, sentences)

    def _read(self, row: int, subject: str, line: str, body: str) -> None:
        """Fill in what `row` reads of its subject line (`line`: the line cleaned) and body."""
        language = self.languages[row]
        text = f"{subject}\n{body}".strip()
        self.texts[row] = clean_text(text, language)
        self.plain[row] = plain_text(text, language)
        self.tokens[row] = technical_tokens(text)
        self.subjects[row] = title_line(subject, body)
        self._headed.pop(row, None)
        if line:
            self._headed[row] = (
                line,
                _Unheaded(clean_text(body, language), plain_text(body, language),
                          technical_tokens(body), title_line("", body)),
            )  # fmt: skip

    def drop_shared_sentences(self) -> None:
        """Read without them the sentences many tickets share that name no subject of their
        own (`shared_sentences`): context such as "This started after the last update."."""
        rows = list(self._bodies)
        # A subject line is part of what a ticket says (its body may be one sentence of
        # context), but only a body's sentences are judged: lines are judged below.
        context = sentences_about_nothing(
            [[Sentence(subject, line), *said] for subject, line, _, said in self._bodies.values()]
        )
        if context:
            for row in rows:
                subject, line, body, sentences = self._bodies[row]
                if any(s.key in context for s in sentences):
                    self._read(row, subject, line, without(body, sentences, context))
        self._bodies.clear()

    def drop_lines_about_nothing(self) -> None:
        """Read without their subject line the rows whose line heads at least
        `MIN_LINE_TICKETS` tickets that, as a group, are about nothing: their bodies share
        no content word the way a theme's members must (`coherence`). Such a line ("Issue
        with my account" from a web form) names no subject of its own, whatever its words;
        a line customers give one subject ("Dashboard very slow") heads bodies about it."""
        rows_of: dict[str, list[int]] = {}
        for row, (line, _) in self._headed.items():
            rows_of.setdefault(line, []).append(row)
        for rows in rows_of.values():
            if len(rows) < MIN_LINE_TICKETS:
                continue
            bodies = [self._headed[row][1].texts for row in rows]
            if top_word_share(bodies) >= MIN_LINE_WORD_SHARE:
                continue
            for row in rows:
                unheaded = self._headed.pop(row)[1]
                self.texts[row], self.plain[row] = unheaded.texts, unheaded.plain
                self.tokens[row], self.subjects[row] = unheaded.tokens, unheaded.subject
        self._headed.clear()

    def space_texts(self, rows: Sequence[int] | NDArray[np.int64] | None = None) -> Texts:
        """What the vector space reads of the rows (all rows by default)."""
        texts = Texts(self.texts, self.plain, self.languages)
        return texts if rows is None else texts.pick(rows)

    def __len__(self) -> int:
        return len(self.keys)

    def index(self) -> dict[str, int]:
        return {key: i for i, key in enumerate(self.keys)}
