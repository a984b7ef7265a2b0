"""What a title taken from a customer's subject line must not carry, and which lines read clean.

A theme's title is one of its tickets' subject lines (`label.make_title`), and it goes into the
tracker and the report as the team's name for the subject. So a line is no title when it
holds a person's or organisation's name, or profanity:

- **names**: the customers' own (the words of their e-mail addresses' local parts, their
  organisations' names and domains: `identity_words`), and any run of two or more capitalised
  words inside a sentence-case line ("…, ask Dragana Jovanovic"): product names stand alone
  or in capitals ("Slack", "CSV"), a person's first and last name come as a pair (in a Title
  Case line capitals say nothing);
- **profanity**: word stems per language (en, ru, uk, pl, sr/hr/bs in both scripts, de, es,
  pt, fr, it, nl, cs/sk, hu, tr), matched at word starts ("bloody", "kurwa", "блядь"), and a
  few short words matched whole ("puta", not "putative").

Among the lines that remain, `rare_words` counts the words no other line of the theme uses: a
typo ("recieve") is written once, its correct form by many, so a line without one wins.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from sddkit.names import names_a_person
from sddkit.serbian import to_latin

# Stems, lowercased, Latin for Serbian (Cyrillic text is transliterated before matching).
PROFANITY = (
    # English
    "fuck", "shit", "bullshit", "crap", "damn", "bloody", "bastard", "bitch", "asshole",
    "piss", "dick", "bollocks", "goddam",
    # Russian and Ukrainian
    "бля", "хуй", "хуе", "хуё", "хрен", "пизд", "ебан", "ёбан", "ебат", "заеб", "сука", "суки",
    "дерьм", "говн", "херн", "мудак", "піздец", "хуйн", "срак",
    # Polish
    "kurw", "chuj", "pierdol", "jebi", "jeban", "gówn", "dupa", "dupy", "cholern", "spierdal",
    # Serbian, Croatian, Bosnian
    "jebem", "jebote", "jeben", "kurac", "kurče", "pička", "pičk", "sranje", "govno", "govna",
    "picku", "majku ti",
    # German
    "scheiß", "scheiss", "verdammt", "kacke", "arschloch",
    # Spanish, Portuguese
    "mierd", "joder", "jodid", "cabrón", "cabron", "coño", "gilipoll", "caralh", "merda",
    "foda-se", "fodido",
    # French
    "merde", "putain", "connard", "connass", "enculé", "encule", "salaud", "chiant",
    # Italian
    "cazz", "vaffancul", "stronz", "minchia",
    # Dutch, Czech and Slovak, Hungarian, Turkish
    "godverdomme", "klote", "kurv", "hovno", "prdel", "bazdmeg", "bazmeg", "siktir",
)  # fmt: skip
# Whole words only: as word starts these begin innocent words ("puta" / "putative").
PROFANE_WORDS = ("mist", "puta", "putas", "porra", "kut", "wtf", "amk")
_PROFANE = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join([*(re.escape(p) for p in PROFANITY), *(rf"{w}(?![^\W\d_])" for w in PROFANE_WORDS)])
    + ")",
    re.IGNORECASE,
)
# Two or more capitalised words in a row, not at the line's start: a person's name.
_NAME_PAIR = re.compile(r"(?<=\S\s)(?:[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁЂ-Џ][a-zß-öø-ÿā-žа-яёђ-џ']+\s+){1,}"
                        r"[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁЂ-Џ][a-zß-öø-ÿā-žа-яёђ-џ']+")  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
_GENERIC = frozenset({"info", "support", "admin", "contact", "hello", "office", "mail", "team",
                      "sales", "billing", "help", "customer", "user", "example", "test", "com",
                      "org", "net", "gmail", "yahoo", "outlook", "hotmail"})  # fmt: skip


def identity_words(
    customers: Iterable[str | None], organizations: Iterable[str | None]
) -> set[str]:
    """Lowercased words that name the theme's customers or their organisations: the words of
    e-mail local parts and domains (`ana.kovac@globex.rs`: ana, kovac, globex) and of
    organisation names, three letters or longer, common mailbox words left out."""
    words: set[str] = set()
    for value in [*customers, *organizations]:
        if not value:
            continue
        local, _, domain = value.lower().partition("@")
        parts = _WORD.findall(local) + _WORD.findall(domain.rsplit(".", 1)[0])
        words.update(p for p in parts if len(p) >= 3 and p not in _GENERIC)
    return words


def fit_for_title(line: str, avoid: set[str]) -> bool:
    """Whether `line` may be a title: no profanity, no name pair, no word in `avoid`."""
    latin = to_latin(line)
    if _PROFANE.search(line) or _PROFANE.search(latin):
        return False
    if _NAME_PAIR.search(line) and not _title_case(line):
        return False
    return not any(word in avoid for word in _WORD.findall(latin.lower()))


def names_someone(line: str) -> bool:
    """Whether `line` holds a known first name in any case ("send my location to ben"): the
    tracker writes such a word as "[name]" (`trackers.suggest.Private`), so a line without
    one reads better as a title."""
    return any(names_a_person(word) for word in _WORD.findall(line))


def _title_case(line: str) -> bool:
    """Most words capitalised ("Password Reset Email Not Received"): capitals say nothing."""
    words = _WORD.findall(line)
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def rare_words(lines: Sequence[str]) -> list[int]:
    """For each line, how many of its words no other line of the theme uses (typos)."""
    if len(lines) < 4:
        return [0] * len(lines)
    words = [set(_WORD.findall(line.lower())) for line in lines]
    used: Counter[str] = Counter(w for line in words for w in line)
    return [sum(1 for w in line if used[w] == 1) for line in words]
