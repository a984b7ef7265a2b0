"""Naming themes and calling their kind, in the tickets' own languages, explainably.

Keywords are class-based TF-IDF (each theme's texts form one document; a word scores high when
it is frequent in the theme and rare across themes). The kind comes from multilingual cue lists:
each kind scores the share of the theme's tickets that contain one of its cues (times the
kind's weight), the highest score wins, and the cues found are the evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from sddkit.themes.model import KindEvidence


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    # English
    "a an the and or but if of to in on at for from by with about as into is are was were be been"
    " being am do does did doing have has had i me my we our you your he she it its they them"
    " their this that these those there here what which who whom when where why how not no nor"
    " so too very can could would should will just also than then all any some more most other"
    " such only own same s t don please hi hello thanks thank get got still"
    " after before again once up down out over under one"
    # Russian
    " и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее"
    " мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть"
    " был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть"
    " надо ней для мы тебя их чем была сам чтобы без будто чего раз тоже себе под будет ж тогда"
    " кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас"
    " были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот"
    " через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед"
    " иногда лучше чуть том нельзя такой им более всегда конечно всю между пожалуйста спасибо это"
    # Polish
    " i w na z się nie do to że jest o jak a co po ale tak za od jego go czy by już tylko mnie"
    " mi ja ten są dla może być jej jeszcze bo gdy tym ma był przez też nas ich było sobie"
    " tego oraz lub gdzie który która które ze we pan pani proszę dziękuję mam mój moje moja"
    # Serbian (Latin; Cyrillic text is transliterated before this is used)
    " i u na je da se ne za od sa su to kao ali ili pa ga mi me ja ti on ona oni mi vi smo ste"
    " sam si bi bio bila bilo biti što šta koji koja koje kad kada gde gdje ovo ono taj ta"
    " već još samo li nije jer iz do po kod mogu može moj moja moje molim hvala nam vam"
    " bez preko pre posle kako"
)

# kind -> cue phrases (en, ru, pl, sr Latin + Cyrillic); matched on cleaned, lowercased text.
CUES: dict[str, tuple[str, ...]] = {
    "bug": (
        "error", "crash", "crashes", "crashed", "broken", "bug", "fails", "failed", "failing",
        "doesn't work", "does not work", "not working", "stopped working", "freezes", "exception",
        "не работает", "ошибка", "ошибку", "ошибки", "сломал", "вылетает", "падает", "зависает",
        "nie działa", "błąd", "błędu", "awaria", "zawiesza", "wywala",
        "ne radi", "greška", "greške", "grešku", "pada", "puca", "zaglavi",
        "не ради", "грешка", "грешке", "грешку",
    ),
    "ux": (
        "confusing", "can't find", "cannot find", "where is", "unclear", "hard to find",
        "not intuitive", "hidden", "too many clicks", "hard to use",
        "непонятно", "не могу найти", "где найти", "неудобно", "запутанн",
        "nie mogę znaleźć", "nie mogę znalezc", "gdzie jest", "niejasne", "nieintuicyjn",
        "ne mogu da nađem", "ne mogu da pronađem", "gde je", "gde se", "nejasno", "zbunjuj",
        "не могу да нађем", "не могу да пронађем", "где је", "нејасно",
    ),
    "docs": (
        "documentation", "docs", "example", "guide", "tutorial", "manual", "instructions",
        "документация", "документации", "инструкция", "инструкции", "пример",
        "dokumentacja", "dokumentacji", "instrukcja", "przykład", "poradnik",
        "dokumentacija", "dokumentaciji", "uputstvo", "primer",
        "документација", "упутство", "пример",
    ),
    "question": (
        "how do i", "how can i", "how to", "can i", "is it possible", "?",
        "как", "можно ли", "jak", "czy mogę", "czy można", "kako", "da li mogu", "како",
    ),
    "feature": (
        "would be nice", "please add", "feature request", "it would be great", "could you add",
        "wish", "support for",
        "хотелось бы", "добавьте", "было бы здорово", "было бы удобно", "предлагаю",
        "czy można dodać", "dodajcie", "przydałaby się", "przydałoby się", "byłoby fajnie",
        "bilo bi dobro", "bilo bi lepo", "dodajte", "predlažem",
        "било би добро", "додајте", "предлажем",
    ),
}  # fmt: skip
# A question mark or "how" is weaker evidence than "crash" or "please add".
KIND_WEIGHTS = {"bug": 1.0, "ux": 1.0, "docs": 1.0, "feature": 1.0, "question": 0.6}
DEFAULT_KIND = "question"


def _cue_pattern(cue: str) -> re.Pattern[str]:
    if cue == "?":
        return re.compile(r"\?")
    return re.compile(r"(?<!\w)" + re.escape(cue).replace(r"\ ", r"\s+"))


_PATTERNS = {kind: [(cue, _cue_pattern(cue)) for cue in cues] for kind, cues in CUES.items()}


def classify_kind(
    texts: Sequence[str], tags: Sequence[Sequence[str]] = ()
) -> tuple[str, tuple[KindEvidence, ...]]:
    """The theme's kind and the evidence for every kind that has any, strongest first.

    A ticket tag equal to a kind name ("bug", "feature", "docs", ...) counts as a cue too.
    """
    hits: dict[str, Counter[str]] = {kind: Counter() for kind in CUES}
    tickets_with: Counter[str] = Counter()
    for index, text in enumerate(texts):
        ticket_tags = {tag.lower().replace("-", "_") for tag in tags[index]} if tags else set()
        for kind, patterns in _PATTERNS.items():
            found = [cue for cue, pattern in patterns if pattern.search(text)]
            if kind in ticket_tags or f"{kind}_request" in ticket_tags:
                found.append(f"tag:{kind}")
            if found:
                tickets_with[kind] += 1
                hits[kind].update(found)
    total = max(len(texts), 1)
    evidence = [
        KindEvidence(
            kind=kind,
            signals=tuple(f"{cue} ×{n}" for cue, n in hits[kind].most_common(6)),
            score=round(KIND_WEIGHTS[kind] * tickets_with[kind] / total, 3),
        )
        for kind in CUES
        if tickets_with[kind]
    ]
    evidence.sort(key=lambda e: (-e.score, list(CUES).index(e.kind)))
    if not evidence:
        return DEFAULT_KIND, (KindEvidence(DEFAULT_KIND, ("no cue words found",), 0.0),)
    return evidence[0].kind, tuple(evidence)


def class_keywords(docs_per_theme: Sequence[Sequence[str]], top: int = 8) -> list[list[str]]:
    """Class-based TF-IDF keywords (unigrams and bigrams) for each theme's texts."""
    joined = [" ".join(docs) for docs in docs_per_theme]
    if not any(doc.strip() for doc in joined):
        return [[] for _ in joined]
    vectorizer = CountVectorizer(
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b[^\W\d_]{2,}\b",
        stop_words=sorted(STOPWORDS),
    )
    try:
        counts = vectorizer.fit_transform(joined).astype(np.float64)
    except ValueError:  # only stop words
        return [[] for _ in joined]
    vocab = np.array(vectorizer.get_feature_names_out())
    tf = counts.multiply(1.0 / np.maximum(counts.sum(axis=1), 1)).tocsr()
    frequency = np.asarray(counts.sum(axis=0)).ravel()
    average_words = counts.sum() / max(len(joined), 1)
    idf = np.log(1 + average_words / np.maximum(frequency, 1))
    scores = tf.multiply(idf).tocsr()
    result: list[list[str]] = []
    for row in range(scores.shape[0]):
        line = scores.getrow(row)
        order = np.argsort(-line.data, kind="stable")
        words = [str(vocab[line.indices[i]]) for i in order]
        result.append(_drop_covered(words)[:top])
    return result


def _drop_covered(words: list[str]) -> list[str]:
    """Drop a unigram once a higher-ranked bigram already contains it."""
    kept: list[str] = []
    for word in words:
        if " " not in word and any(word in k.split() for k in kept if " " in k):
            continue
        kept.append(word)
    return kept


def make_label(keywords: Sequence[str], fallback: str) -> str:
    """A short label: up to three top keywords that share no word, at most ~48 characters."""
    chosen: list[str] = []
    used: set[str] = set()
    for keyword in keywords:
        words = set(keyword.split())
        if words & used or len(" · ".join([*chosen, keyword])) > 48:
            continue
        chosen.append(keyword)
        used |= words
        if len(chosen) == 3:
            break
    return " · ".join(chosen) or fallback
