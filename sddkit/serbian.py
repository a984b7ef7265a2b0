"""Serbian's two scripts: one alphabet table, both directions.

Serbian is written in Cyrillic and in Latin (Gaj's alphabet); letters map one to one, with
the digraphs lj, nj and dž standing for single Cyrillic letters.
"""

from __future__ import annotations

import re

LATIN_TO_CYRILLIC = {
    "lj": "љ", "nj": "њ", "dž": "џ", "a": "а", "b": "б", "c": "ц", "č": "ч", "ć": "ћ", "d": "д",
    "đ": "ђ", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "ј", "k": "к", "l": "л",
    "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "š": "ш", "t": "т", "u": "у",
    "v": "в", "z": "з", "ž": "ж",
}  # fmt: skip
_TO_LATIN = str.maketrans({cyrillic: latin for latin, cyrillic in LATIN_TO_CYRILLIC.items()})
_LATIN_LETTER = re.compile("lj|nj|dž|[a-pr-vzčćđšž]")  # q, w, x, y have no Serbian letter


def to_latin(text: str) -> str:
    """Cyrillic to Latin; expects lowercase text."""
    return text.translate(_TO_LATIN)


def to_cyrillic(text: str) -> str:
    """Latin to Cyrillic; expects lowercase text (other characters stay as they are)."""
    return _LATIN_LETTER.sub(lambda m: LATIN_TO_CYRILLIC[m.group()], text)
