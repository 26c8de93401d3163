"""The event records' fast check judges events exactly as the pydantic models do.

The fast path (mapapp.itinerary.records, fast_json) may hand an event on to the
models, never accept what they refuse; what both accept holds the same values.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from fake_nominatim import ITINERARY, SEED
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mapapp.errors import InputError
from mapapp.itinerary import fast_json, records
from mapapp.itinerary.load import parse_itinerary
from mapapp.itinerary.models import Event, Itinerary, record_of
from mapapp.itinerary.records import EventRecord
from mapapp.itinerary.yaml_lines import load_with_lines

DATA = load_with_lines(ITINERARY.read_text(encoding="utf-8"))[0]  # dates kept as text
REVIEW = {"field": "place", "confidence": 0.5, "reason": "city-level"}
DISCREPANCY = {
    "field": "date",
    "article": "Tuesday",
    "sources": "Wednesday",
    "source_urls": ["https://example.org/a"],
}
#: A seed event with every optional field present (so every field is tried).
FULL = {
    **DATA["events"][1],
    "time": "18:10",
    "time_precision": "minute",
    "time_label": "evening",
    "review": [REVIEW],
    "discrepancies": [DISCREPANCY],
}
BAD_VALUES: list[Any] = [
    True, 1.0, "1", 0, -1, 36_526, 1.5, None, "", "x\n", "Bad Id", "2023-02-30", "1899-12-31",
    "2025-04-08T00:00", "25:00", "18:10\n", "ftp://example.org/", "https://", [], ["a", 1], {},
    "a" * 81, 1090, 2**70,
]  # fmt: skip


def _models_accept(event: Any) -> EventRecord | None:
    try:
        return record_of(Event.model_validate(event))
    except (ValidationError, msgspec.ValidationError):
        return None


def _fast_accepts(event: Any) -> EventRecord | None:
    """The JSON path: bytes decoded straight into records, then finished."""
    try:
        (record,) = msgspec.json.decode(json.dumps([event]).encode(), type=list[EventRecord])
    except msgspec.ValidationError:
        return None
    return record if records.finish([record]) else None


def _agree(event: Any) -> None:
    fast, careful = _fast_accepts(event), _models_accept(event)
    assert fast is None or careful is not None, event  # never laxer
    if fast is not None and careful is not None:
        assert _values(fast) == _values(careful), event
    converted = records.convert([event])  # the YAML path: plain data converted
    assert converted is None or careful is not None, event
    if converted is not None and careful is not None:
        assert _values(converted[0]) == _values(careful), event


def _values(record: EventRecord) -> dict[str, Any]:
    """What a reader of the record sees (defaults filled in)."""
    return {
        "plain": msgspec.to_builtins(record),
        "defaults": (record.time, record.time_precision, record.time_label),
        "sources": [(s.url, s.title, s.supports) for s in record.sources],
        "more": (msgspec.to_builtins(record.discrepancies), msgspec.to_builtins(record.review)),
    }


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*path, index))
    return out


def _with(event: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(event)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def test_the_full_event_passes_both_with_the_same_values() -> None:
    assert _fast_accepts(FULL) is not None
    _agree(FULL)


@pytest.mark.parametrize("path", _paths(FULL), ids=str)
def test_every_field_and_bad_value_gets_the_same_verdict(path: tuple[Any, ...]) -> None:
    for value in BAD_VALUES:
        _agree(_with(FULL, path, value))
    parent, last = path[:-1], path[-1]
    if isinstance(last, str):
        missing = copy.deepcopy(FULL)
        target = missing
        for key in parent:
            target = target[key]
        del target[last]
        _agree(missing)
        _agree(_with(FULL, (*parent, "unknown_field"), "x"))


_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
_JSONISH = st.recursive(
    _SCALARS | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(path=st.sampled_from(_paths(FULL)), value=_JSONISH)
def test_any_value_anywhere_gets_the_same_verdict(path: tuple[Any, ...], value: Any) -> None:
    _agree(_with(FULL, path, value))


def test_urls_are_held_as_the_models_write_them() -> None:
    bare = _with(FULL, ("sources", 0, "url"), "https://Example.org")
    bare = _with(bare, ("discrepancies", 0, "source_urls"), ["http://example.org"])
    fast = _fast_accepts(bare)
    assert fast is not None
    assert fast.sources[0].url == "https://example.org/"
    assert fast.discrepancies[0].source_urls == ["http://example.org/"]
    _agree(bare)


def _document(**events_extra: Any) -> dict[str, Any]:
    data = copy.deepcopy(DATA)
    data["trip"]["article"] = {"text": SEED.read_text(encoding="utf-8")}
    data["events"][0].update(events_extra)
    return data


@pytest.mark.parametrize("per_encode", [1, 2, fast_json.EVENTS_PER_ENCODE])
def test_a_duplicate_key_anywhere_sends_the_file_to_the_careful_path(
    per_encode: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also when the events are encoded again a slice at a time (a large file)."""
    monkeypatch.setattr(fast_json, "EVENTS_PER_ENCODE", per_encode)
    data = _document()
    data["events"][-1]["title"] = "The last event"
    text = json.dumps(data)
    assert fast_json.sections(text.encode()) is not None
    in_event = text.replace('"day": 1,', '"day": 1, "day": 1,', 1)
    in_last = text.replace('"title": "The last event"', '"title": "x", "title": "The last event"')
    in_trip = text.replace('"visitor":', '"visitor": "x", "visitor":', 1)
    for duplicated in (in_event, in_last, in_trip):
        assert duplicated != text
        assert fast_json.sections(duplicated.encode()) is None
        with pytest.raises(InputError, match="duplicate key"):
            parse_itinerary(duplicated.encode(), "it.json", base_dir=Path("."))


def test_what_only_the_models_accept_still_loads_as_records() -> None:
    """Lax values the mirror sends on ("day": "1") load through the models, as before."""
    raw = json.dumps(_document(day="1")).encode()
    assert fast_json.sections(raw) is None
    loaded = parse_itinerary(raw, "it.json", base_dir=Path("."))
    assert all(isinstance(e, EventRecord) for e in loaded.itinerary.events)
    assert loaded.itinerary.events[0].day == 1


def test_fast_and_careful_loads_give_equal_itineraries() -> None:
    data = _document()
    raw = json.dumps(data).encode()
    fast = parse_itinerary(raw, "it.json", base_dir=Path(".")).itinerary
    careful = Itinerary.model_validate(data)
    assert [_values(e) for e in fast.events] == [_values(e) for e in careful.events]
    assert fast.model_dump(exclude={"events"}) == careful.model_dump(exclude={"events"})
    from_yaml = parse_itinerary(
        yaml.safe_dump(data).encode(), "it.yaml", base_dir=Path(".")
    ).itinerary
    assert [_values(e) for e in from_yaml.events] == [_values(e) for e in careful.events]


@pytest.mark.parametrize("form", ["json", "yaml"])
def test_repeated_values_are_one_object_after_a_load(form: str) -> None:
    """Events that repeat an actor's part, a place, a title, a day, a time or a source's
    title and note share one object for it (memory at scale), with the same values."""
    data = _document()
    first = data["events"][0]
    first.update(time="10:00", time_precision="minute")
    first["sources"] = [{"url": "https://example.org/1", "title": "T", "supports": "venue"}]
    twin = copy.deepcopy(first)
    twin["id"] = "twin"
    twin["sources"][0]["url"] = "https://example.org/2"
    data["events"].insert(1, twin)
    text = json.dumps(data) if form == "json" else yaml.safe_dump(data)
    events = parse_itinerary(text.encode(), f"it.{form}", base_dir=Path(".")).itinerary.events
    a, b = events[0], events[1]
    assert (a.id, b.id) == (first["id"], "twin")
    assert a.actors == b.actors and all(x is y for x, y in zip(a.actors, b.actors, strict=True))
    for name in ("place", "title", "date", "time"):
        assert getattr(a, name) is getattr(b, name), name
    assert a.sources[0].title is b.sources[0].title
    assert a.sources[0].supports is b.sources[0].supports
    assert a.sources[0].url != b.sources[0].url
    assert a.actors is not b.actors  # each event keeps its own list
