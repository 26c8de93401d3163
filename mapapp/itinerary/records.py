"""An itinerary's events as msgspec Structs: how they are held in memory, and their fast check.

The events are what grows (a trip has a few hundred places and actors, and up
to millions of events); one pydantic model per event, per quote, per source
cost most of a large load, most of its memory, and the garbage collector's
time. These Structs (`gc=False`, never tracked by the collector) hold the same
values, read the same way (`event.quote.text`, `str(source.url)`).

The rules are pydantic's (mapapp.itinerary.models), mirrored: msgspec decodes
and checks in one pass what a Struct can express (types, bounds, patterns,
literals, unknown fields), and `finish` checks the rest (years, URLs). The mirror
is never laxer than the models (tests/itinerary/test_itinerary_records.py); input
it does not pass goes to the models, which word every error message.

Fields with a default are stored UNSET when the input leaves them out, so that
encoding a record gives back exactly the keys the input held: the loader counts
quotes to find duplicate keys (mapapp.safe_json). The properties give the default.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType
from pydantic import AnyHttpUrl, TypeAdapter, ValidationError
from pydantic_core import SchemaValidator

MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_DAY = 36_525  # a century: no date overflows; the 100,000-event benchmark (20,000 days) fits
#: pydantic's (Rust) `$` ends the text; Python's `\Z` is the same.
IDENTIFIER_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
#: Checked with Python's re.match in both (so "18:10\n" passes both, as it always did).
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
EVENT_TYPES = Literal["visit", "meeting", "talks", "speech", "briefing", "travel", "other"]
TIME_PRECISIONS = Literal["minute", "hour", "part-of-day", "day"]

#: Identifiers and times are checked by `finish`, all of a trip at once: a pattern on the
#: field would be one Python regex call per value (three quarters of the decode's time).
Identifier = str
Text = Annotated[str, Meta(min_length=1)]
MAX_IDENTIFIER = 80
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN[:-1] + r"\Z")
_IDENTIFIER_LINES = re.compile(rf"(?:[a-z0-9][a-z0-9-]{{0,{MAX_IDENTIFIER - 1}}}\n)*")
_TIME = re.compile(TIME_PATTERN)


# Every record: strict like pydantic's `extra="forbid"` models, never tracked by the collector.


class SourceRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False, kw_only=True):
    url: str  # an http(s) URL, as pydantic writes it (checked and normalised by `finish`)
    title: Text
    supports_: str | UnsetType = msgspec.field(default=UNSET, name="supports")

    @property
    def supports(self) -> str:
        return "" if self.supports_ is UNSET else self.supports_


class QuoteRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False, kw_only=True):
    text: Text
    start: Annotated[int, Meta(ge=0)]
    end: Annotated[int, Meta(gt=0)]


class ParticipationRecord(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False, kw_only=True
):
    actor: Identifier
    role: str


class ReviewRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False, kw_only=True):
    field: Text
    confidence: Annotated[float, Meta(ge=0, le=1)]
    reason: Text


class DiscrepancyRecord(
    msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False, kw_only=True
):
    field: str
    article: str
    sources: str
    source_urls: Annotated[list[str], Meta(min_length=1)]  # http(s) URLs, as `url` above


class EventRecord(msgspec.Struct, frozen=True, forbid_unknown_fields=True, gc=False, kw_only=True):
    id: Identifier
    day: Annotated[int, Meta(ge=1, le=MAX_DAY)]
    date: dt.date
    time_: str | UnsetType | None = msgspec.field(default=UNSET, name="time")
    time_precision_: TIME_PRECISIONS | UnsetType = msgspec.field(
        default=UNSET, name="time_precision"
    )
    time_label_: str | UnsetType = msgspec.field(default=UNSET, name="time_label")
    type: EVENT_TYPES
    title: Text
    place: Identifier
    actors: Annotated[list[ParticipationRecord], Meta(min_length=1)]
    quote: QuoteRecord
    sources_: list[SourceRecord] | UnsetType = msgspec.field(default=UNSET, name="sources")
    discrepancies_: list[DiscrepancyRecord] | UnsetType = msgspec.field(
        default=UNSET, name="discrepancies"
    )
    review_: list[ReviewRecord] | UnsetType = msgspec.field(default=UNSET, name="review")

    def __post_init__(self) -> None:
        """While `sharing_repeats`, as each event is decoded (see `_share_repeats`)."""
        seen = _SEEN.get()
        if seen is not None:
            _share_repeats(self, seen.setdefault)

    @property
    def time(self) -> str | None:
        return None if self.time_ is UNSET else self.time_

    @property
    def time_precision(self) -> str:
        return "day" if self.time_precision_ is UNSET else self.time_precision_

    @property
    def time_label(self) -> str:
        return "" if self.time_label_ is UNSET else self.time_label_

    @property
    def sources(self) -> list[SourceRecord]:
        return [] if self.sources_ is UNSET else self.sources_

    @property
    def discrepancies(self) -> list[DiscrepancyRecord]:
        return [] if self.discrepancies_ is UNSET else self.discrepancies_

    @property
    def review(self) -> list[ReviewRecord]:
        return [] if self.review_ is UNSET else self.review_


#: The values seen so far in the load under way (see `sharing_repeats`), else None.
_SEEN: ContextVar[dict[Any, Any] | None] = ContextVar("_SEEN", default=None)


@contextmanager
def sharing_repeats() -> Iterator[None]:
    """Within it, each event decoded shares the values an earlier one had (`_share_repeats`)."""
    token = _SEEN.set({})
    try:
        yield
    finally:
        _SEEN.reset(token)


def _share_repeats(event: EventRecord, share: Callable[[Any, Any], Any]) -> None:
    """One object for each repeated value: an actor's part, a place, a title, a day, a
    time, a source's title and note. A trip repeats these across thousands of events
    (50 actors in 300,000 parts) and a decoder makes each anew: 84 MB at 100,000
    synthetic events, freed here as each event is decoded, not after the whole file.
    Records are frozen, so sharing them and their texts is safe."""
    put = msgspec.structs.force_setattr
    put(event, "place", share(event.place, event.place))
    put(event, "title", share(event.title, event.title))
    put(event, "date", share(event.date, event.date))
    if event.time_.__class__ is str:
        put(event, "time_", share(event.time_, event.time_))
    parts = event.actors
    parts[:] = [share(part, part) for part in parts]
    if event.sources_ is not UNSET:
        for source in event.sources_:
            put(source, "title", share(source.title, source.title))
            if source.supports_ is not UNSET:
                put(source, "supports_", share(source.supports_, source.supports_))


EventList = list[EventRecord]
_CONVERT_TYPE = EventList

#: AnyHttpUrl's own check, without its Python wrapper object per URL (pydantic's Rust
#: validator, one call for every URL of a trip).
_URLS = SchemaValidator(
    {"type": "list", "items_schema": TypeAdapter(AnyHttpUrl).core_schema["schema"]}
)


def convert(data: object) -> list[EventRecord] | None:
    """Events from plain data (parsed YAML), checked; None: let the models decide."""
    try:
        with sharing_repeats():
            events = msgspec.convert(data, _CONVERT_TYPE)
    except msgspec.ValidationError:
        return None
    return events if finish(events) else None


def finish(events: list[EventRecord]) -> bool:
    """The checks left to this step: identifiers and times (all at once), a sane year, and
    http(s) URLs, normalised as pydantic writes them (in place). False: the models must
    decide (and word the error)."""
    if not (_identifiers([e.id for e in events]) and _times(events)):
        return False
    names = {e.place for e in events} | {p.actor for e in events for p in e.actors}
    if not all(len(name) <= MAX_IDENTIFIER and _IDENTIFIER.match(name) for name in names):
        return False
    urls: list[str] = []
    for event in events:
        if not MIN_YEAR <= event.date.year <= MAX_YEAR:
            return False
        if event.sources_ is not UNSET:
            urls += [source.url for source in event.sources_]
        if event.discrepancies_ is not UNSET:
            for discrepancy in event.discrepancies_:
                urls += discrepancy.source_urls
    if not urls:
        return True
    written: dict[str, str] = {}
    # A slice at a time: pydantic makes a URL object per URL (1.5 million at a million
    # events), freed before the next slice.
    for start in range(0, len(urls), URLS_PER_CHECK):
        some = urls[start : start + URLS_PER_CHECK]
        try:
            checked = [str(url) for url in _URLS.validate_python(some)]
        except ValidationError:
            return False
        if checked != some:
            written.update(zip(some, checked, strict=True))
    if written:
        _normalise(events, {url: written.get(url, url) for url in urls})
    return True


URLS_PER_CHECK = 20_000


def _identifiers(ids: list[str]) -> bool:
    """Every text is an identifier (Identifier's pattern and length), in one regex pass
    over them all, a line each (a newline in one would add a line: refused)."""
    lines = "\n".join(ids) + "\n" if ids else ""
    return lines.count("\n") == len(ids) and _IDENTIFIER_LINES.fullmatch(lines) is not None


def _times(events: list[EventRecord]) -> bool:
    """Every time given is HH:MM, as the Event model's validator reads it (each distinct
    text once: a trip has a few hundred)."""
    times = {e.time_ for e in events if isinstance(e.time_, str)}
    return all(_TIME.match(time) for time in times)


def _normalise(events: list[EventRecord], written: dict[str, str]) -> None:
    """Put pydantic's form of each URL in place (a bare host gains its "/")."""
    for event in events:
        if event.sources_ is not UNSET:
            event.sources_[:] = [
                msgspec.structs.replace(s, url=written[s.url]) for s in event.sources_
            ]
        if event.discrepancies_ is not UNSET:
            for discrepancy in event.discrepancies_:
                discrepancy.source_urls[:] = [written[u] for u in discrepancy.source_urls]
