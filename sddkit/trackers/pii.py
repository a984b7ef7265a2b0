"""Personal data and secrets in customer text, as ordered (pattern, replacement) rules.

`scrub` applies them in order: secrets before e-mail addresses (a token may hold an ``@``),
IBANs and card numbers before phone numbers (all are runs of digits), addresses before
postcodes. Each rule errs on the side of removing: a quote that loses a number still says
what broke; a quote that keeps an account number leaks it into a tracker many people read.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Rule = tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]

# A capitalised word (Latin with diacritics, Cyrillic incl. Serbian Ђ Ј Љ Њ Ћ Џ).
NAME = r"[A-ZÀ-ÖØ-ÞĀ-ŽЀ-ЯЁ][\w'’-]*"
_NAMES = rf"{NAME}(?:[ \t]+{NAME}){{0,2}}"

_SECRET_VALUE = r"[^\s,;]*[^\s,;.!?)\]]"
_SECRETS: list[Rule] = [
    # Bearer tokens and JWTs ("Authorization: Bearer eyJ…").
    (re.compile(r"(?i)\bbearer\s+[\w.~+/=-]{8,}"), "Bearer [secret]"),
    (re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*"), "[secret]"),
    # Vendor key formats: Stripe, GitHub, Slack, AWS access key ids.
    (re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}"), "[secret]"),
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,})"), "[secret]"),
    (re.compile(r"\bxox[abposr]-[\w-]{10,}"), "[secret]"),
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "[secret]"),
    # "password: hunter2", "lozinka je abc", "пароль: 123", "hasło=x", "api key: …".
    (
        re.compile(
            r"(?i)\b(password|passwd|pwd|passcode|pin|secret|token|api[ _-]?key|access[ _-]?key"
            r"|lozinka|šifra|sifra|лозинка|шифра|пароль|hasło|haslo)"
            rf"(\s*(?:[:=]|\bis\b|\bje\b|\bto\b|—|-)\s*){_SECRET_VALUE}"
        ),
        r"\1\2[secret]",
    ),
    # Any long run mixing letters and digits (AWS secret keys, API keys, commit-like hashes).
    (
        re.compile(
            r"(?<![\w/+=])(?=[A-Za-z0-9/+=_-]*\d)(?=[A-Za-z0-9/+=_-]*[A-Za-z])"
            r"[A-Za-z0-9/+=_-]{32,}(?![\w/+=])"
        ),
        "[secret]",
    ),
]

_EMAILS: list[Rule] = [
    (re.compile(r"(?i)\bmailto:"), ""),
    (re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # Written out to dodge filters: "ana.kovac (at) firma.rs", "ana [at] firma [dot] rs",
    # "ana at firma dot rs", "ana(at)firma(dot)rs".
    (
        re.compile(
            r"(?i)(?<![\w.+-])[\w.+-]+\s*[(\[{<]\s*(?:at|@|et|эт|собака|malpa|małpa)\s*[)\]}>]\s*"
            r"[\w-]+(?:\s*(?:\.|[(\[{<]\s*(?:dot|точка|tačka|kropka)\s*[)\]}>])\s*[\w-]+)+"
        ),
        "[email]",
    ),
    # Spelled out in full ("ana at firma dot rs"); "look at app.json" is left alone.
    (re.compile(r"(?i)(?<![\w.+-])[\w.+-]+\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)+"), "[email]"),
]

_FINANCE: list[Rule] = [
    # IBAN, compact or in groups of four: "RS35260005601001611379", "DE89 3704 0044 0532 0130 00".
    (
        re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b"),
        "[iban]",
    ),
    (
        re.compile(r"(?i)\b(cvv2?|cvc2?|csc|cid|security code|kod cvv|код)(\s*[:#=]?\s*)\d{3,4}\b"),
        r"\1\2[secret]",
    ),
    # Card numbers: 13–19 digits, optionally grouped by spaces or dashes.
    (re.compile(r"(?<![\w.])\d(?:[ -]?\d){12,18}(?![\w.]|\.\d)"), "[card]"),
]

_STREET_WORDS = (
    r"street|st\.?|avenue|ave\.?|road|rd\.?|boulevard|blvd\.?|lane|ln\.?|drive|dr\.?|"
    r"court|ct\.?|place|pl\.?|way|terrace|square|sq\.?"
)
_STREET_PREFIX = (
    # pl, sr (Latin and Cyrillic), ru
    r"ul\.|ulica|ulicy|al\.|aleja|alei|osiedle|plac|"
    r"bulevar|bul\.|trg|"
    r"улица|ул\.|булевар|бул\.|трг|"
    r"проспект|пр-т|переулок|пер\.|шоссе|площадь|набережная|наб\."
)
_HOUSE = r"\d+[a-zA-Zа-яА-Я]?(?:/\d+[a-zA-Z]?)?"
_FLAT = (
    r"(?:,?\s*(?:apt\.?|apartment|suite|flat|unit|m\.|lok\.|mieszkanie|stan|"
    rf"д\.|дом|кв\.|квартира|корп\.|стр\.|стан)\s*{_HOUSE})*"
)
_ADDRESS: list[Rule] = [
    # "221B Baker Street", "1600 Pennsylvania Avenue NW, Apt 4"
    (
        re.compile(
            rf"\b\d+[A-Za-z]?\s+(?:{NAME}\s+){{1,3}}(?i:{_STREET_WORDS})(?=\W|$)"
            rf"(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?{_FLAT}"
        ),
        "[address]",
    ),
    # "ul. Marszałkowska 10/12 m. 5", "Bulevar kralja Aleksandra 73", "ул. Ленина, д. 5, кв. 12"
    (
        re.compile(
            rf"\b(?i:{_STREET_PREFIX})\s*(?:[\w'’.-]+\s+){{0,3}}?[\w'’.-]+"
            rf",?\s*(?:д\.\s*|дом\s*|br\.\s*|бр\.\s*|nr\s*)?{_HOUSE}{_FLAT}"
        ),
        "[address]",
    ),
]
_POSTCODES: list[Rule] = [
    (re.compile(rf"\b\d{{2}}-\d{{3}}\s+{NAME}"), "[postcode]"),  # pl "00-950 Warszawa"
    (re.compile(rf"\b\d{{5}}\s+{NAME}"), "[postcode]"),  # sr/de "11000 Beograd"
    (re.compile(rf"\b\d{{6}}\s*,?\s*(?:г\.\s*)?{NAME}"), "[postcode]"),  # ru "123456, г. Москва"
    (
        re.compile(r"(?i:индекс|postcode|zip|kod pocztowy|poštanski broj)\s*:?\s*[\w-]{3,8}"),
        "[postcode]",
    ),
    (re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"), "[postcode]"),  # us "IL 62704"
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b"), "[postcode]"),  # uk "SW1A 1AA"
]

_PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().\-/]{5,}\d(?!\w|\.\d)")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2}[./]\d{1,2}[./]\d{2,4}$")


def _phone_or_keep(match: re.Match[str]) -> str:
    value = match.group(0)
    digits = sum(ch.isdigit() for ch in value)
    if digits < 7 or _DATE.match(value.strip()):
        return value
    return "[phone]"


RULES: list[Rule] = [
    *_SECRETS,
    *_EMAILS,
    *_FINANCE,
    *_ADDRESS,
    *_POSTCODES,
    (_PHONE, _phone_or_keep),
]


def scrub(text: str) -> str:
    """`text` with secrets, e-mail addresses, bank and card data, addresses and phones
    replaced by ``[secret]``, ``[email]``, ``[iban]``, ``[card]``, ``[address]``…"""
    for pattern, replacement in RULES:
        text = pattern.sub(replacement, text)
    return text
