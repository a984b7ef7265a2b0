"""Customer quotes for issues: trimmed, inert, with the customer's identity taken out.

Issues are read by many more people than tickets, often in public repositories, so a quote
keeps the complaint and drops who made it: the name after a greeting ("Hi Ana,"), the
signature block ("Thanks,\\nJohn", "Regards, Peter Parker" at the end of a line, "Srdačno,
Marko Marković, CTO"), the name in a self-introduction ("My name is…", "Мене звати…"), every
name `names.find_names` finds wherever it stands, and everything `pii.scrub` finds (e-mail
addresses, phones, dates of birth, ID numbers, IBANs, cards, addresses, secrets). Known
identity fields of the ticket (customer id, organization) are removed too, and the author's
name in any inflected form ("Jelene" for "Jelena").

A quote is also made inert: it cannot ping anyone (``@octocat``, ``+@hubot``,
``.@monalisa`` → ``[mention]``), link an unrelated issue (``#12``, ``acme/app#3``, ``GH-4``,
``SUP-7``, a full issue URL lose the character that makes them a reference), become a link
(``https://…`` and ``www.…`` addresses lose their scheme's ``:``/dot to a look-alike), embed a
link or tracking image (``![x](url)`` → ``x (url)``), reorder or hide text (bidi controls and
zero-width characters are dropped), or carry text that looks like one of sddkit's own markers
(``sddkit:`` → ``sddkit：``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sddkit.names import known_name, remove_names
from sddkit.trackers.pii import NAME, scrub

MAX_QUOTE = 200
SOURCE_FACTOR = 20  # a quote is read from at most 20 × its length of ticket text
SIGNATURE_WINDOW = 200  # a bare closing this close to the end starts the signature

_URL = re.compile(
    r"\b(https?)://(?:[^\s/@]+@)?([^\s/?#]+?)([^\s?#]*?)(?:[?#]\S*?)?(?=[.,;:!?)]*(?:\s|$))",
    re.IGNORECASE,
)
_GREETINGS = (
    r"hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|guten tag|liebe[rs]?|"
    r"sehr geehrte[rs]?|bonjour|hola|buenos días|ciao|cześć|dzień dobry|witam|szanowni państwo|"
    r"szanowny panie|szanowna pani|zdravo|poštovani|poštovana|dobar dan|здравствуйте|привет|"
    r"добрый день|уважаемый|уважаемая|здраво|поштовани|поштована|добар дан|"
    r"добрий день|доброго дня|вітаю|привіт|шановний|шановна|шановні|моє шанування"
)
_GREETING = re.compile(
    rf"^\s*(?:{_GREETINGS})\b(?:(?:[ \t,]+[^\s,!:.]+){{0,3}}[ \t]*[,!:.]"
    rf"|(?:[ \t,]+[^\s,!:.]+){{0,3}}[ \t]*(?:\n|$))",
    re.IGNORECASE,
)
_CLOSINGS = (
    r"thanks in advance|many thanks|thank you|thanks|thx|best regards|kind regards|"
    r"warm regards|regards|best wishes|best|cheers|yours sincerely|yours truly|sincerely|"
    r"danke|viele grüße|mit freundlichen grüßen|freundliche grüße|beste grüße|"
    r"herzliche grüße|liebe grüße|schöne grüße|grüße|gruß|mfg|lg|vg|bg|"
    r"merci|cordialement|saludos|gracias|"
    r"z poważaniem|z wyrazami szacunku|pozdrawiam serdecznie|serdecznie pozdrawiam|"
    r"dziękuję|pozdrawiam|pozdrowienia|"
    r"s poštovanjem|srdačan pozdrav|lep pozdrav|lijep pozdrav|srdačno|hvala unapred|hvala|"
    r"pozdrav|lp|"
    r"с уважением|с наилучшими пожеланиями|всего доброго|заранее спасибо|спасибо|"
    r"с поштовањем|срдачан поздрав|срдачно|хвала унапред|хвала|поздрав|"
    r"з повагою|з найкращими побажаннями|щиро дякую|дякую|гарного дня|всього найкращого"
)
# After a signature's name: a job title or company ("Marko Marković, CTO", "| Acme").
_TITLE = r"(?:[ \t]*[,|–—-][ \t]*[^\n]{1,60})?"
# A closing on its own line, maybe with a name after it ("Thanks,\nJohn", "Regards, Ann").
_SIGNATURE = re.compile(
    rf"(?:^|\n)[ \t]*(?:--[ \t]*\n|(?i:sent from my) \w+"
    rf"|(?i:{_CLOSINGS})[,!.]?(?P<names>(?:[ \t]+{NAME}){{0,3}})(?(names){_TITLE})"
    rf"[ \t]*(?:\n|$))",
)
# A closing ending a line of text: "It still fails. Regards, Peter Parker".
_TRAILING_SIGNATURE = re.compile(
    rf"(?<=[.!?])[ \t]+(?i:{_CLOSINGS})[,!.]?(?:[ \t]+{NAME}){{0,3}}{_TITLE}[ \t.!]*$",
    re.MULTILINE,
)
_NAME_LINE = re.compile(rf"[ \t]*{NAME}(?:[ \t]+{NAME}){{0,2}}{_TITLE}[ \t]*(?:\n|$)")
_INTRODUCTION = re.compile(
    r"(?i:\b(?:my name is|my name's|i am|i'm|name:|меня зовут|моё имя|мое имя|я —|"
    r"nazywam się|mam na imię|jestem|zovem se|ime mi je|ja sam|зовем се|име ми је|ја сам|"
    r"мене звати|моє ім'я|моє ім’я|я —|ich heiße|ich bin|mein name ist))"
    rf"\s+{NAME}(?:[ \t]+{NAME}){{0,2}}"
)
# GitHub pings after any character but a letter, digit or underscore ("+@hubot", ".@x").
_MENTION = re.compile(r"(?<![A-Za-z0-9_])[@＠﹫][A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:/[\w.-]+)?")
# Bidirectional controls and zero-width characters: they reorder or hide text.
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]"
)
# What trackers turn into links: a scheme's "://" and "www." (GitHub's and Jira's autolinks;
# a full URL of an issue is also a cross-reference). The look-alike keeps them readable.
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,15}):(?=//)")
_WWW = re.compile(r"(?i)\b(www)\.(?=[\w-])")
_MARKDOWN_LINK = re.compile(r"!?\[([^\]\n]*)\]\(\s*([^)\s]*)[^)]*\)")
_ISSUE_NUMBER = re.compile(r"#(?=\d)")  # "#12", "acme/app#3", "ticket #4821"
_ISSUE_KEY = re.compile(r"\b([A-Z][A-Z0-9]{1,9})-(?=\d+\b)")  # "GH-4", "SUP-12"
_SDDKIT = re.compile(r"(?i)sddkit\s*:")


def redact(text: str, identities: Iterable[str | None] = ()) -> str:
    """`text` with identifying details replaced or removed, made inert; whitespace collapsed."""
    text = _strip_signature(text)
    text = _GREETING.sub("", text, count=1)
    text = scrub(text)
    text = _URL.sub(_url_without_secrets, text)
    text = _INTRODUCTION.sub(_introduction, text)
    text = without_identities(text, identities)
    return inert(" ".join(remove_names(text).split()))


def without_identities(text: str, identities: Iterable[str | None]) -> str:
    """`text` without the ticket's identity fields: each whole (an organisation, a customer
    id), and each that looks like a person's name also word by word, in any case form."""
    for identity in sorted({i for i in identities if i and len(i) > 2}, key=len, reverse=True):
        text = re.sub(re.escape(identity), "[customer]", text, flags=re.IGNORECASE)
        if re.fullmatch(rf"{NAME}(?:[ \t]+{NAME}){{0,3}}", identity.strip()):
            pattern = known_name(identity)
            if pattern is not None:
                text = pattern.sub("[name]", text)
    return text


def inert(text: str) -> str:
    """`text` that pings nobody, links nothing (no issue, image or address), hides or
    reorders nothing, and looks like none of sddkit's markers."""
    text = _INVISIBLE.sub("", text)
    text = _MARKDOWN_LINK.sub(_link_as_text, text)
    text = _MENTION.sub("[mention]", text)
    text = _SCHEME.sub("\\1：", text)
    text = _WWW.sub("\\1．", text)
    text = _ISSUE_NUMBER.sub("＃", text)
    text = _ISSUE_KEY.sub("\\1\u2011", text)  # a non-breaking hyphen: reads the same, links nothing
    return _SDDKIT.sub("sddkit：", text)


def quote(text: str, identities: Iterable[str | None] = (), limit: int = MAX_QUOTE) -> str:
    """A redacted excerpt of at most `limit` characters, cut at a word boundary. Only the
    first `SOURCE_FACTOR` × `limit` characters are read (cut at a space): the excerpt comes
    from them, and a pasted log of megabytes costs no time."""
    if len(text) > SOURCE_FACTOR * limit:
        head = text[: SOURCE_FACTOR * limit]
        text = head[: max(head.rfind(" "), head.rfind("\n"), 0) or len(head)]
    return trim(redact(text, identities), limit)


def trim(text: str, limit: int = MAX_QUOTE) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"


def _strip_signature(text: str) -> str:
    """Drop everything from the signature on: a "--" line or "Sent from my…" anywhere, a
    closing line followed by a name (on its line or the next) anywhere, a bare closing line
    near the end; then a closing that ends a line of text ("… fails. Regards, Ann")."""
    for candidate in _SIGNATURE.finditer(text):
        start = candidate.start()
        if start == 0 and not text[: candidate.end()].strip().startswith("--"):
            continue
        head = candidate.group(0).lstrip()
        signed = bool((candidate.group("names") or "").strip()) or bool(
            _NAME_LINE.match(text[candidate.end() :].lstrip("\n"))
        )
        if head.startswith("--") or head.lower().startswith("sent from") or signed:
            return text[:start]
        if len(text) - start <= SIGNATURE_WINDOW:
            return text[:start]
    return _TRAILING_SIGNATURE.sub("", text)


def _introduction(match: re.Match[str]) -> str:
    phrase = match.group(0)
    name = re.search(rf"\s+{NAME}(?:[ \t]+{NAME}){{0,2}}$", phrase)
    return phrase[: name.start()] + " [name]" if name else phrase


def _link_as_text(match: re.Match[str]) -> str:
    """A markdown link or image as its words and address: nothing loads, nothing is hidden."""
    words, url = match.group(1).strip(), match.group(2).strip()
    return f"{words} ({url})" if words and url else words or url


def _url_without_secrets(match: re.Match[str]) -> str:
    """Keep scheme, host and path (they say which page broke); drop user info and query."""
    scheme, host, path = match.group(1), match.group(2), match.group(3)
    if re.search(r"[A-Za-z0-9_-]{24,}", path):  # a token in the path (reset links, invites)
        path = re.sub(r"[A-Za-z0-9_-]{24,}", "[token]", path)
    return f"{scheme}://{host}{path}"
