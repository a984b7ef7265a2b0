from __future__ import annotations

from functools import partial

import pytest

from sddkit.store import open_store
from sddkit.themes.space import SpaceSettings, Texts, ThemeSpace
from sddkit.themes.store import ensure_schema
from sddkit.themes.vector_cache import cached_vectors

TEXTS = Texts(
    ["export fails", "export times out", "dark mode unreadable", "экспорт не работает"],
    ["Export fails", "Export times out", "Dark mode unreadable", "Экспорт не работает"],
    ["en", "en", "en", "ru"],
)
NONE = Texts([], [], [])


@pytest.mark.parametrize("backend", ["hybrid", "char-ngram", "use-multilingual"])
@pytest.mark.parametrize("centre", [True, False])
def test_no_texts_give_rows_of_the_spaces_width(backend: str, centre: bool) -> None:
    # An incremental run with no new tickets (or none left over) stacks these rows with
    # others: a width of their own broke it.
    conn = open_store(":memory:")
    ensure_schema(conn)
    cache = partial(cached_vectors, conn)  # the store's cache, as a run uses it
    space = ThemeSpace(SpaceSettings(backend=backend, centre_languages=centre), cache)
    space.fit(TEXTS)
    assert space.transform(NONE).shape == (0, space.transform(TEXTS).shape[1])
