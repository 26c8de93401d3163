"""People: the visitor (the person the lead names first) and the people named with a title.

Rule-based: news style introduces a person once with a title ("Chancellor Olaf
Scholz", "trade minister Yoji Muto", "the opposition leader, David Cameron"),
then by surname. A name without a title nearby is not taken for a person.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from mapapp.draft.dates import WEEKDAY_WORDS

# Longest first, so "Prime Minister" wins over "Minister".
TITLES = sorted(
    (
        t.strip()
        for t in """
    prime minister|deputy prime minister|president|vice president|vice-president|premier
    |chancellor|vice-chancellor|vice chancellor|king|queen|queen consort|king consort|emperor
    |empress|crown prince|crown princess|prince|princess|pope|sheikh|emir|sultan|mayor
    |governor|speaker|minister|foreign minister|defence minister|defense minister
    |trade minister|finance minister|interior minister|foreign secretary|home secretary
    |secretary of state|secretary-general|secretary general|secretary|ambassador|envoy
    |chief executive|chief executive officer|ceo|chairman|chairwoman|chair|founder
    |first lady|first gentleman|general|admiral|commander|chief|head|leader|opposition leader
    |senator|congressman|congresswoman|lawmaker|governor-general|economist|astrophysicist
    |scientist|professor|rector|director|director-general|archbishop|cardinal|spokesman
    |spokeswoman|spokesperson|counterpart|host
    """.replace("\n", "").split("|")
    ),
    key=len,
    reverse=True,
)
ROYAL = frozenset({"king", "queen", "emperor", "empress", "pope", "prince", "princess"})
_TOKEN = r"(?:[A-Z][a-zà-öø-ÿ'’]+(?:-[A-Z]?[a-zà-öø-ÿ'’]+)*|[a-z]{1,3}[A-Z][a-z]+)"
_PARTICLE = r"(?:von|van|der|den|de|da|del|di|du|la|le|bin|ibn|al|el)"
_NAME = re.compile(
    rf"{_TOKEN}(?:\s+(?:{_PARTICLE}\s+)*(?:{_PARTICLE}-)?{_TOKEN}){{0,3}}(?:\s+[IVX]{{1,4}}\b)?"
)
_TITLED = re.compile(
    r"\b(?P<title>(?i:" + "|".join(re.escape(t) for t in TITLES) + r"))(?:,)?\s+"
    r"(?P<name>" + _NAME.pattern + ")"
)
_PREFIX = re.compile(r"((?:[A-Z][\w-]*[ \t]+){1,3})$")
_NOT_FIRST = frozenset(
    [
        "The",
        "A",
        "An",
        "On",
        "In",
        "At",
        "By",
        "For",
        "From",
        "With",
        "After",
        "Before",
        "During",
        "Later",
        "Earlier",
        "That",
        "This",
        *WEEKDAY_WORDS,
    ]
)


def spans_within(spans: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The (sorted) spans that start in [start, end)."""
    return spans[bisect_left(spans, (start, -1)) : bisect_left(spans, (end, -1))]


@dataclass
class Person:
    name: str
    title: str
    affiliation: str
    start: int  # the first mention, title included (the actor's quote)
    end: int
    mentions: list[tuple[int, int]] = field(default_factory=list)

    @property
    def surname(self) -> str:
        tokens = [t for t in self.name.split() if not re.fullmatch(r"[IVX]+", t)]
        return tokens[-1] if tokens else self.name

    @property
    def royal(self) -> bool:
        return self.title.lower() in ROYAL

    def key_words(self) -> set[str]:
        """Words that refer to this person alone ("Scholz", "Charles", "Wen")."""
        words = {self.surname}
        tokens = [t for t in self.name.split() if not re.fullmatch(r"[IVX]+", t)]
        if self.royal or len(tokens) == 1:
            words.add(tokens[0])
        if len(tokens) == 2 and self.affiliation in ("Chinese", "Korean", "Vietnamese"):
            words.add(tokens[0])  # family name first: Xi Jinping is "Xi"
        return words


def find_people(text: str, blocked: set[str]) -> list[Person]:
    """Titled people in order of first mention; blocked words (places) are not names."""
    people: dict[str, Person] = {}
    for match in _TITLED.finditer(text):
        name, role = _trim(match.group("name")), match.group("title")
        tokens = name.split()
        if not tokens or tokens[0] in _NOT_FIRST or name in blocked or tokens[-1] in blocked:
            continue
        if len(tokens) < 2 and role.lower() not in ROYAL:
            continue
        if _is_title_word(tokens[0]):
            continue  # "Prime Minister ..." read as "Prime" + "Minister ..."
        start = match.start()
        before = text[max(0, start - 40) : start]
        prefix = _PREFIX.search(before)
        affiliation = prefix.group(1).strip() if prefix else ""
        if affiliation.split()[:1] in (["The"], ["the"]):
            affiliation = " ".join(affiliation.split()[1:])
        if affiliation and prefix is not None and not _starts_sentence(affiliation):
            start -= len(prefix.group(1))
        else:
            affiliation = ""
        end = match.start("name") + len(name)
        person = _same(people, name)
        if person is None:
            people[name] = Person(name, _tidy_title(role), affiliation, start, end, [])
            people[name].mentions.append((match.start("name"), end))
        else:
            person.mentions.append((match.start("name"), end))
    found = sorted(people.values(), key=lambda p: p.start)
    _add_mentions(text, found)
    return found


def _trim(name: str) -> str:
    """Drop trailing capitalised words that start a new phrase ("Scholz At")."""
    tokens = name.split()
    while len(tokens) > 1 and tokens[-1] in _NOT_FIRST:
        tokens.pop()
    return " ".join(tokens)


def _starts_sentence(words: str) -> bool:
    return words.split()[0] in _NOT_FIRST


def _is_title_word(token: str) -> bool:
    return token.lower() in TITLES and token.lower() not in ROYAL


def _tidy_title(title: str) -> str:
    return title[0].upper() + title[1:] if title.islower() else title


def _same(people: dict[str, Person], name: str) -> Person | None:
    if name in people:
        return people[name]
    return next((p for p in people.values() if name in p.name.split()), None)


def _add_mentions(text: str, people: list[Person]) -> None:
    """Later mentions by surname (or first name of royals), attributed when unambiguous."""
    owners: dict[str, list[Person]] = {}
    for person in people:
        for word in person.key_words():
            owners.setdefault(word, []).append(person)
    for word, persons in owners.items():
        if len(persons) != 1:
            continue
        person = persons[0]
        spans = sorted(person.mentions)
        starts = [s for s, _ in spans]
        for match in re.finditer(rf"\b{re.escape(word)}s?\b", text):
            i = bisect_right(starts, match.start())
            if i == 0 or spans[i - 1][1] <= match.start():  # not inside a titled mention
                person.mentions.append(match.span())
        person.mentions.sort()


def plural_family(text: str, people: list[Person]) -> dict[str, list[Person]]:
    """'the Bidens': everyone of that surname."""
    out: dict[str, list[Person]] = {}
    for person in people:
        out.setdefault(f"{person.surname}s", []).append(person)
    return {k: v for k, v in out.items() if k in text}
