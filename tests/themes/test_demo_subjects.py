"""The bundled demo as a team lead first sees it: one family (so one issue, one Fix next row)
per product subject, whatever wording or language its tickets came in; a one-off question
asked in several languages (account deletion in English and Serbian) is one family too."""

from __future__ import annotations

from collections import Counter, defaultdict

from sddkit.themes.pipeline import themes_from_tickets
from sddkit.tickets.demo import DEMO_END, demo_tickets
from sddkit.tickets.demo_generator import Generator
from sddkit.tickets.demo_texts import NOISE, NOISE_SUBJECTS


class _Recorder(Generator):
    """The demo generator, remembering the subject of each ticket: a product subject, or a
    one-off's name ("one-off:delete") whatever language it was asked in."""

    def __init__(self) -> None:
        super().__init__()
        self.subjects: list[str] = []

    def _text(self, theme: str | None, language: str) -> tuple[str, str, str]:
        subject, body, customer = super()._text(theme, language)
        if theme is None:
            lines = [line.lower() for line, _ in NOISE[language]]
            theme = "one-off:" + NOISE_SUBJECTS[language][lines.index(subject.lower())]
        self.subjects.append(theme)
        return subject, body, customer


def test_each_demo_subject_is_one_family_and_no_family_mixes_two() -> None:
    recorder = _Recorder()
    generated = list(recorder.tickets())
    truth = {t.key: s for t, s in zip(generated, recorder.subjects, strict=True)}
    tickets = list(demo_tickets())
    assert [t.key for t in tickets] == [t.key for t in generated]
    themes = themes_from_tickets(tickets, now=DEMO_END)
    families: dict[str, Counter[str]] = defaultdict(Counter)
    for theme in themes:
        families[theme.family_id or theme.id].update(truth[k] for k in theme.ticket_keys)
    homes: dict[str, list[str]] = defaultdict(list)
    for family, subjects in families.items():
        subject, count = subjects.most_common(1)[0]
        assert count >= 0.9 * sum(subjects.values()), (family, subjects)  # one subject each
        homes[subject].append(family)
    product = {s for s in truth.values() if not s.startswith("one-off:")}
    assert product <= set(homes)
    assert {s: len(f) for s, f in homes.items()} == dict.fromkeys(homes, 1)
