"""Load and cross-check an itinerary file; every problem names file, field and line."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path as FsPath
from typing import Any

import yaml
from pydantic import ValidationError

from mapapp.errors import InputError, Problem
from mapapp.itinerary.models import Itinerary, Quote
from mapapp.itinerary.yaml_lines import LineIndex, Path, dotted, load_with_lines

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class LoadedItinerary:
    """A validated itinerary with the article text its quotes point into."""

    itinerary: Itinerary
    article_text: str
    path: FsPath
    lines: LineIndex

    def line(self, path: Path) -> int | None:
        return self.lines.line(path)


def load_itinerary(path: FsPath, article_text: str | None = None) -> LoadedItinerary:
    """Read, parse, validate and cross-check; raise InputError listing every problem."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Problem(name, "", f"cannot read file: {exc.strerror}")]) from exc
    # A file the user names on the command line may be large; only uploads are capped.
    return parse_itinerary(
        raw, name, base_dir=path.parent, article_text=article_text, max_bytes=None
    )


def parse_itinerary(
    raw: bytes,
    name: str,
    base_dir: FsPath,
    article_text: str | None = None,
    max_bytes: int | None = MAX_BYTES,
) -> LoadedItinerary:
    """Validate itinerary bytes (YAML or JSON) from a file or an upload."""
    if max_bytes is not None and len(raw) > max_bytes:
        raise InputError([Problem(name, "", f"file is {len(raw)} bytes; the limit is 10 MB")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, "", f"not UTF-8 text (byte {exc.start})")]) from exc
    data, lines = _parse(text, name)
    if not isinstance(data, dict):
        raise InputError([Problem(name, "", "the top level must be a mapping", 1)])
    try:
        itinerary = Itinerary.model_validate(data)
    except ValidationError as exc:
        raise InputError([_pydantic_problem(name, err, lines) for err in exc.errors()]) from exc
    if article_text is None:
        article_text = _read_article(itinerary, base_dir, name, lines)
    problems = cross_check(itinerary, article_text, name, lines)
    if problems:
        raise InputError(problems)
    return LoadedItinerary(itinerary, article_text, base_dir / FsPath(name).name, lines)


def _parse(text: str, name: str) -> tuple[Any, LineIndex]:
    if name.endswith(".json"):
        try:
            return json.loads(text), LineIndex(None)
        except json.JSONDecodeError as exc:
            raise InputError([Problem(name, "", f"invalid JSON: {exc.msg}", exc.lineno)]) from exc
    try:
        return load_with_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(name, "", f"invalid YAML: {what}", line)]) from exc


def _pydantic_problem(name: str, err: Any, lines: LineIndex) -> Problem:
    loc: Path = tuple(err["loc"])
    return Problem(name, dotted(loc), err["msg"], lines.line(loc))


def _read_article(it: Itinerary, base_dir: FsPath, name: str, lines: LineIndex) -> str:
    article = (base_dir / it.trip.article.path).resolve()
    try:
        # newline="" keeps the text exactly as stored, so offsets count what is on disk.
        with article.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except OSError as exc:
        loc: Path = ("trip", "article", "path")
        msg = f"cannot read the article {article}: {exc.strerror}"
        raise InputError([Problem(name, dotted(loc), msg, lines.line(loc))]) from exc


def cross_check(it: Itinerary, article: str, name: str, lines: LineIndex) -> list[Problem]:
    """The checks no single field can make: references, offsets, dates."""
    problems: list[Problem] = []

    def add(loc: Path, msg: str) -> None:
        problems.append(Problem(name, dotted(loc), msg, lines.line(loc)))

    for section, ids in (
        ("places", [p.id for p in it.places]),
        ("actors", [a.id for a in it.actors]),
        ("events", [e.id for e in it.events]),
    ):
        seen = Counter(ids)
        for index, ident in enumerate(ids):
            if seen[ident] > 1:
                add((section, index, "id"), f"duplicate id {ident!r}")

    place_ids = {p.id for p in it.places}
    actor_ids = {a.id for a in it.actors}
    if it.trip.visitor not in actor_ids:
        add(("trip", "visitor"), f"unknown actor {it.trip.visitor!r}")

    for i, event in enumerate(it.events):
        if event.place not in place_ids:
            add(("events", i, "place"), f"unknown place {event.place!r}")
        for j, part in enumerate(event.actors):
            if part.actor not in actor_ids:
                add(("events", i, "actors", j, "actor"), f"unknown actor {part.actor!r}")
        expected = it.trip.start_date + timedelta(days=event.day - 1)
        if event.date != expected:
            add(
                ("events", i, "date"),
                f"date {event.date} does not match day {event.day} "
                f"(the trip starts {it.trip.start_date}, so day {event.day} is {expected})",
            )
        problems += _quote_problems(event.quote, article, ("events", i, "quote"), name, lines)

    for i, partner in enumerate(it.partners):
        for j, quote in enumerate(partner.quotes):
            problems += _quote_problems(quote, article, ("partners", i, "quotes", j), name, lines)
    for i, actor in enumerate(it.actors):
        if actor.quote is not None:
            problems += _quote_problems(actor.quote, article, ("actors", i, "quote"), name, lines)
    return problems


def _quote_problems(
    quote: Quote, article: str, loc: Path, name: str, lines: LineIndex
) -> list[Problem]:
    found = article[quote.start : quote.end]
    if found == quote.text:
        return []
    hint = article.find(quote.text)
    where = f"; the text occurs at {hint}-{hint + len(quote.text)}" if hint >= 0 else ""
    msg = f"quote is not at offsets {quote.start}-{quote.end} of the article{where}"
    return [Problem(name, dotted((*loc, "start")), msg, lines.line(loc))]
