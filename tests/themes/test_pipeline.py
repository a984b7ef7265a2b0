from __future__ import annotations

import io
import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from sddkit.errors import SddkitError
from sddkit.themes.clean import CLEANING
from sddkit.themes.corpus import Corpus
from sddkit.themes.embed import CharNgramEmbedder
from sddkit.themes.families import by_family
from sddkit.themes.pipeline import ThemeSettings, themes_from_tickets, update_themes
from sddkit.themes.space import SpaceSettings, ThemeSpace
from sddkit.themes.store import load_themes, theme_history
from sddkit.themes.vector_cache import vector_count
from sddkit.tickets.demo import demo_tickets
from sddkit.tickets.store import upsert_tickets
from tests.themes.conftest import NOW, make_ticket, theme_of, themed_tickets


def _by_source_theme(themes):  # type: ignore[no-untyped-def]
    """Each theme under every source theme it holds (the PDF export one holds en and ru)."""
    return {source: t for t in themes for source in {theme_of(k) for k in t.ticket_keys}}


def test_finds_each_subject_across_languages_and_keeps_noise_out(store_with) -> None:  # type: ignore[no-untyped-def]
    conn = store_with(list(themed_tickets()))
    themes = update_themes(conn, now=NOW)
    sources = sorted(tuple(sorted({theme_of(k) for k in t.ticket_keys})) for t in themes)
    # The PDF export crash, written in English and in Russian, is one theme; the rest are
    # one subject each.
    assert sources == [
        ("darkmode-en",),
        ("export-en", "export-ru"),
        ("invoice-sr",),
        ("password-pl",),
    ]
    for theme in themes:
        assert theme.size == 12 * len({theme_of(k) for k in theme.ticket_keys})
    clustered = {k for t in themes for k in t.ticket_keys}
    assert not any("oneoff" in k for k in clustered)


def test_serbian_cyrillic_and_latin_meet_in_one_theme(store_with) -> None:  # type: ignore[no-untyped-def]
    themes = update_themes(store_with(list(themed_tickets())), now=NOW)
    serbian = _by_source_theme(themes)["invoice-sr"]
    texts = {k for k in serbian.ticket_keys}
    assert len(texts) == 12
    assert serbian.languages == {"sr": 12}


def test_ids_stay_stable_when_more_tickets_arrive(store_with) -> None:  # type: ignore[no-untyped-def]
    conn = store_with(list(themed_tickets()))
    first = _by_source_theme(update_themes(conn, now=NOW))
    upsert_tickets(conn, themed_tickets(per_theme=2, seed=7, start=500))
    second = _by_source_theme(update_themes(conn, now=NOW + timedelta(days=7)))
    assert {name: t.id for name, t in first.items()} == {name: t.id for name, t in second.items()}
    assert all(t.size == 14 * len(t.languages) for t in second.values())
    mode = conn.execute("SELECT mode FROM theme_runs ORDER BY id DESC").fetchone()[0]
    assert mode == "incremental"


def test_ids_stay_stable_across_a_full_rerun(store_with) -> None:  # type: ignore[no-untyped-def]
    conn = store_with(list(themed_tickets()))
    first = _by_source_theme(update_themes(conn, now=NOW))
    upsert_tickets(conn, themed_tickets(per_theme=8, seed=9, start=500))
    second = _by_source_theme(update_themes(conn, now=NOW + timedelta(days=7), full=True))
    assert {name: t.id for name, t in first.items()} == {name: t.id for name, t in second.items()}
    history = theme_history(conn, second["export-ru"].id)
    assert [(h.size, h.origin) for h in history] == [(24, "new"), (40, "kept")]  # en + ru


def test_new_theme_gets_a_new_id_and_old_ones_stay(store_with) -> None:  # type: ignore[no-untyped-def]
    conn = store_with(list(themed_tickets()))
    before = {t.id for t in update_themes(conn, now=NOW)}
    upsert_tickets(
        conn,
        [
            make_ticket(f"sso-{i}", text, NOW + timedelta(hours=i))
            for i, text in enumerate(
                ["SAML single sign-on login loop with Okta. SSO keeps redirecting"] * 6
            )
        ],
    )
    after = update_themes(conn, now=NOW + timedelta(days=1))
    assert before < {t.id for t in after}
    (fresh,) = [t for t in after if t.id not in before]
    assert {theme_of(k) for k in fresh.ticket_keys} == {"sso"}


def test_a_model_stored_before_the_theme_space_means_a_full_run(store_with) -> None:  # type: ignore[no-untyped-def]
    """A store from an earlier version keeps the bare n-gram model; the next run with the
    same backend cannot reuse it, so it runs in full (it crashed reading it)."""
    conn = store_with(list(themed_tickets()))
    char = ThemeSettings(space=SpaceSettings(backend="char-ngram"))
    first = _by_source_theme(update_themes(conn, now=NOW, settings=char))
    earlier = CharNgramEmbedder()
    earlier.fit(["an earlier model"] * 30)
    conn.execute("UPDATE theme_models SET state = ?", (earlier.dumps(),))
    conn.commit()
    upsert_tickets(conn, themed_tickets(per_theme=2, seed=7, start=500))
    second = _by_source_theme(update_themes(conn, now=NOW + timedelta(days=7), settings=char))
    mode = conn.execute("SELECT mode FROM theme_runs ORDER BY id DESC").fetchone()[0]
    assert mode == "full"
    assert {name: t.id for name, t in first.items()} == {name: t.id for name, t in second.items()}


def test_a_space_fitted_on_texts_cleaned_otherwise_means_a_full_run(store_with) -> None:  # type: ignore[no-untyped-def]
    """When what cleaning keeps changes (`clean.CLEANING`), the stored space read other
    texts than the new tickets bring: the next run is a full one, not incremental."""
    conn = store_with(list(themed_tickets()))
    char = ThemeSettings(space=SpaceSettings(backend="char-ngram"))
    update_themes(conn, now=NOW, settings=char)
    (state,) = conn.execute("SELECT state FROM theme_models").fetchone()
    space = ThemeSpace.loads(state)
    assert space is not None  # this version's own state is read back
    data = dict(np.load(io.BytesIO(state)))
    settings = json.loads(bytes(data["settings"]).decode())
    settings["cleaning"] = CLEANING - 1
    data["settings"] = np.frombuffer(json.dumps(settings).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez(buffer, **data)
    assert ThemeSpace.loads(buffer.getvalue()) is None
    conn.execute("UPDATE theme_models SET state = ?", (buffer.getvalue(),))
    conn.commit()
    upsert_tickets(conn, themed_tickets(per_theme=2, seed=7, start=500))
    update_themes(conn, now=NOW + timedelta(days=7), settings=char)
    mode = conn.execute("SELECT mode FROM theme_runs ORDER BY id DESC").fetchone()[0]
    assert mode == "full"


def test_sentence_vectors_are_kept_for_the_tickets_in_scope(store_with) -> None:  # type: ignore[no-untyped-def]
    conn = store_with(list(themed_tickets()))
    update_themes(conn, now=NOW)
    models = [r[0] for r in conn.execute("SELECT DISTINCT model_id FROM theme_vectors")]
    # The clustering space's encoder, and the one that compares themes across languages.
    assert sorted(m.split("/")[0] for m in models) == ["multilingual-e5-small", "use-multilingual"]
    (space_model,) = [m for m in models if m.startswith("use-")]
    everything = {m: vector_count(conn, m) for m in models}
    assert everything[space_model] == len(set(Corpus.from_tickets(themed_tickets()).plain))
    # A full run over a narrower window drops the vectors of the tickets left out.
    since = NOW - timedelta(days=20)
    update_themes(conn, now=NOW, since=since, full=True)
    in_scope = set(Corpus.from_tickets(t for t in themed_tickets() if t.created_at >= since).plain)
    assert 0 < vector_count(conn, space_model) < everything[space_model]
    assert all(0 < vector_count(conn, m) <= len(in_scope) for m in models)


def test_load_themes_returns_the_latest_run(store_with) -> None:  # type: ignore[no-untyped-def]
    conn = store_with(list(themed_tickets()))
    assert load_themes(conn) == []
    themes = update_themes(conn, now=NOW)
    assert load_themes(conn) == themes


@pytest.mark.parametrize(
    "texts",
    [
        [],
        ["The export crashes"],
        ["😀🔥🙈"] * 8,
    ],
    ids=["empty", "one-ticket", "only-emoji"],
)
def test_degenerate_inputs_give_no_theme(store_with, texts) -> None:  # type: ignore[no-untyped-def]
    conn = store_with(
        [make_ticket(str(i), t, NOW - timedelta(days=1)) for i, t in enumerate(texts)]
    )
    assert update_themes(conn, now=NOW) == []
    assert load_themes(conn) == []


def test_identical_tickets_form_one_theme(store_with) -> None:  # type: ignore[no-untyped-def]
    text = "Login button does not work on Safari. Error 403 on login"
    conn = store_with([make_ticket(str(i), text, NOW - timedelta(days=i + 1)) for i in range(7)])
    (theme,) = update_themes(conn, now=NOW)
    assert theme.size == 7 and theme.kind == "bug"


def test_very_long_bodies(store_with) -> None:  # type: ignore[no-untyped-def]
    body = "The sync of calendar events fails with a timeout error. " * 2000
    tickets = [
        make_ticket(str(i), f"Calendar sync fails. {body}", NOW - timedelta(days=i + 1))
        for i in range(6)
    ]
    (theme,) = update_themes(store_with(tickets), now=NOW)
    assert theme.size == 6


def test_naive_now_is_refused(store_with) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SddkitError, match="timezone-aware"):
        update_themes(store_with([]), now=NOW.replace(tzinfo=None))


def test_an_incremental_run_after_a_run_without_noise(store_with) -> None:  # type: ignore[no-untyped-def]
    conn = store_with([t for t in themed_tickets() if not t.external_id.startswith("oneoff")])
    first = update_themes(conn, now=NOW)
    noise = conn.execute("SELECT count(*) FROM theme_members WHERE theme_id IS NULL")
    assert noise.fetchone()[0] == 0  # every ticket in a theme: nothing left over to re-cluster
    upsert_tickets(conn, themed_tickets(per_theme=1, seed=9, start=700))
    second = update_themes(conn, now=NOW + timedelta(days=1))
    mode = conn.execute("SELECT mode FROM theme_runs ORDER BY id DESC").fetchone()[0]
    assert mode == "incremental"
    assert {t.id for t in first} <= {t.id for t in second}


def test_messages_sent_again_change_no_theme() -> None:
    # A templated export or a customer who writes twice: the demo's tickets each sent one to
    # three times. Copies took each other's places among the nearest neighbours, so each
    # wording became a theme of its own (63 themes for the demo's 39); a message is now
    # clustered once and counted by its copies.
    rng = random.Random(1)
    once = list(demo_tickets())
    again = [
        replace(t, external_id=f"{t.external_id}~{n}")
        for t in once
        for n in range(rng.randint(1, 3))
    ]
    now = datetime(2026, 11, 16, tzinfo=UTC)
    themes = themes_from_tickets(once, now=now, min_size=5)
    sent_again = themes_from_tickets(again, now=now, min_size=5)
    assert len(sent_again) <= 1.1 * len(themes)
    assert abs(len(by_family(sent_again)) - len(by_family(themes))) <= 1
    # each copy is where its message is
    theme_of_key = {key: n for n, t in enumerate(sent_again) for key in t.ticket_keys}
    for key, n in theme_of_key.items():
        assert theme_of_key.get(key.split("~")[0] + "~0") == n
