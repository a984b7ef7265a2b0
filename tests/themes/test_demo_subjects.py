"""The bundled demo as a team lead first sees it: one family (so one issue, one Fix next row)
per product subject, whatever wording or language its tickets came in."""

from __future__ import annotations

from collections import Counter, defaultdict

from sddkit.themes.pipeline import themes_from_tickets
from sddkit.tickets.demo import DEMO_END, demo_tickets
from sddkit.tickets.demo_generator import Generator


class _Recorder(Generator):
    """The demo generator, remembering the product subject of each ticket (None: one-off)."""

    def __init__(self) -> None:
        super().__init__()
        self.subjects: list[str | None] = []

    def _text(self, theme: str | None, language: str) -> tuple[str, str, str]:
        self.subjects.append(theme)
        return super()._text(theme, language)


def test_each_demo_subject_is_one_family_and_no_family_mixes_two() -> None:
    recorder = _Recorder()
    generated = list(recorder.tickets())
    truth = {t.key: s for t, s in zip(generated, recorder.subjects, strict=True)}
    tickets = list(demo_tickets())
    assert [t.key for t in tickets] == [t.key for t in generated]
    themes = themes_from_tickets(tickets, now=DEMO_END)
    families: dict[str, Counter[str | None]] = defaultdict(Counter)
    for theme in themes:
        families[theme.family_id or theme.id].update(truth[k] for k in theme.ticket_keys)
    homes: dict[str, list[str]] = defaultdict(list)
    for family, subjects in families.items():
        subject, count = subjects.most_common(1)[0]
        assert count >= 0.9 * sum(subjects.values()), (family, subjects)  # one subject each
        if subject is not None:
            homes[subject].append(family)
    product = {s for s in truth.values() if s is not None}
    assert {s: len(f) for s, f in homes.items()} == dict.fromkeys(product, 1)
