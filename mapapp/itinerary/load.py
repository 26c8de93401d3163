"""Load and cross-check an itinerary file; every problem names file, field and line."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path as FsPath
from typing import Any

import yaml
from pydantic import ValidationError

from mapapp import safe_json
from mapapp.errors import InputError, Problem
from mapapp.gc_pause import gc_paused
from mapapp.itinerary import fast_json, records
from mapapp.itinerary.models import Article, Itinerary, Quote
from mapapp.itinerary.records import QuoteRecord
from mapapp.itinerary.yaml_lines import LineIndex, Path, dotted, load_with_lines
from mapapp.safe_files import (
    MAX_ARTICLE_BYTES,
    MAX_UPLOAD_BYTES,
    check_size,
    confined,
    decode_utf8,
    max_file_bytes,
    read_regular,
)

MAX_BYTES = MAX_UPLOAD_BYTES
# About 4,000 events (real itineraries spend ~16 bytes a value) and ~120 MB to parse.
MAX_UPLOAD_VALUES = 250_000
PROJECT_MARKERS = (".git", "pyproject.toml")
ARTICLE: Path = ("trip", "article", "path")


@dataclass(frozen=True)
class LoadedItinerary:
    """A validated itinerary with the article text its quotes point into."""

    itinerary: Itinerary
    article_text: str
    path: FsPath
    lines: LineIndex  # after a JSON load, of the places only (see _validated)

    def line(self, path: Path) -> int | None:
        return self.lines.line(path)


def project_root(itinerary: FsPath) -> FsPath:
    """The folder an itinerary's paths must stay in, unless the user names another.

    The nearest folder above it holding .git or pyproject.toml; failing that, the
    folder above the itinerary's own (so data/ and seeds/ side by side work).
    """
    folder = itinerary.resolve().parent
    for candidate in (folder, *folder.parents):
        if any((candidate / marker).exists() for marker in PROJECT_MARKERS):
            return candidate
    return folder.parent


def load_itinerary(
    path: FsPath, article_text: str | None = None, root: FsPath | None = None
) -> LoadedItinerary:
    """Read, parse, validate and cross-check; raise InputError listing every problem.

    The article it names must resolve (after symlinks) inside root: by default the
    project the itinerary belongs to (see project_root).
    """
    cap = max_file_bytes()
    raw = read_regular(path, cap)
    return parse_itinerary(
        raw,
        str(path),
        base_dir=path.parent,
        article_text=article_text,
        max_bytes=cap,
        root=root or project_root(path),
    )


def parse_itinerary(
    raw: bytes,
    name: str,
    base_dir: FsPath,
    article_text: str | None = None,
    max_bytes: int | None = MAX_BYTES,
    root: FsPath | None = None,
    find_article: Callable[[Article], str | None] | None = None,
) -> LoadedItinerary:
    """Validate itinerary bytes (YAML or JSON) from a file or an upload.

    The article comes from article_text, else from the itinerary's embedded
    trip.article.text, else from find_article (uploads: it never opens a file;
    None means not found), else from trip.article.path read inside root (by
    default the folder above base_dir).
    """
    if max_bytes is not None:
        check_size(raw, name, max_bytes)
    with gc_paused(freeze=True):  # millions of small objects, no cycles: mapapp.gc_pause
        itinerary, lines, places_text = _validated(raw, name, max_bytes)
    if article_text is None:
        article_text = itinerary.trip.article.text
    if article_text is None and find_article is not None:
        article_text = find_article(itinerary.trip.article)
        if article_text is None:
            raise InputError([_unreadable_upload_article(itinerary, name, lines)])
    if article_text is None:
        article_text = _read_article(itinerary, base_dir, root, name, lines)
    problems = cross_check(itinerary, article_text, name, lines)
    if problems:
        raise InputError(problems)
    # Not the whole file (its bytes) for the rest of the run: the places' lines only.
    after_load = lines if places_text is None else lines.section("places", places_text)
    return LoadedItinerary(itinerary, article_text, base_dir / FsPath(name).name, after_load)


def _validated(
    raw: bytes, name: str, max_bytes: int | None
) -> tuple[Itinerary, LineIndex, bytes | None]:
    """Parse and check every field (not yet the cross-references).

    The fast paths (events decoded or converted straight into checked records:
    mapapp.itinerary.records) accept valid input; anything else is read again the
    careful way, whose messages name the problem, its field and line. The third
    item is the JSON text of the places, when the fast JSON path read them: once the
    load has passed, the lines of the places are all that is asked for (geocoding).
    """
    # Uploads (size-capped) are also capped in values; a user's own file is not.
    max_nodes = MAX_UPLOAD_VALUES if max_bytes == MAX_BYTES else None
    if name.endswith(".json") and not raw.startswith(b"\xef\xbb\xbf"):
        texts: dict[str, bytes] = {}
        fast = _accepted(fast_json.sections(raw, texts))  # msgspec read it: it is UTF-8
        if fast is not None:
            return fast, LineIndex(raw, max_nodes), texts.get("places")
    text = decode_utf8(raw, name)
    data, lines = _parse(raw, text, name, max_nodes)
    if isinstance(data, dict) and not name.endswith(".json"):
        events = records.convert(data.get("events"))
        fast = _accepted({**data, "events": events} if events is not None else None)
        if fast is not None:
            return fast, lines, None
    if not isinstance(data, dict):
        _depth_first(text, name)
        kind = "empty" if data is None else f"a {type(data).__name__}"
        msg = f"the top level must be a mapping (trip:, places:, ...); this file is {kind}"
        raise InputError([Problem(name, "", msg, 1)])
    try:
        return Itinerary.model_validate(data), lines, None
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
    # The data is freed before the depth check parses the text again: never two copies
    # (325 MB each at 100,000 events). Neither the error nor its context is kept: a
    # validator's exception holds its frames, and through them the data.
    del data
    _depth_first(text, name)
    lines.prefetch(tuple(err["loc"]) for err in errors)  # one pass for every line
    raise InputError([_pydantic_problem(name, err, lines) for err in errors])


def _accepted(sections: dict[str, Any] | None) -> Itinerary | None:
    """The itinerary, when the models accept the sections (events already records)."""
    if sections is None:
        return None
    try:
        return Itinerary.model_validate(sections)
    except ValidationError:
        return None  # the careful path reads the file again and words every problem


def _depth_first(text: str, name: str) -> None:
    """JSON that fails the schema: too deep a nesting is reported first, as it always was
    (the fast parse leaves the depth to the schema, which no valid file exceeds)."""
    if name.endswith(".json"):
        safe_json.loads(text, name)


def _parse(raw: bytes, text: str, name: str, max_nodes: int | None) -> tuple[Any, LineIndex]:
    if name.endswith(".json"):
        same_bytes = raw if not raw.startswith(b"\xef\xbb\xbf") else None  # no BOM
        data = safe_json.loads(text, name, raw=same_bytes, schema_bounds_depth=True)
        return data, LineIndex(text, max_nodes)
    try:
        return load_with_lines(text, max_nodes)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        what = getattr(exc, "problem", None) or str(exc)
        if isinstance(exc, yaml.reader.ReaderError):  # a control character: no mark, a position
            line = text.count("\n", 0, exc.position) + 1
            what = f"character {exc.character!r} is not allowed ({exc.reason})"
        raise InputError([Problem(name, "", f"invalid YAML: {what}", line)]) from exc
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # A scalar YAML resolves but Python cannot build (an integer of 5,000 digits).
        what = "a number has more than 4,300 digits" if "digits" in str(exc) else str(exc)
        raise InputError([Problem(name, "", f"invalid YAML value: {what}")]) from exc


def _pydantic_problem(name: str, err: Any, lines: LineIndex) -> Problem:
    loc: Path = tuple(err["loc"])
    message = str(err["msg"]).removeprefix("Value error, ")
    return Problem(name, dotted(loc), message, lines.line(loc))


def _unreadable_upload_article(it: Itinerary, name: str, lines: LineIndex) -> Problem:
    wanted = FsPath(it.trip.article.path or "article.txt").name
    msg = (
        f"an uploaded itinerary cannot read files on the server; upload its article "
        f"({wanted}) together with it, or embed the text as trip.article.text"
    )
    return Problem(name, dotted(ARTICLE), msg, lines.line(ARTICLE))


def _read_article(
    it: Itinerary, base_dir: FsPath, root: FsPath | None, name: str, lines: LineIndex
) -> str:
    relative = it.trip.article.path
    assert relative is not None  # the model requires path or text
    where = Problem(name, dotted(ARTICLE), "", lines.line(ARTICLE))
    article = confined(base_dir, relative, root or base_dir.resolve().parent, where)
    raw = read_regular(article, MAX_ARTICLE_BYTES, where, what="the article")
    try:
        # Kept exactly as stored (BOM, CR LF), so offsets count what is on disk.
        return decode_utf8(raw, f"the article {article}", keep_bom=True)
    except InputError as exc:
        msg = exc.problems[0].message.replace("not UTF-8", f"the article {article} is not UTF-8")
        raise InputError([Problem(name, where.field, msg, where.line)]) from exc


def cross_check(it: Itinerary, article: str, name: str, lines: LineIndex) -> list[Problem]:
    """The checks no single field can make: references, offsets, dates."""
    found: list[tuple[Path, str, str]] = []  # the line's path, the field, the message

    def add(loc: Path, msg: str) -> None:
        found.append((loc, dotted(loc), msg))

    for section, ids in (
        ("places", [p.id for p in it.places]),
        ("actors", [a.id for a in it.actors]),
        ("events", [e.id for e in it.events]),
    ):
        if len(set(ids)) == len(ids):  # the common case: no count per id (a million)
            continue
        seen = Counter(ids)
        for index, ident in enumerate(ids):
            if seen[ident] > 1:
                add((section, index, "id"), f"duplicate id {ident!r}")

    place_ids = {p.id for p in it.places}
    actor_ids = {a.id for a in it.actors}
    if it.trip.visitor not in actor_ids:
        add(("trip", "visitor"), f"unknown actor {it.trip.visitor!r}")

    day_dates: dict[int, date] = {}  # a day's date, worked out once per day
    for i, event in enumerate(it.events):
        if event.place not in place_ids:
            add(("events", i, "place"), f"unknown place {event.place!r}")
        for j, part in enumerate(event.actors):
            if part.actor not in actor_ids:
                add(("events", i, "actors", j, "actor"), f"unknown actor {part.actor!r}")
        expected = day_dates.get(event.day)
        if expected is None:
            try:
                expected = day_dates[event.day] = it.trip.start_date + timedelta(event.day - 1)
            except OverflowError:
                add(("events", i, "day"), f"day {event.day} is past the end of the calendar")
                continue
        if event.date != expected:
            add(
                ("events", i, "date"),
                f"date {event.date} does not match day {event.day} "
                f"(the trip starts {it.trip.start_date}, so day {event.day} is {expected})",
            )
        said = event.quote
        if article[said.start : said.end] != said.text:  # the common case costs no call
            found += _quote_problems(said, article, ("events", i, "quote"))

    for i, partner in enumerate(it.partners):
        for j, quote in enumerate(partner.quotes):
            found += _quote_problems(quote, article, ("partners", i, "quotes", j))
    for i, actor in enumerate(it.actors):
        if actor.quote is not None:
            found += _quote_problems(actor.quote, article, ("actors", i, "quote"))
    lines.prefetch(loc for loc, _, _ in found)  # one pass for every line
    return [Problem(name, field, msg, lines.line(loc)) for loc, field, msg in found]


def _quote_problems(
    quote: Quote | QuoteRecord, article: str, loc: Path
) -> list[tuple[Path, str, str]]:
    """A quote not at its offsets: (the quote's path, for the line; the field; the message)."""
    found = article[quote.start : quote.end]
    if found == quote.text:
        return []
    hint = article.find(quote.text)
    where = f"; the text occurs at {hint}-{hint + len(quote.text)}" if hint >= 0 else ""
    msg = f"quote is not at offsets {quote.start}-{quote.end} of the article{where}"
    return [(loc, dotted((*loc, "start")), msg)]
