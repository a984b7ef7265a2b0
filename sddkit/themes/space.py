"""The vector space themes are clustered in: a semantic encoder, per-language centring, and
character n-grams, one weighted concatenation.

- **Semantic part** (default: USE-multilingual, `embed_use`): meaning across languages. A
  multilingual encoder still places each language in its own region (every Russian ticket is
  a little closer to every other Russian ticket than to its English translation), so each
  language's mean vector is subtracted ("per-language centring"): on the SIB-200 dev split
  that took the share of translation pairs clustered together from 0.25 to 0.67. A language
  with few tickets has its mean shrunk toward the overall mean (`centring_prior` tickets'
  worth), so a handful of tickets in a rare language is not pulled apart by a noisy mean.
- **Character n-gram part** (`embed.CharNgramEmbedder`, fitted on the run's tickets): product
  words, error strings and inflections the encoder blurs. Weighted lightly (0.15 of the
  squared norm), it raised NMI on CLINC150 val from 0.820 to 0.836 while costing little
  across languages; alone it is the no-model fallback (`--backend char-ngram`).

Pretrained vectors are computed once per text and kept in the store (`vector_cache`) when the
caller passes a cache. The fitted state (n-gram model, language means) is stored with the run
so incremental runs place new tickets in the same space as the stored theme centroids.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from sddkit.errors import SddkitError
from sddkit.themes.clean import CLEANING, SERBO_CROATIAN
from sddkit.themes.embed import CharNgramEmbedder, Embedder, Vectors, covered_vectors

SemanticCache = Callable[[str, Sequence[str], Callable[[list[str]], Vectors]], Vectors]
"""(model id, texts, compute) -> vectors: returns stored vectors, computing only new texts."""

BACKENDS = ("hybrid", "use-multilingual", "sentence-transformers", "char-ngram")


@dataclass(frozen=True)
class SpaceSettings:
    """`backend`: "hybrid" (USE-multilingual + char n-grams, the default),
    "use-multilingual", "sentence-transformers" (a local model folder, `model_path`) or
    "char-ngram" (no model). `char_weight`: the n-gram part's share of a hybrid vector's
    squared norm."""

    backend: str = "hybrid"
    model_path: str | None = None
    char_weight: float = 0.15
    centre_languages: bool = True
    centring_prior: float = 50.0


@dataclass(frozen=True)
class Texts:
    """What the space reads of each ticket: the cleaned text (n-grams), the plain text
    (the encoder; case and punctuation kept) and the language code (None: unknown)."""

    cleaned: Sequence[str]
    plain: Sequence[str]
    languages: Sequence[str | None]

    def __len__(self) -> int:
        return len(self.cleaned)

    def pick(self, rows: Sequence[int] | NDArray[np.int64]) -> Texts:
        return Texts(
            [self.cleaned[i] for i in rows],
            [self.plain[i] for i in rows],
            [self.languages[i] for i in rows],
        )


def language_group(code: str | None) -> str:
    """The centring group of a language code: Serbian, Croatian, Bosnian and Montenegrin are
    one (the encoder reads them all in Cyrillic), unknown is "und"."""
    if not code:
        return "und"
    code = code.split("-")[0].lower()
    return "sr" if code in SERBO_CROATIAN else code


class ThemeSpace:
    """Fit on a run's tickets, then map tickets to unit rows (zero rows: no vector, noise)."""

    def __init__(self, settings: SpaceSettings, cache: SemanticCache | None = None) -> None:
        if settings.backend not in BACKENDS:
            raise SddkitError(
                f"unknown embedding backend {settings.backend!r}; one of {', '.join(BACKENDS)}"
            )
        self.settings = settings
        self.cache = cache
        self.char: CharNgramEmbedder | None = None
        self.means: dict[str, np.ndarray] = {}
        self.overall: np.ndarray | None = None
        self.cut: float | None = None  # the distance cut of the run that fitted the space
        self._encoder: Embedder | None = None

    @property
    def semantic_weight(self) -> float:
        backend = self.settings.backend
        if backend == "char-ngram":
            return 0.0
        return 1.0 - self.settings.char_weight if backend == "hybrid" else 1.0

    @property
    def encoder(self) -> Embedder:
        if self._encoder is None:
            if self.settings.backend == "sentence-transformers":
                from sddkit.themes.embed_st import SentenceTransformerEmbedder

                self._encoder = SentenceTransformerEmbedder(self.settings.model_path)
            else:
                from sddkit.themes.embed_use import USEEmbedder

                self._encoder = USEEmbedder()
        return self._encoder

    @property
    def cached_model(self) -> str | None:
        """The model id the cache keeps this space's sentence vectors under; None when they
        are not cached (no cache, no encoder, or an encoder without a stable id)."""
        if self.cache is None or self.semantic_weight == 0:
            return None
        model_id: str | None = getattr(self.encoder, "model_id", None)
        return model_id or None

    def semantic(self, texts: Texts) -> Vectors:
        """Raw encoder vectors (unit rows), from the cache where the caller gave one."""
        model_id = self.cached_model
        if self.cache is not None and model_id:
            return self.cache(model_id, texts.plain, self.encoder.transform)
        return self.encoder.transform(texts.plain)

    def fit(self, texts: Texts, semantic: Vectors | None = None) -> None:
        """Fit the n-gram model and the language means; `semantic` may pass vectors already
        computed for `texts` (saves encoding them twice)."""
        if self.semantic_weight < 1.0:
            self.char = CharNgramEmbedder()
            self.char.fit(texts.cleaned)
        if self.semantic_weight > 0.0 and self.settings.centre_languages:
            vectors = self.semantic(texts) if semantic is None else semantic
            self._fit_means(vectors, texts.languages)

    def _fit_means(self, vectors: Vectors, languages: Sequence[str | None]) -> None:
        live = np.linalg.norm(vectors, axis=1) > 0
        if not live.any():
            return
        self.overall = vectors[live].mean(axis=0)
        groups = np.array([language_group(code) for code in languages])
        prior = self.settings.centring_prior
        self.means = {}
        for group in np.unique(groups[live]):
            rows = live & (groups == group)
            total = vectors[rows].sum(axis=0)
            self.means[str(group)] = (total + prior * self.overall) / (rows.sum() + prior)

    def centred(self, vectors: Vectors, languages: Sequence[str | None]) -> Vectors:
        """Semantic vectors with their language's mean taken away, unit rows again."""
        if not self.means or self.overall is None:
            return vectors
        out = vectors.astype(np.float32, copy=True)
        groups = np.array([language_group(code) for code in languages])
        for group in np.unique(groups):
            out[groups == group] -= self.means.get(str(group), self.overall).astype(np.float32)
        out[np.linalg.norm(vectors, axis=1) == 0] = 0.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        result: Vectors = (out / norms).astype(np.float32)
        return result

    def transform(self, texts: Texts, semantic: Vectors | None = None) -> Vectors:
        """Unit rows in the run's space; zero rows for texts with nothing to go on."""
        weight = self.semantic_weight
        if len(texts) == 0:  # no texts to encode, but the rows' width still counts
            return np.zeros((0, self._width()), dtype=np.float32)
        parts = []
        if weight > 0.0:
            vectors = self.semantic(texts) if semantic is None else semantic
            parts.append(np.sqrt(weight) * self.centred(vectors, texts.languages))
        if weight < 1.0:
            if self.char is None:
                raise SddkitError("the theme space was used before it was fitted")
            # A text the n-gram model barely covers keeps only its semantic part.
            parts.append(np.sqrt(1.0 - weight) * covered_vectors(self.char, texts.cleaned))
        return np.hstack(parts).astype(np.float32)

    def _width(self) -> int:
        semantic = 0
        if self.overall is not None:
            semantic = len(self.overall)
        elif self.semantic_weight > 0.0:  # not centred: ask the encoder its width
            semantic = self.semantic(Texts([""], [""], [None])).shape[1]
        return semantic + (self.char.components.shape[1] if self.char is not None else 0)

    def semantic_part(self, vectors: Vectors) -> Vectors | None:
        """The (centred) semantic columns of `transform`'s rows, or None without them."""
        weight = self.semantic_weight
        if weight <= 0.0:
            return None
        width = vectors.shape[1] - (self.char.components.shape[1] if self.char else 0)
        part: Vectors = vectors[:, :width] / np.float32(np.sqrt(weight))
        return part

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        groups = sorted(self.means)
        # Not compressed: the n-gram model's dense float components barely compress (7%) and
        # zlib took 3-5 s of a 100k-ticket run; `np.load` reads both forms.
        np.savez(
            buffer,
            settings=np.frombuffer(json.dumps(self._settings_state()).encode(), dtype=np.uint8),
            char=np.frombuffer(self.char.dumps() if self.char else b"", dtype=np.uint8),
            groups=np.array(groups, dtype=str),
            means=np.array([self.means[g] for g in groups] or np.zeros((0, 0)), dtype=np.float32),
            overall=np.zeros(0) if self.overall is None else self.overall,
        )
        return buffer.getvalue()

    def _settings_state(self) -> dict[str, object]:
        s = self.settings
        return {"backend": s.backend, "char_weight": s.char_weight,
                "centre_languages": s.centre_languages, "centring_prior": s.centring_prior,
                "cut": self.cut, "cleaning": CLEANING}  # fmt: skip

    @classmethod
    def loads(
        cls, blob: bytes, model_path: str | None = None, cache: SemanticCache | None = None
    ) -> ThemeSpace | None:
        """The space `dumps` stored, or None for a state this version cannot read (a model
        stored before the theme space existed, or fitted on texts cleaned otherwise: see
        `clean.CLEANING`): the caller then runs in full."""
        try:
            data = np.load(io.BytesIO(blob))
        except (OSError, ValueError):
            return None
        if "settings" not in data.files:
            return None
        state = json.loads(bytes(data["settings"]).decode())
        if state.get("cleaning", 1) != CLEANING:  # its texts were cleaned otherwise
            return None
        settings = SpaceSettings(
            backend=str(state["backend"]),
            model_path=model_path,
            char_weight=float(state["char_weight"]),
            centre_languages=bool(state["centre_languages"]),
            centring_prior=float(state["centring_prior"]),
        )
        space = cls(settings, cache)
        space.cut = None if state.get("cut") is None else float(state["cut"])
        char = bytes(data["char"])
        space.char = CharNgramEmbedder.loads(char) if char else None
        space.means = {str(g): m for g, m in zip(data["groups"], data["means"], strict=True)}
        space.overall = data["overall"] if data["overall"].size else None
        return space
