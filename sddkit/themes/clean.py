"""Ticket text cleaning: keep what the customer says about the product, drop the rest.

Quoted replies, signatures, greetings, URLs, e-mail addresses and numbers (order ids, dates,
amounts) would otherwise dominate the similarity between tickets: two tickets that both quote
the same helpdesk auto-reply, or share "Best regards", are not about the same thing. So would
the placeholders an anonymised or templated export puts where a value was ("{{Order
Number}}", "[NAME]", "<PERSON>", "****", "XXXX"): they stand for an id or a person, as digits
do, and "cancel order {{Order Number}}" and "track order {{Order Number}}" share them. A term
with digits (2FA, 401k, UTF-8, MP3) is a word, not a value, and stays: without it "roll over
my 401k" reads "roll over my" and joins "roll the dice" (CLINC150 val).
Serbian is written in Cyrillic and Latin script; Serbian Cyrillic is transliterated to Latin so
both scripts meet in one theme.
"""

from __future__ import annotations

import re
import unicodedata

from sddkit.serbian import to_cyrillic, to_latin

# Bumped when what cleaning keeps changes: a stored theme space (`space.ThemeSpace.loads`)
# read texts cleaned otherwise, and the next run is a full one. 2: terms with digits kept;
# 3: greetings out of the encoder's text, a greeting no longer takes the words after it.
# 4: more greetings ("Hej", "Ћао"...), request formulas out ("can you help me"); sentences
# many tickets share as context are not read (`shared_sentences`, in `corpus`).
# 5: the contracted formulas ("I'd like some assistance", "we'd like to know") out too.
CLEANING = 5

# A line that starts the quoted previous message: everything from it on is dropped.
_QUOTE_HEADER = re.compile(
    r"^\s*(?:"
    r"on\s.{0,200}\swrote:?"  # On Mon, 3 Feb 2025, Ana <a@b> wrote:
    r"|-{2,}\s*(?:original message|forwarded message|исходное сообщение|oryginalna wiadomość"
    r"|originalna poruka|оригинална порука)\s*-{2,}"
    r"|-{2,}\s*ursprüngliche nachricht\s*-{2,}"
    r"|(?:from|от|od|šalje|шаље|sent|отправлено|wysłano|von|gesendet):\s.+"
    r"|am\s.{0,200}\sschrieb.{0,100}:"
    r"|.{0,200}\s(?:пишет|написал|написала|napisał|napisała|napisał\(a\)|je napisao"
    r"|je napisala|је написао|је написала|написао|написала):"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4}.{0,100}(?:wrote|пишет|napisał|написао|napisao).{0,50}"
    r")\s*$",
    re.IGNORECASE,
)
# A line that starts the signature block: everything from it on is dropped.
_SIGNATURE = re.compile(
    r"^\s*(?:--\s*|__+\s*"
    r"|(?:best|kind|warm)?\s*regards,?.*|best,?|cheers,?|thanks?(?: you)?(?: in advance)?[,!.]?"
    r"|sincerely,?.*|sent from my .+"
    r"|с уважением,?.*|спасибо[,!.]?|с наилучшими пожеланиями,?.*|отправлено с .+"
    r"|pozdrawiam,?.*|z poważaniem,?.*|dziękuję[,!.]?|wysłane z .+"
    r"|srdačan pozdrav,?.*|срдачан поздрав,?.*|pozdrav,?.*|поздрав,?.*|hvala[,!.]?|хвала[,!.]?"
    r"|s poštovanjem,?.*|с поштовањем,?.*|lp,?"
    r"|mit freundlichen grüßen,?.*|(?:viele|beste|liebe) grüße,?.*|vielen dank[,!.]?"
    r"|danke(?: im voraus)?[,!.]?|gesendet von meinem .+)\s*$",
    re.IGNORECASE,
)
# A greeting at the start of a line: the greeting words, with whom they greet (up to three
# words) when a comma, colon or full stop, or the line's end before another line, closes it
# ("Hi team,", "Dear support team" on a line of its own, "hello there" and nothing else);
# else the greeting words alone ("Hello I cannot reset my password" keeps what it says).
_ADDRESSEE = r"(?:[ \t]+[^\W\d_][\w'’-]{0,20}){0,3}"
_GREETING = re.compile(
    r"^[ \t]*(?:hi|hello|hey|hiya|greetings|dear|good (?:morning|afternoon|evening)"
    r"|здравствуйте|привет|приветствую|добрый день|добрый вечер|доброе утро|уважаемые?"
    r"|доброго времени суток|dzień dobry|witam|witajcie|cześć|hej|szanowni państwo"
    r"|szanowny panie|szanowna pani|zdravo|pozdrav|dobar dan|poštovani|poštovana|ćao|ћао"
    r"|здраво|добар дан|поштовани|поштована|hallo|moin|servus|grüß gott"
    r"|guten (?:tag|morgen|abend)|sehr geehrte[rs]?|liebe[rs]?)\b"
    rf"(?:{_ADDRESSEE}[ \t]*[,.!:](?!\w)|{_ADDRESSEE}[ \t]*(?=\n)"
    r"|(?:[ \t]+[^\W\d_][\w'’-]{0,20})?[ \t]*$|[ \t]*[,.!:]?)",
    re.IGNORECASE | re.MULTILINE,
)
# What customers write around a request whatever it is about, at the start of a sentence
# or clause: "can you help me (with)", "I need some assistance with", "I have a question
# about", "I want to know", "у меня вопрос", "proszę o pomoc", "imam pitanje", "ich brauche
# Hilfe bei". Read, it made the tickets that share it neighbours (a templated export: each
# query in wrappers such as "i need help, …") and gave a theme of mixed requests a word in
# common ("help"). The request itself stays: "help me cancel my order" reads "cancel my order".
_FORMULA = re.compile(
    r"(?:^|(?<=[.!?:;,]))[ \t]*(?:"
    r"(?:can|could|would|will) (?:you|u) (?:please |pls |kindly )?(?:help|assist)(?: me| us)?"
    r"(?: with| to| on| in)?"
    r"|(?:i|we)(?: really)?(?: need| want| would like|['’]d like| d like| am looking for| require)"
    r" (?:some |a little |your |a bit of )?(?:help|assistance|support)"
    r"(?: with| to| on| in| about| regarding)?"
    r"|(?:please |pls |plz |kindly )?(?:help|assist) (?:me|us)(?: with| to| on)?"
    r"|(?:please|pls|plz) (?:help|assist|advise)"
    r"|(?:i|we) (?:have|got) (?:a |one |some )?(?:quick |small |short )?questions?"
    r"(?: about| regarding| on| concerning)?"
    r"|(?:a |one )?(?:quick |small |short )?questions? (?:about|regarding|concerning)"
    r"|(?:i|we)(?: want| would like|['’]d like| d like| wanted) to (?:know|ask|find out)(?: about)?"
    r"|(?:can|could) you (?:please )?(?:tell|let) me(?: know)?|i was wondering(?: if| whether)?"
    r"|any help (?:would be|is|will be) (?:greatly |much |really )?appreciated"
    r"|(?:помогите|подскажите)(?:,? пожалуйста)?|(?:у меня|есть) вопрос(?: по| о| насчет)?"
    r"|не могли бы вы(?: помочь)?|прошу (?:вас )?помочь|нужна помощь(?: с| по)?"
    r"|proszę o pomoc(?: w| z| przy)?|pomóżcie(?: mi)?|mam pytanie(?: odnośnie| dotyczące| o)?"
    r"|czy (?:możecie|mogą państwo|możesz) (?:mi )?pomóc(?: z| w| przy)?"
    r"|potrzebuję pomocy(?: z| w| przy)?"
    r"|molim (?:vas|te)(?:,? pomozite(?: mi)?)?|молим (?:вас|те)(?:,? помозите(?: ми)?)?"
    r"|pomozite(?: mi)?|imam (?:jedno )?pitanje(?: u vezi| oko| o)?|treba mi pomoć(?: sa| oko)?"
    r"|помозите(?: ми)?|имам (?:једно )?питање(?: у вези| око| о)?|треба ми помоћ(?: са| око)?"
    r"|(?:können|könnten) sie (?:mir |uns )?(?:bitte )?helfen(?: bei| mit)?"
    r"|ich (?:brauche|benötige) (?:bitte )?hilfe(?: bei| mit)?"
    r"|ich habe eine frage(?: zu| zur| zum| bezüglich)?|bitte helfen sie (?:mir|uns)"
    r")(?![\w'’])[ \t]*[,.!?:;]*",
    re.IGNORECASE | re.MULTILINE,
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Where an export's anonymiser or template left a placeholder for a value: {{Order Number}},
# [NAME], [ORDER_ID], <PERSON>, <EMAIL_ADDRESS>, masks of * █ ▇ or X. A bracketed tag is one
# when it names a kind of value or joins words with "_": "[BUG]" or "[URGENT]" in a subject
# are the customer's words, as are "[sic]" and "<br>".
_VALUE_KINDS = (
    "NAME|FIRST NAME|LAST NAME|FULL NAME|PERSON|USER|USERNAME|CUSTOMER|EMAIL|E-MAIL|PHONE"
    "|ADDRESS|LOCATION|CITY|ORG|ORGANI[SZ]ATION|COMPANY|DATE|TIME|NUMBER|ID|URL|CARD"
    "|ACCOUNT|IBAN|IP|REDACTED|REMOVED|HIDDEN|ANONYMI[SZ]ED"
)
_TAG = rf"(?:{_VALUE_KINDS}|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"
PLACEHOLDER = re.compile(
    rf"\{{\{{[^{{}}\n]{{1,60}}\}}\}}|\[{_TAG}\]|<{_TAG}>"
    r"|\*{3,}|[█▇■]{2,}|(?<![^\W\d_])X{2,}(?![^\W\d_])"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Numbers and tokens that contain digits (order ids like A-10293, #4411, 2025-03-01, v2.3.1).
_NUMBERISH = re.compile(r"[#№]?(?:\w+[-/_.])*\w*\d[\w./:-]*")
# ... of which a few are words: product and technical terms (2FA, 401k, MP3, UTF-8, IPv6,
# S3, 4K): letters with at most 3 digits, no separator but one hyphen, and not a number with
# a unit or an ordinal ending (10am, 5GB, 500ms, 3rd, 2-й, 15-го).
_LONG_RUN = re.compile(r"\S{200,}")
TERM_CHARS = 16  # the longest term kept (IPv6, UTF-8, S/4HANA-like names are shorter)
_TERM = re.compile(r"(?=[^\W_]*[^\W\d_])(?=(?:\D*\d){1,3}\D*$)[^\W_]+(?:-[^\W_]+)?")
_NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:st|nd|rd|th|am|pm|h|hrs?|min|mins|s|sec|ms|kb|mb|gb|tb|px|x|-[^\W\d_]{1,3})",
    re.IGNORECASE,
)


def values_in(text: str) -> list[str]:
    """The tokens with digits in `text` that are values (ids, dates, amounts, versions),
    not terms (see `_term`)."""
    return [m.group(0) for m in _NUMBERISH.finditer(text) if _term(m.group(0)) is None]


def terms_in(text: str) -> set[str]:
    """The terms with digits in `text` (2FA, 401k, UTF-8), lowercased, without hyphens."""
    return {term.lower() for m in _NUMBERISH.finditer(text) if (term := _term(m.group(0)))}


def _term(found: str) -> str | None:
    """A token with digits as `_NUMBERISH` found it, as a word (trailing punctuation and the
    hyphen dropped: "UTF-8." -> "UTF8") when it is a term (`_TERM`); None for a value."""
    token = found.rstrip(".:/-")
    # A term is short; the length check first also keeps a hostile run of letters and
    # digits from making the patterns backtrack over it.
    if len(token) > TERM_CHARS or not any(ch.isalpha() for ch in token):  # "0²": no letter
        return None
    if not _TERM.fullmatch(token) or _NUMBER_WITH_UNIT.fullmatch(token):
        return None
    return token.replace("-", "")


def _value_or_term(match: re.Match[str]) -> str:
    """A token with digits: the term it is, else a space (an id, a date, an amount)."""
    term = _term(match.group(0))
    return f" {term} " if term else " "


# Punctuation, symbols and emoji become spaces; "?" and apostrophes carry meaning and stay.
_NOT_WORD = re.compile(r"[^\w\s'’?]|_")
_SPACES = re.compile(r"\s+")

_SERBIAN_ONLY_LETTERS = frozenset("ђјљњћџЂЈЉЊЋЏ")
# Cyrillic letters Serbian does not use (Russian, Ukrainian, Belarusian, Bulgarian).
_NOT_SERBIAN_LETTERS = frozenset("ёйщъыьэюяіїєўЁЙЩЪЫЬЭЮЯІЇЄЎ")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Languages the Serbian transliteration applies to (langid reads Serbian Latin as hr or bs).
SERBO_CROATIAN = frozenset({"sr", "hr", "bs", "me"})


def strip_quoted_and_signature(text: str) -> str:
    """Cut the text at the first quote header, quoted line block or signature line."""
    kept: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if _QUOTE_HEADER.match(stripped) or _SIGNATURE.match(stripped):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept)


def transliterate_serbian(text: str) -> str:
    """Serbian Cyrillic to Latin (Gaj's alphabet); expects lowercase text."""
    return to_latin(text)


def detect_language(text: str) -> str:
    """A language code for the text: the Serbian family folds to "sr", "und" when unsure."""
    if not text.strip() or not any(ch.isalpha() for ch in text):
        return "und"
    if any(ch in _SERBIAN_ONLY_LETTERS for ch in text):
        return "sr"
    code = str(_classify(text[:500])[0])
    return "sr" if code in SERBO_CROATIAN else code


def _classify(text: str) -> tuple[str, float]:
    import py3langid  # loads its model and numpy: only where a text's language is asked

    result: tuple[str, float] = py3langid.classify(text)
    return result


def _cyrillic_is_serbian(text: str) -> bool:
    """Cheap script test first (langid costs ~0.5 ms a text), langid only when undecided."""
    if any(ch in _SERBIAN_ONLY_LETTERS for ch in text):
        return True
    if any(ch in _NOT_SERBIAN_LETTERS for ch in text):
        return False
    return detect_language(text) == "sr"


def _what_is_said(text: str) -> str:
    """The customer's own words (`_own_words`) less greetings and request formulas: what
    both the encoder's and the cleaned text start from."""
    return _unwrapped(_own_words(text))


def _unwrapped(text: str) -> str:
    return _FORMULA.sub(" ", _GREETING.sub(" ", text))


def without_formulas(line: str) -> str:
    """A line (a subject, a title) less the greetings and request formulas around what it
    asks: "I'd like some assistance: where is my order?" -> "Where is my order?"."""
    said = _unwrapped(line)
    if said == line:
        return line.strip()
    said = _SPACES.sub(" ", said).strip(" \t,.:;!-")
    return said[:1].upper() + said[1:]


def _own_words(text: str) -> str:
    """The customer's own words: NFC, no quoted reply or signature, no URL, address,
    placeholder or run of 200+ characters without a space (an inline attachment, a log
    line: no word, and a pattern looking for digits in one would backtrack over it)."""
    text = without_long_runs(strip_quoted_and_signature(unicodedata.normalize("NFC", text)))
    return PLACEHOLDER.sub(" ", _EMAIL.sub(" ", _URL.sub(" ", text)))


def without_long_runs(text: str) -> str:
    """`text` with each run of 200+ characters without a space made a space: no word is that
    long, and patterns that look for an @ or a digit inside a run backtrack over it (an
    80,000-character run took seconds to tens of seconds)."""
    return _LONG_RUN.sub(" ", text)


def plain_text(text: str, language: str | None = None) -> str:
    """The text a sentence encoder reads: quotes, signatures, greetings, URLs, addresses and
    numbers removed as in `clean_text` (a greeting kept made tickets that open alike
    neighbours), but case and punctuation kept (they carry meaning for a
    model); Serbian, Croatian and Bosnian go in Cyrillic (see `embed_use`)."""
    text = _SPACES.sub(" ", _NUMBERISH.sub(_value_or_term, _what_is_said(text))).strip()
    lang = language.split("-")[0].lower() if language else None
    if lang in SERBO_CROATIAN:
        text = to_cyrillic(text.lower())
    return text


def clean_text(text: str, language: str | None = None) -> str:
    """The cleaned, lowercased text used for embedding, keywords and kind cues.

    `language` is the ticket's language when known; Serbian text (by that code, or Cyrillic
    with Serbian-only letters) is transliterated to Latin.
    """
    text = _NUMBERISH.sub(_value_or_term, _what_is_said(text))
    text = _NOT_WORD.sub(" ", text)
    text = _SPACES.sub(" ", text).strip().lower()
    if _CYRILLIC.search(text):
        lang = language.split("-")[0].lower() if language else None
        serbian = lang in SERBO_CROATIAN if lang else _cyrillic_is_serbian(text)
        if serbian:
            text = transliterate_serbian(text)
    return text
