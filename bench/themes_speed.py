"""Time and peak memory of theme runs on generated multilingual tickets.

    nice python bench/themes_speed.py --sizes 10000,100000 [--sizes 1000000]

Each size runs in a fresh process (so peak memory is that size's): a full run (clean, embed,
cluster, label), then an incremental run after adding 5% new tickets. Tickets are generated
here: 300 topics x 4 languages (en, ru, pl, sr Latin/Cyrillic) of templated phrases with
random fillers, order ids, greetings and signatures, plus 10% one-offs: made-up words of
random letters in the ticket's alphabet, so no two one-offs share vocabulary and none should
join a theme (the share of one-offs put in a theme is printed).
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sddkit.themes.corpus import Corpus
from sddkit.themes.pipeline import ThemeSettings, run_themes
from sddkit.themes.store import PreviousRun
from sddkit.tickets.model import Ticket

NOW = datetime(2025, 6, 2, tzinfo=UTC)
OBJECTS = {
    "en": "export report invoice password dashboard calendar upload login sync webhook",
    "ru": "экспорт отчет счет пароль панель календарь загрузка вход синхронизация вебхук",
    "pl": "eksport raport faktura hasło panel kalendarz przesyłanie logowanie synchronizacja",
    "sr": "izvoz izveštaj faktura lozinka kontrolna kalendar otpremanje prijava sinhronizacija",
}
PROBLEMS = {
    "en": ["{o} {f} crashes with an error", "can't find where the {o} {f} is", "please add {o} {f}",
           "how do i change the {o} {f}", "the {o} {f} documentation is missing an example"],
    "ru": ["{o} {f} не работает, ошибка", "не могу найти {o} {f}", "добавьте {o} {f} пожалуйста",
           "как изменить {o} {f}", "в документации нет примера для {o} {f}"],
    "pl": ["{o} {f} nie działa, błąd", "nie mogę znaleźć {o} {f}", "czy można dodać {o} {f}",
           "jak zmienić {o} {f}", "w dokumentacji brakuje przykładu {o} {f}"],
    "sr": ["{o} {f} ne radi, greška", "ne mogu da nađem {o} {f}", "bilo bi dobro dodati {o} {f}",
           "kako da promenim {o} {f}", "dokumentacija nema primer za {o} {f}"],
}  # fmt: skip
FACETS = ["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "lambda", "theta", "zeta"]
FILLERS = ["", " today", " again", " since the update", " on mobile", " for our team"]
ALPHABETS = {
    "en": "abcdefghijklmnopqrstuvwxyz",
    "ru": "абвгдежзийклмнопрстуфхцчшщыэюя",
    "pl": "abcdefghijklmnoprstuwyząćęłńóśźż",
    "sr": "abcčćddžđefghijklljmnnjoprsštuvzž",
}


def one_off(rng: random.Random, lang: str) -> str:
    """Five to nine made-up words: vocabulary no other ticket shares."""
    letters = ALPHABETS[lang]
    words = ("".join(rng.choices(letters, k=rng.randint(5, 9))) for _ in range(rng.randint(5, 9)))
    return " ".join(words).capitalize()


def tickets(count: int, seed: int, start: int = 0) -> Iterator[Ticket]:
    rng = random.Random(seed)
    langs = list(OBJECTS)
    for n in range(start, start + count):
        lang = rng.choice(langs)
        if rng.random() < 0.1:
            text, ident = one_off(rng, lang), f"oneoff-{n}"
        else:
            ident = str(n)
            topic = rng.randrange(300)
            template = PROBLEMS[lang][topic % 5]
            objects = OBJECTS[lang].split()
            obj = objects[(topic // 5) % len(objects)]
            text = template.format(o=obj, f=FACETS[topic // 50 % 10] + str(topic // 100))
            text = f"Hi,\n{text}{rng.choice(FILLERS)}. Order #{rng.randint(1000, 99999)}\n--\nBest"
        yield Ticket(
            source="bench", external_id=ident, subject="", body=text,
            created_at=NOW - timedelta(minutes=n % 80_000), customer_id=f"c{rng.randint(1, 5000)}",
            channel=rng.choice(["email", "chat"]), language=lang,
        )  # fmt: skip


def measure(size: int) -> None:
    settings = ThemeSettings()
    started = time.perf_counter()
    corpus = Corpus.from_tickets(tickets(size, seed=1))
    built = time.perf_counter()
    full = run_themes(corpus, None, now=NOW, min_size=5, since=None, full=True, settings=settings)
    done = time.perf_counter()
    previous = PreviousRun(
        run_id=1, mode="full", since=None, min_size=5, backend=settings.backend,
        model_state=full.model_state, model_run=1, themes=full.themes,
        members={key: (theme_id, sim) for key, theme_id, sim in full.members},
    )  # fmt: skip
    for ticket in tickets(size // 20, seed=2, start=size):
        corpus.add(ticket)
    inc_start = time.perf_counter()
    incremental = run_themes(
        corpus, previous, now=NOW, min_size=5, since=None, full=None, settings=settings
    )
    inc_done = time.perf_counter()
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    clustered = sum(1 for _, theme_id, _ in full.members if theme_id) / size
    one_offs = [theme_id for key, theme_id, _ in full.members if ":oneoff-" in key]
    one_offs_in = sum(1 for theme_id in one_offs if theme_id) / max(len(one_offs), 1)
    print(
        f"{size:>9,} tickets: full {done - started:7.1f} s (clean {built - started:.1f} s),"
        f" {len(full.themes)} themes, {clustered:.0%} clustered, one-offs in a theme"
        f" {one_offs_in:.1%};"
        f" +5% {incremental.mode} {inc_done - inc_start:6.1f} s, {len(incremental.themes)} themes;"
        f" peak memory {peak_gib:.2f} GiB",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        measure(args.one)
        return
    for size in (int(s) for s in args.sizes.split(",")):
        subprocess.run([sys.executable, __file__, "--one", str(size)], check=True)


if __name__ == "__main__":
    main()
