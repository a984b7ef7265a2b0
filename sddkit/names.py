"""People's names in customer text: first-name lists per language, their inflected forms,
and the context around them.

Closing words ("Regards,") find only the names that follow them. Here a name is found
wherever it stands: a known first name (common names of each language sddkit serves: en, de,
pl, sr in both scripts, ru, uk), with the capitalised words after it (the surname); a known
first name in an inflected form ("Jelene", "Анни", "Markom") when a surname follows or an
honorific or a request word comes before it ("pane Petre", "ask Dragana"); any capitalised
words after an honorific ("Herr Müller", "пані Коваленко"). Names the caller knows (the
ticket's author) are removed in every inflected form (`known_name`).

First names that are also everyday words when capitalised at the start of a sentence
("Mark", "Will", "Grace", "Вера", "Надія") are left out of the lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sddkit.serbian import to_cyrillic

_EN = """James John Robert Michael William David Richard Joseph Thomas Charles Christopher
Daniel Matthew Anthony Donald Steven Steve Paul Andrew Joshua Kenneth Kevin Brian George
Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry
Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick Raymond Dennis Jerry Tyler
Aaron Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy Christian Keith
Roger Terry Gerald Harold Sean Carl Arthur Lawrence Dylan Jesse Bryan Bruce Gabriel Logan
Albert Alan Wayne Elijah Randy Roy Vincent Ralph Eugene Russell Bobby Philip Louis Tom Tim
Mike Dave Chris Jim Bob Joe Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica
Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley Kimberly Emily Donna Michelle Amanda
Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley
Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet
Catherine Maria Heather Diane Ruth Julie Olivia Joyce Victoria Kelly Lauren Christina Joan
Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison
Frances Kathryn Janice Jean Abigail Alice Judy Sophia Denise Beverly Danielle Marilyn
Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori Kate Jane Lucy
Sophie Chloe Ella Mia Ava Zoe Ana Nina Anne John Jack Oliver Harry Leo Oscar"""
_DE = """Hans Klaus Wolfgang Jürgen Juergen Andreas Stefan Uwe Dieter Günter Günther Horst
Helmut Werner Gerhard Bernd Matthias Sebastian Tobias Florian Lukas Jonas Maximilian Felix
Manfred Karl Heinz Ralf Rainer Torsten Thorsten Markus Jörg Joerg Holger Dirk Sven Jan Jens
Kai Tim Niklas Leon Paul Ursula Monika Petra Sabine Renate Helga Karin Brigitte Ingrid
Gisela Claudia Susanne Birgit Julia Katharina Anja Stefanie Lena Lea Greta Heike Silke
Anke Kerstin Ute Jutta Martina Tanja Nadine Sandra Franziska Johanna Lisa Luisa Marlene"""
_PL = """Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Jakub Łukasz Marek Grzegorz
Mateusz Wojciech Mariusz Dariusz Zbigniew Jerzy Maciej Rafał Kamil Jacek Janusz Jan
Stanisław Józef Tadeusz Szymon Bartosz Damian Sebastian Przemysław Artur Wiktor Kacper
Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Krystyna Magdalena Elżbieta Joanna
Aleksandra Monika Zofia Teresa Danuta Natalia Julia Karolina Marta Beata Dorota Halina
Jadwiga Justyna Iwona Paulina Agata Weronika Kasia Zuzanna Grażyna Bożena Urszula Renata
Sylwia Edyta Izabela Emilia Kinga Patrycja Basia Gosia Ola Tomek Kuba Bartek Wojtek"""
# Serbian Latin; the Cyrillic forms are derived (`to_cyrillic`).
_SR = """Marko Milan Nikola Stefan Luka Lazar Aleksandar Nemanja Miloš Dušan Jovan Petar
Đorđe Uroš Ivan Dragan Zoran Goran Dejan Nenad Bojan Vladimir Srđan Saša Igor Miroslav
Predrag Slobodan Branko Milorad Dragoljub Radovan Željko Vladan Darko Miodrag Aleksa Filip
Milica Jelena Ana Marija Jovana Ivana Dragana Snežana Vesna Tijana Katarina Sanja Maja
Mirjana Gordana Biljana Nataša Tamara Teodora Sofija Nevena Jasmina Danijela Milena
Aleksandra Sara Kristina Dušica Ljiljana Slađana Branka Svetlana Zorica Jasna Olivera"""
_RU = """Александр Сергей Дмитрий Андрей Алексей Максим Евгений Иван Михаил Артём Артем
Никита Владимир Николай Павел Роман Олег Игорь Денис Антон Юрий Виктор Кирилл Илья Егор
Константин Вадим Григорий Борис Георгий Пётр Петр Анна Мария Елена Ольга Наталья Татьяна
Ирина Екатерина Светлана Юлия Анастасия Марина Дарья Людмила Галина Ксения Алина Виктория
Полина Валентина Евгения Софья Маргарита Лариса Тамара Оксана Жанна Нина Зоя"""
_UK = """Олександр Андрій Сергій Дмитро Іван Михайло Володимир Микола Юрій Олег Василь Петро
Богдан Тарас Остап Віктор Ігор Максим Степан Григорій Ярослав Святослав Роман Артем Олена
Ольга Наталія Тетяна Ірина Оксана Юлія Марія Анна Катерина Світлана Людмила Галина Софія
Дарина Ганна Христина Леся Мирослава Соломія Зоряна Богдана Устина Ярослава Вікторія"""

FIRST_NAMES = frozenset(
    name for block in (_EN, _DE, _PL, _SR, _RU, _UK) for name in block.split()
) | frozenset(to_cyrillic(n.lower()).capitalize() for n in _SR.split())

# Case endings Slavic first names take (sr, pl, ru, uk), after the name or its stem.
_ENDINGS = (
    "a e i u o y om em oj ą ę ie ego emu owi ovi",
    "а е и у о ы і ї ю я ом ем ой ою ей єю ові ову ови",
)
ENDINGS = frozenset(e for block in _ENDINGS for e in block.split())
VOWELS = "aeiouyаеёиоуыэюяіїє"

HONORIFICS = (
    r"mr|mrs|ms|miss|dr|herr|frau|pan|pani|panie|pana|panu|panią|gospodin|gospođa|gospođo|"
    r"gospodine|господин|госпожа|господине|госпођа|господин|пан|пані|пане|пана|панові|"
    r"г-н|г-жа|sehr geehrter herr|sehr geehrte frau"
)
# Words after which a name is asked for or named ("ask Dragana", "спросите Анну").
REQUESTS = (
    r"ask|contact|call|cc|from|by|for|to|attn|kontaktiere|frag|fragen sie|zapytaj|zadzwoń do|"
    r"pitajte|pitaj|javite|zovite|kontaktirajte|спросите|спросить|позвоните|запитайте|"
    r"зателефонуйте|питајте|позовите"
)
_WORD = r"[A-ZÀ-ÖØ-ÞĀ-ŽЀ-ЯЁІЇЄҐ][\w'’-]*"
_CAPITALISED = re.compile(rf"(?<![\w@.+-]){_WORD}")
_HONORIFIC = re.compile(rf"(?i:\b(?:{HONORIFICS})\.?)[ \t]+{_WORD}(?:[ \t]+{_WORD})?")
_REQUEST = re.compile(rf"(?i:\b(?:{REQUESTS}))[ \t]+$")


def is_first_name(word: str, *, inflected: bool = True) -> bool:
    """A known first name, or (with `inflected`) one in a Slavic case form."""
    if word in FIRST_NAMES:
        return True
    if not inflected or len(word) < 4:
        return False
    for cut in (1, 2, 3):
        stem, ending = word[:-cut], word[-cut:].lower()
        if (
            ending in ENDINGS
            and len(stem) >= 3
            and (stem in FIRST_NAMES or any(stem + v in FIRST_NAMES for v in "aoeаоеяй"))
        ):
            return True
    return False


def names_a_person(word: str) -> bool:
    """Whether a word, in any case, is a known first name ("anna", "ANNA"): what a title or
    keyword must not carry, though no capital marks it."""
    return is_first_name(word.capitalize(), inflected=False)


def find_names(text: str) -> list[tuple[int, int]]:
    """(start, end) of each name in `text` (with its surname), by the rules above."""
    spans = [m.span() for m in _HONORIFIC.finditer(text)]
    words = list(_CAPITALISED.finditer(text))
    n = 0
    while n < len(words):
        word = words[n]
        exact = word.group() in FIRST_NAMES
        # The capitalised words right after it (one space or tab between): the surname.
        last = n
        while last + 1 < len(words) and _joined(text, words[last], words[last + 1]):
            last += 1
        followed = last > n
        asked = bool(_REQUEST.search(text[max(0, word.start() - 30) : word.start()]))
        if exact or ((followed or asked) and is_first_name(word.group())):
            spans.append((word.start(), words[min(last, n + 2)].end()))
            n = min(last, n + 2) + 1
            continue
        n += 1
    return _merge(spans)


def _joined(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    return text[a.end() : b.start()] in (" ", "\t")


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def remove_names(text: str, replacement: str = "[name]") -> str:
    """`text` with every name `find_names` finds replaced."""
    out, pos = [], 0
    for start, end in find_names(text):
        out += [text[pos:start], replacement]
        pos = end
    return "".join([*out, text[pos:]])


_PARTICLES = frozenset(
    ["the", "and", "von", "van", "der", "den", "del", "della", "de", "la", "le", "di", "da"]
)


def _stem(word: str) -> str:
    stem = word.rstrip(VOWELS + VOWELS.upper())
    return stem if len(stem) >= 3 else word


def known_name(name: str) -> re.Pattern[str] | None:
    """A pattern for a name the caller knows, in any case form: each word of it (3+ letters)
    as its stem plus up to three letters ("Jelena" also finds "Jelene", "Jelenom")."""
    words = [
        w
        for w in re.findall(r"[\w'’-]+", name)
        if len(w) >= 3 and not w.isdigit() and w.lower() not in _PARTICLES
    ]
    stems = sorted({_stem(w) for w in words}, key=len, reverse=True)
    if not stems:
        return None
    alternatives = "|".join(re.escape(s) for s in stems)
    return re.compile(rf"(?<!\w)(?:{alternatives})\w{{0,3}}(?!\w)", re.IGNORECASE)
