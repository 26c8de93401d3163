"""Nothing a user sends ever runs in the map: the poison test, generated from the schema.

Every text field of the itinerary models and of each GeoJSON kind (see
tests/poison.py), an upload's property keys, values and file name: each holds
HTML, Jinja, a javascript: URL and a JS template literal. The folium map and the
standalone HTML must show the text (in the layers' inert JSON) and evaluate none
of it: no 1337 from `{{ 7*191 }}`, no live <img>, no folder made through `os`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ITINERARY, SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from poison import (
    EVALUATED,
    OS_PAYLOAD,
    PAYLOAD,
    PoisonedItinerary,
    assert_every_text_field_reached,
    assert_inert,
    page_strings,
    poison_collection,
    poisoned_kinds_fields,
    without_payload,
)

from mapapp.mapview.render import build_map, make_ids_deterministic, render_html
from mapapp.pipeline import build
from mapapp.store import geojson_io
from mapapp.store.overlay import Overlay, overlay_from
from mapapp.store.schema import METADATA_MEMBER, PROPS_BY_KIND


def _trip(collection: dict[str, Any]) -> dict[str, Any]:
    meta = collection.get(METADATA_MEMBER) or {}
    return {
        "title": meta.get("trip"),
        "article_title": meta.get("article_title"),
        "article_url": meta.get("article_url"),
        "outlet": meta.get("article_outlet"),
    }


@pytest.fixture(scope="module")
def poisoned_itinerary() -> PoisonedItinerary:
    data = yaml.safe_load(ITINERARY.read_text(encoding="utf-8"))
    return PoisonedItinerary(data, SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def poisoned_build(
    poisoned_itinerary: PoisonedItinerary, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """The poisoned itinerary through the real loader and build (offline, its pins)."""
    work = tmp_path_factory.mktemp("poison")
    source = work / "poison.json"
    source.write_text(json.dumps(poisoned_itinerary.data, default=str), encoding="utf-8")
    cache = ITINERARY.parent / "geocode_cache.json"
    result = build(source, offline=True, cache=cache if cache.exists() else None, root=work)
    return geojson_io.read(result.path)


def test_the_poison_reaches_every_text_field_of_the_itinerary(
    poisoned_itinerary: PoisonedItinerary,
) -> None:
    assert_every_text_field_reached(poisoned_itinerary)
    # Free text takes the payload; only constrained fields refuse it.
    accepted = {(m, f) for m, f, _ in poisoned_itinerary.accepted}
    assert {
        ("Event", "title"),
        ("Place", "name"),
        ("Partner", "name"),
        ("Quote", "text"),
        ("Capital", "name"),
        ("Headquarters", "name"),
        ("Source", "url"),
    } <= accepted
    refused = {f for _, f, _ in poisoned_itinerary.refused}
    assert refused <= {
        "id",
        "place",
        "actor",
        "time",
        "country",
        "host_country",
        "timezone",
        "visitor",
    }, refused


def test_every_kinds_text_property_is_poisoned(built: dict[str, Any]) -> None:
    poisoned = poison_collection(built)
    fields = poisoned_kinds_fields()
    assert {kind for kind, _ in fields} == set(PROPS_BY_KIND)
    for feature in poisoned["features"]:
        props = feature["properties"]
        for kind, name in fields:
            if kind == props["kind"]:
                value = props[name]
                assert PAYLOAD in (value if isinstance(value, str) else value[0]), (kind, name)


@pytest.mark.parametrize("assets", ["inline", "streamlit"])
@pytest.mark.parametrize("view", ["selection", "region"])
def test_a_poisoned_itinerary_renders_inert(
    poisoned_build: dict[str, Any], assets: str, view: str
) -> None:
    page = render_html(
        poisoned_build, assets=assets, view=view, trip=_trip(poisoned_build), deterministic=True
    )  # type: ignore[arg-type]
    assert_inert(page)
    shown = page_strings(page)
    # The text is still there, unchanged, for the browser to set as text.
    assert sum(PAYLOAD in s for s in shown) >= 20


@pytest.mark.parametrize("basemap", ["offline", "osm"])
def test_every_text_property_of_every_kind_renders_inert(
    built: dict[str, Any], basemap: str
) -> None:
    poisoned = poison_collection(built)
    page = render_html(poisoned, basemap=basemap, trip=_trip(poisoned), deterministic=True)  # type: ignore[arg-type]
    assert_inert(page)
    shown = page_strings(page)
    for needle in ("Partners: " + PAYLOAD, "Links from " + PAYLOAD, f"{PAYLOAD} – {PAYLOAD}"):
        assert any(needle in s for s in shown), needle
    # The links' labels on the map and their row in the legend (tests/mapview/
    # test_browser_labels.py shows them in Chromium).
    links = json.loads(page.split("/*MV_LINKS_BEGIN*/")[1].split("/*MV_LINKS_END*/")[0])
    assert links["links"] and all(k["label"] == PAYLOAD for k in links["links"])
    assert any(s.startswith(f"Links from {PAYLOAD} to {PAYLOAD}, {PAYLOAD}") for s in shown)


def _foreign(payload: str) -> dict[str, Any]:
    point = {"type": "Point", "coordinates": [139.6, 35.46]}
    line = {"type": "LineString", "coordinates": [[139.58, 35.52], [139.70, 35.53]]}
    props = {payload: payload, "n": [payload, {payload: 1}], "name": payload}
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": point, "properties": props},
            {"type": "Feature", "geometry": line, "properties": {payload: None}},
        ],
    }


def poisoned_overlay(payload: str = PAYLOAD) -> Overlay:
    return overlay_from(_foreign(payload), f"{payload}.geojson", "k")


@pytest.mark.parametrize("assets", ["inline", "streamlit"])
def test_a_poisoned_overlay_renders_inert(built: dict[str, Any], assets: str) -> None:
    """Keys, values and the file name of a foreign upload (the server-side hole)."""
    m = build_map(
        built,
        assets=assets,
        basemap="offline",
        view="selection",  # type: ignore[arg-type]
        overlays=[poisoned_overlay()],
    )
    make_ids_deterministic(m)  # folium's random ids could hold 1337
    page = m.get_root().render()
    assert_inert(page)
    shown = page_strings(page)
    assert f"Upload: {PAYLOAD}.geojson (2 features)" in shown
    assert shown.count(PAYLOAD) >= 3  # key, value and name of the first feature


def test_streamlit_folium_sees_the_same_inert_script(built: dict[str, Any]) -> None:
    """streamlit-folium renders each element's script macro itself (a second road)."""
    from streamlit_folium import generate_leaflet_string

    m = build_map(
        poison_collection(built),
        assets="streamlit",
        basemap="offline",
        view="selection",
        overlays=[poisoned_overlay()],
    )
    m.get_root().render()
    script = generate_leaflet_string(m)
    assert EVALUATED not in without_payload(script)
    assert "mvLib.draw(" in script and any(PAYLOAD in s for s in page_strings(script))


def test_a_template_reaching_os_makes_no_folder(
    built: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    overlay = overlay_from(_foreign(OS_PAYLOAD), f"{OS_PAYLOAD}.geojson", "k")
    m = build_map(
        poison_collection(built, OS_PAYLOAD),
        assets="inline",
        basemap="offline",
        view="selection",
        overlays=[overlay],
    )
    m.get_root().render()
    render_html(poison_collection(built, OS_PAYLOAD), deterministic=True)
    assert os.listdir(tmp_path) == []


#: Text with the delimiters of Jinja, HTML and JS template literals mixed in.
DELIMITERS = [
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "<",
    ">",
    "&",
    "`",
    "${",
    "\\",
    '"',
    "'",
    "</script>",
    "<!--",
    "\u2028",
]
delimited_text = st.lists(
    st.sampled_from(DELIMITERS) | st.text(max_size=6), min_size=1, max_size=8
).map("".join)


@settings(
    max_examples=int(os.environ.get("MAPAPP_HYPOTHESIS_EXAMPLES", "25")),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=delimited_text)
def test_any_delimited_text_comes_back_unchanged(built: dict[str, Any], text: str) -> None:
    """Whatever the text, the page's payloads decode to it, and nothing is evaluated."""
    marked = f"{text}{{{{ 7*191 }}}}"
    page = render_html(poison_collection(built, marked), deterministic=True)
    assert EVALUATED not in without_payload(page, marked)
    assert any(marked in s for s in page_strings(page))


def test_a_poisoned_trip_drawn_with_webgl_renders_inert(built: dict[str, Any]) -> None:
    """Above GL_MIN events (binary columns, the WebGL layer, the search box and the
    payload in a data block), the poison still travels only as inert JSON text."""
    import copy

    from mapapp.mapview.event_layer import GL_MIN, extract_payload

    poisoned = poison_collection(built)
    events = [f for f in poisoned["features"] if f["properties"]["kind"] == "event"]
    others = [f for f in poisoned["features"] if f["properties"]["kind"] != "event"]
    many = []
    for k in range(GL_MIN + 1):
        event = copy.deepcopy(events[k % len(events)])
        event["properties"]["seq"] = k + 1
        # Letters, not digits: "1337" in an id would pass for evaluated Jinja.
        event["properties"]["event_id"] = PAYLOAD + "".join(chr(97 + int(d)) for d in str(k))
        many.append(event)
    page = render_html({**poisoned, "features": others + many}, trip=_trip(poisoned))
    # The events travel in a JSON data block (not a script literal): still inert.
    assert '<script type="application/json" id="mv-data-' in page
    assert_inert(page)
    payload = extract_payload(page)
    assert payload["gl"] is True and len(payload["c"]["lat"]) == GL_MIN + 1
    assert any(PAYLOAD in s for s in payload["d"]["s"])
    assert payload["ids"][0] == PAYLOAD + "a"
    # The page's own day and actor filter (js/filter.js) names actors from the data.
    d = payload["d"]
    assert payload["fl"] is True
    assert any(PAYLOAD in d["s"][k] for lineup in d["al"] for k in lineup)
