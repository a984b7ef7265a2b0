"""Generate the bundled demo tickets: ``python -m sddkit.tickets.demo_generator [OUT]``.

Deterministic (fixed seed, gzip without a timestamp): a few thousand tickets over the 26 weeks
before 2026-11-16 in English, Russian, Polish and Serbian (Latin and Cyrillic), composed from
per-theme phrases with greetings, signatures, typos, order numbers and links; ~17% one-off
noise; customers who write again about the same theme; themes fixed on the dates in
`sddkit.tickets.demo.demo_fixes()` fade sharply after them, while two themes grow.
"""

from __future__ import annotations

import gzip
import json
import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from sddkit.serbian import LATIN_TO_CYRILLIC
from sddkit.tickets.demo import DATA_FILE, DEMO_END, DEMO_START, demo_fixes
from sddkit.tickets.demo_texts import AGAIN, GREETINGS, NOISE, REPLIES, SIGNATURES, THEMES
from sddkit.tickets.importers.native import to_record
from sddkit.tickets.model import Message, Ticket

SEED = 20261116
TICKETS_PER_DAY = 17.0
NOISE_SHARE = 0.17
LANGUAGES = {"en": 0.45, "ru": 0.2, "pl": 0.17, "sr": 0.18}  # sr: 40% Cyrillic
WEIGHTS = {
    "csv-export-timeout": 1.6, "password-reset-email": 1.3, "2fa-codes-rejected": 0.9,
    "billing-change-plan": 1.1, "invoice-vat": 0.8, "mobile-login-loop": 1.2,
    "dark-mode-contrast": 0.7, "api-rate-limit-docs": 0.6, "calendar-sync-duplicates": 1.0,
    "slow-dashboard": 0.8, "slack-integration": 0.5, "import-xlsx-encoding": 0.5,
}  # fmt: skip
GROWING = {"slow-dashboard": datetime(2026, 8, 24), "dark-mode-contrast": datetime(2026, 9, 1)}
DESIGN_THEMES = {"dark-mode-contrast", "billing-change-plan"}
ENGINEERS = ["nina", "ana", "marko", "piotr", "olga", "dmitri", "sam", "priya"]
DESIGNERS = ["kasia", "lena", "jonas"]
CHANNELS = {"email": 0.5, "chat": 0.25, "web": 0.14, "phone": 0.05, "social": 0.06}
DOMAINS = {"en": ["acme.test", "globex.test", "initech.test", "umbrella.test"],
           "ru": ["romashka.ru", "vector.ru", "mail.ru"], "pl": ["firma.pl", "wp.pl", "onet.pl"],
           "sr": ["primer.rs", "kompanija.rs", "gmail.com"]}  # fmt: skip


def to_cyrillic(text: str) -> str:
    """Serbian Latin to Cyrillic, word by word; brand names, codes and links stay Latin."""
    return " ".join(_word_to_cyrillic(word) for word in text.split(" "))


def _word_to_cyrillic(word: str) -> str:
    core = word.strip(".,!?:;()'\"")
    if not core or any(ch.isdigit() or ch in "/@#-" for ch in core) or core.isupper():
        return word
    if core.lower() in {"slack-om", "slack", "excel-a", "outlook-u", "gmail", "google", "iphone",
                        "android", "basic", "team", "xlsx", "csv", "api", "rest", "dashboard",
                        "authenticator", "timeout", "iphone-a", "utf-8"}:  # fmt: skip
        return word
    out, i = [], 0
    while i < len(word):
        pair = word[i : i + 2]
        for piece in (pair, word[i]):
            mapped = LATIN_TO_CYRILLIC.get(piece.lower())
            if mapped is not None:
                out.append(mapped.upper() if piece[0].isupper() else mapped)
                i += len(piece)
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


class Generator:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.number = 0
        self.customers: dict[str, list[tuple[str, str, str]]] = {}  # theme -> (email, lang, ref)
        self.fixes = {fix.theme: fix.fixed_at.replace(tzinfo=None) for fix in demo_fixes()}

    def tickets(self) -> Iterator[Ticket]:
        day = DEMO_START
        while day < DEMO_END:
            weekday_factor = 0.45 if day.weekday() >= 5 else 1.0
            count = self._poisson(TICKETS_PER_DAY * weekday_factor)
            times = sorted(day + timedelta(seconds=self._work_second()) for _ in range(count))
            for created in times:
                yield self._ticket(created)
            day += timedelta(days=1)

    def _poisson(self, mean: float) -> int:
        return max(0, round(self.rng.gauss(mean, mean**0.5)))

    def _work_second(self) -> int:
        hour = min(max(self.rng.gauss(12.5, 3.5), 0), 23.99)
        return int(hour * 3600)

    def _weight(self, theme: str, when: datetime) -> float:
        weight = WEIGHTS[theme]
        naive = when.replace(tzinfo=None)
        fixed = self.fixes.get(theme)
        if fixed is not None and naive >= fixed:
            weight *= 0.07
        start = GROWING.get(theme)
        if start is not None and naive >= start:
            weight *= 1 + (naive - start).days / 14
        return weight

    def _ticket(self, created: datetime) -> Ticket:
        rng = self.rng
        self.number += 1
        language = rng.choices(list(LANGUAGES), weights=list(LANGUAGES.values()))[0]
        theme = None
        if rng.random() >= NOISE_SHARE:
            themes = list(WEIGHTS)
            theme = rng.choices(themes, weights=[self._weight(t, created) for t in themes])[0]
        subject, body, customer = self._text(theme, language)
        if language == "sr" and rng.random() < 0.4:
            subject, body = to_cyrillic(subject), to_cyrillic(body)
        return self._wrap(created, theme, language, subject, body, customer)

    def _text(self, theme: str | None, language: str) -> tuple[str, str, str]:
        rng = self.rng
        customer = f"customer{rng.randrange(1, 1500)}@{rng.choice(DOMAINS[language])}"
        if theme is None:
            subject, core = rng.choice(NOISE[language])
            parts = [core]
        else:
            subjects, bodies, extras = THEMES[theme][language]
            subject = rng.choice(subjects)
            parts = [rng.choice(bodies)]
            if rng.random() < 0.5:
                parts.append(rng.choice(extras))
            earlier = self.customers.setdefault(theme, [])
            repeat = [c for c in earlier if c[1] == language]
            if repeat and rng.random() < 0.15:
                customer, _, ref = rng.choice(repeat)
                parts.append(AGAIN[language].format(ref=ref))
            earlier.append((customer, language, f"D-{self.number:05d}"))
            if rng.random() < 0.15:
                parts.append(f"https://app.example.com/projects/{rng.randrange(100, 9999)}")
            if rng.random() < 0.1:
                parts.append(f"Order #{rng.randrange(10000, 99999)}")
        parts = [self._typo(p) if rng.random() < 0.12 else p for p in parts]
        greeting, signature = rng.choice(GREETINGS[language]), rng.choice(SIGNATURES[language])
        body = "\n\n".join(p for p in (greeting, " ".join(parts), signature) if p)
        if rng.random() < 0.25:
            subject = subject.lower()
        return subject, body, customer

    def _typo(self, text: str) -> str:
        if len(text) < 10:
            return text
        i = self.rng.randrange(1, len(text) - 2)
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]

    def _wrap(
        self, created: datetime, theme: str | None, language: str, subject: str, body: str,
        customer: str,
    ) -> Ticket:  # fmt: skip
        rng = self.rng
        team = DESIGNERS if theme in DESIGN_THEMES and rng.random() < 0.6 else ENGINEERS
        assignee = f"{rng.choice(team)}@example.com"
        responded = created + timedelta(hours=rng.lognormvariate(0.6, 1.0))
        recent = created > DEMO_END - timedelta(days=3)
        solved = None if recent else responded + timedelta(hours=rng.lognormvariate(2.5, 1.2))
        satisfaction = None
        if solved is not None and rng.random() < 0.45:
            bug = theme is not None and theme not in {"slack-integration", "billing-change-plan"}
            satisfaction = float(min(5, max(1, round(rng.gauss(3.0 if bug else 4.3, 1.0)))))
        tags = (theme,) if theme is not None and rng.random() < 0.4 else ()
        reply = rng.choice(REPLIES[language])
        return Ticket(
            source="demo",
            external_id=f"D-{self.number:05d}",
            created_at=created,
            subject=subject,
            body=body,
            updated_at=solved or responded,
            solved_at=solved,
            customer_id=customer,
            organization=customer.split("@", 1)[1],
            channel=rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0],
            tags=tags,
            status="solved" if solved else "open",
            assignee=assignee,
            first_response_at=responded,
            satisfaction=satisfaction,
            satisfaction_scale="5" if satisfaction is not None else None,
            language=language,
            messages=(
                Message("customer", body, created, customer),
                Message("agent", reply, responded, assignee),
            ),
        )


def write(path: Path, seed: int = SEED) -> int:
    """Write the demo tickets to `path` (gzip JSON-lines); returns how many."""
    count = 0
    with path.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as out:
        for ticket in Generator(seed).tickets():
            line = json.dumps(to_record(ticket), ensure_ascii=False, separators=(",", ":"))
            out.write(line.encode("utf-8") + b"\n")
            count += 1
    return count


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else Path(__file__).parent.parent / "data" / DATA_FILE
    count = write(target)
    print(f"wrote {count} tickets to {target} ({target.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1:])
