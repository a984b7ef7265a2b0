"""Language detection for tickets whose export does not say (py3langid's model, offline).

Detection is restricted to a set of plausible languages: on short support texts an open set
confuses close languages (Serbian Latin with Croatian or Slovene, Russian with Bulgarian), while
a team knows which languages its customers write in.

py3langid walks its byte automaton in a Python loop, one byte at a time, which made detection
half the cost of an import. `detect_languages` computes the same feature counts and scores for a
whole batch of texts with a few numpy operations: the automaton is an Aho-Corasick trie whose
deepest state is `DEPTH` bytes from the start, so the state after any byte depends only on the
`DEPTH` bytes ending there. Starting every position from the start state and feeding it those
bytes (a vectorised step per byte) gives every position's state at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from sddkit.errors import SddkitError

if TYPE_CHECKING:  # imported where detection runs: commands that only read need neither
    import numpy as np

DEFAULT_LANGUAGES = (
    "en", "ru", "pl", "sr", "uk", "de", "fr", "es", "it", "pt", "nl", "cs", "tr",
)  # fmt: skip
SAMPLE_CHARS = 200  # the start of a message says its language; keeps detection fast
# How many bytes decide the automaton's state: at least its depth, the longest n-gram of the
# model (6 in py3langid 0.4; a test checks it against the installed model).
DEPTH = 6

_WORD = re.compile(r"[^\W\d_]{3}")


class UnknownLanguages(SddkitError, ValueError):
    """A language code the model does not know (`--languages`)."""


@dataclass(frozen=True)
class _Model:
    nextmove: np.ndarray[Any, Any]  # state transitions, rows shared between states
    rowbase: np.ndarray[Any, Any]  # state -> offset of its row in `nextmove`
    output: np.ndarray[Any, Any]  # state -> feature index, or -1
    depth: int  # the most bytes that decide a state (DEPTH)
    features: int
    table: np.ndarray[Any, Any]  # feature x class log-likelihoods (the chosen classes)
    prior: np.ndarray[Any, Any]  # class log-priors
    classes: tuple[str, ...]  # class labels; a language may have two (Serbian scripts)


@contextmanager
def _arrays() -> Iterator[Any]:
    """py3langid's model file (an LZMA-compressed npz) opened as numpy's lazy npz reader, as
    py3langid's own loader reads it but decompressed in a few large steps: each lets go of the
    GIL, so the import loads the model in a thread while it reads the first records
    (py3langid's 8 KiB steps handed the GIL back and forth and slowed both down)."""
    import lzma
    import tempfile

    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    decompressor = lzma.LZMADecompressor()
    with (MODEL_DIR / MODEL_FILE).open("rb") as source, tempfile.TemporaryFile() as unpacked:
        data = source.read()
        while not decompressor.eof:
            unpacked.write(decompressor.decompress(data, max_length=_STEP))
            data = b""
        unpacked.seek(0)
        with np.load(unpacked, allow_pickle=False) as npz:
            yield npz


_STEP = 4 * 1024 * 1024


def load_model(languages: Sequence[str]) -> None:
    """Load the model for `languages` now (detection loads it when first needed). For a
    background thread: an unknown language is left for the detection to raise."""
    with suppress(UnknownLanguages):
        _model(tuple(languages))


@cache
def _model(languages: tuple[str, ...]) -> _Model:
    import numpy as np

    with _arrays() as arrays:
        labels = [str(label) for label in arrays["classes"]]
        wanted = set(languages)
        unknown = wanted - set(labels)
        if unknown:
            raise UnknownLanguages(f"unknown language code(s): {', '.join(sorted(unknown))}")
        columns = [i for i, label in enumerate(labels) if label in wanted]
        # One array at a time: the full table (28 MB) is gone before the automaton is read.
        ptc = arrays["ptc"]
        features = int(ptc.shape[0])
        table = np.ascontiguousarray(ptc[:, columns], dtype=np.float32)
        del ptc
        return _Model(
            nextmove=np.asarray(arrays["nextmove"], dtype=np.uint32),
            rowbase=arrays["nextmove_row"].astype(np.int64) << 8,
            output=arrays["out_feat"].astype(np.int64),
            depth=DEPTH,
            features=features,
            table=table,
            prior=arrays["pc"][columns].astype(np.float32),
            classes=tuple(labels[i] for i in columns),
        )


def detect_language(text: str, languages: Sequence[str] = DEFAULT_LANGUAGES) -> str | None:
    """ISO 639-1 code of `text`'s language among `languages`; None when it has no word of
    three letters or more."""
    return detect_languages([text], languages)[0]


def detect_languages(
    texts: Sequence[str], languages: Sequence[str] = DEFAULT_LANGUAGES
) -> list[str | None]:
    """`detect_language` for many texts at once (much faster per text)."""
    result: list[str | None] = [None] * len(texts)
    chosen, encoded = [], []
    for index, text in enumerate(texts):
        sample = text[:SAMPLE_CHARS]
        if _WORD.search(sample):
            chosen.append(index)
            encoded.append(_encode(sample))
    if not chosen:
        return result
    model = _model(tuple(languages))
    best = _best_classes(model, encoded)
    for index, label in zip(chosen, best, strict=True):
        result[index] = model.classes[label]
    return result


def _encode(text: str) -> bytes:
    """As py3langid reads a text: all-caps lowered, NFC, UTF-8."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf-8", errors="surrogatepass")


def _best_classes(model: _Model, encoded: list[bytes]) -> list[int]:
    import numpy as np
    from scipy.sparse import csr_matrix

    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    state = _walk(model, encoded, lengths)
    # Texts x features counts, as a sparse matrix; summing duplicate entries counts them.
    feature = model.output[state]
    hit = feature >= 0
    ends = np.concatenate(([0], np.cumsum(lengths)))
    indptr = np.concatenate(([0], np.cumsum(hit)))[ends]
    counts = csr_matrix(
        (np.ones(int(indptr[-1]), dtype=np.float32), feature[hit], indptr),
        shape=(len(encoded), model.features),
    )
    counts.sum_duplicates()
    np.log1p(counts.data, out=counts.data)
    scores = np.asarray(counts @ model.table) + model.prior
    scores[indptr[1:] == indptr[:-1]] = 0.0  # featureless: the first class, as py3langid
    return [int(label) for label in scores.argmax(axis=1)]


def _walk(model: _Model, encoded: list[bytes], lengths: np.ndarray[Any, Any]) -> Any:
    """The automaton's state after each byte of the texts, each walked from the start."""
    import numpy as np

    starts = np.cumsum(lengths) - lengths
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8).astype(np.int64)
    # After step k, state[i] is the state reached from the start on the k bytes ending at i
    # (fewer at the start of a text, where the walk restarts).
    state = model.nextmove[model.rowbase[0] + data]
    previous = np.zeros(len(data), dtype=np.int64)
    for _ in range(model.depth - 1):
        previous[1:] = state[:-1]
        previous[starts] = 0
        state = model.nextmove[model.rowbase[previous] + data]
    return state
