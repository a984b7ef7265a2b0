"""Optional backend: a sentence-transformers model loaded from a local folder.

Install sentence-transformers yourself over a CPU build of torch (plain `pip install
sentence-transformers` pulls a multi-GB CUDA build; see docs/themes.md) and pass the model
folder; nothing is downloaded: the model must already be on disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sddkit.errors import SddkitError
from sddkit.themes.embed import Vectors, normalize_rows


class SentenceTransformerEmbedder:
    name = "sentence-transformers"

    def __init__(self, model_path: str | None, batch_size: int = 256) -> None:
        if not model_path or not Path(model_path).is_dir():
            raise SddkitError(
                f"sentence-transformers backend needs a local model folder, got {model_path!r}"
            )
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise SddkitError(
                "the sentence-transformers backend needs sentence-transformers and a CPU torch "
                "(see docs/themes.md)"
            ) from error
        self.model_path = model_path
        self.batch_size = batch_size
        self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)

    def fit(self, texts: Sequence[str]) -> None:
        """Pretrained: nothing to fit."""

    def transform(self, texts: Sequence[str]) -> Vectors:
        vectors = self._model.encode(list(texts), batch_size=self.batch_size)
        return normalize_rows(vectors)

    def dumps(self) -> bytes:
        """The state is the model folder itself; only its path is kept."""
        return self.model_path.encode()
