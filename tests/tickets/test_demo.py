from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

from sddkit.tickets.demo import DEMO_END, DEMO_START, demo_fixes, demo_tickets
from sddkit.tickets.demo_generator import to_cyrillic, write
from sddkit.tickets.language import detect_language


def test_bundled_file_is_what_the_generator_writes(tmp_path: Path) -> None:
    packaged = Path(__file__).resolve().parents[2] / "sddkit/data/demo_tickets.jsonl.gz"
    count = write(tmp_path / "demo.jsonl.gz")
    assert (tmp_path / "demo.jsonl.gz").read_bytes() == packaged.read_bytes()
    assert count >= 2000 and packaged.stat().st_size < 1_500_000


def test_demo_tickets_span_six_months_in_four_languages() -> None:
    tickets = list(demo_tickets())
    assert all(DEMO_START <= t.created_at < DEMO_END for t in tickets)
    languages = Counter(t.language for t in tickets)
    assert set(languages) == {"en", "ru", "pl", "sr"} and min(languages.values()) > 300
    cyrillic = sum(
        1 for t in tickets if t.language == "sr" and any("а" <= c <= "я" for c in t.body)
    )
    assert cyrillic > 100
    assignees = {t.assignee for t in tickets}
    assert "nina@example.com" in assignees and "kasia@example.com" in assignees
    sample = tickets[::50]
    agree = sum(detect_language(t.text) == t.language for t in sample)
    assert agree / len(sample) > 0.9


def test_fixed_themes_fade_after_their_fix() -> None:
    tickets = list(demo_tickets())
    for fix in demo_fixes():
        words = fix.keywords[:2]
        english = [
            t for t in tickets if t.language == "en" and all(w in t.text.lower() for w in words)
        ]
        window = timedelta(days=42)
        before = sum(fix.fixed_at - window <= t.created_at < fix.fixed_at for t in english)
        after = sum(fix.fixed_at <= t.created_at < fix.fixed_at + window for t in english)
        assert before >= 10 and after <= before / 3, (fix.theme, before, after)


def test_serbian_transliteration() -> None:
    assert to_cyrillic("Ljubazno, ne mogu da izvezem CSV iz Excel-a") == (
        "Љубазно, не могу да извезем CSV из Excel-a"
    )
