"""Suggested issues: a theme (and its tickets) rendered into an `IssueDraft` by a template.

The body carries, besides the theme marker, a hidden counts block
``<!-- sddkit:counts tickets=12 customers=7 after_close=0 -->`` recording what the issue said
last time: the next run compares against it to decide between update, comment and nothing.
The generated part sits between ``sddkit:begin`` and ``sddkit:end`` lines, so text people add
to the issue outside it survives updates. Only sddkit's own lines count as those markers (the
whole line, exactly as the templates write it); customer text can never contain ``sddkit:``
(`redact.inert`), so a quote can neither forge nor end the region.

A person may still break the region: with the end line deleted, it ends after sddkit's last
hidden line (marker, fingerprint, counts), so a note below survives every later run; with
only the begin line left (the part replaced by a summary) it is that line. Either way the
next run rebuilds it (`broken`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sddkit.names import find_names, names_a_person, remove_names
from sddkit.templating import environment
from sddkit.themes.model import Theme
from sddkit.tickets.model import Ticket
from sddkit.tickets.satisfaction import helpdesk_scale, on_scale
from sddkit.trackers.base import SDDKIT_LABEL, IssueDraft, marker, themes_marker
from sddkit.trackers.identity import fingerprint
from sddkit.trackers.pii import scrub
from sddkit.trackers.redact import inert, quote, without_identities
from sddkit.trackers.settings import TriageSettings

TEMPLATES = {"github": "github.md.j2", "jira": "jira.j2"}
# The longest body each tracker accepts (GitHub: 65,536 characters; Jira Cloud: 32,767).
BODY_LIMITS = {"github": 65_536, "jira": 32_767}
KIND_TITLES = {
    "bug": "Bug",
    "ux": "UX",
    "docs": "Docs",
    "question": "Question",
    "feature": "Feature request",
    "unknown": "Theme",
}
_KIND_PREFIX_RE = re.compile(
    r"^\s*[\[(]?(?:bug|ux|docs?|question|feature(?: request)?|theme)[\])]?\s*[:\-\u2013\u2014]\s+",
    re.IGNORECASE,
)
TREND_WORDS = {"growing": "growing ↑", "stable": "stable →", "fading": "fading ↓"}
_COUNTS_RE = re.compile(r"<!--\s*sddkit:counts((?:\s+\w+=\d+)*)\s*-->")
# The region's first and last lines as github.md.j2 and jira.j2 write them, whole lines only.
_BEGIN_RE = re.compile(
    r"^(?:<!-- sddkit:begin\b[^\n]*-->|\{color:#97a0af\}sddkit:begin\b[^\n]*\{color\})[ \t]*$\n?",
    re.MULTILINE,
)
_HIDDEN_RE = re.compile(r"<!--\s*sddkit:(?:theme=|themes=|tickets\s|counts\s)[^\n]*?-->")
_END_RE = re.compile(
    r"^(?:<!-- sddkit:end -->|(?:\{noformat\})?(?:<!-- sddkit:[^\n>]*-->[ \t]*)*"
    r"sddkit:end\{noformat\})[ \t]*$\n?",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Counts:
    tickets: int
    customers: int
    after_close: int = 0

    def block(self) -> str:
        return (
            f"<!-- sddkit:counts tickets={self.tickets} customers={self.customers}"
            f" after_close={self.after_close} -->"
        )


@dataclass(frozen=True)
class Quote:
    key: str
    text: str
    language: str | None


def recorded_counts(body: str | None) -> Counts | None:
    """The counts the issue body recorded when sddkit last wrote it (in its region)."""
    body = body or ""
    region = _region(body)
    match = _COUNTS_RE.search(body[region[0] : region[1]] if region else body)
    if not match:
        return None
    values = dict(pair.split("=") for pair in match.group(1).split())
    try:
        return Counts(
            int(values["tickets"]), int(values["customers"]), int(values.get("after_close", 0))
        )
    except KeyError:
        return None


def title_for(theme: Theme, private: Private | None = None) -> str:
    """ "Kind: label"; a label quoted from a ticket that starts with a kind of its own
    ("Feature request: send alerts to Slack") loses it, so a title never reads
    "Feature request: Feature request: ..." or "Bug: Question: ..."."""
    label = theme.label.strip() or ", ".join(theme.keywords[:3])
    label = _KIND_PREFIX_RE.sub("", label, count=1).strip() or label
    return f"{KIND_TITLES.get(theme.kind, theme.kind.title())}: {clean_words(label, private)}"


@dataclass(frozen=True)
class Private:
    """Who a theme's tickets are from: their identity fields, and the words of every name
    found in them (`names.find_names`), casefolded; kept out of titles and keywords."""

    identities: tuple[str, ...] = ()
    words: frozenset[str] = frozenset()

    def word(self, word: str) -> bool:
        folded = word.casefold()
        return folded in self.words or names_a_person(word)


def private_of(theme: Theme, tickets: Mapping[str, Ticket], limit: int = 200) -> Private:
    """The `Private` of a theme, read from its representative and first `limit` tickets."""
    identities: set[str] = set()
    words: set[str] = set()
    keys = list(dict.fromkeys((*theme.representative_keys, *theme.ticket_keys)))[:limit]
    for ticket in (tickets[k] for k in keys if k in tickets):
        people = [m.author for m in ticket.messages if m.author_role == "customer"]
        found = [i for i in (ticket.customer_id, ticket.organization, *people) if i]
        identities.update(found)
        text = f"{ticket.subject}\n{ticket.body[:2000]}"
        spans = find_names(text)
        found += [text[start:end] for start, end in spans]
        words.update(w.casefold() for f in found for w in re.findall(r"[\w'’-]{3,}", f))
    return Private(tuple(sorted(identities)), frozenset(words))


def clean_words(text: str, private: Private | None = None) -> str:
    """A label or keyword from customer text: no personal data (names, the tickets' identity
    fields, what `pii.scrub` finds), inert (no pings, links)."""
    text = remove_names(scrub(text))
    if private is not None:
        text = without_identities(text, private.identities)
        text = re.sub(r"[\w'’-]{3,}", lambda m: "[name]" if private.word(m[0]) else m[0], text)
    return inert(" ".join(text.split()))


def quotes_for(theme: Theme, tickets: Mapping[str, Ticket], limit: int) -> list[Quote]:
    """Redacted quotes from the theme's representative tickets (then any others)."""
    quotes: list[Quote] = []
    for key in (*theme.representative_keys, *theme.ticket_keys):
        ticket = tickets.get(key)
        if ticket is None or any(q.key == key for q in quotes):
            continue
        identities = [ticket.customer_id, ticket.organization]
        identities += [m.author for m in ticket.messages if m.author_role == "customer"]
        text = quote(ticket.body, identities) or quote(ticket.subject, identities)
        if text:
            quotes.append(Quote(key, text, ticket.language))
        if len(quotes) >= limit:
            break
    return quotes


def ticket_url(key: str, urls: Mapping[str, str]) -> str | None:
    source, _, external_id = key.partition(":")
    template = urls.get(source)
    return template.replace("{id}", external_id) if template else None


def render_draft(
    theme: Theme,
    tickets: Mapping[str, Ticket],
    settings: TriageSettings,
    *,
    tracker: str,
    counts: Counts,
    now: datetime,
    members: Sequence[Theme] = (),
    marker_id: str | None = None,
    room: int | None = None,
) -> IssueDraft:
    """The issue sddkit wants for `theme`; pure apart from reading the template.

    For a family, `theme` is the merged family and `members` its themes: the body lists each
    member's language and count, quotes at least one ticket per member, and names them all in
    a ``themes=`` marker. `marker_id` keeps an existing issue's own marker id.

    The body fits in `room` characters (default: the tracker's limit, `BODY_LIMITS`): the
    ticket list is shortened first, then quotes are dropped, last first.
    """
    marker_id = marker_id or theme.id
    room = BODY_LIMITS[tracker] if room is None else room
    family = list(members) if len(members) > 1 else []
    env = environment(settings.templates)
    env.filters["jira_escape"] = jira_escape
    env.filters["markdown_escape"] = markdown_escape
    template = env.get_template(TEMPLATES[tracker])
    keys = sorted(theme.ticket_keys)
    refs = [{"key": k, "url": ticket_url(k, settings.ticket_urls)} for k in keys]
    weeks: Sequence[tuple[date, int]] = sorted(theme.weekly_counts.items())[-8:]
    quotes = quotes_for(theme, tickets, max(settings.max_quotes, len(family)))
    private = private_of(theme, tickets)
    keywords = [k for k in theme.keywords[:8] if not any(map(private.word, k.split()))]
    # satisfaction on the helpdesk's own scale, named, as the report and `themes show` say it
    rated = [tickets[k] for k in keys if k in tickets and tickets[k].satisfaction is not None]
    satisfaction = on_scale(
        theme.avg_satisfaction, helpdesk_scale(t.satisfaction_scale for t in rated)
    )

    def render(shown: int, quoted: int) -> str:
        return template.render(
            theme=theme,
            satisfaction=satisfaction,
            title=title_for(theme, private),
            kind_title=KIND_TITLES.get(theme.kind, theme.kind.title()),
            keywords=[clean_words(k, private) for k in keywords],
            counts=counts,
            trend=TREND_WORDS.get(theme.trend, theme.trend),
            weeks=weeks,
            quotes=quotes[:quoted],
            members=[
                {"id": m.id, "size": m.size, "languages": m.languages, "label": m.label}
                for m in family
            ],
            refs=refs[:shown],
            more_refs=len(refs) - len(refs[:shown]),
            marker=marker(marker_id)
            + ("\n" + themes_marker(m.id for m in family) if family else ""),
            fingerprint=fingerprint(theme.ticket_keys),
            counts_block=counts.block(),
            now=now,
        )

    shown, quoted = min(len(refs), settings.max_ticket_refs), len(quotes)
    body = render(shown, quoted)
    while len(body) > room and (shown or quoted):
        if shown:  # keep the share of the list that fits, at least one fewer
            shown = max(0, min(shown - 1, int(shown * room / len(body))))
        else:
            quoted -= 1
        body = render(shown, quoted)
    labels = (SDDKIT_LABEL, *settings.labels_for(theme.kind))
    issue_type = settings.jira.issue_type(theme.kind) if settings.jira else None
    return IssueDraft(
        theme_id=marker_id,
        title=title_for(theme, private),
        body=body,
        labels=tuple(dict.fromkeys(labels)),
        issue_type=issue_type,
    )


def markdown_escape(text: str) -> str:
    """Customer text shown literally in GitHub markdown: no links, images, emphasis, tables."""
    return re.sub(r"([\\`*_{}\[\]()#+!|<>~])", r"\\\1", text)


def jira_escape(text: str) -> str:
    """Customer text shown literally in Jira wiki markup (no macros, links, tables,
    citations). A backslash becomes a look-alike: one would escape what follows it (the
    closing ``{quote}`` of a quote ending in one), two make a line break."""
    text = text.replace("\\", "＼")
    return re.sub(r"([{}\[\]|*_+^~!#?-])", r"\\\1", text)


def splice(old_body: str, new_body: str) -> str:
    """`old_body` with its generated part replaced by `new_body`'s; people's text is kept.

    If someone broke the region's first or last line, the new part goes after their text
    (nothing of theirs is dropped) and becomes the region the next run rewrites."""
    old = _region(old_body)
    new = _region(new_body)
    if new is None:
        return new_body
    part = new_body[new[0] : new[1]]
    if old is None:
        return f"{old_body.rstrip()}\n\n{part}" if old_body.strip() else part
    return old_body[: old[0]] + part + old_body[old[1] :]


def broken(body: str) -> bool:
    """Whether sddkit's part lost its end line (its begin line is there, no end after it)."""
    begin = _BEGIN_RE.search(body)
    return begin is not None and _END_RE.search(body, begin.end()) is None


def split_parts(body: str) -> tuple[str, str]:
    """(people's text, sddkit's part) of a body: the text around the part, and the part
    (empty when the body has none)."""
    region = _region(body)
    if region is None:
        return body, ""
    return body[: region[0]] + body[region[1] :], body[region[0] : region[1]]


def outside_length(body: str) -> int:
    """How many characters of `body` people wrote outside sddkit's part (all are kept; a
    body without the part is all theirs: the part is added after it)."""
    region = _region(body)
    return len(body) - (region[1] - region[0]) if region else len(body)


def _region(body: str) -> tuple[int, int] | None:
    """sddkit's part: from the begin line to the end line (the last begin line before it,
    if an earlier part lost its end), else to the end of the last of sddkit's hidden lines
    after the begin line, else the begin line alone."""
    begins = list(_BEGIN_RE.finditer(body))
    if not begins:
        return None
    end = _END_RE.search(body, begins[0].end())
    if end is not None:
        begin = [b for b in begins if b.end() <= end.start()][-1]
        return begin.start(), end.end()
    begin = begins[-1]
    hidden = list(_HIDDEN_RE.finditer(body, begin.end()))
    if not hidden:
        return begin.start(), begin.end()
    stop = body.find("\n", hidden[-1].end())
    return begin.start(), len(body) if stop < 0 else stop + 1
