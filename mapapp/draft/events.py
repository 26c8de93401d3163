"""Events: one per thing the visitor did, with its place, date, people and quote.

A sentence makes events when it is about the visitor (named, "he", "the
premier", "his visit") and names a place visited or a person met. A place is
merely mentioned when the words around it say so ("next year", "postponed",
"north of", "heads next to"), or when it lies outside the host country and no
travel verb leads to it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from mapapp.draft.dates import Clock, When
from mapapp.draft.gazetteer import City, Gazetteer
from mapapp.draft.people import Person, spans_within
from mapapp.draft.places import SITE_HEADS, Mention
from mapapp.draft.text import Sentence

_PRONOUN = re.compile(r"\b(?:he|she|his|her|him|they|them|their)\b", re.I)
_GROUP = re.compile(
    r"\b(?:the (?:royal )?couple|the royals|the two (?:presidents|leaders|men|women|heads)|"
    r"the delegation|the visitors?|the guests?|(?:this|the|his|her) (?:visit|trip|tour|stay)|"
    r"visits? to)\b",
    re.I,
)
_NEG_BEFORE = re.compile(
    r"\b(?:next|already|previously|last (?:year|month|week)|postponed|cancell?ed|called off|"
    r"will host|hosts?|due to|plans? to|hopes?|before flying|flying home)\b[^.;]*$"
    r"|\b(?:(?:north|south|east|west) of|near|outside|officials in|home to|returns? to|"
    r"heads? (?:next )?to)\s+(?:the\s+)?$",
    re.I,
)
_ELSEWHEN = re.compile(
    r"\b(?:last|next) (?:year|month|week)|\byears? ago\b|\bin (?:19|20)\d\d\b", re.I
)
_NEG_AFTER = re.compile(
    r"^[^.;]{0,50}\b(?:next (?:year|month|week)|(?:was|were) (?:postponed|cancell?ed)|"
    r"in the past|last year)\b",
    re.I,
)
_TRAVEL_BEFORE = re.compile(
    r"\b(?:arrived (?:in|at)|landed (?:in|at)|flew (?:on )?to|trav[e]?ll?ed (?:on )?to|visited|"
    r"went on to|moved on to|toured)\s+(?:the\s+)?$",
    re.I,
)
_OWNER_TITLE = re.compile(r"^['’]s\s+(?:[A-Z]\w+\s+)?(?:Mayor|Governor|Premier|President|mayor)")
_MEETING = re.compile(
    r"\b(?:met|meet|meets|meeting|talks|talked|welcomed|greeted|received|hosted|hosts|"
    r"dinner|lunch|banquet|spoke with|joined|accompanied|held)\b",
    re.I,
)
EVENT_TYPES = (
    ("speech", re.compile(r"\b(?:speech|spoke|speak|address(?:ed)?|lecture|remarks)\b", re.I)),
    ("talks", re.compile(r"\b(?:talks|discussions|negotiations)\b", re.I)),
    ("meeting", re.compile(r"\b(?:met|meet|meeting|dinner|banquet|lunch|reception)\b", re.I)),
    ("visit", re.compile(r"\b(?:visit(?:s|ed)?|toured|tour)\b", re.I)),
    ("travel", re.compile(r"\b(?:arrived|landed|flew|travell?ed|train|drove)\b", re.I)),
)
NATIONAL_TITLES = frozenset(
    [
        "prime",
        "minister",
        "president",
        "premier",
        "chancellor",
        "minister",
        "king",
        "queen",
        "emperor",
        "empress",
        "first",
        "lady",
        "foreign",
        "secretary",
        "secretary",
        "of",
        "state",
    ]
)


@dataclass
class Review:
    field: str
    confidence: float
    reason: str


@dataclass
class Stop:
    """Where an event happened: a site placed at a city, or a city."""

    key: str
    name: str
    type: str
    city: City
    site: bool
    reviews: list[Review] = field(default_factory=list)


@dataclass
class DraftEvent:
    when: When
    stop: Stop
    sentence: Sentence
    type: str
    people: list[Person]
    title: str = ""
    reviews: list[Review] = field(default_factory=list)


@dataclass
class Context:
    text: str
    visitor: Person
    others: list[Person]
    host: str
    gaz: Gazetteer
    dateline_end: int = 0
    city: City | None = None  # the last city the story was in

    @property
    def capital(self) -> City | None:
        return self.gaz.capital(self.host)


def draft_events(
    ctx: Context, sentences: list[Sentence], mentions: list[Mention], clock: Clock
) -> list[DraftEvent]:
    """The visitor's events, in story order, merged per place and date."""
    events: list[DraftEvent] = []
    for person in (ctx.visitor, *ctx.others):
        person.mentions.sort()
    starts = [m.start for m in mentions]  # in text order
    for sentence in sentences:
        when = clock.sentence(sentence.text)
        lo, hi = bisect_left(starts, sentence.start), bisect_left(starts, sentence.end)
        inside = mentions[lo:hi]
        met = [p for p in ctx.others if _named_in(p, sentence)]
        if not _about_visitor(ctx, sentence):
            continue
        stops = [m for m in inside if m.kind in ("city", "site") and _visited(ctx, m, sentence)]
        located = _locate(ctx, stops, sentence)
        previous = sentence.start
        for stop, mention in located:
            people = _nearest_people(met, mention, [m for _, m in located])
            window = ctx.text[previous : min(sentence.end, mention.end + 40)]
            when_here = _when_at(when, sentence, mention, located)
            _add(events, _event(sentence, when_here, stop, people, window))
            previous = mention.end
            ctx.city = stop.city
        if not stops and met and _MEETING.search(sentence.text) and not _elsewhen(ctx, inside):
            meeting = _meeting_place(ctx, met)
            if meeting is not None:
                _add(events, _event(sentence, when, meeting, met, sentence.text))
                ctx.city = meeting.city
    for event in events:
        event.title = _title(event)
    return events


def _elsewhen(ctx: Context, inside: list[Mention]) -> bool:
    """A meeting in another year or abroad ("last year he received Macron in Guangzhou")."""
    if not inside:
        return False
    sentence_text = ctx.text[inside[0].start - 200 : inside[-1].end + 200]
    foreign = any(m.kind == "city" and m.city and m.city.country != ctx.host for m in inside)
    return foreign or _ELSEWHEN.search(sentence_text) is not None


def _when_at(
    when: When, sentence: Sentence, mention: Mention, located: list[tuple[Stop, Mention]]
) -> When:
    """A part of the day named after this stop, in a sentence of several, is not its own."""
    if when.precision != "part-of-day" or len(located) < 2:
        return when
    word = re.search(rf"\b{when.label}\b", sentence.text, re.I)
    if word is not None and sentence.start + word.start() > mention.end:
        return When(when.date, when.reason, when.confidence)
    return when


def _named_in(person: Person, sentence: Sentence) -> bool:
    return bool(spans_within(person.mentions, sentence.start, sentence.end))


def _about_visitor(ctx: Context, sentence: Sentence) -> bool:
    text = sentence.text
    if _named_in(ctx.visitor, sentence) or _PRONOUN.search(text) or _GROUP.search(text):
        return True
    title = ctx.visitor.title.lower()
    return re.search(rf"\bthe {re.escape(title)}\b|\bthe \w+ chief\b", text, re.I) is not None


def _visited(ctx: Context, m: Mention, sentence: Sentence) -> bool:
    if m.start < ctx.dateline_end:
        return False
    before = ctx.text[max(sentence.start, m.start - 90) : m.start]
    after = ctx.text[m.end : min(sentence.end, m.end + 60)]
    if _OWNER_TITLE.match(after) or _NEG_BEFORE.search(before) or _NEG_AFTER.search(after):
        return False
    if m.kind == "city" and m.city is not None and m.city.country != ctx.host:
        return _TRAVEL_BEFORE.search(before) is not None
    return True


def _locate(ctx: Context, stops: list[Mention], sentence: Sentence) -> list[tuple[Stop, Mention]]:
    """Each visited mention as a Stop; a city the sentence also holds a site of is not repeated."""
    cities = [m for m in stops if m.kind == "city" and m.city is not None]
    sentence_city = cities[0].city if cities else None
    out: list[tuple[Stop, Mention]] = []
    for m in stops:
        if m.kind == "site":
            follow = next((c.city for c in cities if 0 <= c.start - m.end <= 5), None)
            out.append((_site_stop(ctx, m, sentence_city, follow), m))
    site_cities = {s.city.geonameid for s, _ in out}
    for m in cities:
        assert m.city is not None
        if m.city.geonameid not in site_cities:
            out.append((_city_stop(m), m))
            site_cities.add(m.city.geonameid)
    return sorted(out, key=lambda pair: pair[1].start)


def _site_stop(ctx: Context, m: Mention, sentence_city: City | None, follow: City | None) -> Stop:
    inner = m.inner_city.city if m.inner_city is not None else None  # "Kamakura Works"
    head = next((w for w in reversed(m.name.split()) if w.capitalize() in SITE_HEADS), "")
    site_type = head.lower() or "site"
    capital = ctx.capital
    if inner is not None and inner.country == ctx.host:
        city, why, confidence = inner, "the city in the site's name", 0.6
    elif follow is not None:
        city, why, confidence = follow, "the city named right after it", 0.6
    elif m.government and capital is not None:
        city, why = capital, "a seat of government with no city named: the host's capital"
        confidence = 0.4
    elif sentence_city is not None:
        city, why, confidence = sentence_city, "the city named in the same sentence", 0.5
    elif ctx.city is not None:
        city, why, confidence = ctx.city, "the city the story was last in", 0.3
    elif capital is not None:
        city, why, confidence = capital, "no city named: the host's capital", 0.2
    else:
        raise LookupError(m.name)
    reason = (
        f"city-level: no site '{m.name}' in the offline gazetteer (GeoNames cities of "
        f"15,000+); placed at {city.name} ({why}); run with --geocode or add a pin"
    )
    return Stop(_key(m.name), m.name, site_type, city, True, [Review("place", confidence, reason)])


def _city_stop(m: Mention) -> Stop:
    assert m.city is not None
    others = len({c.geonameid for c in m.candidates}) - 1
    if others:
        why = (
            f"'{m.name}' names {others + 1} places in GeoNames; chose {m.city.name}, "
            f"{m.city.country} ({m.city.population:,} people) by the article's countries, "
            "places and population"
        )
        confidence = 0.6
    else:
        why = f"'{m.name}' is one place in GeoNames: {m.city.name}, {m.city.country}"
        confidence = 0.8
    reason = f"city named in the text; {why}"
    return Stop(
        f"city-{m.city.geonameid}", m.city.name, "city", m.city, False,
        [Review("place", confidence, reason)],
    )  # fmt: skip


def _meeting_place(ctx: Context, met: list[Person]) -> Stop | None:
    capital = ctx.capital
    national = any(p.title.lower() in NATIONAL_TITLES or "minister" in p.title.lower() for p in met)
    if ctx.city is not None and not (national and capital is not None):
        city, why = ctx.city, "the city the story was last in"
    elif capital is not None:
        city, why = capital, "a meeting with a national official: the host's capital"
    else:
        return None
    if ctx.city is not None and capital is not None and ctx.city.geonameid == capital.geonameid:
        why = "the city the story was last in (the capital)"
    reason = f"the article names no place for this meeting; placed at {city.name} ({why})"
    return Stop(
        f"city-{city.geonameid}", city.name, "city", city, False, [Review("place", 0.3, reason)]
    )


def _nearest_people(met: list[Person], mention: Mention, stops: list[Mention]) -> list[Person]:
    """People named in the sentence go to the stop nearest their name."""
    if len(stops) <= 1:
        return met

    first, last = stops[0].start - 400, stops[-1].end + 400

    def nearest(person: Person) -> Mention:
        near = spans_within(person.mentions, first, last) or person.mentions
        where = min(near, key=lambda span: abs(span[0] - mention.start))[0]
        return min(stops, key=lambda m: abs(m.start - where))

    return [p for p in met if nearest(p) is mention]


def _event(
    sentence: Sentence, when: When, stop: Stop, people: list[Person], window: str
) -> DraftEvent:
    """The event at one stop; its type from the words leading to the stop."""
    kind = next((k for k, pattern in EVENT_TYPES if pattern.search(window)), "other")
    if kind == "other" and stop.site:
        kind = "visit"
    reviews = [Review("date", when.confidence, when.reason)]
    if when.precision != "day":
        reviews.append(Review("time", 0.7, f"'{when.label}' in the sentence of the quote"))
    if people:
        names = ", ".join(p.name for p in people)
        reviews.append(Review("actors", 0.6, f"named in the same sentence: {names}"))
    return DraftEvent(when, stop, sentence, kind, list(people), reviews=reviews)


def _add(events: list[DraftEvent], new: DraftEvent) -> None:
    """One event per place and date: a later sentence about it adds its people."""
    for old in events:
        same_place = old.stop.key == new.stop.key or (
            not new.stop.site and old.stop.city.geonameid == new.stop.city.geonameid
        )
        if same_place and old.when.date == new.when.date:
            old.people += [p for p in new.people if p not in old.people]
            return
    events.append(new)


def _title(event: DraftEvent) -> str:
    names = " and ".join(p.name for p in event.people[:3])
    where = event.stop.name
    label = {"speech": "Speech", "talks": "Talks", "meeting": "Meeting", "visit": "Visit",
             "travel": "Arrival", "other": "Event"}[event.type]  # fmt: skip
    if names and event.type in ("talks", "meeting"):
        return f"{label} with {names} ({where})"
    return f"{label}: {where}"


def _key(name: str) -> str:
    words = [w for w in re.findall(r"\w+", name.lower()) if w.capitalize() not in SITE_HEADS]
    return "site-" + ("-".join(words) or re.sub(r"\W+", "-", name.lower()))
