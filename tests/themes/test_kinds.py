from __future__ import annotations

import pytest

from sddkit.themes.clean import clean_text
from sddkit.themes.kinds import classify_kind, cue_list, cues_in


def _kind(*texts: str) -> str:
    return classify_kind([clean_text(t) for t in texts])[0]


def test_bug_kind_with_multilingual_evidence_counted_per_ticket() -> None:
    kind, evidence = classify_kind(
        ["экспорт не работает, ошибка", "eksport nie działa", "izvoz ne radi, greška", "how?"]
    )
    assert kind == "bug"
    assert evidence[0].kind == "bug" and evidence[0].score == 0.75
    assert {"не работа… ×1", "nie działa… ×1", "ne radi ×1"} <= set(evidence[0].signals)
    assert evidence[1].kind == "question" and evidence[1].score == 0.25


# Phrasings written for these tests, not taken from the demo data.
@pytest.mark.parametrize(
    ("kind", "texts"),
    [
        ("bug", ["The upload keeps failing with a timeout", "Upload failed again, stuck at 99%"]),
        ("bug", ["Приложение вылетает при открытии", "После обновления приложение падает"]),
        ("bug", ["Aplikacja się zawiesza przy zapisie", "Zapis nie działa od wczoraj"]),
        ("bug", ["Чување пада са грешком", "Aplikacija puca kad sačuvam"]),
        ("ux", ["I can't find the archive button", "The settings menu is really confusing"]),
        ("ux", ["Непонятно, где настройки уведомлений", "Очень запутанное меню"]),
        ("ux", ["Menu jest nieintuicyjne", "Nie mogę znaleźć ustawień powiadomień"]),
        ("ux", ["Ne mogu da nađem podešavanja", "Meni je zbunjujući"]),
        ("docs", ["The webhook guide has no example payload", "Docs for webhooks are outdated"]),
        ("docs", ["В документации нет описания вебхуков", "Нужна инструкция по вебхукам"]),
        ("docs", ["Dokumentacja webhooków jest nieaktualna", "Brak instrukcji do webhooków"]),
        ("docs", ["Документација за вебхук је застарела", "Nema uputstva za webhook"]),
        ("feature", ["Please add recurring tasks", "It would be great to have recurring tasks"]),
        ("feature", ["Хотелось бы повторяющиеся задачи", "Добавьте, пожалуйста, шаблоны"]),
        ("feature", ["Czy można dodać zadania cykliczne?", "Przydałyby się szablony"]),
        ("feature", ["Bilo bi dobro imati šablone", "Predlažem ponavljajuće zadatke"]),
        ("question", ["How do I invite a guest?", "Can I invite people outside my company?"]),
        ("question", ["Как пригласить гостя?", "Можно ли пригласить внешних людей?"]),
        ("question", ["Jak zaprosić gościa?", "Czy mogę zaprosić osoby spoza firmy?"]),
        ("question", ["Како да позовем госта?", "Da li mogu da pozovem ljude van firme?"]),
    ],
)
def test_each_kind_in_each_language(kind: str, texts: list[str]) -> None:
    assert _kind(*texts) == kind


def test_stems_match_inflected_forms_and_only_at_word_starts() -> None:
    assert cues_in("получаю ошибку при входе")["bug"] == {"ошибк…"}
    assert cues_in("pokazuje się błędem")["bug"] == {"błędem"}
    assert "bug" not in cues_in("debugging session")  # "bug" must start a word
    assert "docs" not in cues_in("примерно сорок тысяч строк")  # not "пример"


def test_serbian_cues_exist_in_both_scripts() -> None:
    bug = cue_list("bug")
    assert "ne radi" in bug and "не ради" in bug
    assert "greška" in bug and "грешка" in bug
    assert "ne mogu da nađem" in cue_list("ux") and "не могу да нађем" in cue_list("ux")
    # Cyrillic Serbian that escaped transliteration is still read.
    assert _kind("Извоз не ради, грешка") == "bug"


def test_how_do_i_in_bug_reports_does_not_make_a_question() -> None:
    texts = [
        "How do I get past this error? The export crashes every time",
        "How can I fix the export, it keeps failing?",
        "Export is broken, how do I download my data?",
    ]
    kind, evidence = classify_kind([clean_text(t) for t in texts])
    assert kind == "bug"
    assert [e.kind for e in evidence] == ["bug", "question"]
    assert evidence[1].score == 1.0  # the question cues are there, just not decisive


def test_question_wins_only_when_nothing_specific_is_strongly_present() -> None:
    texts = ["How do I rename a project?"] * 9 + ["Renaming crashed once"]
    assert classify_kind([clean_text(t) for t in texts])[0] == "question"
    texts = ["How do I rename a project?"] * 3 + ["Renaming crashed once"]
    assert classify_kind([clean_text(t) for t in texts])[0] == "bug"  # 25%: strong


def test_longest_cue_wins_where_cues_overlap() -> None:
    assert cues_in("czy można dodać eksport") == {"feature": {"czy można dodać"}}
    assert cues_in("czy można eksportować") == {"question": {"czy"}}


def test_tags_count_as_evidence_and_no_cue_defaults_to_question() -> None:
    assert classify_kind(["dark theme"], [("feature_request",)])[0] == "feature"
    kind, evidence = classify_kind(["dark theme"])
    assert kind == "question" and evidence[0].signals == ("no cue words found",)
