from __future__ import annotations

from sddkit.themes.label import class_keywords, make_label


def test_keywords_are_specific_to_each_theme() -> None:
    words = class_keywords(
        [["invoice missing", "invoice pdf missing"], ["login loop", "login okta"]]
    )
    assert words[0][0].startswith("invoice") and words[1][0].startswith("login")
    assert make_label(["invoice", "invoice missing", "pdf"], "x") == "invoice · pdf"
