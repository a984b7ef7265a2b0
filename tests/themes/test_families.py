"""Theme families: one subject's themes across languages, linked on tags and tokens."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.themes.families import (
    FamilyLink,
    Profile,
    ThemeFamily,
    find_families,
    technical_tokens,
)
from sddkit.themes.model import Theme
from sddkit.themes.pipeline import ThemeSettings, update_themes
from sddkit.themes.render import render_theme
from sddkit.themes.space import SpaceSettings
from sddkit.themes.store import ensure_schema, load_families, load_themes, save_run
from tests.themes.conftest import NOW, make_ticket


def theme(tid: str, language: str, size: int, kind: str = "bug") -> Theme:
    return Theme(
        id=tid,
        label=tid,
        kind=kind,
        keywords=(),
        ticket_keys=tuple(f"{tid}:{n}" for n in range(size)),
        representative_keys=(),
        customer_count=size,
        first_seen=NOW - timedelta(days=size),
        last_seen=NOW,
        trend="stable",
        languages={language: size},
    )


def prof(
    size: int, tags: dict[str, int] | None = None, tokens: dict[str, int] | None = None
) -> Profile:
    return Profile(size, Counter(tags or {}), Counter(tokens or {}))


def filler(n: int) -> tuple[list[Theme], dict[str, Profile]]:
    """Unrelated themes, each with its own tag, so rarity across themes means something."""
    themes = [theme(f"T-f{n}{lang}", lang, 20) for n in range(n) for lang in ("en", "ru")]
    return themes, {t.id: prof(20, {t.id: 8}) for t in themes}


def test_technical_tokens_keep_what_reads_the_same_in_every_language() -> None:
    assert technical_tokens("Export to CSV fails. Our Slack bot and iOS app, 2FA too") == (
        "csv",
        "slack",
        "ios",
        "2fa",
    )
    # a Latin word in a Cyrillic text counts; addresses, URLs and sentence starts do not
    assert technical_tokens("Не работает экспорт в excel, см. https://x.io/Abc a@B.com") == (
        "excel",
    )
    assert technical_tokens("The report. Nie działa raport") == ()
    # a sentence start is read across line breaks, quotes and brackets; a log line is no token
    assert technical_tokens("done\n  Slack\n(Excel) and «Jira» in Word") == ("word",)
    assert technical_tokens("see " + "SlackBot" * 40 + " now") == ()


def test_one_subject_in_four_languages_is_one_family_founded_by_the_largest() -> None:
    others, profiles = filler(4)
    subject = [theme("T-en", "en", 40), theme("T-ru", "ru", 25), theme("T-pl", "pl", 20),
               theme("T-sr", "sr", 12)]  # fmt: skip
    for t in subject:
        profiles[t.id] = prof(t.size, {"password-reset": t.size // 3}, {"sms": t.size // 4})
    families = find_families([*subject, *others], profiles)
    assert [f.theme_ids for f in families] == [("T-en", "T-ru", "T-pl", "T-sr")]
    family = families[0]
    assert family.id == "T-en"
    assert all(
        link.tags == ("password-reset",) and link.tokens == ("sms",) for link in family.links
    )
    assert "tag password-reset" in family.links[0].describe()


def test_a_generic_tag_does_not_link_two_subjects() -> None:
    """ "billing" is on invoices and on plan changes, in both languages: weak evidence."""
    others, profiles = filler(4)
    billing = [theme("T-inv-en", "en", 30), theme("T-plan-en", "en", 30),
               theme("T-inv-ru", "ru", 20), theme("T-plan-ru", "ru", 20)]  # fmt: skip
    for t in billing:
        profiles[t.id] = prof(t.size, {"billing": t.size})
    assert find_families([*billing, *others], profiles) == []
    # one theme per language carries it, but on few tickets: too weak to link
    pair = [billing[0], billing[3]]
    weak = {t.id: prof(t.size, {"billing": t.size // 6}) for t in pair}
    assert find_families([*pair, *others], {**profiles, **weak}) == []


def test_a_generic_tag_plus_a_specific_one_links_the_right_pairs() -> None:
    others, profiles = filler(4)
    billing = [theme("T-inv-en", "en", 30), theme("T-plan-en", "en", 30),
               theme("T-inv-ru", "ru", 20), theme("T-plan-ru", "ru", 20)]  # fmt: skip
    for t in billing:
        subject = t.id.split("-")[1]
        profiles[t.id] = prof(t.size, {"billing": t.size, subject: t.size // 2})
    families = find_families([*billing, *others], profiles)
    assert sorted(f.theme_ids for f in families) == [
        ("T-inv-en", "T-inv-ru"),
        ("T-plan-en", "T-plan-ru"),
    ]


def test_never_two_themes_of_one_language_nor_two_kinds() -> None:
    others, profiles = filler(4)
    themes = [theme("T-a", "en", 30), theme("T-b", "en", 20), theme("T-c", "ru", 20, kind="ux")]
    for t in themes:
        profiles[t.id] = prof(t.size, {"export": t.size})
    assert find_families([*themes, *others], profiles) == []


def test_a_theme_links_to_its_subject_split_in_two_halves_titled_alike() -> None:
    # Clustering split the English side of a subject in two (the same title links them);
    # the Serbian theme's tag is on both halves. Neither half is a rival of the other (the
    # Serbian theme is not unsure between them) and the tag does not count as spanning two
    # English subjects: the demo's Serbian login-loop theme after the context sentences
    # were no longer read.
    others, profiles = filler(4)
    halves = [replace(theme(t, "en", n), label="Mobile app stuck on sign in")
              for t, n in (("T-en1", 136), ("T-en2", 53))]  # fmt: skip
    serbian = theme("T-sr", "sr", 16)
    profiles |= {"T-en1": prof(136, {"mobile-login": 44}), "T-en2": prof(53, {"mobile-login": 17}),
                 "T-sr": prof(16, {"mobile-login": 7})}  # fmt: skip
    families = find_families([*halves, serbian, *others], profiles)
    assert [f.theme_ids for f in families] == [("T-en1", "T-en2", "T-sr")]
    # Two English themes that are not one subject still make the tag weaker and the
    # Serbian theme unsure: no link.
    titles = ("Login loop", "App crashes")
    apart = [replace(h, label=label) for h, label in zip(halves, titles, strict=True)]
    assert find_families([*apart, serbian, *others], profiles) == []


def test_untagged_themes_need_strong_shared_tokens() -> None:
    others, profiles = filler(4)
    themes = [theme("T-a", "en", 30), theme("T-b", "ru", 20), theme("T-c", "pl", 20)]
    profiles |= {"T-a": prof(30, tokens={"slack": 30, "webhook": 20}),
                 "T-b": prof(20, tokens={"slack": 20, "webhook": 15}),
                 "T-c": prof(20, tokens={"api": 3})}  # fmt: skip
    assert [f.theme_ids for f in find_families([*themes, *others], profiles)] == [("T-a", "T-b")]


def test_the_family_id_of_a_previous_run_is_kept() -> None:
    others, profiles = filler(4)
    subject = [theme("T-en", "en", 40), theme("T-ru", "ru", 25)]
    for t in subject:
        profiles[t.id] = prof(t.size, {"sso": t.size})
    assert find_families([*subject, *others], profiles, {"T-ru": "T-ru"})[0].id == "T-ru"
    # a previous family id that is no longer a member is not reused
    assert find_families([*subject, *others], profiles, {"T-ru": "T-gone"})[0].id == "T-en"


def test_themes_titled_alike_are_one_family_even_in_the_same_languages() -> None:
    # Clustering split one subject by wording: two English themes whose commonest subject line
    # (their title) is the same; a third of another kind, and keyword labels, stay apart.
    others, profiles = filler(4)
    first = replace(theme("T-a", "en", 40), label="Dark theme contrast")
    second = replace(theme("T-b", "en", 25), label="dark theme   CONTRAST")
    other_kind = replace(theme("T-c", "en", 20, kind="question"), label="Dark theme contrast")
    keywords = [replace(theme(t, "en", 15), label="bole · ima jako") for t in ("T-d", "T-e")]
    themes = [first, second, other_kind, *keywords]
    families = find_families([*themes, *others], profiles)
    assert [f.theme_ids for f in families] == [("T-a", "T-b")]
    (link,) = families[0].links
    assert link.title == "Dark theme contrast"
    assert link.describe() == "T-a ~ T-b: same title «Dark theme contrast»"


def lines_of(**counts: int) -> Counter[str]:
    return Counter({line.replace("_", " "): n for line, n in counts.items()})


def test_themes_whose_subject_lines_are_mostly_the_same_are_one_family() -> None:
    # One slow dashboard told two ways in the bodies, under the same subject lines: clustering
    # split it, the lines join it. A third theme, of another kind, shares the lines but not
    # the kind; a fourth shares one of the lines with a small share only.
    others, profiles = filler(4)
    first = replace(theme("T-a", "en", 40), label="Dashboard very slow")
    second = replace(theme("T-b", "en", 30), label="Dashboard takes forever to load")
    other_kind = replace(theme("T-c", "en", 30, kind="question"), label="Slow reports")
    little = replace(theme("T-d", "en", 30), label="Charts missing")
    slow = lines_of(dashboard_very_slow=16, dashboard_takes_forever_to_load=14, slow_page=10)
    profiles |= {
        "T-a": Profile(40, lines=slow),
        "T-b": Profile(30, lines=lines_of(dashboard_very_slow=9, dashboard_takes_forever_to_load=12,
                                          performance_of_the_main_page=9)),
        "T-c": Profile(30, lines=slow),
        "T-d": Profile(30, lines=lines_of(dashboard_very_slow=3, charts_missing=27)),
    }  # fmt: skip
    families = find_families([first, second, other_kind, little, *others], profiles)
    assert [f.theme_ids for f in families] == [("T-a", "T-b")]
    (link,) = families[0].links
    # overlap: min(16/40, 9/30) + min(14/40, 12/30) = 0.65; T-a's tickets under lines
    # common in T-b: (16 + 14) / 40 = 0.75; T-b's under T-a's: 21 / 30 = 0.7
    assert link.lines == 0.75
    assert link.describe() == "T-a ~ T-b: subject lines alike (75%)"


def test_generic_subject_lines_and_distant_meanings_join_nothing() -> None:
    # Every theme's tickets come from a web form titled "Quick question from the app": the
    # line heads all of them, so it says nothing. Two themes sharing a real line join only
    # when one is among the other's three nearest by meaning.
    themes = [replace(theme(f"T-{n}", "en", 20), label=f"Subject {n}") for n in range(10)]
    profiles = {t.id: Profile(20, lines=lines_of(quick_question_from_the_app=18, other=2))
                for t in themes}  # fmt: skip
    assert find_families(themes, profiles) == []
    profiles["T-0"] = profiles["T-1"] = Profile(20, lines=lines_of(export_keeps_failing=20))
    axis = np.eye(16, dtype=np.float32)
    apart = {t.id: axis[n] for n, t in enumerate(themes)}
    near = apart | {"T-1": axis[0] * 0.8 + axis[1] * 0.6}
    assert [f.theme_ids for f in find_families(themes, profiles, centroids=near)] == [
        ("T-0", "T-1")
    ]
    # three themes nearer to each of the two than they are to each other
    far = apart | {f"T-{n}": axis[0] * 0.9 + axis[n] * 0.436 for n in (2, 3, 4)}
    far |= {f"T-{n}": axis[1] * 0.9 + axis[n] * 0.436 for n in (5, 6, 7)}
    assert find_families(themes, profiles, centroids=far) == []


def test_a_small_part_titled_like_a_larger_theme_joins_it() -> None:
    # A 16-ticket part of the slow dashboard under one of its subject lines: the lines'
    # distributions overlap little (a quarter), but all its tickets carry a line that is
    # common in the larger theme.
    others, profiles = filler(4)
    large = replace(theme("T-a", "en", 80), label="Dashboard very slow")
    part = replace(theme("T-b", "en", 16), label="Performance of the main page")
    profiles["T-a"] = Profile(80, lines=lines_of(dashboard_very_slow=30,
                                                 dashboard_takes_forever_to_load=30,
                                                 performance_of_the_main_page=20))  # fmt: skip
    profiles["T-b"] = Profile(16, lines=lines_of(performance_of_the_main_page=16))
    families = find_families([large, part, *others], profiles)
    assert [f.theme_ids for f in families] == [("T-a", "T-b")]
    assert families[0].links[0].lines == 1.0


def test_themes_crossing_languages_link_when_their_main_languages_differ() -> None:
    # One subject found twice, each theme in both languages: mostly English (30 en, 12 ru)
    # and mostly Russian (20 ru, 8 en). Their main languages differ, so meaning links them;
    # a third theme mostly English like the first may not join (one theme per language).
    english = replace(theme("T-en", "en", 42), languages={"en": 30, "ru": 12})
    russian = replace(theme("T-ru", "ru", 28), languages={"ru": 20, "en": 8})
    also_english = replace(theme("T-en2", "en", 20), languages={"en": 15, "ru": 5})
    others, profiles = filler(4)
    axis = np.eye(8, dtype=np.float32)
    centroids = {"T-en": axis[0], "T-ru": axis[0] * 0.9 + axis[1] * 0.436, "T-en2": axis[2]}
    families = find_families(
        [english, russian, also_english, *others], profiles, centroids=centroids
    )
    assert [f.theme_ids for f in families] == [("T-en", "T-ru")]
    assert families[0].links[0].meaning is not None


def test_title_and_line_links_are_stored_and_read_back(store_with) -> None:  # type: ignore[no-untyped-def]
    conn = store_with([])
    ensure_schema(conn)
    link = FamilyLink("T-a", "T-b", 0.0, 10.0, title="Dark theme contrast")
    lines = FamilyLink("T-a", "T-c", 0.0, 6.5, lines=0.65)
    family = ThemeFamily("T-a", ("T-a", "T-b", "T-c"), (link, lines))
    save_run(
        conn, now=NOW, mode="full", since=None, min_size=5, backend="char-ngram",
        model_state=None, model_run=None, ticket_count=0, themes=[], members=[],
        families=[family],
    )  # fmt: skip
    assert load_families(conn) == [family]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["en", "ru", "pl", "sr"]), st.integers(0, 3)),
        min_size=2,
        max_size=12,
    )
)
def test_families_never_repeat_a_language_or_a_theme(spec: list[tuple[str, int]]) -> None:
    themes = [theme(f"T-{n}", lang, 10 + n) for n, (lang, _) in enumerate(spec)]
    profiles = {
        t.id: prof(t.size, {f"tag{s}": t.size // 2}) for t, (_, s) in zip(themes, spec, strict=True)
    }
    families = find_families(themes, profiles)
    seen: list[str] = [m for f in families for m in f.theme_ids]
    assert len(seen) == len(set(seen))
    for f in families:
        languages = [next(iter(t.languages)) for t in themes if t.id in f.theme_ids]
        assert len(languages) == len(set(languages)) >= 2
        assert f.id in f.theme_ids


PHRASES = {
    "en": [
        "The CSV export of the sales report times out",
        "Exporting the report as CSV never finishes",
    ],
    "ru": ["Экспорт отчёта в CSV зависает", "Выгрузка отчёта в CSV не завершается"],
}
OTHER = {
    "en": [
        "Dark mode labels are unreadable in the app",
        "In dark mode the grey labels cannot be read",
    ],
    "ru": ["В тёмной теме не видно подписей", "Подписи в тёмной теме нечитаемы"],
}


def test_the_pipeline_stores_families_and_sets_family_ids(store_with) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    tickets = []
    for subject, tag, texts in (("csv", "export", PHRASES), ("dark", "dark-mode", OTHER)):
        for language, phrasings in texts.items():
            for n in range(12):
                created = NOW - timedelta(days=rng.randint(1, 40))
                tags = (tag,) if n % 4 else ()
                text = rng.choice(phrasings)
                ident = f"{subject}-{language}-{n}"
                tickets.append(make_ticket(ident, text, created, tags=tags, language=language))
    conn = store_with(tickets)
    # The n-gram backend keeps each language its own theme: the links here are by tags.
    settings = ThemeSettings(space=SpaceSettings(backend="char-ngram"))
    update_themes(conn, now=NOW, settings=settings)
    themes = load_themes(conn)
    families = load_families(conn)
    assert len(themes) == 4
    assert sorted(len(f.theme_ids) for f in families) == [2, 2]
    by_id = {t.id: t for t in themes}
    for family in families:
        members = [by_id[m] for m in family.theme_ids]
        assert {t.family_id for t in members} == {family.id}
        assert len({next(iter(t.languages)) for t in members}) == 2
        assert family.links and family.links[0].tags
    first = {f.id for f in families}
    update_themes(conn, now=NOW + timedelta(days=1), full=True, settings=settings)
    assert {f.id for f in load_families(conn)} == first


def test_one_subject_in_two_languages_is_one_theme_or_family_without_tags(store_with) -> None:  # type: ignore[no-untyped-def]
    """The default (multilingual) space: no tags, no shared tokens; meaning alone joins the
    English and Russian tickets of a subject and keeps the two subjects apart."""
    rng = random.Random(5)
    tickets, subject_of = [], {}
    for subject, texts in (("csv", PHRASES), ("dark", OTHER)):
        for language, phrasings in texts.items():
            for n in range(12):
                ident = f"{subject}-{language}-{n}"
                created = NOW - timedelta(days=rng.randint(1, 40))
                text = rng.choice(phrasings).replace("CSV", "export file")
                tickets.append(make_ticket(ident, text, created, language=language))
                subject_of[f"test:{ident}"] = subject
    conn = store_with(tickets)
    themes = update_themes(conn, now=NOW)
    group = {k: t.family_id or t.id for t in themes for k in t.ticket_keys}
    assert len(group) == len(tickets)  # every ticket in a theme
    for subject in ("csv", "dark"):
        assert len({group[k] for k, s in subject_of.items() if s == subject}) == 1
    assert len(set(group.values())) == 2


def test_show_lines_up_members_in_several_languages() -> None:
    # `themes show`: a member written in three languages and one in one, columns aligned.
    founder = replace(theme("T-a", "en", 40), label="Dark theme contrast")
    wide = replace(theme("T-b", "en", 77), languages={"en": 50, "ru": 17, "pl": 10})
    narrow = replace(theme("T-c", "sr", 11), label="Kontrast u tamnom režimu")
    family = ThemeFamily("T-a", ("T-a", "T-b", "T-c"))
    text = render_theme(founder, [], [], family, [founder, wide, narrow])
    rows = [line for line in text.splitlines() if line.startswith(("  T-b", "  T-c"))]
    assert rows == ["  T-b  en,ru,pl    77  T-b", "  T-c  sr          11  Kontrast u tamnom režimu"]
