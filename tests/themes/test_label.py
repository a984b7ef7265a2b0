from __future__ import annotations

from sddkit.themes.label import class_keywords, classify_kind, make_label


def test_bug_kind_with_multilingual_evidence() -> None:
    kind, evidence = classify_kind(
        ["экспорт не работает, ошибка", "eksport nie działa", "izvoz ne radi, greška", "how?"]
    )
    assert kind == "bug"
    assert evidence[0].score == 0.75
    assert {"не работает ×1", "nie działa ×1", "ne radi ×1"} <= set(evidence[0].signals)


def test_each_kind_is_recognised() -> None:
    cases = {
        "ux": "ne mogu da nađem podešavanja",
        "docs": "dokumentacja nie ma przykładu",
        "feature": "хотелось бы тёмную тему",
        "question": "kako da promenim lozinku",
    }
    for kind, text in cases.items():
        assert classify_kind([text])[0] == kind, text


def test_tags_count_as_evidence_and_no_cue_defaults_to_question() -> None:
    assert classify_kind(["dark theme"], [("feature_request",)])[0] == "feature"
    kind, evidence = classify_kind(["dark theme"])
    assert kind == "question" and evidence[0].signals == ("no cue words found",)


def test_keywords_are_specific_to_each_theme() -> None:
    words = class_keywords(
        [["invoice missing", "invoice pdf missing"], ["login loop", "login okta"]]
    )
    assert words[0][0].startswith("invoice") and words[1][0].startswith("login")
    assert make_label(["invoice", "invoice missing", "pdf"], "x") == "invoice · pdf"
