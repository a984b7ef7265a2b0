"""Personal data and secrets in customer text, as ordered (pattern, replacement) rules.

`scrub` applies them in order: secrets before e-mail addresses (a token may hold an ``@``),
dates of birth and ID numbers (passport, PESEL, JMBG, INN, SNILS…) before IBANs and card
numbers, and those before phone numbers (all are runs of digits), addresses before
postcodes. Each rule errs on the side of removing: a quote that loses a number still says
what broke; a quote that keeps an account number leaks it into a tracker many people read.
Words and formats come from every language sddkit serves: en, de, pl, sr (Latin and
Cyrillic), ru, uk. Names are `sddkit.names`'s.
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
    # A PEM private key, to its END line (or to the end of a cut-off text).
    (
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----.*?"
            r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|\Z)",
            re.DOTALL,
        ),
        "[secret]",
    ),
    # Bearer tokens and JWTs ("Authorization: Bearer eyJ…").
    (re.compile(r"(?i)\bbearer\s+[\w.~+/=-]{8,}"), "Bearer [secret]"),
    (re.compile(r"\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*"), "[secret]"),
    # Vendor key formats: Stripe, GitHub, Slack, AWS access key ids.
    (re.compile(r"(?<![A-Za-z0-9])(?:sk|rk|pk|whsec)_(?:live|test)_\w{4,}"), "[secret]"),
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,})"), "[secret]"),
    (re.compile(r"(?<![A-Za-z0-9])xox[a-z]-[\w-]{6,}"), "[secret]"),  # Slack
    (re.compile(r"(?<![\w-])AIza[\w-]{20,}"), "[secret]"),  # Google API keys
    (re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"), "[secret]"),
    # "password: hunter2", "lozinka je abc", "пароль: 123", "hasło=x", "api key: …".
    (
        re.compile(
            r"(?i)\b(password|passwd|pwd|passcode|pin|secret|token|api[ _-]?key|access[ _-]?key"
            r"|lozinka|lozinku|šifra|sifra|лозинка|лозинку|шифра|пароль|пароля|гасло"
            r"|hasło|haslo|hasła|passwort|kennwort|zugangscode|pin-code|pin-kod|пін-код)"
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

_AT_WORDS = r"at|@|et|ет|эт|собака|собачка|равлик|malpa|małpa|majmunče|мајмунче|affe|klammeraffe"
_DOT_WORDS = r"dot|точка|крапка|tačka|tacka|тачка|kropka|punkt|tocka|točka"
_FILES = r"json|txt|csv|log|pdf|png|jpe?g|gif|xml|ya?ml|html?|js|ts|py|zip|exe|md|docx?|xlsx?"
_EMAILS: list[Rule] = [
    (re.compile(r"(?i)\bmailto:"), ""),
    # "@" as full-width or small forms, or with spaces around it: "ana.kovac @ gmail.com".
    (
        re.compile(r"(?<![\w.+-])[\w.+-]+[ \t]*[@＠﹫][ \t]*[\w-]+(?:[ \t]*\.[ \t]*[\w-]+)+"),
        "[email]",
    ),
    # Written out to dodge filters: "ana.kovac (at) firma.rs", "ana [at] firma [dot] rs",
    # "ana at firma dot rs", "ana(at)firma(dot)rs".
    (
        re.compile(
            r"(?i)(?<![\w.+-])[\w.+-]+\s*[(\[{<]\s*(?:at|@|et|эт|собака|malpa|małpa)\s*[)\]}>]\s*"
            r"[\w-]+(?:\s*(?:\.|[(\[{<]\s*(?:dot|точка|tačka|kropka)\s*[)\]}>])\s*[\w-]+)+"
        ),
        "[email]",
    ),
    # Spelled out in full ("ana at firma dot rs", "ana małpa firma kropka pl", "ивановa
    # собака mail точка ru"); "look at app.json" is left alone.
    (
        re.compile(
            rf"(?i)(?<![\w.+-])[\w.+-]+(?:\s+(?:{_AT_WORDS})\s+|\s*[@＠﹫]\s*"
            rf"|\s*[(\[{{<]\s*(?:{_AT_WORDS})\s*[)\]}}>]\s*)[\w-]+"
            rf"(?:\s+(?:{_DOT_WORDS})\s+[\w-]+)+"
        ),
        "[email]",
    ),
    # An at-word with a dotted domain that is neither a file nor a link's host:
    # "ana małpa firma.pl", "ana.kovac at gmail.com" ("look at app.json/x" stays).
    (
        re.compile(
            rf"(?i)(?<![\w.+-])[\w.+-]+\s+(?:{_AT_WORDS})\s+[\w-]+(?:(?:\.| \. )[\w-]+)*"
            rf"(?:\.| \. )(?!(?:{_FILES})\b)[a-z]{{2,6}}\b(?![/\w-]|\.\w)"
        ),
        "[email]",
    ),
]

# Dates of birth: a date (any common format, month names in any of our languages) after a
# birth word; and any full date with a year before 2011 (no ticket is about such a date).
_BIRTH_WORDS = (
    r"born|birth|date of birth|birthday|birthdate|dob|d\.o\.b\.?|geboren|geb\.|geburtsdatum"
    r"|geburtstag|urodzony|urodzona|urodzin|data urodzenia|ur\.|rođen|rođena|rodjen|rodjena"
    r"|datum rođenja|datum rodjenja|рођен|рођена|датум рођења|родился|родилась|рождения"
    r"|дата рождения|д\.\s?р\.|г\.\s?р\.|народився|народилася|народження|дата народження"
)
_NUMERIC_DATE = (
    r"\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{2,4}\.?|\d{4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{1,2}"
    r"|\d{1,2}\s\d{1,2}\s\d{4}"
)
_WORDY_DATE = (
    r"\d{1,2}(?:st|nd|rd|th|\.)?\s+(?:of\s+)?[^\W\d_]{3,12}\.?,?\s+\d{4}(?:\s?(?:r|g|г)\.)?"
    r"|[^\W\d_]{3,12}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
)
_BIRTH: list[Rule] = [
    (
        re.compile(
            rf"(?i)\b((?:{_BIRTH_WORDS})[^\n\d]{{0,24}}?)"
            rf"(?:{_WORDY_DATE}|{_NUMERIC_DATE}|(?:19|20)\d{{2}}\b)"
        ),
        r"\1[date of birth]",
    ),
    (
        re.compile(
            r"(?<![\w./-])(?:(?:0?[1-9]|[12]\d|3[01])\s?[./-]\s?(?:0?[1-9]|1[0-2])\s?[./-]\s?"
            r"(?:19\d\d|200\d|2010)|(?:19\d\d|200\d|2010)-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01]))"
            r"\.?(?![\w/-]|\.\d)"
        ),
        "[date]",
    ),
]

# Identity documents and numbers: after their name (passport, PESEL, JMBG, ИНН…), and the
# formats that say what they are by themselves.
_ID_WORDS = (
    r"passport|passport number|reisepass|personalausweis|ausweis|ausweisnummer|id card|id number"
    r"|id no|national id|identity card|ssn|social security number|tax id|driver'?s licen[cs]e"
    r"|steuer-id|steuernummer|sozialversicherungsnummer|dowód osobisty|dowód|dowodu osobistego"
    r"|dowodu|pesel|nip|regon|paszport|paszportu|prawo jazdy|pasoš|pasos|lična karta"
    r"|licna karta|jmbg|matični broj|maticni broj|пасош|лична карта|јмбг|матични број|паспорт"
    r"|паспорта|серия|инн|снилс|іпн|рнокпп|id-картка|посвідчення|паспорт громадянина"
)
_ID_VALUE = (
    r"(?:\s*(?i:no\.?|nr\.?|number|numer|broj|број|номер|№|#|:|=|is|je|to|ist|серия|и)\s*)*"
    r"\s*[A-Za-zА-Яа-яІЇЄҐіїєґ]{0,3}[ -]?\d[\dA-Z -]{3,18}[\dA-Z]"
)
_IDS: list[Rule] = [
    (re.compile(rf"\b((?i:{_ID_WORDS}))\b({_ID_VALUE})"), r"\1 [id]"),
    (re.compile(r"\b\d{3}-\d{3}-\d{3}[ -]\d{2}\b"), "[id]"),  # СНИЛС
    # JMBG (ddmmyyy + 6) and PESEL (yymmdd, months +20 after 2000, + 5): dates inside.
    (re.compile(r"\b(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:9\d\d|0[0-2]\d)\d{6}\b"), "[id]"),
    (re.compile(r"\b\d{2}(?:0[1-9]|1[0-2]|2[1-9]|3[0-2])(?:0[1-9]|[12]\d|3[01])\d{5}\b"), "[id]"),
    (re.compile(r"\b[A-Z]{3}\s?\d{6}\b"), "[id]"),  # Polish ID card
    (re.compile(r"(?<!\w)[А-ЯІЇЄҐ]{2}\s?\d{6}\b"), "[id]"),  # Ukrainian, Russian passport
    (re.compile(r"\b(?!KB)[A-Z]{1,2}\d{7,8}\b"), "[id]"),  # passports: letters and digits
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
    r"проспект|пр-т|переулок|пер\.|шоссе|площадь|набережная|наб\.|"
    r"вул\.|вулиця|вулиці|просп\.|пров\.|провулок|бульв\.|бульвар|площа|майдан|набережна"
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
    # No prefix word: "Hauptstraße 5", "Długiej 5/3", "Nemanjina 4", "Ленина 5".
    (
        re.compile(
            r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|gasse|allee|platz|ring|damm|ufer"
            r"|chaussee)\s*" + _HOUSE
        ),
        "[address]",
    ),
    (
        re.compile(
            r"(?<!\w)(?:[A-ZŁŚŻŹĆČĆŠŽĐ][a-ząęółśżźćńčćšžđ]+(?:iej|ej|ego|ova|eva|ina|ska|ska|čka)"
            r"|[А-ЯЂЈЉЊЋЏІЇЄ][а-яђјљњћџіїє]+(?:ова|ева|ина|ска|чка|ого|ої|ської))"
            r"\s+\d+[a-zA-Zа-я]?(?:\s*/\s*\d+[a-zA-Z]?)?\b(?!\s*(?:%|x\b|kb|mb|gb))"
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

_PHONE = re.compile(r"(?<!\w)(?<!\d[.,])\+?\(?\d[\d\s().\-/]{5,}\d(?!\w|\.\d)")
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
    *_BIRTH,
    *_IDS,
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
