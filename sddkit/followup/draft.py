"""Drafting each reply in the customer's language from `templates/followup/<language>.txt.j2`.

Serbian is answered in the script the customer wrote (`sr-Cyrl` or `sr-Latn`); a language
with no template gets the `fallback_language`'s. A team overrides or adds languages with a
folder of its own (`[followup] templates`), searched before the packaged one.

A template sees only the customer's own ticket (its subject, as they wrote it, and its id),
the fix date and the team's signature: nothing about any other customer can reach a reply.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import jinja2

from sddkit.followup.model import MARKER_PREFIX, Draft, Recipient, marker
from sddkit.followup.settings import FollowupSettings
from sddkit.serbian import to_cyrillic
from sddkit.templating import environment
from sddkit.tickets.model import Ticket

TEMPLATE = "followup/{language}.txt.j2"
SUBJECT_CHARS = 120

_MONTHS = {
    "en": "January February March April May June July August September October November December",
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października "
    "listopada grudnia",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "sr-Latn": "januara februara marta aprila maja juna jula avgusta septembra oktobra "
    "novembra decembra",
}
_DATES = {
    "en": "{day} {month} {year}",
    "pl": "{day} {month} {year}",
    "ru": "{day} {month} {year} г.",
    "sr-Latn": "{day}. {month} {year}.",
    "sr-Cyrl": "{day}. {month} {year}.",
}


class Drafter:
    """Renders drafts with one template environment (the team's folder first)."""

    def __init__(self, settings: FollowupSettings, template_dir: Path | None = None) -> None:
        self.settings = settings
        self.env = environment(template_dir or settings.templates)
        self._known: dict[str, bool] = {}

    def draft(self, recipient: Recipient) -> Draft:
        ticket = recipient.ticket
        language = self.language(ticket)
        context = {
            "subject": clean_subject(ticket),
            "ticket_id": ticket.external_id,
            "fixed_on": date_text(recipient.fix.fixed_at.date(), language),
            "fixed_at": recipient.fix.fixed_at,
            "signature": self.settings.signature,
            "language": language,
        }
        text = self.env.get_template(TEMPLATE.format(language=language)).render(context).strip()
        public = self.settings.public_for(ticket.source)
        mark = marker(recipient.fix.key, ticket.key)
        parts = [text, mark] if public else [_agent_line(recipient), text, mark]
        return Draft(recipient, language, text, "\n\n".join(parts), public, mark)

    def language(self, ticket: Ticket) -> str:
        """The template language for a ticket: its own, Serbian by script, else the
        fallback (English when the fallback has no template either)."""
        wanted = (ticket.language or "").lower()
        if wanted == "sr":
            wanted = "sr-Cyrl" if is_cyrillic(f"{ticket.subject} {ticket.body}") else "sr-Latn"
        for language in (wanted, self.settings.fallback_language, "en"):
            if language and self._has(language):
                return language
        return "en"

    def _has(self, language: str) -> bool:
        if language not in self._known:
            try:
                self.env.get_template(TEMPLATE.format(language=language))
                self._known[language] = True
            except jinja2.TemplateNotFound:
                self._known[language] = False
        return self._known[language]


def _agent_line(recipient: Recipient) -> str:
    fix = recipient.fix
    issues = ", ".join(fix.issue_keys)
    return (
        f"[sddkit] Follow-up draft: the fix {fix.ref} ({fix.fixed_at:%Y-%m-%d}) closed {issues}, "
        "which this ticket fed. Send it to the customer as a reply if it fits."
    )


def is_cyrillic(text: str) -> bool:
    """More Cyrillic letters than Latin ones."""
    cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return cyrillic > latin


def date_text(day: date, language: str) -> str:
    """`5 October 2026`, `5 października 2026`, `5 октября 2026 г.`, `5. oktobra 2026.`;
    ISO for a language without month names here (a template may format `fixed_at` itself)."""
    base = "sr-Latn" if language == "sr-Cyrl" else language
    if base not in _MONTHS:
        return day.isoformat()
    month = _MONTHS[base].split()[day.month - 1]
    if language == "sr-Cyrl":
        month = to_cyrillic(month)
    return _DATES[language].format(day=day.day, month=month, year=day.year)


def clean_subject(ticket: Ticket) -> str:
    """The customer's own words for the subject, made safe to quote: one line, no control or
    format characters, nothing that looks like our marker, at most `SUBJECT_CHARS`. Empty
    subject: the start of their first message."""
    for candidate in (ticket.subject, ticket.body):
        text = _one_line(candidate)
        if text:
            if len(text) > SUBJECT_CHARS:
                text = text[: SUBJECT_CHARS - 1].rstrip() + "…"
            return text
    return ""


def _one_line(text: str) -> str:
    kept = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)
    kept = re.sub(re.escape(MARKER_PREFIX), "", kept, flags=re.IGNORECASE)
    return " ".join(kept.split())
