"""A theme's kind (bug, ux, docs, question, feature, or unknown) from multilingual cues.

Cues are phrases in English, Russian, Polish and Serbian (written in Latin here; the Cyrillic
spelling is derived), matched on cleaned, lowercased text at word starts. A word ending in
"*" is a stem and matches any ending, so "ошибк*" covers ошибка/ошибку/ошибки and "błęd*"
covers błędu/błędem. Where cues overlap in a text the longest wins, so "czy można dodać"
(feature) is not also read as "czy" (question), and "ne mogu da nađem" (ux) not as
"ne mogu da" (bug).

Each kind scores the share of the theme's tickets showing at least one of its cues (a ticket
tag named after the kind counts too). One word cannot decide a kind: a kind needs cues in at
least `min_tickets(n)` = max(2, ⌈10% of n⌉) of the theme's n tickets (all n when n < 2), so
one song title with "Crash" in a 21-ticket playlist theme is no bug. A question mark or
"how do I" says little on its own (people ask "how do I get past this error?"), so
`question` wins only when no specific kind is strongly present: the best of bug/ux/docs/
feature with enough tickets wins when its share is at least `STRONG_SHARE` or above the
question share. No kind with enough tickets: `unknown`. Tickets mostly written in a language
the cues do not cover (any but en, ru, pl and the Serbo-Croatian family sr/hr/bs/me, which
langid confuses and whose cues are largely shared): `unknown` too, rather than a guess.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence

from sddkit.serbian import to_cyrillic
from sddkit.themes.clean import SERBO_CROATIAN, detect_language
from sddkit.themes.model import KindEvidence, Theme

# kind -> language -> comma-separated cues
CUES: dict[str, dict[str, str]] = {
    "bug": {
        "en": "error*, crash*, broken, breaks, bug, bugs, buggy, fails, failed, failing, fault*,"
        " exception*, wrong, glitch*, doesn't work, does not work, don't work, not working,"
        " stopped working, won't work, isn't working, freez*, hangs, stuck, loop, logs me out,"
        " logging me out, kicks me out, back to the login, times out, timed out, timeout*,"
        " never finishes, never loads, never arrives, never arrived, doesn't arrive, doesn't come,"
        " not received, didn't receive, locked out, reject*, invalid, not accepted, keeps saying,"
        " went wrong, didn't help, slow*, sluggish, takes forever, painfully, performance, lag,"
        " lags, duplicat*, twice, two times, garbage, garbled, question marks, corrupt*, typo*,"
        " blurry, since the update, since the last update, fail, failure*,"
        " (can't|cannot|couldn't|unable to) (log*|sign*|save|upload*|download*|open|access|connect|"
        "pay|load|export|import|send|sync*|reset|submit),"
        " nothing happens, does nothing, blank page, blank screen, white screen,"
        " closes by itself, shuts down, disappear*, vanish*, lost my, incorrect*,"
        " won't load, won't open, won't save, won't upload, won't let me, no longer,"
        " double charged, charged twice, problem with, problems with, issue with, issues with",
        "ru": "ошибк*, ошибок, сбой*, баг*, глюч*, глюк*, слома*, лома*, вылета*, пада*, завис*,"
        " тормоз*, не работа*, перестал* работать, не приходит, не пришл*, не пришел, не принима*,"
        " не проходит, отклоня*, неверн*, дубл*, дважды, не завершается, обрыва*, таймаут*,"
        " выкидыва*, бесконечн*, застрял*, возвраща*, снова просит, не могу войти, не могу зайти,"
        " не помогл*, пошло не так, медленн*, долго, кракозябр*, знаки вопроса, опечатк*, размыт*,"
        " ничего не дела*, ничего не происходит, не сохраня*, не загружа*, не открыва*,"
        " не отобража*, не показыва*, белый экран, пустая страница, пустой экран, закрывается,"
        " два раза, пропал*, исчез*, неправильн*, некорректн*,"
        " не (удается|удаётся|удалось|удалась|удался|удались), не получается, проблем*,"
        " не (могу|можем) (сохранить|загрузить|скачать|открыть|войти|зайти|оплатить|подключить*|"
        "отправить|выгрузить|экспортировать|импортировать|синхронизир*|сбросить|восстановить)",
        "pl": "błąd, błędy, błędu, błędem, błędów, awari*, zawiesza*, wywala*, zepsu*, psuj*,"
        " nie działa*, przestał* działać, nie przychodzi, nie dociera, nie dostaję, nie dostałem,"
        " odrzuca*, odrzucon*, nieprawidłow*, nie jest akceptowany, nie kończy, timeout*, pętl*,"
        " utknął*, utknęł*, wylogowuj*, wraca do, znowu prosi, nie mogę się zalogować,"
        " nie pomogł*, poszło nie tak, wolno, wolny, wolne, długo, duplikat*, zduplikowan*,"
        " dubluj*, dwa razy, krzaki, dziwne symbole, znaki zapytania, literówk*, rozmyt*,"
        " nie udało się, nie udaje się, nie powiodł*,"
        " nic nie robi, nic się nie dzieje, nie zapisuje, nie ładuje, nie wczytuje, nie otwiera,"
        " nie wyświetla, pusta strona, pusty ekran, biały ekran, się zamyka, dwukrotnie, podwójn*,"
        " zniknęł*, znika*, błędn*, problem*,"
        " nie (mogę|możemy|da się) (zapisać|pobrać|otworzyć|wysłać|załadować|wgrać|przesłać|"
        "zapłacić|połączyć|zsynchronizować|zresetować|wyeksportować|zaimportować)",
        "sr": "greška, greške, grešku, greškom, bag*, puca*, zaglav*, kvari*, pokvar*, padne,"
        " ne radi, ne rade, prestao da radi, ne prolazi, ne dolazi, ne stiže, nije stigao,"
        " nije stigla, nisam dobio, odbij*, odbijen*, neispravan, neispravn*, nije ispravan,"
        " ne završi, timeout*, petlj*, odjavljuj*, vraća na, opet traži, ne mogu da se prijavim,"
        " nije pomogl*, naopako, spor, sporo, spora, sporije, dugo, dupl*, dva puta,"
        " čudni znakovi, čudni simboli, upitnic*, mutan, mutna, mutno,"
        " ne uspeva, nije uspel*, nije uspjel*, neuspeš*, ne funkcioniše,"
        " ne funkcionišu, ne učitava, ne otvara, ne prikazuje, ne čuva, ne stižu, ne dolaze,"
        " se zatvara, sama se zatvara, se sama zatvara, gasi se, se gasi, prazna strana,"
        " beli ekran, nestal*, nestaj*, pogrešn*, netačn*, problem*,"
        " ne (mogu|možemo) da (sačuvam*|preuzmem*|otvorim*|pošaljem*|platim*|povežem*|učitam*|"
        "resetujem*|izvezem*|uvezem*|se prijavim*)",
    },
    "ux": {
        "en": "confus*, unclear, can't find, cannot find, couldn't find, hard to find, where is,"
        " where do i, not intuitive, unintuitive, hard to use, hard to read, can't read,"
        " can't see, hard to see, invisible, contrast, too many clicks, eyes hurt, misleading,"
        " cluttered, not obvious, easy to miss, barely visible, unreadable, can't figure out,"
        " hard to figure, hard to tell, buried, hidden, took me ages, took me forever, too small,"
        " tiny, by mistake, accidentally, by accident, mess, messy, cramped, clunky, annoying,"
        " tedious, doesn't fit, scroll sideways, not clear, wrong button, too many steps",
        "ru": "непонятн*, неудобн*, запутан*, нечитаем*, не могу найти, где найти, сложно найти,"
        " плохо читается, не видно, не видны, почти не вид*, контраст*, глаза устают, не очевидно,"
        " непривычн*, не разобраться, не разберусь, не могу разобраться, сложно разобраться,"
        " спрятан*, долго искал*, мелк*, слишком мелк*, крошечн*, случайно, по ошибке,"
        " не помещается, неинтуитивн*, неочевидн*",
        "pl": "niejasn*, nieintuicyjn*, myląc*, nieczyteln*, niewidoczn*, kontrast*, niewygodn*,"
        " nie mogę znaleźć, nie można znaleźć, trudno znaleźć, gdzie jest, nie widać, bolą oczy,"
        " schowan*, ukryt*, długo szukał*, za mał*, malutk*, przez przypadek, przypadkiem,"
        " zagmatwan*, nie mieści, trudno się połapać, nie wiem gdzie",
        "sr": "nejasn*, zbunjuj*, nepregledn*, nečitk*, nevidljiv*, kontrast*, ne mogu da nađem,"
        " ne mogu da pronađem, teško je naći, teško se čita, gde je, ne vidi, ne vide,"
        " bole me oči, sakriven*, skriven*, dugo sam tražio, dugo sam tražila, premal*, sitn*,"
        " slučajno, haotičn*, ne snalazim, teško se snaći, ne stane, ne staje, nepraktičn*,"
        " nezgodn*, konfuz*",
    },
    "docs": {
        "en": "documentation*, docs, doc, documented, undocumented, example*, guide*, tutorial*,"
        " manual, instructions, help center, help article, knowledge base, faq, readme,"
        " doesn't mention, doesn't say, not mentioned, doesn't explain, not documented,"
        " api reference, article*, help page*, screenshot*, outdated, out of date, not explained,"
        " isn't explained, step by step, walkthrough, the docs say, documentation says",
        "ru": "документаци*, инструкци*, руководств*, справк*, пример, примера, примеры, примеров,"
        " не написано, не описано, не сказано, описани*, статья, статье, статьи, статью,"
        " скриншот*, устарел*, не объясняется, не объяснено, нигде не описано, нигде не сказано",
        "pl": "dokumentacj*, instrukcj*, przykład*, poradnik*, nie ma informacji, nie mówi,"
        " nie opisan*, artykuł*, w opisie, opis api, zrzut* ekranu, przewodnik*, centrum pomocy,"
        " strona pomocy, stronie pomocy, nieaktualn*, nie jest wyjaśnion*, nie wyjaśnia,"
        " nigdzie nie jest napisane, nie ma opisu",
        "sr": "dokumentacij*, uputstv*, vodič*, primer, primera, primeri, ne piše, nije opisano,"
        " članak, članku, članka, članci, opis*, slike ekrana, snimak ekrana, screenshot*,"
        " zastarel*, nije objašnjeno, ne objašnjava, nema objašnjenja, centar za pomoć",
    },
    "question": {
        "en": "?, how do, how can, how to, how much, how many, can i, can we, can you, could you,"
        " is it possible, is there, are there, do you, does it, why, what is, what are, which,"
        " when will, where can i, wondering, question, why must i, why do i have to,"
        " why do i need to, why should i, can you explain, could you explain, please explain,"
        " explain, what happens, what if, what's, how long, how often, how does, i'd like to know,"
        " want to know, need to know, please, would like to, i'd like to,"
        " we'd like to, i want to, we want to",
        "ru": "?, как, почему, зачем, сколько, какие, какой, можно ли, есть ли, где можно,"
        " подскажите, можете, вопрос*, почему я должен, почему я обязан, почему нужно,"
        " зачем нужно, объясни*, поясни*, возможно ли, что будет, что произойдет, что произойдёт,"
        " что если, интересует, хотел* бы узнать, хочу узнать, прошу, хочу",
        "pl": "?, jak, czy, dlaczego, ile, jakie, jaki, gdzie mogę, pytani*, dlaczego muszę,"
        " po co, czy to możliwe, czy jest możliwe, czy da się, wyjaśni*, co się stanie, co będzie,"
        " jak długo, chciał* wiedzieć, chcę wiedzieć, proszę, chcę",
        "sr": "?, kako, zašto, koliko, koji, koja, koje, da li, mogu li, možete li, gde mogu,"
        " ima li, pitanj*, zašto moram, zašto treba, možete li objasniti, objasni*,"
        " da li je moguće, je li moguće, šta se dešava, šta će se desiti, šta će biti, šta ako,"
        " šta je, zanima me, molim, želim, hteo bih, htela bih",
    },
    "feature": {
        "en": "would be nice, would be great, would be good, it would help, would love, we'd love,"
        " please add, could you add, can you add, feature request, do you plan, are you planning,"
        " any plans, plan to add, roadmap, wish, support for, integration*, integrate, option to,"
        " ability to, allow us to, suggest*, would be useful, would be handy, would be helpful,"
        " would be really, would be awesome, would be cool, it'd be, it would be, any chance,"
        " on your roadmap, on the roadmap, let us, i'd love, would like to see, consider adding,"
        " add an option, add a way",
        "ru": "хотелось бы, добавьте, было бы здорово, было бы удобно, было бы хорошо, предлага*,"
        " планируете, пожелани*, хотим, можно добавить, можно сделать, интеграци*, не хватает,"
        " сделайте, хорошо бы, неплохо бы, было бы полезно, было бы неплохо, планируется,"
        " в планах, нужна возможность, добавить бы, реализуйте, появится ли",
        "pl": "czy można dodać, czy możecie dodać, dodajcie, przydał* by się, przydał* się,"
        " przydałoby, byłoby fajnie, byłoby super, byłoby dobrze, byłoby świetnie, czy planujecie,"
        " chcielibyśmy, prośba, integracj*, propozycj*, sugesti*, fajnie by było, dobrze by było,"
        " super by było, zróbcie, chciałbym, chciałabym, brakuje mi, brakuje nam, w planach,"
        " propon*, wprowadźcie",
        "sr": "bilo bi dobro, bilo bi lepo, bilo bi super, bilo bi sjajno, dodajte, predlaž*,"
        " predlog*, da li planirate, voleli bismo, želeli bismo, integracij*, mogli biste dodati,"
        " bilo bi zgodno, bilo bi korisno, napravite, voleo bih, volela bih, u planu, planirate,"
        " omogućite, uvedite, fali mi, fali nam, nedostaje mi, nedostaje nam",
    },
}
SPECIFIC = ("docs", "feature", "ux", "bug")  # tie order: the more specific call first
STRONG_SHARE = 0.25
MIN_TICKETS = 2  # a kind needs cues in at least this many tickets ...
MIN_SHARE = 0.1  # ... and in this share of the theme
UNKNOWN = "unknown"
# Languages the cues cover; langid reads Serbian Latin as hr, bs or me, and their cues are
# largely Serbian's (ne radi, greška, ne mogu da nađem), so the whole family counts.
CUE_LANGUAGES = frozenset({"en", "ru", "pl"}) | SERBO_CROATIAN
LANGUAGE_SAMPLE = 50  # texts whose language is detected when no language is given


def min_tickets(n: int) -> int:
    """How many of a theme's `n` tickets must show a kind's cues for the kind to count."""
    return min(n, max(MIN_TICKETS, math.ceil(MIN_SHARE * n)))


def cue_list(kind: str) -> list[str]:
    """Every cue of `kind`, alternatives expanded, Serbian in both scripts, no duplicates."""
    cues: list[str] = []
    for language, spec in CUES[kind].items():
        for cue in (c for entry in spec.split(",") for c in _expand(entry.strip())):
            variants = [cue, to_cyrillic(cue)] if language == "sr" else [cue]
            cues.extend(v for v in variants if v and v not in cues)
    return cues


_GROUP = re.compile(r"\(([^()]*)\)")


def _expand(cue: str) -> list[str]:
    """ "(can't|cannot) (save|open)" -> "can't save", "can't open", "cannot save", ..."""
    match = _GROUP.search(cue)
    if match is None:
        return [cue]
    head, tail = cue[: match.start()], cue[match.end() :]
    alternatives = (alt.strip() for alt in match.group(1).split("|"))
    return [e for alt in alternatives for e in _expand(head + alt + tail)]


Cue = tuple[tuple[str, bool], ...]  # (word, is_stem) per word
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|\?")


def _parse(cue: str) -> Cue:
    return tuple((w.rstrip("*"), w.endswith("*")) for w in cue.replace("’", "'").split())


def _build() -> tuple[dict[str, list[int]], dict[str, list[int]], list[tuple[str, str, Cue]]]:
    """Cues indexed by their first word: exact words and stems (prefixes)."""
    cues = [(kind, cue, _parse(cue)) for kind in CUES for cue in cue_list(kind)]
    exact: dict[str, list[int]] = {}
    stems: dict[str, list[int]] = {}
    for n, (_, _, words) in enumerate(cues):
        first, is_stem = words[0]
        (stems if is_stem else exact).setdefault(first, []).append(n)
    return exact, stems, cues


_index = functools.cache(_build)  # built on first use: readers of `family_kind` never do


def _matches(words: Cue, tokens: list[str], at: int) -> bool:
    if at + len(words) > len(tokens):
        return False
    return all(
        tokens[at + j].startswith(word) if stem else tokens[at + j] == word
        for j, (word, stem) in enumerate(words)
    )


@functools.lru_cache(maxsize=65_536)
def _candidates(token: str) -> tuple[int, ...]:
    """The cues that may start at this word: those whose first word it is or starts with
    (a ticket set repeats a small vocabulary, so each word is looked up once)."""
    exact, stems, _ = _index()
    found = list(exact.get(token, ()))
    for end in range(1, len(token) + 1):
        found.extend(stems.get(token[:end], ()))
    return tuple(found)


def cues_in(text: str) -> dict[str, set[str]]:
    """kind -> the cues found in one cleaned text (a stem "ошибк*" is shown as "ошибк…").
    Left to right, the longest cue starting at a word wins and the scan goes on after it."""
    tokens = [t.replace("’", "'") for t in _TOKEN.findall(text)]
    cues = _index()[2]
    found: dict[str, set[str]] = {}
    at = 0
    while at < len(tokens):
        best: tuple[str, str, Cue] | None = None
        for n in _candidates(tokens[at]):
            kind, cue, words = cues[n]
            longer = best is None or len(words) > len(best[2])
            if longer and _matches(words, tokens, at):
                best = (kind, cue, words)
        if best is None:
            at += 1
            continue
        found.setdefault(best[0], set()).add(best[1].replace("*", "…"))
        at += len(best[2])
    return found


def classify_kind(
    texts: Sequence[str],
    tags: Sequence[Sequence[str]] = (),
    languages: Sequence[str | None] | None = None,
) -> tuple[str, tuple[KindEvidence, ...]]:
    """The theme's kind and the evidence for every kind that has any, the chosen kind first,
    then by score. A ticket tag equal to a kind name ("bug", "feature_request", ...) counts
    as a cue "tag:<kind>". `languages` holds each text's language code (None: not known);
    without it the language of up to `LANGUAGE_SAMPLE` texts is detected."""
    hits, tickets_with = _cue_counts(texts, tags)
    total = max(len(texts), 1)
    share = {kind: tickets_with[kind] / total for kind in CUES}
    found = [
        KindEvidence(
            kind=kind,
            signals=tuple(f"{cue} ×{n}" for cue, n in sorted(hits[kind].items(),
                                                            key=lambda h: (-h[1], h[0]))[:6]),
            score=round(share[kind], 3),
        )
        for kind in CUES
        if tickets_with[kind]
    ]  # fmt: skip
    chosen, reason = _choose(tickets_with, share, len(texts), _outside(texts, languages))
    found.sort(key=lambda e: (e.kind != chosen, -e.score, list(CUES).index(e.kind)))
    if chosen == UNKNOWN:
        found.insert(0, KindEvidence(UNKNOWN, (reason,), 0.0))
    return chosen, tuple(found)


def _cue_counts(
    texts: Sequence[str], tags: Sequence[Sequence[str]]
) -> tuple[dict[str, Counter[str]], Counter[str]]:
    """Per kind: how often each cue was seen, and how many tickets showed any."""
    hits: dict[str, Counter[str]] = {kind: Counter() for kind in CUES}
    tickets_with: Counter[str] = Counter()
    analysed: dict[str, dict[str, set[str]]] = {}  # a theme's tickets often repeat a text
    for index, text in enumerate(texts):
        if text not in analysed:
            analysed[text] = cues_in(text)
        found = {kind: set(cues) for kind, cues in analysed[text].items()}
        ticket_tags = {tag.lower().replace("-", "_") for tag in tags[index]} if tags else set()
        for kind in CUES:
            if kind in ticket_tags or f"{kind}_request" in ticket_tags:
                found.setdefault(kind, set()).add(f"tag:{kind}")
        for kind, cues in found.items():
            tickets_with[kind] += 1
            hits[kind].update(cues)
    return hits, tickets_with


def _choose(
    tickets_with: Counter[str], share: dict[str, float], n: int, outside: str | None
) -> tuple[str, str]:
    """The kind and, for `unknown`, why."""
    if outside:
        return UNKNOWN, f"mostly in languages the cues do not cover: {outside}"
    floor = min_tickets(n)
    enough = [kind for kind in CUES if tickets_with[kind] >= floor]
    if not enough:
        seen = "no cue words found" if not tickets_with else "cues in too few tickets"
        return UNKNOWN, f"{seen} (a kind needs {floor} of {n})"
    specific = [kind for kind in SPECIFIC if kind in enough]
    if specific:
        best = max(specific, key=lambda kind: (share[kind], -SPECIFIC.index(kind)))
        if share[best] >= STRONG_SHARE or share[best] > share["question"]:
            return best, ""
    return "question", ""


def _outside(texts: Sequence[str], languages: Sequence[str | None] | None) -> str | None:
    """The languages outside `CUE_LANGUAGES` (e.g. "de 4, fr 1") when they hold most of the
    tickets whose language is known; None otherwise."""
    if languages is None:
        languages = [detect_language(text) for text in texts[:LANGUAGE_SAMPLE]]
    known = Counter(code for code in languages if code and code != "und")
    outside = {code: n for code, n in known.items() if code not in CUE_LANGUAGES}
    if not known or 2 * sum(outside.values()) <= known.total():
        return None
    return ", ".join(f"{code} {n}" for code, n in sorted(outside.items(), key=lambda c: -c[1]))


def family_kind(themes: Sequence[Theme]) -> str:
    """A family's kind: its founding theme's (`themes[0]`), unless that is `unknown` (say, a
    German founder), then the largest member's that is known."""
    known = [t for t in themes if t.kind != UNKNOWN]
    if not themes or themes[0].kind != UNKNOWN or not known:
        return themes[0].kind if themes else UNKNOWN
    return max(known, key=lambda t: t.size).kind
