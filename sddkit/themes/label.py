"""Naming themes in the tickets' own languages (the kind is called in `kinds`).

Keywords are class-based TF-IDF (each theme's texts form one document; a word scores high when
it is frequent in the theme and rare across themes).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer


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
