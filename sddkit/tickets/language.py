"""Language detection for tickets whose export does not say (py3langid, offline).

Detection is restricted to a set of plausible languages: on short support texts an open set
confuses close languages (Serbian Latin with Croatian or Slovene, Russian with Bulgarian), while
a team knows which languages its customers write in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Any

DEFAULT_LANGUAGES = (
    "en", "ru", "pl", "sr", "uk", "de", "fr", "es", "it", "pt", "nl", "cs", "tr",
)  # fmt: skip
SAMPLE_CHARS = 200  # the start of a message says its language; keeps detection fast


_WORD = re.compile(r"[^\W\d_]{3}")


@cache
def _identifier(languages: tuple[str, ...]) -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    identifier.set_languages(list(languages))
    return identifier


def detect_language(text: str, languages: Sequence[str] = DEFAULT_LANGUAGES) -> str | None:
    """ISO 639-1 code of `text`'s language among `languages`; None when it has no word of
    three letters or more."""
    sample = text[:SAMPLE_CHARS]
    if not _WORD.search(sample):
        return None
    language, _score = _identifier(tuple(languages)).classify(sample)
    return str(language)
