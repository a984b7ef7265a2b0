"""Sentences many tickets share that say nothing of what each ticket is about.

Tickets carry context that is not their subject: "This started after the last update.",
"I'm on the latest version of the app.", "I already wrote about this last week.", a web
form's "Plan: Pro.", "Заранее спасибо". Read with the rest, such a sentence makes tickets
about different things each other's neighbours, as greetings and generic subject lines did
(CLINC150 test with one of six such sentences on half of its queries: NMI 0.879 → 0.589).

The rule is the one subject lines follow (`corpus.Corpus.drop_lines_about_nothing`), judged
by the tickets: a sentence at least `MIN_TICKETS` tickets repeat, whose other sentences, as
a group, share no content word the way a theme's members must (`coherence`), names no
subject of its own and is not read. What a ticket says besides is read from its sentences
few tickets repeat: a ticket whose other sentences are all common ones (a form's template,
a sign-off, or the subject itself written the same way by many: "CSV export fails. Please
help.") is no evidence either way and is not counted, so a subject sentence many tickets
share is never judged by the filler around it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sddkit.themes.coherence import content_stems, top_word_share

MIN_TICKETS = 10  # tickets a sentence must be in before it is judged
MIN_WORD_SHARE = 0.3  # as a theme's members (`cluster.ClusterSettings.min_word_share`)

_BOUNDARY = re.compile(r"(?<=[.!?…;。！？])\s+|\s*\n+\s*")


def sentences_of(text: str) -> list[str]:
    """The sentences of a text as written: split at line breaks and after . ! ? … ;"""
    return [part for part in _BOUNDARY.split(text) if part.strip()]


@dataclass(frozen=True)
class Sentence:
    """One sentence of a ticket as written, and its key: the sentence cleaned (`clean_text`),
    so that case, numbers and punctuation do not tell two copies apart."""

    raw: str
    key: str


def sentences_about_nothing(rows: Sequence[Sequence[Sentence]]) -> set[str]:
    """The keys of the sentences that are context, not subject (see the module docstring).
    `rows`: each ticket's sentences."""
    rows_of: dict[str, list[int]] = {}
    for row, sentences in enumerate(rows):
        for key in {s.key for s in sentences if s.key}:
            rows_of.setdefault(key, []).append(row)
    rare = {key for key, holders in rows_of.items() if len(holders) < MIN_TICKETS}
    found: set[str] = set()
    for key, holders in rows_of.items():
        if len(holders) < MIN_TICKETS:
            continue
        rests = [" ".join(s.key for s in rows[row] if s.key in rare) for row in holders]
        rests = [rest for rest in rests if content_stems(rest)]
        if len(rests) >= MIN_TICKETS and top_word_share(rests) < MIN_WORD_SHARE:
            found.add(key)
    return found


def without(text: str, sentences: Sequence[Sentence], keys: set[str]) -> str:
    """`text` with the sentences whose key is in `keys` taken out (each where it was)."""
    for sentence in sentences:
        if sentence.key in keys:
            text = text.replace(sentence.raw, " ", 1)
    return text
