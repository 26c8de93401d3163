"""`mapapp draft` end to end: article text -> checked itinerary YAML (written atomically)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapapp.draft import gazetteer
from mapapp.draft.dates import Clock, dateline, explicit_date, trip_days
from mapapp.draft.events import Context, DraftEvent, draft_events
from mapapp.draft.people import find_people, plural_family
from mapapp.draft.places import Mention, _lookup, country_votes, find_mentions, resolve
from mapapp.draft.text import check_text, read_article, sentences
from mapapp.draft.write import dump, itinerary_dict
from mapapp.errors import InputError, Problem
from mapapp.geocode.provider import ProviderSettings


@dataclass
class Draft:
    """The draft's data, its YAML and what the user should know."""

    data: dict[str, Any]
    yaml_text: str
    warnings: list[str] = field(default_factory=list)

    @property
    def counts(self) -> str:
        d = self.data
        return f"{len(d['events'])} events, {len(d['places'])} places, {len(d['actors'])} actors"


@dataclass(frozen=True)
class Geocoding:
    """--geocode: the geopy provider and the cache file `mapapp build` will read."""

    settings: ProviderSettings
    cache: Path


def draft_text(
    text: str,
    name: str,
    *,
    published: dt.date | None = None,
    article: dict[str, Any] | None = None,
    geocoding: Geocoding | None = None,
) -> Draft:
    """Draft an itinerary from an article's text; InputError when it holds no trip."""
    check_text(text, name)
    gaz = gazetteer.load()
    warnings: list[str] = []
    line = dateline(text, published)
    reference, source = _reference(text, line, published, warnings)
    people = find_people(text, set(gaz.country_names))
    if not people:
        raise _nothing(name, "it names no person with a title (such as 'President X')")
    visitor, others = people[0], people[1:]
    blocked = [(p.start, p.end) for p in people] + [s for p in people for s in p.mentions]
    mentions = find_mentions(text, gaz, blocked)
    place_line = _dateline_mention(line, gaz)
    demonyms = {c.demonym for c in gaz.countries.values()}
    votes = country_votes(mentions, place_line, demonyms)
    if not votes:
        raise _nothing(name, "it names no place the offline gazetteer knows")
    host = max(votes, key=lambda code: votes[code])
    resolve(mentions + ([place_line] if place_line else []), text, host, set(votes), gaz)
    ctx = Context(text, visitor, others, host, gaz, line.end if line else 0)
    _add_families(text, others)
    clock = Clock(reference, source, trip_days(text))
    events = draft_events(ctx, sentences(text), mentions, clock)
    if not events:
        raise _nothing(name, f"no sentence about {visitor.name} names a place visited")
    used = [p for p in others if any(p in e.people for e in events)]
    geocoded = _geocode(events, geocoding, warnings) if geocoding else set()
    data = itinerary_dict(
        article=article or {"text": text},
        visitor=visitor,
        people=used,
        events=events,
        host=host,
        timezone=_timezone(ctx, events),
        gaz=gaz,
        text=text,
        geocoded=geocoded,
    )
    if published is not None:
        data["trip"]["article"]["published"] = published
    return Draft(data, dump(data, name), warnings)


def draft_file(
    article_path: Path,
    out: Path,
    *,
    published: dt.date | None = None,
    geocoding: Geocoding | None = None,
) -> Draft:
    """Read the article, draft, check the YAML with the loader, write it atomically."""
    from mapapp.atomic import write_text_atomic
    from mapapp.itinerary.load import parse_itinerary, project_root

    text = read_article(article_path)
    article: dict[str, Any] = {"text": text}
    root = project_root(out)
    if article_path.resolve().is_relative_to(root.resolve()):
        relative = os.path.relpath(article_path.resolve(), out.resolve().parent)
        article = {"path": Path(relative).as_posix()}
    draft = draft_text(
        text, str(article_path), published=published, article=article, geocoding=geocoding
    )
    # The loader's own checks (schema, references, quote offsets) before anything is written.
    parse_itinerary(draft.yaml_text.encode(), str(out), out.parent, article_text=text,
                    max_bytes=None)  # fmt: skip
    write_text_atomic(out, draft.yaml_text)
    return draft


def _reference(
    text: str, line: Any, published: dt.date | None, warnings: list[str]
) -> tuple[dt.date, str]:
    if line is not None and line.date is not None:
        return line.date, f"the dateline {line.date.isoformat()}"
    if published is not None:
        return published, f"the publication date {published.isoformat()} (--published)"
    found = explicit_date(text, None)
    if found is not None:
        return found, f"the first date in the text, {found.isoformat()}"
    today = dt.date.today()
    warnings.append(
        "the article has no dateline and no date; weekdays were resolved against today "
        f"({today.isoformat()}): give --published YYYY-MM-DD"
    )
    return today, f"today's date {today.isoformat()} (no dateline, no --published)"


def _dateline_mention(line: Any, gaz: gazetteer.Gazetteer) -> Mention | None:
    if line is None:
        return None
    name = line.place.title()
    return _lookup(name, 0, gaz)


def _add_families(text: str, others: list[Any]) -> None:
    """'the Bidens' is a mention of every Biden."""
    for word, persons in plural_family(text, others).items():
        start = text.find(word)
        while start >= 0:
            for person in persons:
                person.mentions.append((start, start + len(word)))
            start = text.find(word, start + 1)


def _timezone(ctx: Context, events: list[DraftEvent]) -> str:
    capital = ctx.capital
    if capital is not None:
        return capital.timezone
    return events[0].stop.city.timezone


def _geocode(events: list[DraftEvent], geocoding: Geocoding, warnings: list[str]) -> set[str]:
    from mapapp.draft.geocode import geocode_sites

    return geocode_sites(events, geocoding.settings, geocoding.cache, warnings)


def _nothing(name: str, why: str) -> InputError:
    return InputError([Problem(name, "", f"nothing to draft: {why}; is it a news story?")])
