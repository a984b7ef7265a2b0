"""A theme's kind (bug, ux, docs, question, feature) from multilingual cues, with the evidence.

Cues are phrases in English, Russian, Polish and Serbian (written in Latin here; the Cyrillic
spelling is derived), matched on cleaned, lowercased text at word starts. A word ending in
"*" is a stem and matches any ending, so "ошибк*" covers ошибка/ошибку/ошибки and "błęd*"
covers błędu/błędem. Where cues overlap in a text the longest wins, so "czy można dodać"
(feature) is not also read as "czy" (question).

Each kind scores the share of the theme's tickets showing at least one of its cues (a ticket
tag named after the kind counts too). A question mark or "how do I" says little on its own
(people ask "how do I get past this error?"), so `question` wins only when no specific kind
is strongly present: the best of bug/ux/docs/feature wins when its share is at least
`STRONG_SHARE` or above the question share. No cue at all: `question`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from sddkit.serbian import to_cyrillic
from sddkit.themes.model import KindEvidence

# kind -> language -> comma-separated cues
CUES: dict[str, dict[str, str]] = {
    "bug": {
        "en": "error*, crash*, broken, breaks, bug, bugs, buggy, fails, failed, failing, fault*,"
        " exception*, wrong, glitch*, doesn't work, does not work, don't work, not working,"
        " stopped working, won't work, isn't working, freez*, hangs, stuck, loop, logs me out,"
        " logging me out, kicks me out, back to the login, times out, timed out, timeout*,"
        " never finishes, never loads, never arrives, never arrived, doesn't arrive,"
        " doesn't come, not received, didn't receive, locked out, reject*, invalid,"
        " not accepted, keeps saying, went wrong, didn't help, slow*, sluggish, takes forever,"
        " painfully, performance, lag, lags, duplicat*, twice, two times, garbage, garbled,"
        " question marks, corrupt*, typo*, blurry, since the update, since the last update",
        "ru": "ошибк*, ошибок, сбой*, баг*, глюч*, глюк*, слома*, лома*, вылета*, пада*, завис*,"
        " тормоз*, не работа*, перестал* работать, не приходит, не пришл*, не пришел,"
        " не принима*, не проходит, отклоня*, неверн*, дубл*, дважды, не завершается, обрыва*,"
        " таймаут*, выкидыва*, бесконечн*, застрял*, возвраща*, снова просит, не могу войти,"
        " не могу зайти, не помогл*, пошло не так, медленн*, долго, кракозябр*, знаки вопроса,"
        " опечатк*, размыт*",
        "pl": "błąd, błędy, błędu, błędem, błędów, awari*, zawiesza*, wywala*, zepsu*, psuj*,"
        " nie działa*, przestał* działać, nie przychodzi, nie dociera, nie dostaję, nie dostałem,"
        " odrzuca*, odrzucon*, nieprawidłow*, nie jest akceptowany, nie kończy, timeout*, pętl*,"
        " utknął*, utknęł*, wylogowuj*, wraca do, znowu prosi, nie mogę się zalogować,"
        " nie pomogł*, poszło nie tak, wolno, wolny, wolne, długo, duplikat*, zduplikowan*,"
        " dubluj*, dwa razy, krzaki, dziwne symbole, znaki zapytania, literówk*, rozmyt*",
        "sr": "greška, greške, grešku, greškom, bag*, puca*, zaglav*, kvari*, pokvar*, padne,"
        " ne radi, ne rade, prestao da radi, ne prolazi, ne dolazi, ne stiže, nije stigao,"
        " nije stigla, nisam dobio, odbij*, odbijen*, neispravan, neispravn*, nije ispravan,"
        " ne završi, timeout*, petlj*, odjavljuj*, vraća na, opet traži, ne mogu da se prijavim,"
        " nije pomogl*, naopako, spor, sporo, spora, sporije, dugo, dupl*, dva puta,"
        " čudni znakovi, čudni simboli, upitnic*, mutan, mutna, mutno",
    },
    "ux": {
        "en": "confus*, unclear, can't find, cannot find, couldn't find, hard to find, where is,"
        " where do i, not intuitive, unintuitive, hard to use, hard to read, can't read,"
        " can't see, hard to see, invisible, contrast, too many clicks, eyes hurt, misleading,"
        " cluttered, not obvious, easy to miss, barely visible, unreadable",
        "ru": "непонятн*, неудобн*, запутан*, нечитаем*, не могу найти, где найти, сложно найти,"
        " плохо читается, не видно, не видны, почти не вид*, контраст*, глаза устают,"
        " не очевидно",
        "pl": "niejasn*, nieintuicyjn*, myląc*, nieczyteln*, niewidoczn*, kontrast*, niewygodn*,"
        " nie mogę znaleźć, nie można znaleźć, trudno znaleźć, gdzie jest, nie widać, bolą oczy",
        "sr": "nejasn*, zbunjuj*, nepregledn*, nečitk*, nevidljiv*, kontrast*, ne mogu da nađem,"
        " ne mogu da pronađem, teško je naći, teško se čita, gde je, ne vidi, ne vide,"
        " bole me oči",
    },
    "docs": {
        "en": "documentation*, docs, doc, documented, undocumented, example*, guide*, tutorial*,"
        " manual, instructions, help center, help article, knowledge base, faq, readme,"
        " doesn't mention, doesn't say, not mentioned, doesn't explain, not documented,"
        " api reference",
        "ru": "документаци*, инструкци*, руководств*, справк*, пример, примера, примеры, примеров,"
        " не написано, не описано, не сказано",
        "pl": "dokumentacj*, instrukcj*, przykład*, poradnik*, nie ma informacji, nie mówi,"
        " nie opisan*",
        "sr": "dokumentacij*, uputstv*, vodič*, primer, primera, primeri, ne piše, nije opisano",
    },
    "question": {
        "en": "?, how do, how can, how to, how much, how many, can i, can we, can you, could you,"
        " is it possible, is there, are there, do you, does it, why, what is, what are, which,"
        " when will, where can i, wondering, question",
        "ru": "?, как, почему, зачем, сколько, какие, какой, можно ли, есть ли, где можно,"
        " подскажите, можете, вопрос*",
        "pl": "?, jak, czy, dlaczego, ile, jakie, jaki, gdzie mogę, pytani*",
        "sr": "?, kako, zašto, koliko, koji, koja, koje, da li, mogu li, možete li, gde mogu,"
        " ima li, pitanj*",
    },
    "feature": {
        "en": "would be nice, would be great, would be good, it would help, would love, we'd love,"
        " please add, could you add, can you add, feature request, do you plan,"
        " are you planning, any plans, plan to add, roadmap, wish, support for, integration*,"
        " integrate, option to, ability to, allow us to, suggest*",
        "ru": "хотелось бы, добавьте, было бы здорово, было бы удобно, было бы хорошо, предлага*,"
        " планируете, пожелани*, хотим, можно добавить, можно сделать, интеграци*, не хватает",
        "pl": "czy można dodać, czy możecie dodać, dodajcie, przydał* by się, przydałoby,"
        " byłoby fajnie, byłoby super, byłoby dobrze, byłoby świetnie, czy planujecie,"
        " chcielibyśmy, prośba, integracj*, propozycj*, sugesti*",
        "sr": "bilo bi dobro, bilo bi lepo, bilo bi super, bilo bi sjajno, dodajte, predlaž*,"
        " predlog*, da li planirate, voleli bismo, želeli bismo, integracij*,"
        " mogli biste dodati",
    },
}
SPECIFIC = ("docs", "feature", "ux", "bug")  # tie order: the more specific call first
STRONG_SHARE = 0.25
DEFAULT_KIND = "question"


def cue_list(kind: str) -> list[str]:
    """Every cue of `kind`, Serbian in both scripts, without duplicates."""
    cues: list[str] = []
    for language, spec in CUES[kind].items():
        for cue in (c.strip() for c in spec.split(",")):
            variants = [cue, to_cyrillic(cue)] if language == "sr" else [cue]
            cues.extend(v for v in variants if v and v not in cues)
    return cues


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


_EXACT, _STEMS, _CUES = _build()


def _matches(words: Cue, tokens: list[str], at: int) -> bool:
    if at + len(words) > len(tokens):
        return False
    return all(
        tokens[at + j].startswith(word) if stem else tokens[at + j] == word
        for j, (word, stem) in enumerate(words)
    )


def cues_in(text: str) -> dict[str, set[str]]:
    """kind -> the cues found in one cleaned text (a stem "ошибк*" is shown as "ошибк…").
    Left to right, the longest cue starting at a word wins and the scan goes on after it."""
    tokens = [t.replace("’", "'") for t in _TOKEN.findall(text)]
    found: dict[str, set[str]] = {}
    at = 0
    while at < len(tokens):
        token = tokens[at]
        candidates = list(_EXACT.get(token, ()))
        for end in range(1, len(token) + 1):
            candidates.extend(_STEMS.get(token[:end], ()))
        best: tuple[str, str, Cue] | None = None
        for n in candidates:
            kind, cue, words = _CUES[n]
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
    texts: Sequence[str], tags: Sequence[Sequence[str]] = ()
) -> tuple[str, tuple[KindEvidence, ...]]:
    """The theme's kind and the evidence for every kind that has any, the chosen kind first,
    then by score. A ticket tag equal to a kind name ("bug", "feature_request", ...) counts
    as a cue "tag:<kind>"."""
    hits: dict[str, Counter[str]] = {kind: Counter() for kind in CUES}
    tickets_with: Counter[str] = Counter()
    for index, text in enumerate(texts):
        found = cues_in(text)
        ticket_tags = {tag.lower().replace("-", "_") for tag in tags[index]} if tags else set()
        for kind in CUES:
            if kind in ticket_tags or f"{kind}_request" in ticket_tags:
                found.setdefault(kind, set()).add(f"tag:{kind}")
        for kind, cues in found.items():
            tickets_with[kind] += 1
            hits[kind].update(cues)
    total = max(len(texts), 1)
    share = {kind: tickets_with[kind] / total for kind in CUES}
    if not tickets_with:
        return DEFAULT_KIND, (KindEvidence(DEFAULT_KIND, ("no cue words found",), 0.0),)
    best = max(SPECIFIC, key=lambda kind: (share[kind], -SPECIFIC.index(kind)))
    strong = share[best] >= STRONG_SHARE or share[best] > share["question"]
    chosen = best if strong else "question"
    evidence = [
        KindEvidence(
            kind=kind,
            signals=tuple(f"{cue} ×{n}" for cue, n in sorted(hits[kind].items(),
                                                            key=lambda h: (-h[1], h[0]))[:6]),
            score=round(share[kind], 3),
        )
        for kind in CUES
        if tickets_with[kind]
    ]  # fmt: skip
    evidence.sort(key=lambda e: (e.kind != chosen, -e.score, list(CUES).index(e.kind)))
    return chosen, tuple(evidence)
