"""Property tests of the input boundary: whatever the bytes, success or the project's own error.

Hypothesis feeds the itinerary loader and the GeoJSON reader arbitrary bytes and
small structured mutations of the real files. Any other exception (a KeyError,
a RecursionError, a MemoryError) fails the test, as does a process whose peak
memory grows past MEMORY_BOUND_MB or an example slower than the deadline (a
generous bound against blow-ups such as alias bombs, not a benchmark).
"""

from __future__ import annotations

import json
import os
import resource
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fake_nominatim import ITINERARY, SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapapp.errors import InputError
from mapapp.itinerary.load import LoadedItinerary, parse_itinerary
from mapapp.itinerary.models import Article
from mapapp.store import geojson_io

MEMORY_BOUND_MB = 300
BOUNDS = settings(
    max_examples=int(os.environ.get("MAPAPP_HYPOTHESIS_EXAMPLES", "60")),
    deadline=timedelta(seconds=10),
    # CI replays a fixed set (a landing must not hinge on luck); elsewhere each run
    # explores new inputs, and MAPAPP_HYPOTHESIS_EXAMPLES asks for a longer search.
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
BASE_YAML = ITINERARY.read_text(encoding="utf-8")
BASE_GEOJSON = ITINERARY.with_suffix(".geojson").read_text(encoding="utf-8")
ARTICLE = SEED.read_bytes().decode("utf-8")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(autouse=True)
def memory_bound() -> Iterator[None]:
    before = _peak_mb()
    yield
    assert _peak_mb() - before < MEMORY_BOUND_MB


def _the_article(_: Article) -> str:
    return ARTICLE


def load(raw: bytes, name: str) -> LoadedItinerary | None:
    """The loader as an upload uses it; None when it refuses with an InputError."""
    try:
        return parse_itinerary(raw, name, base_dir=Path("."), find_article=_the_article)
    except InputError as exc:
        assert exc.problems and all(p.file == name and p.message for p in exc.problems)
        return None


def read_geojson(raw: bytes) -> dict[str, Any] | None:
    try:
        return geojson_io.loads(raw, "fuzz.geojson")
    except InputError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return None


def test_the_bases_load() -> None:
    """The control: unmutated, both files are accepted."""
    assert load(BASE_YAML.encode("utf-8"), "itinerary.yaml") is not None
    assert read_geojson(BASE_GEOJSON.encode("utf-8")) is not None


@BOUNDS
@given(st.binary(max_size=4096), st.sampled_from(["fuzz.yaml", "fuzz.json"]))
def test_arbitrary_bytes_never_escape_as_another_error(raw: bytes, name: str) -> None:
    load(raw, name)


YAML_SNIPPETS = st.sampled_from(
    [
        "&a [*a]",
        "*tokyo",
        "!!python/object:os.system x",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        "2023-02-30",
        "99999999999999999999999",
        ".nan",
        "'18:10'",
        "null",
        "~",
        "{a: 1, a: 2}",
        "\t",
        "\x00",
        "-1",
        "XX",
    ]
)


@st.composite
def mutated_yaml(draw: st.DrawFn) -> str:
    lines = BASE_YAML.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "value", "truncate", "swap"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "value" and ": " in lines[index]:
            key = lines[index].split(": ", 1)[0]
            lines[index] = f"{key}: {draw(YAML_SNIPPETS)}\n"
        elif action == "truncate":
            lines = lines[: index + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        if not lines:
            break
    return "".join(lines)


@BOUNDS
@given(mutated_yaml())
def test_mutated_itineraries_load_or_are_refused(text: str) -> None:
    load(text.encode("utf-8"), "itinerary.yaml")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


@st.composite
def mutated_geojson(draw: st.DrawFn) -> bytes:
    data = json.loads(BASE_GEOJSON)
    paths = [p for p in _paths(data) if p]
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(paths))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            parent[path[-1]] = draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced this path
    return json.dumps(data, allow_nan=True).encode("utf-8")


@BOUNDS
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_as_geojson(raw: bytes) -> None:
    read_geojson(raw)


@BOUNDS
@given(mutated_geojson())
def test_mutated_geojson_is_read_or_refused(raw: bytes) -> None:
    read_geojson(raw)


COLLECTION = json.loads(BASE_GEOJSON)


@BOUNDS
@given(
    st.dictionaries(
        st.sampled_from(["day", "actor", "type", "other"]),
        st.lists(st.text(max_size=30) | st.from_regex(r"\d{5,6000}", fullmatch=True), max_size=30),
    )
)
def test_any_link_opens_with_notices(params: dict[str, list[str]]) -> None:
    """URL parameters are untrusted too: unknown values are ignored, never raised."""
    from mapapp.app.logic import parse_query
    from mapapp.export.filters import available

    parsed = parse_query(params, available(COLLECTION))
    assert len(parsed.ignored) <= 10
    assert all(len(value) <= 80 for value in parsed.ignored)
    assert set(parsed.filters.days) <= {1, 2}
