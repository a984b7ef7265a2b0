from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sddkit.themes.clean import clean_text, plain_text


def test_strips_quotes_signatures_greetings_urls_emails_numbers() -> None:
    text = (
        "Hi team,\nThe export crashes on order #A-1234, see https://x.example/a or mail a@b.com\n"
        "Best regards,\nBob\n\nOn Mon, 3 Feb 2025 at 10:00, Support <s@x.com> wrote:\n> old text"
    )
    assert clean_text(text) == "the export crashes on order see or mail"


def test_an_exports_placeholders_are_values_not_words() -> None:
    # Anonymised and templated exports put a placeholder where a value was; two subjects
    # that share "{{Order Number}}" are no closer for it.
    text = "Cancel purchase {{Order Number}} for [NAME], card **** XXXX, <PERSON> knows ▇▇▇"
    assert clean_text(text) == "cancel purchase for card knows"
    assert plain_text(text) == "Cancel purchase for , card , knows"
    assert clean_text("Hi <EMAIL_ADDRESS>, [ORDER_ID] from [FULL NAME]") == "from"
    # A customer's own brackets, tags, stars and capital X's are words.
    assert clean_text("I mean [sic] it: **bold**, Xbox, XML") == "i mean sic it bold xbox xml"
    assert clean_text("[BUG] export fails <br> [URGENT]") == "bug export fails br urgent"


def test_russian_polish_serbian_signatures_and_quotes() -> None:
    assert (
        clean_text("Добрый день! Не работает экспорт.\nС уважением,\nИван") == "не работает экспорт"
    )
    assert clean_text("Nie działa eksport.\nPozdrawiam\nJan") == "nie działa eksport"
    assert clean_text("Izvoz ne radi.\nSrdačan pozdrav,\nAna") == "izvoz ne radi"
    cleaned = clean_text("Извоз не ради када кликнем на дугме.\n> цитат\nПоздрав,\nАна")
    assert cleaned == "izvoz ne radi kada kliknem na dugme"
    # Known limit: a very short text without Serbian-only letters may stay Cyrillic unless
    # the ticket's language says "sr".
    assert clean_text("Извоз не ради", "sr") == "izvoz ne radi"


def test_german_greetings_signatures_and_quotes() -> None:
    text = (
        "Hallo zusammen,\nDer Export bricht ab.\nMit freundlichen Grüßen\nAnna Schmidt\n\n"
        "Am 03.02.2025 um 10:00 schrieb Support <s@x.de>:\n> alter Text"
    )
    assert clean_text(text, "de") == "der export bricht ab"
    forwarded = "Guten Tag, bitte prüfen.\n-----Ursprüngliche Nachricht-----\nVon: Bob\nalt"
    assert clean_text(forwarded, "de") == "bitte prüfen"
    assert clean_text("Login geht nicht.\nViele Grüße, Jan\nGesendet von meinem iPhone") == (
        "login geht nicht"
    )


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # Without a comma after it, a greeting used to take up to 40 characters with it.
        ("Hello I cannot reset my password", "i cannot reset my password"),
        ("Hi the export to CSV fails every time", "the export to csv fails every time"),
        ("hey my app crashes", "my app crashes"),
        ("Dzień dobry nie działa eksport", "nie działa eksport"),
        # Whom a greeting greets goes with it: closed by punctuation, or a line of its own.
        ("Hi team, the invoice lacks VAT", "the invoice lacks vat"),
        ("Dear support team\nThe invoice lacks VAT", "the invoice lacks vat"),
        ("Sehr geehrte Damen und Herren,\nder Export bricht ab", "der export bricht ab"),
        ("Hi there: login loops", "login loops"),
        (
            "Hej,\n\nW trybie ciemnym etykiety są niewidoczne",
            "w trybie ciemnym etykiety są niewidoczne",
        ),
        ("Ћао,\nапликација тражи пријаву", "aplikacija traži prijavu"),
        ("Greetings, the app crashes", "the app crashes"),
        ("Приветствую! Не приходит письмо", "не приходит письмо"),
        # A word that starts like a greeting is no greeting.
        ("Highlights vanish in dark mode", "highlights vanish in dark mode"),
        ("Hejnał gra, a aplikacja milczy", "hejnał gra a aplikacja milczy"),
    ],
)
def test_a_greeting_goes_and_what_follows_it_stays(text: str, said: str) -> None:
    assert clean_text(text) == said


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("i need help, how do I cancel my order", "how do i cancel my order"),
        ("Can you help me? The export fails.", "the export fails"),
        ("The export fails, can you help me?", "the export fails"),
        ("I would like some assistance with my invoice", "my invoice"),
        ("I'd like some assistance: where is my order", "where is my order"),
        ("We’d like to know the VAT rate", "the vat rate"),
        ("Help me cancel order {{Order Number}}", "cancel order"),
        ("I have a quick question about SSO", "sso"),
        ("У меня вопрос по оплате", "оплате"),
        ("Proszę o pomoc z eksportem", "eksportem"),
        ("Molim vas pomozite, ne radi izvoz", "ne radi izvoz"),
        ("Ich brauche Hilfe bei der Rechnung", "der rechnung"),
        # the words alone, or in what the ticket is about, stay
        ("Help center is down", "help center is down"),
        ("I helped a colleague set up SSO", "i helped a colleague set up sso"),
        (
            "The question about VAT on the invoice page is wrong",
            "the question about vat on the invoice page is wrong",
        ),
    ],
)
def test_a_request_formula_goes_and_the_request_stays(text: str, said: str) -> None:
    # A templated export wraps each request alike ("i need help, …"): the wrappers made
    # requests about different things neighbours.
    assert clean_text(text) == said
    assert plain_text(text).lower().strip(" .,?") == said


def test_the_encoder_reads_no_greeting() -> None:
    # Tickets that open alike ("Dear support,") were each other's nearest for the encoder:
    # CLINC150 val as e-mails (bench/weekly_stream.py --letters), NMI 0.831 against 0.882 bare.
    assert plain_text(
        "Dear support,\n\nIn Spanish, how is 'see you' said?\n\nBest regards,\nSara"
    ) == ("In Spanish, how is 'see you' said?")
    assert plain_text("Здравствуйте, не приходит письмо") == "не приходит письмо"
    assert plain_text("Hello I cannot log in") == "I cannot log in"


def test_serbian_scripts_meet() -> None:
    assert clean_text("Не могу да нађем фактуру") == clean_text("Ne mogu da nađem fakturu")


def test_russian_stays_cyrillic() -> None:
    assert clean_text("Не могу найти счёт") == "не могу найти счёт"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_clean_never_fails_and_is_idempotent_in_case(text: str) -> None:
    cleaned = clean_text(text)
    assert cleaned == cleaned.lower() or cleaned != cleaned.lower()  # total function
    # digits survive only inside a term: a word with a letter and at most three digits
    for word in cleaned.split():
        digits = sum(ch.isdigit() and ch.isascii() for ch in word)
        assert digits == 0 or (digits <= 3 and any(ch.isalpha() for ch in word)), word


@pytest.mark.parametrize(
    ("text", "kept", "gone"),
    [
        ("Is there a way to roll over my 401k?", ["401k"], []),
        ("2FA code invalid since iOS 17", ["2fa", "ios"], ["17"]),
        ("File is UTF-8 but shows garbage", ["utf8"], []),
        ("IPv6 not supported, S3 bucket, 4K video, MP3 export", ["ipv6", "s3", "4k", "mp3"], []),
        ("Order A-10293 and #4411 on 2025-03-01, v2.3.1", ["order"], ["a", "4411", "v2"]),
        ("Call me at 10am, 5GB left, 500ms lag, the 3rd time", ["left"], ["10am", "5gb", "3rd"]),
        ("Уже 2-й раз, с 15-го числа не работает 2ФА", ["2фа"], ["2й", "15го"]),
        ("Order AB1234 was charged twice", ["charged"], ["ab1234"]),
    ],
)
def test_a_term_with_digits_is_a_word_an_id_or_amount_is_not(
    text: str, kept: list[str], gone: list[str]
) -> None:
    words = clean_text(text).split()
    assert all(k in words for k in kept), words
    assert not any(g in words for g in gone), words
    plain = plain_text(text).lower()
    assert all(k in plain.replace("-", "") for k in kept), plain


def test_a_run_without_spaces_is_no_word() -> None:
    # an inline attachment or a log line: removed whole (a digit search would backtrack)
    blob = "iVBORw0KGgo" + "A" * 400 + "1"
    assert clean_text(f"Screenshot {blob} attached") == "screenshot attached"
    assert plain_text(f"Screenshot {blob} attached") == "Screenshot attached"
