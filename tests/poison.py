"""Poison for every text the data can carry, found by walking the schema.

Not a hand-kept list of fields: `poison_itinerary` walks the itinerary's pydantic
models and `poison_collection` each GeoJSON kind's properties model, so a field
added to either is poisoned the day it is added (and a model the seed does not
reach fails `assert_every_text_field_reached`). Overlay keys and values, file
names and link parameters get the same payload from the tests that use them.

The payload mixes HTML, Jinja (an expression and a statement), a javascript: URL
and a JS template literal. Evaluated as Jinja, `{{ 7*191 }}` gives 1337, and the
`{% for %}` loop prints 1337 without its delimiters: `assert_inert` removes every
intact copy of the payload from a page, then no 1337 may be left.
"""

from __future__ import annotations

import html
import json
import re
import types
from collections.abc import Iterator
from copy import deepcopy
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AnyHttpUrl, BaseModel, ValidationError

from mapapp.itinerary.models import RECORD_MODELS, Itinerary
from mapapp.mapview.elements import inert_json
from mapapp.presentation import escape
from mapapp.store.schema import METADATA_MEMBER, PROPS_BY_KIND

PAYLOAD = (
    "<img src=x onerror=window.__xss=1>{{ 7*191 }}"
    "{% for x in (1,) %}1337{% endfor %}javascript:alert(1)`${window.__xss=1}`"
)
#: Reaches Python's os module if a template ever evaluates it (a folder appears).
OS_PAYLOAD = "{{ cycler.__init__.__globals__.os.mkdir('pwned') }}"
#: A URL that passes http(s) validation and still carries the payload's delimiters.
URL_PAYLOAD = "https://example.org/{{7*191}}?q=%3Cimg%20src%3Dx%3E&x=`${1}`"
#: Evaluated Jinja prints this; the payload's own copy is removed before looking.
EVALUATED = "1337"

Path = tuple[str | int, ...]


def _unwrap(annotation: Any) -> list[Any]:
    """The non-None members of an Optional/Union annotation."""
    if get_origin(annotation) in (Union, types.UnionType):
        return [a for a in get_args(annotation) if a is not type(None)]
    return [annotation]


def field_kind(annotation: Any) -> tuple[str, Any]:
    """('text' | 'texts' | 'url' | 'urls' | 'model' | 'models' | 'other', model)."""
    for member in _unwrap(annotation):
        origin = get_origin(member)
        if member is str:
            return "text", None
        if member is AnyHttpUrl:
            return "url", None
        if isinstance(member, type) and issubclass(member, BaseModel):
            return "model", member
        if origin is list:
            (item,) = get_args(member)
            if get_origin(item) is Annotated:  # a record held in memory, checked by a model
                item = RECORD_MODELS.get(get_args(item)[0], item)
            if item is str:
                return "texts", None
            if item is AnyHttpUrl:
                return "urls", None
            if isinstance(item, type) and issubclass(item, BaseModel):
                return "models", item
    return "other", None


def text_fields(model: type[BaseModel]) -> set[tuple[str, str]]:
    """Every (model, field) holding text or URLs, in `model` and the models it holds."""
    out: set[tuple[str, str]] = set()
    seen: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for name, info in current.model_fields.items():
            kind, sub = field_kind(info.annotation)
            if kind in ("text", "texts", "url", "urls"):
                out.add((current.__name__, name))
            elif sub is not None:
                todo.append(sub)
    return out


def _walk(
    model: type[BaseModel], data: dict[str, Any], path: Path
) -> Iterator[tuple[type[BaseModel], str, str, Path]]:
    """(model, field, kind, path) of every text or URL field present in `data`."""
    for name, info in model.model_fields.items():
        kind, sub = field_kind(info.annotation)
        if name not in data:
            continue
        value = data[name]
        if kind in ("text", "texts", "url", "urls"):
            yield model, name, kind, (*path, name)
        elif kind == "model" and isinstance(value, dict):
            yield from _walk(sub, value, (*path, name))
        elif kind == "models" and isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    yield from _walk(sub, item, (*path, name, i))


def _get(data: Any, path: Path) -> Any:
    for key in path:
        data = data[key]
    return data


def _set(data: Any, path: Path, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _poisoned(kind: str, old: Any, payload: str) -> Any:
    one = URL_PAYLOAD if kind in ("url", "urls") else payload
    if kind in ("texts", "urls"):
        return [one] * max(1, len(old or []))
    return one


def _is_quote(model: type[BaseModel], name: str) -> bool:
    return model.__name__ == "Quote" and name == "text"


def with_every_model(data: dict[str, Any]) -> dict[str, Any]:
    """The seed plus what it leaves out: a draft's review mark on its first place
    and event, so the walk reaches the Review model's text too."""
    mark = {"field": "place", "confidence": 0.5, "reason": "city-level"}
    for section in ("places", "events"):
        data[section][0].setdefault("review", [dict(mark)])
    return data


class PoisonedItinerary:
    """An itinerary with the payload in every text field its models accept there.

    `accepted`: the (model, field, path) that now hold the payload; `refused`: the
    fields whose validation refuses it (identifiers, country codes, times...), each
    checked on its own. Quotes point at a copy of the payload added to the article.
    """

    def __init__(self, data: dict[str, Any], article: str, payload: str = PAYLOAD) -> None:
        self.payload = payload
        data = with_every_model(deepcopy(data))
        start = len(article) + 1
        self.article = f"{article}\n{payload}\n"
        # The article travels embedded: its path field is free text then.
        data["trip"]["article"]["text"] = self.article
        self.accepted: list[tuple[str, str, Path]] = []
        self.refused: list[tuple[str, str, Path]] = []
        fields = list(_walk(Itinerary, data, ()))
        for model, name, kind, path in fields:
            trial = deepcopy(data)
            if _is_quote(model, name):
                _set(trial, path, payload)
                _set(trial, (*path[:-1], "start"), start)
                _set(trial, (*path[:-1], "end"), start + len(payload))
            elif path == ("trip", "article", "text"):
                continue  # the article itself: it holds the payload already
            else:
                _set(trial, path, _poisoned(kind, _get(data, path), payload))
            try:
                Itinerary.model_validate(trial)
            except ValidationError:
                self.refused.append((model.__name__, name, path))
                continue
            data = trial
            self.accepted.append((model.__name__, name, path))
        self.data = data

    def reached(self) -> set[tuple[str, str]]:
        return {(m, f) for m, f, _ in [*self.accepted, *self.refused]} | {("Article", "text")}


def assert_every_text_field_reached(poisoned: PoisonedItinerary) -> None:
    """A model the seed does not use would hide its new fields: fail instead."""
    missing = text_fields(Itinerary) - poisoned.reached()
    assert not missing, f"the poison never reached {sorted(missing)}: give the seed one"


def poison_collection(collection: dict[str, Any], payload: str = PAYLOAD) -> dict[str, Any]:
    """The collection with the payload in every text property of every kind (from
    the kinds' properties models) and in its metadata's text."""
    out = deepcopy(collection)
    for feature in out["features"]:
        props = feature["properties"]
        model = PROPS_BY_KIND[props["kind"]]
        for name, info in model.model_fields.items():
            kind, _ = field_kind(info.annotation)
            if name == "kind" or kind not in ("text", "texts"):
                continue
            props[name] = _poisoned(kind, props.get(name), payload)
        if "event_id" in props:
            feature["id"] = props["event_id"] = f"{payload}{props['seq']}"
    meta = out.get(METADATA_MEMBER) or {}
    for key, value in list(meta.items()):
        if isinstance(value, str) and key not in ("timezone", "start_date"):
            meta[key] = payload
    return out


def poisoned_kinds_fields() -> set[tuple[str, str]]:
    """Every (kind, field) `poison_collection` fills."""
    return {
        (kind, name)
        for kind, model in PROPS_BY_KIND.items()
        for name, info in model.model_fields.items()
        if name != "kind" and field_kind(info.annotation)[0] in ("text", "texts")
    }


# --- reading a page -----------------------------------------------------------------------

_PACKS = re.compile(r'<script type="application/json" id="mv-basemap-[^"]*">.*?</script>', re.S)
_PAYLOADS = re.compile(r"/\*MV_(\w+)_BEGIN\*/(.*?)/\*MV_\1_END\*/", re.S)


def encodings(payload: str) -> list[str]:
    """The forms an intact payload takes in a page: as is, HTML-escaped (mapapp's
    escaper and the standard one), as inert JSON, as plain JSON."""
    return sorted(
        {
            payload,
            escape.html(payload),
            html.escape(payload),
            html.escape(payload, quote=False),
            inert_json(payload)[1:-1],
            json.dumps(payload)[1:-1],
            json.dumps(payload, ensure_ascii=False)[1:-1],
        },
        key=len,
        reverse=True,
    )


#: folium's random element ids (32 hex digits) may hold 1337 by chance.
_IDS = re.compile(r"[0-9a-f]{32}")


def without_payload(page: str, payload: str = PAYLOAD) -> str:
    """The page without the basemap's packs (numbers), folium's random ids and every
    intact copy of the payload."""
    page = _IDS.sub("", _PACKS.sub("", page))
    for form in encodings(payload):
        page = page.replace(form, "")
    return page


def page_strings(page: str) -> list[str]:
    """Every string inside the page's layer payloads, decoded."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                found.append(k)
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for match in _PAYLOADS.finditer(page):
        walk(json.loads(match.group(2)))
    return found


#: 1337 that is not the payload's own loop body (right after its `%}`, in any encoding):
#: a truncated copy of the payload (a notice cuts long values) keeps its `%}` too.
_RAN = re.compile(r"(?<!\})(?<!#125;)(?<!#x7d;)(?<!u007d)(?<!u007D)" + EVALUATED)


def ran(text: str) -> str | None:
    """The context of the first evaluated-template mark in `text`, or None."""
    text = _IDS.sub("", _PACKS.sub("", text))
    match = _RAN.search(text)
    return None if match is None else text[max(0, match.start() - 200) : match.end() + 100]


def assert_inert(page: str, payload: str = PAYLOAD) -> None:
    """Nothing of the payload ran: no evaluated Jinja, no live HTML; and it is there."""
    rest = without_payload(page, payload)
    assert EVALUATED not in rest, rest[max(0, rest.find(EVALUATED) - 300) :][:600]
    assert ran(page) is None, ran(page)
    assert "<img src=x" not in page and "onerror=window.__xss=1>" not in rest
    assert "{{" not in rest.split("jQuery v3.7.1")[-1] or "{{ 7*191 }}" not in rest
