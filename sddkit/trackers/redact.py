"""Customer quotes for issues: trimmed, with the customer's identity taken out.

Issues are read by many more people than tickets, often in public repositories, so a quote
keeps the complaint and drops who made it: e-mail addresses, phone numbers, secrets in URLs,
the name after a greeting ("Hi Ana,") and the signature block ("Thanks,\\nJohn"). Known
identity fields of the ticket (customer id, organization, author) are removed too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MAX_QUOTE = 200

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL = re.compile(
    r"\b(https?)://(?:[^\s/@]+@)?([^\s/?#]+?)([^\s?#]*?)(?:[?#]\S*?)?(?=[.,;:!?)]*(?:\s|$))",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().\-/]{5,}\d(?!\w|\.\d)")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}[./]\d{1,2}[./]\d{2,4}$")
_GREETINGS = (
    r"hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|guten tag|liebe[rs]?|"
    r"sehr geehrte[rs]?|bonjour|hola|buenos días|ciao|cześć|dzień dobry|witam|zdravo|"
    r"poštovani|poštovana|dobar dan|здравствуйте|привет|добрый день|здраво|поштовани"
)
_GREETING = re.compile(
    rf"^\s*(?:{_GREETINGS})\b(?:(?:[ \t,]+[^\s,!:.]+){{0,3}}[ \t]*[,!:.]"
    rf"|(?:[ \t,]+[^\s,!:.]+){{0,3}}[ \t]*(?:\n|$))",
    re.IGNORECASE,
)
_CLOSINGS = (
    r"thanks|thank you|thx|regards|best regards|kind regards|best|cheers|sincerely|"
    r"danke|viele grüße|mit freundlichen grüßen|grüße|lg|merci|cordialement|saludos|gracias|"
    r"dziękuję|pozdrawiam|pozdrowienia|hvala|pozdrav|srdačan pozdrav|lp|"
    r"спасибо|с уважением|хвала|поздрав"
)
_NAME = r"[A-ZÀ-ÞĀ-ŽА-ЯЁ][\w.'-]*"
_SIGNATURE = re.compile(
    rf"(?:^|\n)[ \t]*(?:--[ \t]*\n|(?i:sent from my) \w+"
    rf"|(?i:{_CLOSINGS})[,!.]?(?:[ \t]+{_NAME}){{0,3}}[ \t]*(?:\n|$))",
    re.MULTILINE,
)


def redact(text: str, identities: Iterable[str | None] = ()) -> str:
    """`text` with identifying details replaced or removed; whitespace collapsed."""
    text = _strip_signature(text)
    text = _GREETING.sub("", text, count=1)
    text = _EMAIL.sub("[email]", text)
    text = _URL.sub(_url_without_secrets, text)
    text = _PHONE.sub(_phone_or_keep, text)
    for identity in sorted({i for i in identities if i and len(i) > 2}, key=len, reverse=True):
        text = re.sub(re.escape(identity), "[customer]", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def quote(text: str, identities: Iterable[str | None] = (), limit: int = MAX_QUOTE) -> str:
    """A redacted excerpt of at most `limit` characters, cut at a word boundary."""
    return trim(redact(text, identities), limit)


def trim(text: str, limit: int = MAX_QUOTE) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def _strip_signature(text: str) -> str:
    """Drop everything from a closing ("Thanks,", "--", "Sent from my…") near the end."""
    match = None
    for candidate in _SIGNATURE.finditer(text):
        if len(text) - candidate.start() <= 200 and candidate.start() > 0:
            match = candidate
            break
    return text[: match.start()] if match else text


def _url_without_secrets(match: re.Match[str]) -> str:
    """Keep scheme, host and path (they say which page broke); drop user info and query."""
    scheme, host, path = match.group(1), match.group(2), match.group(3)
    if re.search(r"[A-Za-z0-9_-]{24,}", path):  # a token in the path (reset links, invites)
        path = re.sub(r"[A-Za-z0-9_-]{24,}", "[token]", path)
    return f"{scheme}://{host}{path}"


def _phone_or_keep(match: re.Match[str]) -> str:
    value = match.group(0)
    digits = sum(ch.isdigit() for ch in value)
    if digits < 7 or _DATE.match(value.strip()):
        return value
    return "[phone]"
