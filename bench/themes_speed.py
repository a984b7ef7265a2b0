"""Time, peak memory and quality of theme runs on generated multilingual tickets.

    nice python bench/themes_speed.py --sizes 10000,100000 [--sizes 1000000]

Each size runs in a fresh process (so peak memory is that size's): a full run (clean, embed,
cluster, label, link families: Serbian is not a language of the clustering encoder, so the
families read a sample of each theme with multilingual-e5, `themes/meaning.py`) with an
empty embedding cache (a SQLite store in a temporary folder), the same
full run again with the embeddings cached, then an incremental run after adding 5% new
tickets. Tickets are generated
here with a known truth: a *subject* is a product area and a problem in one language (12
areas x 5 problems x 4 languages: en, ru, pl, sr Latin = 240 subjects, sizes skewed 1/sqrt
of rank). Each problem has 3 phrasings sharing a cue word ("error", "confusing", "add",
"change", "documentation" and their translations); 70% of tickets name one of two details of
the area ("csv file"); half add a context sentence shared by all subjects ("it started
after the last update"); greetings, signatures and order ids come on
top. 10% are one-offs: made-up words of random letters in the ticket's alphabet, so no two
one-offs share vocabulary and none should join a theme.

Printed per size: time, themes found against the 240 subjects, NMI against the subjects
(tickets with a subject; noise counts as one extra cluster, so leaving tickets out costs; and
against the subject whatever its language, which a multilingual theme may rightly join),
share clustered, share of one-offs put in a theme, incremental time, peak memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from sklearn.metrics import normalized_mutual_info_score

from sddkit.store import open_store
from sddkit.themes.corpus import Corpus
from sddkit.themes.pipeline import ThemeSettings, link_families, run_themes
from sddkit.themes.space import SemanticCache
from sddkit.themes.store import PreviousRun
from sddkit.themes.vector_cache import cached_vectors
from sddkit.tickets.model import Ticket

NOW = datetime(2025, 6, 2, tzinfo=UTC)
AREAS = {
    "en": ["export", "invoice", "password", "dashboard", "calendar", "file upload", "login",
           "sync", "webhook", "notifications", "search", "permissions"],
    "ru": ["экспорт", "счет", "пароль", "дашборд", "календарь", "загрузка файлов", "вход",
           "синхронизация", "вебхук", "уведомления", "поиск", "права доступа"],
    "pl": ["eksport", "faktura", "hasło", "panel", "kalendarz", "przesyłanie plików",
           "logowanie", "synchronizacja", "webhook", "powiadomienia", "wyszukiwanie",
           "uprawnienia"],
    "sr": ["izvoz", "faktura", "lozinka", "kontrolna tabla", "kalendar", "otpremanje fajlova",
           "prijava", "sinhronizacija", "vebhuk", "obaveštenja", "pretraga", "dozvole"],
}  # fmt: skip
DETAILS = {  # two details per area, in AREAS order
    "en": ["csv file", "download link", "pdf copy", "billing address", "reset email",
           "security rules", "charts", "widgets", "meeting invites", "time zones",
           "large attachments", "progress bar", "sign in page", "single sign-on", "mobile app",
           "offline changes", "payload", "retries", "push alerts", "email digest", "filters",
           "results page", "admin role", "guest users"],
    "ru": ["csv файл", "ссылка на скачивание", "pdf копия", "платежный адрес",
           "письмо для сброса", "требования безопасности", "графики", "виджеты",
           "приглашения на встречи", "часовые пояса", "большие вложения", "индикатор прогресса",
           "страница входа", "единый вход", "мобильное приложение", "офлайн изменения",
           "полезная нагрузка", "повторные попытки", "пуш оповещения", "сводка по почте",
           "фильтры", "страница результатов", "роль администратора", "гостевые пользователи"],
    "pl": ["plik csv", "link do pobrania", "kopia pdf", "adres rozliczeniowy",
           "e-mail resetujący", "zasady bezpieczeństwa", "wykresy", "widżety",
           "zaproszenia na spotkania", "strefy czasowe", "duże załączniki", "pasek postępu",
           "strona logowania", "jednokrotne logowanie", "aplikacja mobilna", "zmiany offline",
           "ładunek", "ponowne próby", "alerty push", "podsumowanie mailowe", "filtry",
           "strona wyników", "rola administratora", "użytkownicy goście"],
    "sr": ["csv fajl", "link za preuzimanje", "pdf kopija", "adresa za naplatu",
           "mejl za resetovanje", "pravila bezbednosti", "grafikoni", "vidžeti",
           "pozivnice za sastanke", "vremenske zone", "veliki prilozi", "traka napretka",
           "stranica za prijavu", "jedinstvena prijava", "mobilna aplikacija",
           "izmene van mreže", "sadržaj zahteva", "ponovni pokušaji", "push upozorenja",
           "pregled mejlom", "filteri", "stranica rezultata", "uloga administratora",
           "gosti korisnici"],
}  # fmt: skip
PROBLEMS = {  # per language: bug, ux, feature, question, docs; three phrasings sharing a cue
    "en": [
        ["{o} crashes with an error", "{o} is broken and shows an error",
         "error every time i open the {o}"],
        ["the {o} is confusing, can't find anything", "the {o} screen is confusing",
         "confusing menu, where is the {o}?"],
        ["please add more options to the {o}", "feature request: add {o} for several accounts",
         "could you add scheduling to the {o}?"],
        ["how do i change the {o}?", "can i change the {o} settings myself?",
         "is it possible to change the {o} for admins?"],
        ["the {o} documentation is missing an example", "the {o} documentation is out of date",
         "documentation for the {o} does not explain the limits"],
    ],
    "ru": [
        ["{o} не работает, ошибка", "{o} падает с ошибкой", "ошибка каждый раз: {o}"],
        ["не могу найти {o}, всё запутанно", "{o}: интерфейс запутанный",
         "запутанное меню, где {o}?"],
        ["добавьте больше настроек: {o}", "просьба добавить {o} для нескольких аккаунтов",
         "можно добавить расписание в {o}?"],
        ["как изменить {o}?", "можно ли самому изменить {o}?",
         "как изменить {o} для администраторов?"],
        ["в документации нет примера: {o}", "документация про {o} устарела",
         "документация не объясняет {o} и лимиты"],
    ],
    "pl": [
        ["{o} nie działa, błąd", "{o} wyświetla błąd i się zawiesza",
         "błąd za każdym razem: {o}"],
        ["{o} jest mylące, nic nie mogę znaleźć", "ekran {o} jest mylący",
         "mylące menu, gdzie jest {o}?"],
        ["proszę dodać więcej opcji: {o}", "prośba: dodać {o} dla kilku kont",
         "czy można dodać harmonogram do {o}?"],
        ["jak zmienić {o}?", "czy mogę sam zmienić {o}?", "jak zmienić {o} dla administratorów?"],
        ["w dokumentacji brakuje przykładu: {o}", "dokumentacja o {o} jest nieaktualna",
         "dokumentacja nie wyjaśnia {o} i limitów"],
    ],
    "sr": [
        ["{o} ne radi, greška", "{o} puca sa greškom", "greška svaki put: {o}"],
        ["{o} je zbunjujuće, ne mogu ništa da nađem", "ekran {o} je zbunjujući",
         "zbunjujući meni, gde je {o}?"],
        ["molim dodajte više opcija za {o}", "zahtev: dodati {o} za više naloga",
         "da li možete dodati zakazivanje za {o}?"],
        ["kako da promenim {o}?", "da li mogu sam da promenim {o}?",
         "kako promeniti {o} za administratore?"],
        ["dokumentacija nema primer za {o}", "dokumentacija za {o} je zastarela",
         "dokumentacija ne objašnjava {o} i limite"],
    ],
}  # fmt: skip
CONTEXT = {  # shared by every subject of a language
    "en": ["we are on the business plan", "this blocks our whole team",
           "it started after the last update", "i tried another browser",
           "our customers noticed it too", "sorry if this was asked before"],
    "ru": ["у нас бизнес тариф", "это мешает всей команде", "началось после последнего обновления",
           "пробовал другой браузер", "клиенты тоже заметили", "извините, если уже спрашивали"],
    "pl": ["mamy plan biznesowy", "to blokuje cały zespół", "zaczęło się po ostatniej aktualizacji",
           "próbowałem innej przeglądarki", "klienci też to zauważyli",
           "przepraszam, jeśli ktoś już pytał"],
    "sr": ["imamo biznis paket", "ovo blokira ceo tim", "počelo je posle poslednjeg ažuriranja",
           "probao sam drugi pregledač", "i klijenti su primetili", "izvinite ako je već pitano"],
}  # fmt: skip
FRAME = {  # greeting, sign-off (removed by cleaning)
    "en": ("Hi,", "--\nBest regards"),
    "ru": ("Здравствуйте,", "С уважением"),
    "pl": ("Dzień dobry,", "Pozdrawiam"),
    "sr": ("Zdravo,", "Srdačan pozdrav"),
}
SUBJECTS = [(lang, a, p) for lang in AREAS for a in range(len(AREAS[lang])) for p in range(5)]
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


def tickets(count: int, seed: int, start: int = 0) -> Iterator[tuple[Ticket, str]]:
    """Tickets with their true subject ("" for one-offs)."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 0.5 for rank in random.Random(0).sample(range(240), 240)]
    for n in range(start, start + count):
        if rng.random() < 0.1:
            lang = rng.choice(list(AREAS))
            text, ident, truth = one_off(rng, lang), f"oneoff-{n}", ""
        else:
            lang, area, problem = rng.choices(SUBJECTS, weights)[0]
            ident, truth = str(n), f"{lang}:{area}:{problem}"
            text = rng.choice(PROBLEMS[lang][problem]).format(o=AREAS[lang][area])
            text = text[0].upper() + text[1:] + "."
            if rng.random() < 0.7:
                text += f" ({DETAILS[lang][2 * area + rng.randrange(2)]})"
            if rng.random() < 0.5:
                context = rng.choice(CONTEXT[lang])
                text = (
                    f"{context.capitalize()}. {text}"
                    if rng.random() < 0.5
                    else f"{text} {context.capitalize()}."
                )
            hello, bye = FRAME[lang]
            text = f"{hello}\n{text} Order #{rng.randint(1000, 99999)}\n{bye}"
        ticket = Ticket(
            source="bench", external_id=ident, subject="", body=text,
            created_at=NOW - timedelta(minutes=n % 80_000), customer_id=f"c{rng.randint(1, 5000)}",
            channel=rng.choice(["email", "chat"]), language=lang,
        )  # fmt: skip
        yield ticket, truth


def subject_nmi(truth: list[str], themes: list[str | None]) -> float:
    """NMI of the themes against the true subjects, over the tickets that have a subject;
    those left as noise count as one extra cluster (so leaving a subject out costs)."""
    pairs = [(t, theme or "") for t, theme in zip(truth, themes, strict=True) if t]
    return float(normalized_mutual_info_score([t for t, _ in pairs], [c for _, c in pairs]))


def measure(size: int) -> None:
    settings = ThemeSettings()
    with tempfile.TemporaryDirectory() as folder:
        conn = open_store(Path(folder) / "bench.db")
        cache: SemanticCache = partial(cached_vectors, conn)
        _measure(size, settings, cache)


def _measure(size: int, settings: ThemeSettings, cache: SemanticCache) -> None:
    started = time.perf_counter()
    corpus, truth = Corpus(), []
    for ticket, subject in tickets(size, seed=1):
        corpus.add(ticket)
        truth.append(subject)
    built = time.perf_counter()
    full = run_themes(corpus, None, now=NOW, min_size=5, since=None, full=True,
                      settings=settings, cache=cache)  # fmt: skip
    clustered_at = time.perf_counter()
    link_families(corpus, full, None, settings.families, cache)
    done = time.perf_counter()
    run_themes(corpus, None, now=NOW, min_size=5, since=None, full=True,
               settings=settings, cache=cache)  # fmt: skip
    again = time.perf_counter() - done
    previous = PreviousRun(
        run_id=1, mode="full", since=None, min_size=5, backend=settings.space.backend,
        model_state=full.model_state, model_run=1, themes=full.themes,
        members={key: (theme_id, sim) for key, theme_id, sim in full.members},
    )  # fmt: skip
    for ticket, _ in tickets(size // 20, seed=2, start=size):
        corpus.add(ticket)
    inc_start = time.perf_counter()
    incremental = run_themes(
        corpus, previous, now=NOW, min_size=5, since=None, full=None, settings=settings,
        cache=cache,
    )  # fmt: skip
    inc_done = time.perf_counter()
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    found = [theme_id for _, theme_id, _ in full.members]
    nmi = subject_nmi(truth, found)
    # The same subject written in other languages is one subject for a multilingual theme.
    nmi_any = subject_nmi([t.split(":", 1)[1] if t else "" for t in truth], found)
    clustered = sum(1 for _, theme_id, _ in full.members if theme_id) / size
    one_offs = [theme_id for key, theme_id, _ in full.members if ":oneoff-" in key]
    one_offs_in = sum(1 for theme_id in one_offs if theme_id) / max(len(one_offs), 1)
    print(
        f"{size:>9,} tickets: full {done - started:7.1f} s (clean {built - started:.1f} s,"
        f" families {done - clustered_at:.1f} s),"
        f" {len(full.themes)} themes (truth {len(set(truth) - {''})}), NMI {nmi:.3f}"
        f" (one subject in any language: {nmi_any:.3f}),"
        f" {clustered:.0%} clustered, one-offs in a theme"
        f" {one_offs_in:.1%}; full again (embeddings cached) {again:.1f} s;"
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
