"""A JSON itinerary decoded and checked in one pass: events straight into records.

msgspec decodes the bytes once: the events into checked EventRecords (no dict
per event, no model per event), the small sections (trip, places, actors,
partners, hq) as raw slices that the safe JSON parser and the models then read.
Duplicate keys are found as mapapp.safe_json finds them: encoding what was
decoded gives back every key and string, so the quotes count the same unless a
duplicate key dropped one.

Anything this path does not accept, it hands back (None): the loader then
reads the file the careful way, which names the problem, its field and line.
"""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import UNSET, Raw, UnsetType

from mapapp import safe_json
from mapapp.itinerary import records
from mapapp.itinerary.records import EventRecord


class _Document(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """The top level; a missing section is the models' to report."""

    trip: Raw | UnsetType = UNSET
    places: Raw | UnsetType = UNSET
    actors: Raw | UnsetType = UNSET
    events: list[EventRecord] | UnsetType = UNSET
    partners: Raw | UnsetType = UNSET
    hq: Raw | UnsetType = UNSET


_DECODE = msgspec.json.Decoder(_Document).decode
_ENCODE = msgspec.json.Encoder().encode


EVENTS_PER_ENCODE = 10_000


def _encoded_quotes(document: _Document) -> int:
    """The quotes of the document's encoding, its events encoded a slice at a time: the
    count of a list's encoding is the sum of its items' (brackets and commas hold none),
    and the whole re-encoded at once would be a second copy of the file (0.8 GB at a
    million events)."""
    events = document.events
    if events is UNSET or len(events) <= EVENTS_PER_ENCODE:
        return safe_json.quotes(_ENCODE(document))
    rest = msgspec.structs.replace(document, events=[])
    return safe_json.quotes(_ENCODE(rest)) + sum(
        safe_json.quotes(_ENCODE(events[start : start + EVENTS_PER_ENCODE]))
        for start in range(0, len(events), EVENTS_PER_ENCODE)
    )


def sections(raw: bytes, texts: dict[str, bytes] | None = None) -> dict[str, Any] | None:
    """The itinerary's sections (events as checked records, the rest as plain data for
    the models), or None when the careful path must decide. raw has no BOM.

    texts, when given, receives the JSON text of each small section (its slice of raw).
    """
    written = safe_json.quotes(raw)  # counted first: nothing else is held yet
    try:
        with records.sharing_repeats():
            document = _DECODE(raw)
    except (msgspec.DecodeError, RecursionError):  # msgspec.ValidationError included
        return None
    if _encoded_quotes(document) != written:
        return None  # a duplicate key: the careful parse names it
    out: dict[str, Any] = {}
    for name in document.__struct_fields__:
        value = getattr(document, name)
        if value is UNSET:
            continue
        if isinstance(value, Raw):
            text = bytes(value)
            accepted, value = safe_json.fast_loads(text)
            if not accepted:
                return None
            if texts is not None:
                texts[name] = text
        elif not records.finish(value):
            return None
        out[name] = value
    return out
