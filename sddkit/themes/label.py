"""Naming themes in the tickets' own languages (the kind is called in `kinds`).

Keywords are class-based TF-IDF (each theme's texts form one document; a word scores high when
it is frequent in the theme and rare across themes), one per stem: "load" and "loading",
«podsetnik» and «podseti» are one word's forms, so only the higher-ranked is kept.

The label is a title a person would write, taken from the theme's own tickets: the subject
line (or, without one, the body's first sentence) of a ticket near the centroid that is
short (3-12 words, at most 70 characters), carries no personal data or ids (no numbers, ids or
dates: a term such as 2FA or 401k is a word; no e-mail addresses, URLs, @mentions or
placeholders such as {{Order Number}}), is in the theme's main
language and shares the most of the theme's top keywords; among equals the one most tickets
used, then the shortest, then the closest. No such line: the top keywords, "dashboard ·
loading · slow".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sddkit.themes.clean import (
    PLACEHOLDER,
    clean_text,
    strip_quoted_and_signature,
    terms_in,
    values_in,
    without_formulas,
)
from sddkit.themes.title_words import fit_for_title, names_someone, rare_words

if TYPE_CHECKING:
    from sddkit.themes.model import Theme

STEM_PREFIX = 5  # two words sharing this many first letters are one word's forms
TITLE_WORDS = (3, 12)
TITLE_CHARS = 70
TITLE_KEYWORDS = 5  # the top keywords a title is matched against


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
    # German (the encoder's languages reach beyond the four cue languages)
    " der die das den dem des ein eine einen einem einer und oder aber nicht kein keine ich du"
    " er sie es wir ihr mein meine unser unsere ist sind war waren bin bist sein haben hat habe"
    " hatte wird werden kann können muss soll zu im in am an auf aus bei mit nach von vor für"
    " über um wie was wo wann warum wer wenn dass auch noch schon nur sehr so da hier bitte"
    " danke hallo mir mich uns ihm ihn ihnen man sich dieser diese dieses jetzt immer mehr"
    # Czech and Ukrainian (SIB-200's other Slavic languages)
    " a i v ve na je se to že s z do o k ke u za by byl byla bylo jsem jsme jste jsou není"
    " ale nebo jak co kde kdy proč jeho její jejich můj moje náš tento tato toto také jen už"
    " і й в у на не що з до за як та але або це цей ця ці його її їх мій моя ми ви він вона"
    " вони є був була було бути вже ще тільки де коли чому для від по при про після дуже"
)


# Words a subject line can be made of and still not say what the ticket is about: a web
# form's "Support request", a customer's "Help!", "Quick question", "Вопрос", "Pytanie".
GENERIC_SUBJECT_WORDS = _words(
    # English
    "help question questions problem problems issue issues support request requests urgent"
    " inquiry enquiry query ticket need needed assistance asap important info information"
    " contact message feedback quick general follow followup regarding re fw fwd subject"
    " new form submission website web customer service care team attention sir madam"
    " small few another having trouble difficulty concern"
    # Russian
    " вопрос вопросы помощь помогите проблема проблемы срочно срочный запрос обращение"
    " заявка поддержка здравствуйте тема нужна нужно важно информация сообщение"
    # Polish
    " pytanie pytania pomoc pomocy problem problemy pilne pilnie zapytanie zgłoszenie"
    " wsparcie prośba potrzebna ważne informacja wiadomość dzień dobry"
    # Serbian (Latin: Cyrillic is transliterated first)
    " pitanje pitanja pomoć problem problemi hitno upit zahtev zahtjev podrška potrebna"
    " važno informacija poruka zdravo"
    # German
    " frage fragen hilfe probleme dringend dringende anfrage anliegen unterstützung wichtig"
    " nachricht kontakt betreff"
)


def says_nothing(subject: str) -> bool:
    """Whether a subject line has words and all of them are stop words and
    `GENERIC_SUBJECT_WORDS`. Read with the body, such a line made tickets that share it each
    other's neighbours, whatever each was about. A line cleaning leaves nothing of (a
    greeting; a sign-off, which cuts the text after it as a signature) is not one."""
    words = clean_text(subject).split()
    return bool(words) and all(w in STOPWORDS or w in GENERIC_SUBJECT_WORDS for w in words)


def class_keywords(docs_per_theme: Sequence[Sequence[str]], top: int = 8) -> list[list[str]]:
    """Class-based TF-IDF keywords (unigrams and bigrams) for each theme's texts."""
    import numpy as np  # numpy and scikit-learn only here: titles and families need neither
    from sklearn.feature_extraction.text import CountVectorizer  # slow import; only used here

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
        result.append(_drop_covered(words, top))
    return result


def same_stem(a: str, b: str) -> bool:
    """Two lowercased words are one word's forms: one is the other's start (3+ letters), or
    they share their first `STEM_PREFIX` letters."""
    short, long = sorted((a, b), key=len)
    if len(short) >= 3 and long.startswith(short):
        return True
    return len(short) >= STEM_PREFIX and short[:STEM_PREFIX] == long[:STEM_PREFIX]


def _drop_covered(words: list[str], top: int) -> list[str]:
    """The first `top` keywords (unigrams or bigrams) none of whose words is a form of a word
    already kept: "dashboard · loading · load" keeps "dashboard · loading"."""
    kept: list[str] = []
    used: list[str] = []
    for keyword in words:
        if len(kept) == top:
            break
        parts = keyword.split()
        if any(same_stem(part, u) for part in parts for u in used):
            continue
        kept.append(keyword)
        used.extend(parts)
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


_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|sv|odp|pd|отв|ответ|пер)\s*:\s*|\[[^\]]*\]\s*)+",
                     re.IGNORECASE)  # fmt: skip
_PERSONAL = re.compile(r"@|https?:|www\.|\w\.\w{2,}/")  # e-mail, URLs (values: `values_in`)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_TRAILING = re.compile(r"[\s.,;:!…-]+$")


def title_line(subject: str, body: str = "") -> str:
    """The line a title may be taken from: the subject, else the body's first sentence,
    tidied ("Re:" and trailing dots dropped); "" when it cannot be a title (too short or
    long, or with a number or id (a term such as 2FA or 401k is a word), e-mail addresses,
    URLs, @mentions or an export's placeholders: "Cancel purchase {{Order Number}}")."""
    line = _tidy(subject)
    if _title_like(line):
        return line
    # The body's first sentence that says more than a request formula ("Can you help me?").
    line = next(filter(None, map(_tidy, _first_sentences(body))), "") if body else ""
    return line if _title_like(line) else ""


def _tidy(line: str) -> str:
    return _TRAILING.sub("", without_formulas(_PREFIX.sub("", " ".join(line.split()))))


def _first_sentences(body: str) -> list[str]:
    """The sentences of the body's first two lines after a greeting line ("Hi team,"
    "Здравствуйте!")."""
    lines = [line.strip() for line in strip_quoted_and_signature(body).splitlines()]
    lines = [line for line in lines if line]
    while lines and len(lines[0].split()) <= 3 and lines[0][-1] in ",!:":
        lines = lines[1:]
    return _SENTENCE_END.split(" ".join(lines[:2])) if lines else []


def _title_like(line: str) -> bool:
    words = line.split()
    if not TITLE_WORDS[0] <= len(words) <= TITLE_WORDS[1] or len(line) > TITLE_CHARS:
        return False
    shouting = sum(map(str.isupper, line)) > 0.6 * sum(map(str.isalpha, line))
    return (
        not shouting
        and _PERSONAL.search(line) is None
        and PLACEHOLDER.search(line) is None
        and not values_in(line)
    )


def make_title(
    lines: Sequence[tuple[str, str | None]],
    keywords: Sequence[str],
    fallback: str,
    language: str | None = None,
    *,
    team_language: str | None = None,
    avoid: set[str] | None = None,
) -> str:
    """The theme's title from `lines` (`title_line` of its tickets, closest to the centroid
    first, with each ticket's language). Lines naming a person or organisation (`avoid`: see
    `title_words.identity_words`), swearing, or carrying a term with digits that no other
    line has (`_shared_terms_only`) are never used. Of the rest, those in
    `team_language` when at least two are (a team reads its tracker in its language), else
    those in `language` (the theme's main one; by default the lines' commonest); among them
    one naming nobody (`title_words.names_someone`: the tracker would write "[name]"), then
    the one sharing the most top keywords, then with the fewest words no other line uses
    (typos), then the most used, the shortest, the closest. `fallback` when none qualifies."""
    usable = [(line, code) for line, code in lines if line and fit_for_title(line, avoid or set())]
    usable = _shared_terms_only(usable)
    main = language or next(iter(Counter(c for _, c in usable if c).most_common(1)), ("",))[0]
    in_team = [(line, code) for line, code in usable if team_language and code == team_language]
    if len(in_team) >= 2 and team_language != main:
        return _pick(in_team, keywords, require_keyword=False) or fallback
    if any(code == main for _, code in usable):
        usable = [(line, code) for line, code in usable if code == main]
    return _pick(usable, keywords, require_keyword=True) or fallback


def _shared_terms_only(
    lines: Sequence[tuple[str, str | None]],
) -> list[tuple[str, str | None]]:
    """`lines` without those carrying a term with digits no other line of the theme has: a
    product term recurs (2FA, 401k), a licence plate or a postcode (BG123AB, SW1A) is one
    customer's."""
    terms = [terms_in(line) for line, _ in lines]
    distinct: dict[str, set[str]] = {}
    for (line, _), found in zip(lines, terms, strict=True):
        for term in found:
            distinct.setdefault(term, set()).add(line.lower())
    return [
        pair
        for pair, found in zip(lines, terms, strict=True)
        if all(len(distinct[term]) >= 2 for term in found)
    ]


def _pick(
    usable: Sequence[tuple[str, str | None]], keywords: Sequence[str], *, require_keyword: bool
) -> str:
    """The best line as `make_title` ranks them ("" when none shares a keyword and one must);
    lines of another language than the keywords' are also ranked by the words they share
    with each other (the line most like the rest)."""
    stems = [w for k in keywords[:TITLE_KEYWORDS] for w in k.split()]
    used = Counter(line.lower() for line, _ in usable)
    rare = rare_words([line for line, _ in usable])
    words_of = [clean_text(line, code).split() for line, code in usable]
    seen = Counter(w for words in words_of for w in set(words))
    best: tuple[int, ...] | None = None
    title = ""
    for position, ((line, _), words) in enumerate(zip(usable, words_of, strict=True)):
        shared = sum(1 for stem in stems if any(same_stem(stem, w) for w in words))
        # how typical the line is of the others: only where keywords cannot tell
        common = 0 if require_keyword else sum(seen[w] - 1 for w in set(words))
        named = names_someone(line)
        score = (-named, shared, -rare[position], used[line.lower()], common, -len(line), -position)
        if (shared or not require_keyword) and (best is None or score > best):
            best, title = score, line
    return title[:1].upper() + title[1:] if title else ""


def family_title(themes: Sequence[Theme], language: str = "en") -> str:
    """A family's title (its issue's): the label of its largest member whose tickets are
    mostly in the team's `language`, so a family with such a member reads in it; otherwise
    the label of `themes[0]`, the founding theme."""
    english = [t for t in themes if t.languages and _main_language(t) == language]
    if english:
        return max(english, key=lambda t: t.size).label
    return themes[0].label if themes else ""


def _main_language(theme: Theme) -> str:
    return max(theme.languages, key=lambda code: (theme.languages[code], code))
