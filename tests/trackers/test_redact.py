from __future__ import annotations

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
        "Export to CSV fails at https://app.acme.com/export. Call [phone] or mail [email]."
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
