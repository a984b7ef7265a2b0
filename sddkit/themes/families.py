"""Theme families: one subject found as several themes, one per language, linked.

The offline embedding cannot match "password reset e-mail never arrives" with "письмо для
сброса пароля не приходит", so each language forms its own theme. Families link them with
evidence that does not depend on the language:

- **tags**: helpdesk agents tag tickets the same way whatever the customer wrote in;
- **technical tokens**: Latin-script product names, formats and acronyms kept verbatim in any
  language (CSV, 2FA, API, Slack, Excel, iOS; see `technical_tokens`).

Each feature (a tag or a token) is *present* in a theme when at least `min_share` of its
tickets (and `min_count`) carry it. Its weight is its rarity across themes, ``log(N / df)``,
divided by the most themes of one language it is present in: a subject is one theme per
language, so a feature present in two English themes spans subjects (a generic "billing" tag)
or fragments, and counts less. Features present in more than half of the themes count for
nothing. Two themes are linked when they are of different languages and the same kind, the
cosine of their weighted feature-share vectors is at least `min_cosine`, the shared evidence
(sum over shared features of the smaller share times the weight) is at least `min_strength`,
and each is the other's clear best candidate in its language (the runner-up scores below
`margin` times the best). Links are taken best first; a family never holds two themes of one
language. A wrong link (two subjects in one issue) is worse than a missed one, hence the
conservative thresholds, tuned on the demo (`bench/themes_demo.py`).

One link needs none of that: two themes of one kind *titled alike*. A title is the subject
line most of a theme's tickets share that carries its keywords (`label.make_title`), so two
themes with the same title are one subject that clustering split by wording ("Dark theme
contrast" twice in the demo), and they are linked even in the same languages, so triage files
them as one issue (demo: 65 -> 56 families, no wrong link; SIB-200 dev unchanged; on
CLINC150 no two themes share a title). Its wider form: two themes of one kind whose tickets'
subject lines are mostly the same lines (`shared_lines`: the overlap of their distributions
of title lines, or the share of one theme's tickets under lines common in the other, a small
part of a larger theme; lines that head more than half of all themes left out as generic),
one among the other's nearest themes by meaning. Customers describe one slow dashboard in two
ways ("charts appear last", "20-30 seconds every morning") under the same subject lines;
clustering reads the bodies and splits it, the lines say it is one (demo: 0.72 and 0.86 for
its two split subjects, at most 0.09 for any other pair; text-only sets such as CLINC150 have
no shared lines and are unchanged).

A family's id is that of its founding theme (the largest, then oldest); an id a previous run
gave one of its members' family is kept, so family ids are as stable as theme ids.
"""

from __future__ import annotations

import math
import re
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sddkit.themes.clean import without_long_runs
from sddkit.themes.kinds import UNKNOWN
from sddkit.themes.model import Theme

if TYPE_CHECKING:  # numpy only where centroids are compared: readers of families need none
    import numpy as np
    from numpy.typing import NDArray

_ADDRESS = re.compile(r"\S+@\S+|\b(?:https?://|www\.)\S+", re.IGNORECASE)
_LATIN = re.compile(r"(?<![\w-])([A-Za-z0-9][A-Za-z0-9+#]*)(?![\w])")
_SENTENCE_ENDS = frozenset(".!?:;\"'(«„")  # what a capitalised word may follow at a start
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f]")
_LETTER = re.compile(r"[A-Za-z]")
_KEYWORD_SEPARATOR = " · "  # joins the keywords of a label that found no title (`make_label`)
_TITLE_STRENGTH = 10.0  # a title link is taken before any other
NEAREST_FOR_LINES = 3  # subject lines are compared with a theme's nearest few by meaning


@dataclass(frozen=True)
class FamilySettings:
    meaning_z: float = 3.0  # semantic link: centroid cosine this many sd above the median pair
    meaning_floor: float = 0.3  # ... and at least this cosine
    # A theme's main languages: at least this share of it (else its commonest). Themes cross
    # languages, so a theme counts as the language most of it is written in: a subject's
    # mostly-English and mostly-Polish themes may link (0.2 kept them apart; demo families
    # 56 -> 47, no wrong link; SIB-200 dev pairs 0.766 -> 0.768).
    main_language_share: float = 0.5
    min_share: float = 0.1  # a feature is present in a theme from this share of its tickets
    min_count: int = 2  # ... and this many tickets
    min_cosine: float = 0.5  # of the two themes' weighted tag vectors, when both have tags
    min_strength: float = 0.4  # shared evidence: sum of smaller share x weight
    token_only_strength: float = 1.5  # the same when one of them has no tags
    margin: float = 0.8  # the runner-up in a language must score below margin x best
    shared_lines: float = 0.5  # themes whose subject lines overlap this much are one subject
    sample: int = 2_000  # tickets per theme read for its profile


@dataclass(frozen=True)
class FamilyLink:
    """Why two themes are one subject: the shared tags and tokens, with the scores."""

    a: str
    b: str
    cosine: float
    strength: float
    tags: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()
    meaning: float | None = None  # cosine of the themes' centred semantic centroids
    title: str | None = None  # the title both themes have: one subject's wordings split apart
    lines: float | None = None  # how far the themes' subject lines agree (`_shared_lines`)

    def describe(self) -> str:
        if self.title is not None:  # no scores: the same title is the whole evidence
            return f"{self.a} ~ {self.b}: same title «{self.title}»"
        if self.lines is not None:
            return f"{self.a} ~ {self.b}: subject lines alike ({self.lines:.0%})"
        shared = [f"tag {t}" for t in self.tags] + [f"token {t}" for t in self.tokens]
        if self.meaning is not None:
            shared.append(f"meaning {self.meaning:.2f}")
        return (
            f"{self.a} ~ {self.b}: cosine {self.cosine:.2f}, strength {self.strength:.2f}"
            f" ({', '.join(shared)})"
        )


@dataclass(frozen=True)
class ThemeFamily:
    """Themes that are one subject in different languages; `id` is the founding theme's."""

    id: str
    theme_ids: tuple[str, ...]
    links: tuple[FamilyLink, ...] = ()


@dataclass
class Profile:
    """What a theme's tickets carry: tickets read, tag counts, token counts, and their title
    lines (`label.title_line`, casefolded; unusable ones left out)."""

    tickets: int = 0
    tags: Counter[str] = field(default_factory=Counter)
    tokens: Counter[str] = field(default_factory=Counter)
    lines: Counter[str] = field(default_factory=Counter)


def technical_tokens(text: str) -> tuple[str, ...]:
    """Latin-script tokens that are the same in every language, lowercased, once each.

    Kept: acronyms and mixed case (CSV, 2FA, iOS, GitHub), letters with digits (mp4), a
    capitalised word inside a sentence (Slack, Excel), and any Latin word in a text written
    mostly in another script (a Russian ticket's "csv"). Plain words of Latin-script
    languages are not: "raport" or "the" say nothing across languages.
    """
    text = _ADDRESS.sub(" ", without_long_runs(text))
    foreign = len(_NON_LATIN.findall(text)) > len(_LETTER.findall(text))
    found: dict[str, None] = {}
    for match in _LATIN.finditer(text):
        word = match.group(1)
        if not _LETTER.search(word) or len(word) < 2 or len(word) > 24:
            continue
        digits = sum(c.isdigit() for c in word)
        inner_upper = any(c.isupper() for c in word[1:])
        capitalised = word[0].isupper() and not _starts_sentence(text, match.start())
        if (
            (digits and digits <= 3 and len(word) <= 8)
            or inner_upper
            or (capitalised and len(word) >= 3)
            or (foreign and len(word) >= 3 and not digits)
        ):
            found[sys.intern(word.lower())] = None
    return tuple(found)


def _starts_sentence(text: str, at: int) -> bool:
    """Whether the word at `at` starts the text or a sentence (after . ! ? : ; a line break
    or an opening quote or bracket, and any spaces): reading back over the spaces only, so
    a text of many words costs no more than its length."""
    if at == 0:
        return True
    i = at - 1
    line_break = False
    while i >= 0 and text[i].isspace():
        line_break = line_break or text[i] == "\n"
        i -= 1
    return line_break or (i >= 0 and text[i] in _SENTENCE_ENDS)


def profile(
    tags: Sequence[Sequence[str]], tokens: Sequence[Sequence[str]], lines: Sequence[str] = ()
) -> Profile:
    result = Profile(tickets=len(tags))
    for ticket_tags, ticket_tokens in zip(tags, tokens, strict=True):
        result.tags.update({t.strip().lower() for t in ticket_tags if t.strip()})
        result.tokens.update(set(ticket_tokens))
    result.lines.update(_same_line(line) for line in lines if line)
    return result


def _same_line(line: str) -> str:
    return " ".join(line.casefold().split())


def find_families(
    themes: Sequence[Theme],
    profiles: Mapping[str, Profile],
    previous: Mapping[str, str] | None = None,
    settings: FamilySettings | None = None,
    centroids: Mapping[str, NDArray[np.float32]] | None = None,
    meaning: Mapping[str, NDArray[np.float32]] | None = None,
) -> list[ThemeFamily]:
    """Families of two or more themes, largest first. `previous` maps theme id -> the family
    id an earlier run gave it (kept when still valid). `centroids`: each theme's mean
    semantic vector, centred per language (see `space`): a theme's nearest, whose subject
    lines are compared. `meaning`: centroids for links by meaning across languages
    (`meaning.cross_language_centroids`); `centroids` when not given."""
    s = settings or FamilySettings()
    language = {t.id: _languages(t, s.main_language_share) for t in themes}
    shares = {t.id: _shares(profiles.get(t.id, Profile()), s) for t in themes}
    alike = _same_title(themes) + _shared_lines(themes, profiles, centroids or {}, s)
    subject = _alike_groups(themes, alike)
    weights = _weights(themes, shares, language, subject)
    vectors = {
        tid: {f: v * weights[f] for f, v in share.items() if weights.get(f, 0.0) > 0}
        for tid, share in shares.items()
    }
    pairs = [
        (a.id, b.id)
        for i, a in enumerate(themes)
        for b in themes[i + 1 :]
        if _may_link(a, b, language)
    ]
    by_meaning = _meaning(pairs, (centroids or {}) if meaning is None else meaning, s)
    candidates: dict[tuple[str, str], FamilyLink] = {}
    for a, b in pairs:
        link = _link(a, b, shares, vectors, weights, s)
        cosine = by_meaning.get((a, b))
        if cosine is not None:
            link = _with_meaning(link, a, b, cosine)
        if link is not None:
            candidates[(a, b)] = link
    links = [
        c for c in candidates.values() if _clear_best(c, candidates, language, s.margin, subject)
    ]
    return _components(themes, links + alike, language, previous or {})


def main_languages(
    themes: Iterable[Theme], settings: FamilySettings | None = None
) -> set[frozenset[str]]:
    """The main languages of each of `themes` (those that have languages), once each: a
    link by meaning may join two themes only when there are two of them."""
    share = (settings or FamilySettings()).main_language_share
    return {_languages(t, share) for t in themes if t.languages}


def _alike_groups(themes: Sequence[Theme], alike: Sequence[FamilyLink]) -> dict[str, str]:
    """Theme id -> one id per group of themes that links by title or subject lines join:
    one subject that clustering split by wording."""
    group = {t.id: t.id for t in themes}

    def root(theme_id: str) -> str:
        while group[theme_id] != theme_id:
            theme_id = group[theme_id]
        return theme_id

    for link in alike:
        group[root(link.b)] = root(link.a)
    return {theme_id: root(theme_id) for theme_id in group}


def _same_title(themes: Sequence[Theme]) -> list[FamilyLink]:
    """Links between themes of one kind whose titles are the same line: a title is the
    subject line most of a theme's tickets share with its keywords (`label.make_title`), so
    two themes titled alike are one subject that clustering split by wording; they may be in
    the same languages. Keyword labels (no title found) link nothing."""
    by_title: dict[str, list[Theme]] = {}
    for theme in themes:
        if theme.label and _KEYWORD_SEPARATOR not in theme.label:
            by_title.setdefault(_same_line(theme.label), []).append(theme)
    return [
        FamilyLink(a.id, b.id, 0.0, _TITLE_STRENGTH, title=a.label)
        for group in by_title.values()
        for i, a in enumerate(group)
        for b in group[i + 1 :]
        if _kinds_agree(a, b)
    ]


def _kinds_agree(a: Theme, b: Theme) -> bool:
    return a.kind == b.kind or UNKNOWN in (a.kind, b.kind)


def _shared_lines(
    themes: Sequence[Theme],
    profiles: Mapping[str, Profile],
    centroids: Mapping[str, NDArray[np.float32]],
    s: FamilySettings,
) -> list[FamilyLink]:
    """Links between themes of one kind whose subject lines are mostly the same lines: the
    overlap of their title-line distributions (sum over lines of the smaller share), or the
    share of one theme's tickets under lines present in the other (`min_share`,
    `min_count`: a small part of a larger theme), is at least `shared_lines`. A line
    present in more than half of the themes is generic ("Quick question" from a web form)
    and left out, and one theme must be among the other's `NEAREST_FOR_LINES` nearest by
    meaning (when the run has centroids; a subject split in several parts has several near
    parts), so lines shared by chance do not join two subjects."""
    shares: dict[str, dict[str, float]] = {}
    heads: dict[str, set[str]] = {}  # the lines present in each theme
    for theme in themes:
        lines = profiles.get(theme.id, Profile()).lines
        total = sum(lines.values())
        if total < s.min_count:
            continue
        shares[theme.id] = {line: n / total for line, n in lines.items()}
        floor = max(s.min_count, s.min_share * total)
        heads[theme.id] = {line for line, n in lines.items() if n >= floor}
    present = Counter(line for head in heads.values() for line in head)
    generic = {line for line, n in present.items() if n > len(themes) / 2}
    nearest = _nearest_by_meaning(centroids, NEAREST_FOR_LINES)
    if nearest:  # a theme and its nearest few: a few pairs per theme
        pairs = {
            tuple(sorted((a, b))) for a, near in nearest.items() for b in near
            if a in shares and b in shares
        }  # fmt: skip
    else:  # no meaning to go by (n-gram backend): themes a line is present in
        heading: dict[str, list[str]] = {}
        for theme_id, head in heads.items():
            for line in head - generic:
                heading.setdefault(line, []).append(theme_id)
        pairs = {
            (a, b) for ids in heading.values() for i, a in enumerate(ids) for b in ids[i + 1 :]
        }
    by_id = {t.id: t for t in themes}
    links = []
    for a, b in sorted(pairs):
        if not _kinds_agree(by_id[a], by_id[b]):
            continue
        overlap = max(
            sum(min(v, shares[b].get(line, 0.0)) for line, v in shares[a].items()
                if line not in generic),
            _titled_like(shares[a], heads[b] - generic),
            _titled_like(shares[b], heads[a] - generic),
        )  # fmt: skip
        if overlap >= s.shared_lines:
            links.append(FamilyLink(a, b, 0.0, _TITLE_STRENGTH * overlap, lines=round(overlap, 4)))
    return links


def _titled_like(share: Mapping[str, float], lines: set[str]) -> float:
    """The share of a theme's tickets whose title line is one of `lines`."""
    return sum(v for line, v in share.items() if line in lines)


def _nearest_by_meaning(
    centroids: Mapping[str, NDArray[np.float32]], count: int
) -> dict[str, list[str]]:
    """Each theme's `count` nearest other themes by the cosine of their semantic centroids."""
    if len(centroids) < 2:
        return {}
    import numpy as np

    ids = list(centroids)
    matrix = np.array([centroids[i] for i in ids], dtype=np.float64)
    cosines = matrix @ matrix.T
    np.fill_diagonal(cosines, -np.inf)
    best = np.argsort(-cosines, axis=1)[:, : min(count, len(ids) - 1)]
    return {theme_id: [ids[int(j)] for j in row] for theme_id, row in zip(ids, best, strict=True)}


def _may_link(a: Theme, b: Theme, language: Mapping[str, frozenset[str]]) -> bool:
    """Themes whose main languages differ (one brings a language the other lacks: themes
    already cross languages, so a subject's English-and-Russian theme may meet its Russian
    fragment) and whose kinds agree (an `unknown` kind agrees)."""
    if not language[a.id] or language[a.id] == language[b.id]:
        return False
    return _kinds_agree(a, b)


def _meaning(
    pairs: Sequence[tuple[str, str]],
    centroids: Mapping[str, NDArray[np.float32]],
    s: FamilySettings,
) -> dict[tuple[str, str], float]:
    """Centroid cosines of the `pairs` (those that may link), kept where they stand out: at least
    `meaning_z` robust standard deviations (median absolute deviation) above the median of
    all such pairs, so the bar follows the model's own scale and a few true pairs do not
    raise it, and above `meaning_floor`."""
    cosines = {
        (a, b): float(centroids[a] @ centroids[b])
        for a, b in pairs
        if a in centroids and b in centroids
    }
    if len(cosines) < 10:  # too few pairs for a spread: the floor and the clear-best rule alone
        return {key: round(v, 4) for key, v in cosines.items() if v >= s.meaning_floor}
    import numpy as np

    values = np.array(list(cosines.values()))
    middle = float(np.median(values))
    spread = 1.4826 * float(np.median(np.abs(values - middle)))  # a robust standard deviation
    bar = max(middle + s.meaning_z * spread, s.meaning_floor)
    return {key: round(v, 4) for key, v in cosines.items() if v >= bar}


def _with_meaning(link: FamilyLink | None, a: str, b: str, cosine: float) -> FamilyLink:
    if link is None:
        return FamilyLink(a, b, 0.0, cosine, meaning=cosine)
    return replace(link, strength=round(link.strength + cosine, 4), meaning=cosine)


def _languages(theme: Theme, share: float) -> frozenset[str]:
    """The theme's main languages: each with at least `share` of its tickets, or the
    commonest one."""
    if not theme.languages:
        return frozenset()
    total = sum(theme.languages.values())
    main = {code for code, n in theme.languages.items() if n >= share * total}
    top = max(theme.languages.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return frozenset(main or {top})


def _shares(p: Profile, s: FamilySettings) -> dict[str, float]:
    if p.tickets == 0:
        return {}
    floor = max(s.min_count, s.min_share * p.tickets)
    found = {f"tag:{k}": n / p.tickets for k, n in p.tags.items() if n >= floor}
    found |= {f"token:{k}": n / p.tickets for k, n in p.tokens.items() if n >= floor}
    return found


def _weights(
    themes: Sequence[Theme],
    shares: Mapping[str, dict[str, float]],
    language: Mapping[str, frozenset[str]],
    subject: Mapping[str, str],
) -> dict[str, float]:
    """Each feature's weight (see the module docstring). Themes `subject` says are one
    subject split by wording count once: a tag both halves of a subject carry does not
    span subjects."""
    df = Counter(f for theme in themes for f in shares[theme.id])
    per_language = Counter(
        (f, code)
        for f, code, _ in {
            (f, code, subject[theme.id])
            for theme in themes
            for f in shares[theme.id]
            for code in language[theme.id]
        }
    )
    most = Counter[str]()
    for (f, _), n in per_language.items():
        most[f] = max(most[f], n)
    n_themes = len(themes)
    return {
        f: (math.log(n_themes / n) / most[f] if n <= n_themes / 2 else 0.0) for f, n in df.items()
    }


def _link(
    a: str,
    b: str,
    shares: Mapping[str, dict[str, float]],
    vectors: Mapping[str, dict[str, float]],
    weights: Mapping[str, float],
    s: FamilySettings,
) -> FamilyLink | None:
    """The evidence that `a` and `b` are one subject, or None when it is too weak."""
    va, vb = vectors[a], vectors[b]
    shared = sorted(set(va) & set(vb), key=lambda f: -min(shares[a][f], shares[b][f]) * weights[f])
    if not shared:
        return None
    strength = sum(min(shares[a][f], shares[b][f]) * weights[f] for f in shared)
    tags_a = {f: v for f, v in va.items() if f.startswith("tag:")}
    tags_b = {f: v for f, v in vb.items() if f.startswith("tag:")}
    if tags_a and tags_b:
        dot = sum(v * tags_b.get(f, 0.0) for f, v in tags_a.items())
        norms = math.sqrt(sum(v * v for v in tags_a.values()) * sum(v * v for v in tags_b.values()))
        cosine = dot / norms
        if cosine < s.min_cosine or strength < s.min_strength:
            return None
    else:  # untagged: the tokens alone must be strong
        cosine = 0.0
        if strength < s.token_only_strength:
            return None
    return FamilyLink(
        a,
        b,
        round(cosine, 4),
        round(strength, 4),
        tags=tuple(f.split(":", 1)[1] for f in shared if f.startswith("tag:")),
        tokens=tuple(f.split(":", 1)[1] for f in shared if f.startswith("token:")),
    )


def _score(link: FamilyLink) -> float:
    return link.strength


def _clear_best(
    link: FamilyLink,
    candidates: Mapping[tuple[str, str], FamilyLink],
    language: Mapping[str, frozenset[str]],
    margin: float,
    subject: Mapping[str, str],
) -> bool:
    """Whether each end of `link` is the other's best candidate in its language, by a margin.
    A rival that is the other end's own subject split by wording (`subject`: titled alike,
    or under the same subject lines) is no rival: a Serbian theme is not unsure between the
    two English halves of its subject."""
    for this, other in ((link.a, link.b), (link.b, link.a)):
        rivals = [
            _score(c)
            for key, c in candidates.items()
            if this in key
            and other not in key
            and language[_other(key, this)] & language[other]
            and subject[_other(key, this)] != subject[other]
        ]
        if rivals and max(rivals) >= margin * _score(link):
            return False
    return True


def _other(key: tuple[str, str], this: str) -> str:
    return key[1] if key[0] == this else key[0]


def _components(
    themes: Sequence[Theme],
    links: list[FamilyLink],
    language: Mapping[str, frozenset[str]],
    previous: Mapping[str, str],
) -> list[ThemeFamily]:
    group = {t.id: t.id for t in themes}
    members = {t.id: [t.id] for t in themes}
    kept: dict[str, list[FamilyLink]] = {t.id: [] for t in themes}
    for link in sorted(links, key=lambda c: (-_score(c), c.a, c.b)):
        ga, gb = group[link.a], group[link.b]
        if ga == gb:
            continue
        if (
            link.title is None
            and link.lines is None
            and any(language[m] == language[n] for m in members[ga] for n in members[gb])
        ):
            continue  # never two themes of the same languages in a family (but titled alike)
        for m in members[gb]:
            group[m] = ga
        members[ga] += members.pop(gb)
        kept[ga] += [*kept.pop(gb), link]
    by_id = {t.id: t for t in themes}
    families: list[ThemeFamily] = []
    taken: set[str] = set()
    groups = [g for g in members.values() if len(g) > 1]
    rank = {
        t.id: n for n, t in enumerate(sorted(themes, key=lambda t: (-t.size, t.first_seen, t.id)))
    }
    for ids in sorted(
        groups, key=lambda g: (-sum(by_id[m].size for m in g), min(rank[m] for m in g))
    ):
        ordered = sorted(ids, key=lambda m: rank[m])
        family_id = _family_id(ordered, previous, taken)
        taken.add(family_id)
        families.append(ThemeFamily(family_id, tuple(ordered), tuple(kept[group[ids[0]]])))
    return families


def _family_id(ordered: list[str], previous: Mapping[str, str], taken: set[str]) -> str:
    """The id an earlier run gave most of these members' family (if one of them still
    bears it), else the founding theme's."""
    earlier = Counter(previous[m] for m in ordered if m in previous and previous[m] in ordered)
    for family_id, _ in sorted(earlier.items(), key=lambda kv: (-kv[1], ordered.index(kv[0]))):
        if family_id not in taken:
            return family_id
    return next((m for m in ordered if m not in taken), ordered[0])


def by_family(themes: Iterable[Theme]) -> dict[str, list[Theme]]:
    """Family id -> its themes, largest first (then oldest, then by id), families in the
    order of their largest member; a theme on its own is a family of one."""
    groups: dict[str, list[Theme]] = {}
    for theme in sorted(themes, key=lambda t: (-t.size, t.first_seen, t.id)):
        groups.setdefault(theme.family_id or theme.id, []).append(theme)
    return groups


def founder_first(family_id: str, members: Sequence[Theme]) -> list[Theme]:
    """The family's themes with its founder (the theme it is named after) first, then the
    others in the order given: the order its title, kind and theme list are taken in."""
    founder = next((m for m in members if m.id == family_id), members[0])
    return [founder, *(m for m in members if m is not founder)]


def family_of(families: Sequence[ThemeFamily]) -> dict[str, str]:
    """Theme id -> family id, for themes in a family of two or more."""
    return {m: f.id for f in families for m in f.theme_ids}
