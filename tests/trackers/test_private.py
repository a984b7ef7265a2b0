"""Private text per language: every case must be gone from a redacted quote, the complaint
must stay. (text, what must be gone, what must stay); one table per language."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.trackers.redact import quote, redact
from sddkit.trackers.settings import TriageSettings
from sddkit.trackers.suggest import Counts, render_draft
from tests.support import trackers as fakes

EN = [
    (
        "Export fails. I was born 12.03.1985, DOB 1985-03-12",
        ["12.03.1985", "1985-03-12"],
        ["fails"],
    ),
    ("Export fails; date of birth: March 12, 1985.", ["March 12, 1985"], ["fails"]),
    ("Export fails; born on the 3rd of May 1990", ["3rd of May 1990"], ["fails"]),
    ("Export fails for 03/12/1985 customers", ["03/12/1985"], ["fails"]),
    ("Passport AB1234567 was rejected", ["AB1234567"], ["rejected"]),
    ("Mail ana.kovac @ gmail.com please", ["ana.kovac", "gmail.com"], ["please"]),
    ("Mail ana.kovac＠gmail.com please", ["ana.kovac", "gmail"], ["please"]),
    ("Mail ana.kovac at gmail.com please", ["ana.kovac", "gmail"], ["please"]),
    ("Export fails.\nBest regards, John Smith, CTO\nAcme Ltd", ["John", "Smith", "CTO"], ["fails"]),
    ("Bug: SEPA refund never arrived, ask Dragana Jovanovic", ["Dragana", "Jovanovic"], ["SEPA"]),
    ("Slack token xoxb-123456789012-abcdefABCDEF leaked", ["xoxb-1234", "abcdefABCDEF"], []),
    ("Stripe rk_live_51HxYz restricted key", ["rk_live_51H"], ["restricted key"]),
    ("Maps key AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW fails", ["AIzaSy"], ["fails"]),
    (
        "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc\n"
        "-----END RSA PRIVATE KEY----- then it fails",
        ["MIIEpAIB", "BEGIN RSA"],
        ["it fails"],
    ),
    ("Call (555) 123-4567 or +1 415 555 0132", ["123-4567", "555 0132"], ["Call"]),
    ("SSN 123-45-6789 on file", ["123-45-6789"], ["on file"]),
]
DE = [
    ("Export geht nicht. Geburtsdatum: 12.03.1985", ["12.03.1985"], ["Export geht nicht"]),
    ("geb. 5. März 1979, Export geht nicht", ["März 1979"], ["Export geht nicht"]),
    ("Passwort: Sommer2024! funktioniert nicht", ["Sommer2024"], ["funktioniert nicht"]),
    ("Kennwort=Geheim123 geht nicht", ["Geheim123"], ["geht nicht"]),
    ("Lieferung an Hauptstraße 5, 10115 Berlin", ["Hauptstraße 5", "10115"], ["Lieferung"]),
    ("Reisepass C01X00T47 abgelehnt", ["C01X00T47"], ["abgelehnt"]),
    ("Tel. +49 (0)30 1234567 oder 030/12345678", ["1234567", "12345678"], ["oder"]),
    ("Tel.+49 171 1234567 bitte", ["1234567"], ["bitte"]),
    (
        "Export geht nicht.\nMit freundlichen Grüßen\nHans Müller\nLeiter IT\n\n"
        "Diese E-Mail enthält vertrauliche Informationen. " * 3,
        ["Hans", "Müller", "vertrauliche"],
        ["Export geht nicht"],
    ),
    ("Export geht nicht. Freundliche Grüße, Petra Schmidt", ["Petra", "Schmidt"], ["Export"]),
    ("Bitte Herr Müller fragen, Export geht nicht", ["Müller"], ["Export geht nicht"]),
]
PL = [
    ("Eksport nie działa, PESEL 85031212345", ["85031212345"], ["Eksport nie działa"]),
    ("Eksport nie działa, 02270803628", ["02270803628"], ["Eksport nie działa"]),
    ("Dowód osobisty ABC123456 odrzucony", ["ABC123456"], ["odrzucony"]),
    ("Numer dowodu: ABC 123456", ["ABC 123456"], []),
    ("data urodzenia 12.03.1985 r., eksport nie działa", ["12.03.1985"], ["eksport"]),
    ("ur. 12 marca 1985, eksport nie działa", ["marca 1985"], ["eksport"]),
    ("Pisz na anna.nowak małpa wp kropka pl", ["anna.nowak", "wp"], ["Pisz"]),
    ("Pisz na anna.nowak małpa wp.pl dzięki", ["anna.nowak", "wp.pl"], ["dzięki"]),
    ("Mieszkam przy Długiej 5/3, eksport nie działa", ["Długiej 5/3"], ["eksport"]),
    ("Tel. 601 234 567 lub +48 22 123 45 67", ["601 234 567", "123 45 67"], ["lub"]),
    ("Eksport nie działa. Pozdrawiam, Anna Kowalska, kierownik", ["Anna", "Kowalska"], []),
]
SR_LATIN = [
    ("JMBG 0101990710006, izvoz ne radi", ["0101990710006"], ["izvoz ne radi"]),
    ("Izvoz ne radi, 1203985710123", ["1203985710123"], ["Izvoz ne radi"]),
    ("rođena 12. marta 1985, izvoz ne radi", ["marta 1985"], ["izvoz ne radi"]),
    ("datum rođenja 12.03.1985., izvoz ne radi", ["12.03.1985"], ["izvoz ne radi"]),
    ("Pišite na ana.kovac et gmail tačka com", ["ana.kovac", "gmail"], ["Pišite"]),
    ("Pišite na ana.kovac et gmail.com hvala", ["ana.kovac", "gmail"], []),
    (
        "Izvoz ne radi.\nSrdačno, Marko Marković, CTO\nFirma d.o.o.",
        ["Marko", "Marković", "CTO"],
        ["Izvoz ne radi"],
    ),
    ("Pitajte Jelene, izvoz ne radi", ["Jelene"], ["izvoz ne radi"]),
    ("Adresa: Nemanjina 4, Beograd; izvoz ne radi", ["Nemanjina 4"], ["izvoz ne radi"]),
    ("Tel: 064/123-4567 ili +381 11 123 4567", ["123-4567", "123 4567"], ["ili"]),
    ("Broj pasoša 012345678, izvoz ne radi", ["012345678"], ["izvoz ne radi"]),
]
SR_CYRILLIC = [
    ("ЈМБГ 0101990710006, извоз не ради", ["0101990710006"], ["извоз не ради"]),
    ("рођен 12. марта 1985, извоз не ради", ["марта 1985"], ["извоз не ради"]),
    ("Пишите на ana.kovac ет gmail тачка com", ["ana.kovac", "gmail"], ["Пишите"]),
    ("Извоз не ради.\nСрдачно, Марко Марковић, директор", ["Марко", "Марковић"], ["Извоз"]),
    ("Питајте Јелену, извоз не ради", ["Јелену"], ["извоз не ради"]),
    ("Адреса: Немањина 4, Београд", ["Немањина 4"], ["Адреса"]),
]
RU = [
    ("ИНН 7707083893, экспорт не работает", ["7707083893"], ["экспорт не работает"]),
    ("СНИЛС 112-233-445 95, экспорт не работает", ["112-233-445"], ["экспорт"]),
    ("Паспорт 4509 123456 не принимают", ["4509 123456"], ["не принимают"]),
    ("дата рождения 12.03.1985, экспорт не работает", ["12.03.1985"], ["экспорт"]),
    ("родился 12 марта 1985 г., экспорт не работает", ["марта 1985"], ["экспорт"]),
    ("Пишите ivan собака yandex точка ru", ["ivan", "yandex"], ["Пишите"]),
    ("Пишите ivan собака mail.ru спасибо", ["ivan", "mail.ru"], ["спасибо"]),
    ("Тел. +7 (495) 123-45-67 или 8 800 555-35-35", ["123-45-67", "555-35-35"], ["или"]),
    ("Спросите Анну Петрову, экспорт не работает", ["Анну", "Петрову"], ["экспорт"]),
]
UK = [
    ("Доброго дня, пане Петре!\nЕкспорт не працює.", ["Петре"], ["Експорт не працює"]),
    ("Мене звати Олена Коваленко, експорт не працює", ["Олена", "Коваленко"], ["експорт"]),
    ("Експорт не працює.\nЗ повагою, Олена Коваленко", ["Олена", "Коваленко"], ["Експорт"]),
    ("Адреса: вул. Хрещатик, 22, кв. 5, Київ", ["Хрещатик", "22"], ["Адреса"]),
    ("ID-картка 123456789, експорт не працює", ["123456789"], ["експорт"]),
    ("Паспорт КВ 123456 не приймають", ["КВ 123456"], ["не приймають"]),
    ("РНОКПП 3012345678, експорт не працює", ["3012345678"], ["експорт"]),
    ("дата народження 12.03.1985, експорт не працює", ["12.03.1985"], ["експорт"]),
    ("Пишіть olena равлик ukr точка net", ["olena", "ukr"], ["Пишіть"]),
    ("Тел. +380 (44) 123 45 67 або 067 123 4567", ["123 45 67", "123 4567"], ["або"]),
    ("Пароль: Kyiv2024 не підходить", ["Kyiv2024"], ["не підходить"]),
]


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        pytest.param(*case, id=f"{lang}-{n}")
        for lang, table in (
            ("en", EN),
            ("de", DE),
            ("pl", PL),
            ("sr-latn", SR_LATIN),
            ("sr-cyrl", SR_CYRILLIC),
            ("ru", RU),
            ("uk", UK),
        )
        for n, case in enumerate(table)
    ],
)
def test_private_text_is_gone_in_every_language(
    text: str, gone: list[str], kept: list[str]
) -> None:
    out = redact(text)
    for piece in gone:
        assert piece not in out, f"{piece!r} survived in {out!r}"
    for piece in kept:
        assert piece in out, f"{piece!r} lost from {out!r}"


def test_a_known_name_is_gone_in_its_inflected_forms() -> None:
    out = redact("Jelena said it fails; ask Jelene or write to Jeleni, thanks Jelenom", ["Jelena"])
    assert "Jelen" not in out and "it fails" in out


MONTHS = ["March", "März", "marca", "marta", "марта", "березня", "Mar"]
DAY = st.integers(1, 28)
MONTH = st.integers(1, 12)
YEAR = st.integers(1930, 2008)


@st.composite
def birth_dates(draw: st.DrawFn) -> str:
    d, m, y = draw(DAY), draw(MONTH), draw(YEAR)
    forms = [
        f"{d:02}.{m:02}.{y}",
        f"{d}.{m}.{y}.",
        f"{d:02}/{m:02}/{y}",
        f"{m}/{d}/{y}",
        f"{y}-{m:02}-{d:02}",
        f"{d}-{m}-{y}",
        f"{d}. {draw(st.sampled_from(MONTHS))} {y}",
        f"{draw(st.sampled_from(MONTHS))} {d}, {y}",
        f"{d:02}.{m:02}.{str(y)[2:]}",
    ]
    return draw(st.sampled_from(forms))


WORDS = [
    "born", "DOB", "date of birth:", "Geburtsdatum", "geb.", "urodzony", "data urodzenia",
    "rođen", "datum rođenja", "рођена", "дата рождения", "родилась", "дата народження",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(word=st.sampled_from(WORDS), date=birth_dates(), tail=st.sampled_from(["", ".", ","]))
def test_dates_of_birth_never_survive(word: str, date: str, tail: str) -> None:
    out = quote(f"Export fails; {word} {date}{tail} please help", limit=10_000)
    digits = [part for part in date.replace("/", " ").replace(".", " ").split() if part.isdigit()]
    assert not any(f" {p}" in out.replace(",", " ") for p in digits if len(p) == 4), out
    assert "Export fails" in out


AT = ["@", " @ ", "＠", " (at) ", " [at] ", " at ", " et ", " małpa ", " собака ", " равлик "]
DOT = [".", " . ", " dot ", " tačka ", " kropka ", " точка ", " крапка "]


@settings(max_examples=200, deadline=None)
@given(
    user=st.from_regex(r"[a-z]{3,8}\.[a-z]{3,8}", fullmatch=True),
    host=st.from_regex(r"[a-z]{4,9}", fullmatch=True),
    at=st.sampled_from(AT),
    dot=st.sampled_from(DOT),
    tld=st.sampled_from(["com", "rs", "pl", "ru", "de", "ua"]),
)
def test_obfuscated_emails_never_survive(user: str, host: str, at: str, dot: str, tld: str) -> None:
    out = redact(f"Export fails, write to {user}{at}{host}{dot}{tld} please")
    assert user not in out and host not in out, out
    assert "Export fails" in out


@settings(max_examples=200, deadline=None)
@given(
    number=st.sampled_from(
        [
            "PESEL {d11}",
            "JMBG {d13}",
            "ЈМБГ {d13}",
            "ИНН {d10}",
            "ИНН {d12}",
            "СНИЛС {d3}-{d3}-{d3} {d2}",
            "passport {L2}{d7}",
            "paszport {L3}{d6}",
            "паспорт {d4} {d6}",
            "Reisepass {L1}{d8}",
            "dowód {L3}{d6}",
            "ІПН {d10}",
        ]
    ),
    digits=st.lists(st.integers(0, 9), min_size=13, max_size=13),
    letters=st.lists(st.sampled_from("ABCDEFGHJKLMNPRSTUVWXYZ"), min_size=3, max_size=3),
)
def test_id_numbers_never_survive(number: str, digits: list[int], letters: list[str]) -> None:
    d = "".join(map(str, digits))
    values = {f"d{n}": d[:n] for n in (2, 3, 4, 6, 7, 8, 10, 11, 12, 13)}
    values |= {f"L{n}": "".join(letters[:n]) for n in (1, 2, 3)}
    text = number.format(**values)
    value = text.split(" ", 1)[1]
    out = redact(f"Export fails, {text} please")
    assert value not in out and d[:6] not in out, out


def test_titles_and_keywords_lose_names_and_the_customers_organisation() -> None:
    text = "SEPA refund never arrived, ask Dragana Jovanovic at Globex Corporation"
    tickets = {
        f"zendesk:{n}": fakes.ticket(f"zendesk:{n}", text, customer=f"c{n}") for n in range(4)
    }
    base = fakes.theme("T-s", list(tickets), label=f"{text}")
    theme = replace(base, keywords=("sepa", "refund", "dragana", "jovanovic", "globex"))
    draft = render_draft(
        theme, tickets, TriageSettings(), tracker="github", counts=Counts(4, 4), now=fakes.NOW
    )
    for private in ("Dragana", "Jovanovic", "dragana", "jovanovic", "Globex", "globex"):
        assert private not in draft.title and private not in draft.body, private
    assert draft.title.startswith("Bug: SEPA refund never arrived, ask [name]")
    assert "| Keywords | sepa, refund |" in draft.body


HOSTILE = (
    "Export fails. cc +@hubot and .@monalisa, see https://github.com/acme/app/issues/3 and "
    "http://evil.example/x or www.evil.example; \u202eevil\u202c text\u200b here; "
    "a quote ending in a backslash \\"
)


@pytest.mark.parametrize("tracker", ["github", "jira"])
def test_quotes_are_inert_on_github_and_jira(tracker: str) -> None:
    tickets = {f"zendesk:{n}": fakes.ticket(f"zendesk:{n}", HOSTILE) for n in range(3)}
    theme = fakes.theme("T-h", list(tickets), label="Export fails")
    settings = TriageSettings(max_quotes=1)
    draft = render_draft(
        theme, tickets, settings, tracker=tracker, counts=Counts(3, 1), now=fakes.NOW
    )
    body = draft.body
    for live in ("@hubot", "@monalisa", "https://", "http://", "www.", "\u202e", "\u200b"):
        assert live not in body, live
    if tracker == "jira":
        # the quote's closing macro is not escaped by a trailing backslash
        assert re.search(r"[^\\]\{quote\}\n", body), body
        assert "\\{quote}" not in body


PHONES = [
    "+1 ({a}) {b}-{c}",  # US
    "+44 20 {b} {c}",  # UK
    "+49 (0)30 {b}{c}",  # DE
    "0{a} / {b} {c}",  # DE national
    "+48 {a} {b} {c}",  # PL
    "+381 6{d} {b} {c}",  # RS
    "06{d}/{b}-{c}",  # RS national
    "+7 ({a}) {b}-{e}-{e}",  # RU
    "8 ({a}) {b}-{e}-{e}",  # RU national
    "+380 ({e}) {b} {e} {e}",  # UA
]


@settings(max_examples=200, deadline=None)
@given(
    form=st.sampled_from(PHONES),
    a=st.from_regex(r"[2-9]\d\d", fullmatch=True),
    b=st.from_regex(r"[1-9]\d\d", fullmatch=True),
    c=st.from_regex(r"\d{4}", fullmatch=True),
    d=st.sampled_from("0123456789"),
    e=st.from_regex(r"\d\d", fullmatch=True),
)
def test_phone_numbers_in_national_formats_never_survive(
    form: str, a: str, b: str, c: str, d: str, e: str
) -> None:
    phone = form.format(a=a, b=b, c=c, d=d, e=e)
    out = redact(f"Export fails, call me at {phone} please")
    assert b not in out.replace("Export fails", ""), out
    assert "Export fails" in out and "please" in out
