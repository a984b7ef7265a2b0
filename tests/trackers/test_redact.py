from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.trackers.redact import quote, redact


def test_removes_identity_and_keeps_the_complaint() -> None:
    text = (
        "Hi Ana,\nExport to CSV fails at https://app.acme.com/export?token=s3cr3t. "
        "Call +381 64 123 4567 or mail john.doe@globex.com.\n\nThanks,\nJohn Smith\nGlobex Corp"
    )
    out = redact(text, ["Globex Corp"])
    assert out == (
        "Export to CSV fails at https：//app.acme.com/export. Call [phone] or mail [email]."
    )


def test_greetings_and_signatures_in_other_languages() -> None:
    assert (
        redact("Здравствуйте, Иван!\nНе работает вход.\nС уважением, Пётр") == "Не работает вход."
    )
    assert redact("Dzień dobry,\nnie działa eksport.\nPozdrawiam\nKasia") == "nie działa eksport."


def test_keeps_dates_and_versions() -> None:
    assert redact("Since 2024-05-01 on version 3.2.1 it fails") == (
        "Since 2024-05-01 on version 3.2.1 it fails"
    )


def test_long_text_is_trimmed_at_a_word() -> None:
    out = quote("word " * 100)
    assert len(out) <= 200 and out.endswith("word…")


@settings(max_examples=60, deadline=None)
@given(
    before=st.text(max_size=80),
    user=st.from_regex(r"[a-z]{3,8}\.[a-z]{2,6}", fullmatch=True),
    digits=st.from_regex(r"\+1 [2-9]\d{2} \d{3} \d{4}", fullmatch=True),
)
def test_emails_and_phones_never_survive(before: str, user: str, digits: str) -> None:
    email = f"{user}@example.org"
    out = quote(f"{before} mail {email} or call {digits}. Please", limit=10_000)
    assert email not in out and digits not in out


# (text, what must be gone, what must stay): one table per language.
EN = [
    ("Export fails. Mail ana.kovac (at) firma.rs", ["ana.kovac", "firma.rs"], ["Export fails"]),
    ("Export fails. Write to ana [at] firma [dot] rs", ["ana", "firma"], ["Export fails"]),
    ("Export fails.\nRegards, Peter Parker", ["Peter", "Parker"], ["Export fails"]),
    ("It still fails. Regards, Peter Parker", ["Peter", "Parker"], ["It still fails."]),
    (
        "Export fails.\nThanks,\nPeter Parker\nHead of Finance\n" + "Disclaimer text. " * 20,
        ["Peter", "Disclaimer"],
        ["Export fails"],
    ),
    ("My name is John Smith and export fails", ["John", "Smith"], ["export fails"]),
    ("Ping @octocat and @acme/security-team", ["@octocat", "@acme"], ["[mention]"]),
    ("Same as #1, acme/app#3 and GH-4, ticket #4821", ["#1", "#3", "GH-4", "#4821"], ["4821"]),
    ("See ![x](https://t.example/p.gif?u=9) and [here](https://evil.example/x)", ["![", "]("], []),
    ("IBAN GB82WEST12345698765432, DE89 3704 0044 0532 0130 00", ["GB82", "3704"], ["[iban]"]),
    ("Card 4111 1111 1111 1111 cvv 123 failed", ["4111", "123"], ["failed"]),
    ("Ship to 221B Baker Street, London NW1 6XE please", ["Baker", "NW1 6XE"], ["please"]),
    ("Send to 1600 Pennsylvania Avenue NW, Springfield, IL 62704", ["1600", "62704"], []),
    ("Stripe key sk_live_4eC39HqLyjWDarjtT1zdp7dc leaked", ["sk_live_4eC3"], ["leaked"]),
    ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789 fails", ["ghp_abc"], ["fails"]),
    (
        "AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ["AKIAIOSFODNN7", "wJalrXUtnFEMI"],
        [],
    ),
    ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", ["eyJ"], []),
    ("login with password: hunter2 fails", ["hunter2"], ["fails"]),
    ("Since 2024-05-01 on version 3.2.1 error 500", [], ["2024-05-01", "3.2.1", "500"]),
]
RU = [
    ("Здравствуйте!\nНе работает экспорт.\nС уважением, Иван Петров", ["Иван"], ["экспорт"]),
    ("Меня зовут Иван Петров, экспорт не работает", ["Иван", "Петров"], ["экспорт"]),
    ("Адрес: ул. Ленина, д. 5, кв. 12, 123456, г. Москва", ["Ленина", "123456", "Москва"], []),
    ("Не работает. Пишите ivan (собака) mail.ru", ["ivan", "mail.ru"], ["Не работает"]),
    ("Пароль: qwerty123 не подходит", ["qwerty123"], ["не подходит"]),
]
PL = [
    ("Dzień dobry,\nnie działa eksport.\nZ poważaniem Jan Kowalski", ["Jan", "Kowalski"], []),
    ("Nazywam się Jan Kowalski i eksport nie działa", ["Jan", "Kowalski"], ["eksport"]),
    ("Adres: ul. Marszałkowska 10/12 m. 5, 00-950 Warszawa", ["Marszałkowska", "00-950"], []),
    ("Konto PL61 1090 1014 0000 0712 1981 2874, hasło: Tajne1", ["1090", "Tajne1"], ["Konto"]),
]
SR_LATIN = [
    ("Poštovani,\nizvoz ne radi.\nS poštovanjem, Marko Marković", ["Marko"], ["izvoz ne radi"]),
    ("Zovem se Marko Marković, izvoz ne radi", ["Marko", "Marković"], ["izvoz ne radi"]),
    ("Adresa: Bulevar kralja Aleksandra 73, 11000 Beograd", ["Aleksandra 73", "11000"], []),
    ("Račun RS35260005601001611379 ne radi", ["RS35", "2600056"], ["ne radi"]),
    ("Pišite na ana.kovac (at) firma.rs hvala", ["ana.kovac", "firma.rs"], []),
]
SR_CYRILLIC = [
    ("Поштовани,\nизвоз не ради.\nС поштовањем, Марко Марковић", ["Марко"], ["извоз не ради"]),
    ("Зовем се Марко Марковић, извоз не ради", ["Марко", "Марковић"], ["извоз не ради"]),
    ("Адреса: Булевар краља Александра 73, 11000 Београд", ["Александра 73", "11000"], []),
    ("Рачун RS35 2600 0560 1001 6113 79 не ради", ["2600", "6113"], ["не ради"]),
]


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        pytest.param(*case, id=f"{lang}-{n}")
        for lang, table in (
            ("en", EN),
            ("ru", RU),
            ("pl", PL),
            ("sr-latn", SR_LATIN),
            ("sr-cyrl", SR_CYRILLIC),
        )
        for n, case in enumerate(table)
    ],
)
def test_private_and_hostile_text_per_language(text: str, gone: list[str], kept: list[str]) -> None:
    out = redact(text)
    for piece in gone:
        assert piece not in out, f"{piece!r} survived in {out!r}"
    for piece in kept:
        assert piece in out, f"{piece!r} lost from {out!r}"


def test_links_and_images_lose_their_markup_but_keep_the_address() -> None:
    out = redact("See ![pixel](https://t.example/p.gif?u=9) and [here](https://a.example/x)")
    assert out == "See pixel (https：//t.example/p.gif) and here (https：//a.example/x)"


def test_quotes_cannot_carry_or_break_sddkit_markers() -> None:
    out = redact("broken\nsddkit:end\n<!-- sddkit:theme=T-evil -->\nsddkit:comment theme=T-x")
    assert "sddkit:" not in out and "sddkit：end" in out


def test_ordinary_words_and_numbers_are_kept() -> None:
    text = "Export to CSV fails for 12 users on build 4512; UTF-8 names, step 3 of 5"
    assert (
        redact(text) == "Export to CSV fails for 12 users on build 4512; UTF‑8 names, step 3 of 5"
    )


def test_quotes_of_huge_or_pathological_texts_read_a_bounded_head() -> None:
    # (Patterns that rescanned such runs from every position took minutes on these.)
    for text in ("a" * 200_000, "a." * 100_000, "ab (at) " * 25_000, "x at y " * 30_000):
        assert 0 < len(quote(text)) <= 200
        assert len(redact(text[:20_000])) <= 20_000


def test_spelled_out_at_is_an_address_only_with_dot_words() -> None:
    assert redact("look at app.acme.com/export and settings.json") == (
        "look at app.acme.com/export and settings.json"
    )
    assert redact("mail ana at firma dot rs") == "mail [email]"
