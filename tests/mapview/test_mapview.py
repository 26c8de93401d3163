"""Tests of mapapp.mapview: local assets, offline HTML, payload, escaping, bounds.

No Streamlit, no network, no browser.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import folium
import numpy as np
import orjson
import pytest
from synthetic_events import synthetic_collection
from tools import require

from mapapp.itinerary.uncertainty import DERIVED_RADIUS_M
from mapapp.mapview import assets as mv_assets
from mapapp.mapview import build_map, install_static, render_html, view_bounds
from mapapp.mapview.context_layer import encode_hqs, encode_partners
from mapapp.mapview.elements import JS_FILES, JsLayer, inert_json, js_source
from mapapp.mapview.event_layer import (
    PAYLOAD_BEGIN,
    EventLayer,
    encode_events,
    event_details,
    extract_payload,
    payload_json,
)
from mapapp.mapview.features import MIN_SPAN_DEG
from mapapp.mapview.legend_layer import LegendWords, legend_rows
from mapapp.presentation.escape import html as esc
from mapapp.presentation.palette import DAY_PALETTE, day_color
from mapapp.presentation.wording import event_view, uncertainty_m, when_text

DATA = Path(__file__).resolve().parents[2] / "data" / "itinerary.geojson"

SCRIPT_XSS = "<script>alert(1)</script>"
IMG_XSS = "<img src=x onerror=alert(1)>"
JINJA = "{{ 'jinja' ~ 'evaluated' }}{% if 1 %}stmt{% endif %}"
TEMPLATE_LITERAL = "`${alert(1)}`\\"
STATIC = "/app/static/"
BRUSSELS = (50.879167, 4.425)
WELLINGTON = (-41.288889, 174.777222)


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def _events(collection: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in collection["features"] if f["properties"]["kind"] == "event"]


def _of_kind(collection: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for f in collection["features"] if f["properties"]["kind"] == kind]


class _Links(HTMLParser):
    """Collects <script src> and <link href>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(str(values["src"]))
        if tag == "link" and values.get("href"):
            self.urls.append(str(values["href"]))


def _resource_urls(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


def _is_off_machine(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") or url.startswith("//"):
        return parts.hostname not in ("127.0.0.1", "localhost")
    return False


def _evil(collection: dict[str, Any]) -> dict[str, Any]:
    """The seed with hostile text in every free-text field."""
    evil = copy.deepcopy(collection)
    event = _events(evil)[0]["properties"]
    event["title"] = f"{SCRIPT_XSS} {JINJA}"
    event["quote"] = f"{IMG_XSS} {TEMPLATE_LITERAL}"
    event["actors"] = [SCRIPT_XSS, IMG_XSS]
    event["actor_roles"] = [f"{SCRIPT_XSS}: host", f"{IMG_XSS}: visitor"]
    event["place_name"] = IMG_XSS
    event["time_label"] = SCRIPT_XSS
    event["sources"] = [
        "javascript:alert(1)",
        'https://example.org/"onmouseover="alert(1)',
        f"https://example.org/{IMG_XSS}",  # white space inside: not a URL, shown as text
    ]
    event["discrepancies"] = [SCRIPT_XSS]
    partner = _of_kind(evil, "partner")[0]["properties"]
    partner["name"] = f"{SCRIPT_XSS}{TEMPLATE_LITERAL}"
    partner["quotes"] = [IMG_XSS, JINJA, TEMPLATE_LITERAL]
    partner["capital"] = IMG_XSS
    hq = _of_kind(evil, "hq")[0]["properties"]
    hq["name"] = SCRIPT_XSS
    hq["city"] = IMG_XSS
    return evil


# --- assets -----------------------------------------------------------------


def test_assets_are_found_in_installed_packages() -> None:
    names = {a.name: a for a in mv_assets.assets()}
    for required in ("jquery.min.js", "leaflet.js", "leaflet.css", "images/layers.png"):
        assert required in names
        assert names[required].path.is_file()
    assert "jQuery v3" in names["jquery.min.js"].path.read_text(encoding="utf-8")[:200]


def test_install_static_copies_idempotently(tmp_path: Path) -> None:
    dest = tmp_path / "static"
    install_static(dest)
    for asset in mv_assets.assets():
        assert (dest / asset.name).read_bytes() == asset.path.read_bytes()
    leaflet = dest / "leaflet.js"
    first = leaflet.stat().st_mtime_ns
    install_static(dest)  # nothing to do: files are identical
    assert leaflet.stat().st_mtime_ns == first
    leaflet.write_text("corrupted", encoding="utf-8")
    install_static(dest)
    assert leaflet.read_bytes() == mv_assets.leaflet_dir().joinpath("leaflet.js").read_bytes()
    assert not list(dest.glob(".*.tmp"))


def test_static_links_are_absolute_app_static_urls() -> None:
    urls = [u for _, u in mv_assets.static_js_links() + mv_assets.static_css_links()]
    assert urls == [
        "/app/static/jquery.min.js",
        "/app/static/leaflet.js",
        "/app/static/leaflet.css",
    ]


def test_webgl_maps_also_load_the_vendored_glify(tmp_path: Path) -> None:
    """leaflet.glify is committed (hash checked by its fetch script), served and
    inlined only for maps drawn with WebGL."""
    from mapapp.mapview.vendor import fetch

    assert fetch.committed_ok()
    glify = "/app/static/leaflet.glify.js"
    assert glify not in [u for _, u in mv_assets.static_js_links()]
    assert [u for _, u in mv_assets.static_js_links(webgl=True)][-1] == glify
    plain, webgl = mv_assets.inline_scripts(), mv_assets.inline_scripts(webgl=True)
    assert webgl[: len(plain)] == plain and len(webgl) == len(plain) + 1
    assert "L.glify=" in webgl[-1] and "sourceMappingURL" not in webgl[-1]
    install_static(tmp_path)
    assert (tmp_path / "leaflet.glify.js").read_bytes() == fetch.TARGET.read_bytes()


def test_only_a_map_of_many_events_is_drawn_with_webgl(seed: dict[str, Any]) -> None:
    from mapapp.mapview.event_layer import GL_MIN, uses_webgl

    html = render_html(seed)
    assert extract_payload(html)["gl"] is False and "L.glify=" not in html
    assert not uses_webgl(GL_MIN) and uses_webgl(GL_MIN + 1)


def test_inline_css_needs_no_other_file() -> None:
    css = mv_assets.inline_css()
    assert "url(images/" not in css
    assert "data:image/png;base64," in css
    for js in mv_assets.inline_scripts():
        assert "</script" not in js.lower()


# --- the page ---------------------------------------------------------------


@pytest.mark.parametrize("mode", ["inline", "streamlit"])
def test_offline_page_loads_nothing_from_off_the_machine(seed: dict[str, Any], mode: str) -> None:
    html = render_html(seed, assets=mode, basemap="offline")  # type: ignore[arg-type]
    urls = _resource_urls(html)
    assert not [u for u in urls if _is_off_machine(u)]
    for cdn in ("cdn.jsdelivr", "code.jquery.com", "cdnjs", "bootstrap", "font-awesome"):
        assert cdn not in html
    assert "tile.openstreetmap.org" not in html
    assert 'mvLib.draw("basemap"' in html  # the offline basemap packs
    if mode == "inline":
        assert urls == []
        assert "jQuery v3.7.1" in html
        assert "Leaflet 1.9" in html
    else:
        assert urls == [
            "/app/static/jquery.min.js",
            "/app/static/leaflet.js",
            "/app/static/leaflet.css",
        ]


def test_streamlit_folium_sees_only_local_links(seed: dict[str, Any]) -> None:
    """streamlit-folium loads every element's default_js/default_css itself."""
    m = build_map(seed, assets="streamlit", basemap="offline", view="selection")

    def walk(element: Any) -> Any:
        yield element
        for child in element._children.values():
            yield from walk(child)

    links = [
        url
        for element in walk(m)
        for _, url in [*getattr(element, "default_js", []), *getattr(element, "default_css", [])]
    ]
    assert links
    assert all(url.startswith("/app/static/") for url in links)
    # streamlit-folium renders each element's `script` macro itself.
    layer = next(e for e in walk(m) if isinstance(e, EventLayer))
    assert PAYLOAD_BEGIN in layer._template.module.script(layer)


def test_osm_basemap_uses_tiles_instead_of_outlines(seed: dict[str, Any]) -> None:
    html = render_html(seed, basemap="osm")
    assert "tile.openstreetmap.org" in html
    assert 'L.geoJSON({"type":"FeatureCollection"' not in html


def test_layers_control_and_legend(seed: dict[str, Any]) -> None:
    html = render_html(seed)
    names = (
        "Events",
        "Routes",
        "Partners: Japan, South Korea, Australia, New Zealand",
        "NATO Headquarters",
        "Links from Tokyo",
    )
    control = _payload(html, "/*MV_CONTROL_BEGIN*/", "/*MV_CONTROL_END*/")
    assert [e["name"] for e in control["entries"]] == [
        names[2],
        names[4],
        names[1],
        names[3],
        names[0],
    ]
    assert "L.control.layers(" not in html  # Leaflet's own sets names as HTML
    legend = _payload(html, "/*MV_LEGEND_BEGIN*/", "/*MV_LEGEND_END*/")
    texts = [row["text"] for row in legend["rows"]]
    assert "Day 1: 2025-04-08" in texts and "Day 2: 2025-04-09" in texts
    assert f"{names[2]} (outline)" in texts and names[3] in texts
    assert "dashed circle" in html and "short line: markers spread apart" in html
    # The basemap's symbols are explained too, in the colours the basemap draws.
    from mapapp.mapview.basemap_layer import STYLES

    assert "water (basemap)" in html and "prefecture or state border" in html
    assert f"background: {STYLES['water']['fillColor']}" in html
    assert f"border-top: 2px dashed {STYLES['border-major']['color']}" in html


def test_each_link_is_labelled_on_the_map_and_in_the_legend(seed: dict[str, Any]) -> None:
    """Every link says where it goes ("name (capital)", from the data), and the legend
    row names them all: the text a screen reader reads for the dashed lines."""
    html = render_html(seed)
    links = _payload(html, "/*MV_LINKS_BEGIN*/", "/*MV_LINKS_END*/")
    ends = [
        f"{p['name']} ({p['capital']})"
        for p in (f["properties"] for f in _of_kind(seed, "partner"))
        if p["capital"] != "Tokyo"
    ]
    ends += [f"{p['name']} ({p['city']})" for p in (f["properties"] for f in _of_kind(seed, "hq"))]
    assert [k["label"] for k in links["links"]] == ends and len(ends) == 4
    legend = _payload(html, "/*MV_LEGEND_BEGIN*/", "/*MV_LEGEND_END*/")
    assert f"Links from Tokyo to {', '.join(ends)}" in [row["text"] for row in legend["rows"]]


def test_links_start_at_the_partner_the_events_are_in(seed: dict[str, Any]) -> None:
    """A trip in Seoul draws its links from Seoul, not from Tokyo."""
    seoul = copy.deepcopy(seed)
    for event in _events(seoul):
        event["geometry"]["coordinates"] = [126.978, 37.5665]
    html = render_html(seoul)
    assert "Links from Seoul" in html and "Links from Tokyo" not in html
    links = _payload(html, "/*MV_LINKS_BEGIN*/", "/*MV_LINKS_END*/")
    korea = next(
        p["properties"] for p in _of_kind(seed, "partner") if p["properties"]["capital"] == "Seoul"
    )
    assert links["start"] == [korea["capital_lat"], korea["capital_lon"]]
    assert {k["tip"] for k in links["links"]} >= {"Seoul – Tokyo", "Seoul – NATO Headquarters"}
    assert {k["label"] for k in links["links"]} >= {"Japan (Tokyo)", "NATO Headquarters (Brussels)"}
    alone = {"type": "FeatureCollection", "features": _events(seed)}
    html = render_html(alone)
    assert "Links from" not in html and "Partners:" not in html


def test_deterministic_ids(seed: dict[str, Any]) -> None:
    assert render_html(seed, deterministic=True) == render_html(seed, deterministic=True)


# --- the events payload -----------------------------------------------------


@pytest.mark.parametrize("mode", ["inline", "streamlit"])
def test_payload_has_one_entry_per_event(seed: dict[str, Any], mode: str) -> None:
    payload = extract_payload(render_html(seed, assets=mode))  # type: ignore[arg-type]
    events = _events(seed)
    assert payload["n"] == len(events) == 7
    assert payload["ids"] == [e["properties"]["event_id"] for e in events]
    for column in (*payload["c"].values(), *payload["d"]["c"].values()):
        assert len(column) == len(events)
    assert payload["c"]["order"] == list(range(1, 8))
    # Shared strings are stored once: two events at the same ministry.
    assert payload["s"].count("Ministry of Economy, Trade and Industry, Kasumigaseki") == 1
    meti = event_view(events[4]["properties"]).place
    assert payload["d"]["s"].count(meti) == 1
    for i, event in enumerate(events):
        got = event_details(payload, i)
        view = event_view(event["properties"])
        assert got["event_id"] == event["properties"]["event_id"]
        assert got["place_name"] == event["properties"]["place_name"]
        assert got["head"] == view.heading
        assert (got["when"], got["place"], got["quote"]) == (view.when, view.place, view.quote)
        assert got["src"] == [s.text for s in view.sources]
        assert got["href"] == [s.href or "" for s in view.sources]
        assert got["who"] == list(view.actors)


def test_large_payload_is_compressed_and_round_trips(seed: dict[str, Any]) -> None:
    big = synthetic_collection(seed, 1500)
    events = _events(big)
    html = render_html(big, assets="streamlit")
    assert '"dz":"' in html
    payload = extract_payload(html)
    assert payload["n"] == len(payload["ids"]) == len(events)
    for i in (0, 777, len(events) - 1):
        got = event_details(payload, i)
        props = events[i]["properties"]
        assert got["quote"] == props["quote"]
        assert got["head"] == f"{props['seq']}. {props['title']}"
        assert got["order"] == props["seq"]
    # Quotes travel as one plain text per event (few repeat in a real trip: the
    # compression, not a look-up, takes care of those that do); places and the
    # other repeated strings sit in the table once.
    assert payload["d"]["quote"] == [e["properties"]["quote"] for e in events]
    places = {event_details(payload, i)["place"] for i in range(len(events))}
    assert sum(1 for text in payload["d"]["s"] if text in places) == len(places)
    # No numbered DOM markers beyond the label limit: the JS decides on n.
    assert payload["n"] > payload["label_max"]


@pytest.mark.parametrize("fast_above", [10**9, 1_000])
def test_details_deflate_in_pieces_to_the_same_json(
    seed: dict[str, Any], monkeypatch: pytest.MonkeyPatch, fast_above: int
) -> None:
    """Details are encoded a slice of a long list at a time and packed as they come
    (past ZLIB_FAST_ABOVE, by ISA-L): inflated, they are orjson's bytes for the whole."""
    from mapapp.mapview import event_layer

    monkeypatch.setattr(event_layer, "JSON_SLICE", 7)
    monkeypatch.setattr(event_layer, "ZLIB_FAST_ABOVE", fast_above)
    payload = encode_events(_events(synthetic_collection(seed, 50)))
    whole = orjson.dumps(payload["d"], option=orjson.OPT_SERIALIZE_NUMPY)
    pieces = list(event_layer._json_pieces(payload["d"]))
    assert len(pieces) > 20 and b"".join(pieces) == whole
    taken = dict(payload["d"])  # consumed: each member leaves as it is encoded
    assert b"".join(event_layer._json_pieces(taken, consume=True)) == whole and not taken
    assert b"".join(event_layer._json_pieces({})) == orjson.dumps({})
    text = payload_json(payload, compress=True)
    blob = json.loads(text)["dz"]
    assert zlib.decompress(base64.b64decode(blob)) == whole
    assert event_layer._deflated(iter([b"{}"]), None) is None  # too small: plain JSON
    if fast_above > len(whole):
        assert '"d":{' in payload_json(payload, compress=None)


def test_circles_have_the_places_own_radius_or_the_levels(seed: dict[str, Any]) -> None:
    collection = copy.deepcopy(seed)
    events = _events(collection)
    for event in events:  # as built before places had radii
        del event["properties"]["uncertainty_m"], event["properties"]["uncertainty_note"]
    events[0]["properties"]["geo_precision"] = 3
    events[1]["properties"]["uncertainty_m"] = 350  # its own radius wins over the level
    events[4]["properties"]["geo_precision"] = 2
    payload = extract_payload(render_html(collection))
    by_id = dict(zip(payload["ids"], payload["c"]["unc"], strict=True))
    assert by_id["yokosuka-naval-base-visit"] == 25_000
    assert by_id["mitsubishi-electric-kamakura-visit"] == 350
    assert by_id["talks-with-gen-nakatani"] == DERIVED_RADIUS_M[1]
    assert payload["c"]["unc"][4] == 2_000
    assert "within about 350 m" in event_details(payload, 1)["place"]
    with pytest.raises(ValueError):
        uncertainty_m({"geo_precision": 4})


def test_when_text_never_repeats_the_time() -> None:
    base = {"day": 2, "date": "2025-04-09"}
    label = "18:10, about 45 minutes"
    assert when_text({**base, "time": "18:10", "time_label": label}) == f"Day 2: 2025-04-09 {label}"
    assert when_text({**base, "time": "18:10", "time_label": "dinner"}) == (
        "Day 2: 2025-04-09 18:10 (dinner)"
    )
    morning = when_text({**base, "time": None, "time_label": "morning"})
    assert morning == "Day 2: 2025-04-09, morning"
    assert when_text({**base, "time": "09:00", "time_label": ""}) == "Day 2: 2025-04-09 09:00"


JS_DIR = Path(mv_assets.__file__).parent / "js"


@pytest.mark.parametrize("name", JS_FILES)
def test_javascript_files_parse(name: str) -> None:
    """node --check: V8's own parser, no npm packages, no build step."""
    node = require("node", "Debian: apt-get install -y nodejs")
    result = subprocess.run(
        [node, "--check", str(JS_DIR / name)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", [*JS_FILES, "leaflet.glify"])
def test_javascript_as_the_page_holds_it_is_ascii_and_parses(name: str, tmp_path: Path) -> None:
    """Non-ASCII characters become \\u escapes (a one-byte page is half the memory)."""
    node = require("node", "Debian: apt-get install -y nodejs")
    if name in JS_FILES:
        original, served = (JS_DIR / name).read_text(encoding="utf-8"), js_source(name)
    else:  # the vendored bundle, inlined in a standalone WebGL page
        original = (JS_DIR.parent / "vendor" / f"{name}.js").read_text(encoding="utf-8")
        served = next(text for text in mv_assets.inline_scripts(webgl=True) if "glify" in text)
    assert served.isascii()
    assert (served == original) is original.isascii()
    path = tmp_path / "served.js"
    path.write_text(served, encoding="ascii")
    result = subprocess.run([node, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_each_layer_is_its_js_file_called_with_its_payload(seed: dict[str, Any]) -> None:
    m = folium.Map(tiles=None)
    layer = EventLayer(_events(seed))
    layer.add_to(m)
    call = layer.script_js()
    assert call.startswith(f'mvLib.draw("eventLayer", {m.get_name()}, {m.get_name()}, ')
    assert PAYLOAD_BEGIN in call and call.endswith(");\n") and call.count("mvLib.") == 1


@pytest.mark.parametrize("island", [False, True])
def test_the_page_holds_a_layers_payload_itself_not_a_copy(
    seed: dict[str, Any], island: bool
) -> None:
    """The payload is a piece of the page (a million events: 130 MB not copied twice)."""
    m = folium.Map(tiles=None)
    layer = EventLayer(_events(seed), island=island)
    layer.add_to(m)
    html = m.get_root().render()
    whole = layer.html_text() if island else layer.script_js()
    assert re.sub(r"\s+", "", whole) in re.sub(r"\s+", "", html)  # pieces joined by spaces
    figure = m.get_root()
    children = [*figure.script._children.values(), *figure.html._children.values()]
    pieces = [getattr(child, "text", None) for child in children]
    assert sum(1 for text in pieces if text is layer.payload_text) == 1
    assert (PAYLOAD_BEGIN in layer.html_text()) is island


def _layer_classes() -> list[type[JsLayer]]:
    import mapapp.mapview.render  # noqa: F401 - imports every layer

    found: list[type[JsLayer]] = []
    todo = [JsLayer]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_every_layer_names_a_registered_js_function_of_its_version() -> None:
    """Each payload's version is declared once in Python; its JS file registers the
    function with the same version (a mismatch shows a notice in the browser)."""
    classes = _layer_classes()
    assert len(classes) >= 8
    for cls in classes:
        assert cls.js_file in JS_FILES
        js = (JS_DIR / cls.js_file).read_text(encoding="utf-8")
        assert f'mvLib.layer("{cls.js_function}", {cls.version},' in js.replace(
            'lib.layer("', 'mvLib.layer("'
        ), cls


def test_the_map_scripts_are_in_the_page_once(seed: dict[str, Any]) -> None:
    html = render_html(seed)
    for name in JS_FILES:
        first_line = (JS_DIR / name).read_text(encoding="utf-8").splitlines()[0]
        assert html.count(first_line) == 1, name


def _payload(html: str, begin: str, end: str) -> dict[str, Any]:
    start = html.index(begin) + len(begin)
    loaded: dict[str, Any] = json.loads(html[start : html.index(end, start)])
    return loaded


def test_inert_json_round_trips_and_hides_every_delimiter() -> None:
    value = {"k{{": ["</script><!--", "{% for %}", "a & b", "\u2028", "`${x}`"], "n": 1.5}
    text = inert_json(value)
    assert json.loads(text) == value
    assert not re.search(r"[<>&{}\u2028](?![^\"]*\":)", text.replace('{"', "").replace("}", ""))
    assert "{{" not in text and "{%" not in text and "<" not in text


# --- escaping ---------------------------------------------------------------


@pytest.mark.parametrize("mode", ["inline", "streamlit"])
def test_hostile_text_is_inert_everywhere(seed: dict[str, Any], mode: str) -> None:
    evil = _evil(seed)
    html = render_html(evil, assets=mode)  # type: ignore[arg-type]
    for needle in (SCRIPT_XSS, IMG_XSS, "<script>alert", "<img src=x"):
        assert needle not in html
    assert not re.search(r"<img[^>]*onerror", html)
    # Jinja syntax in data is shown, never evaluated.
    assert "jinjaevaluated" not in html
    assert "{% if 1 %}" not in html and "{{" not in html.split("jQuery v3.7.1")[-1]
    partners = _payload(html, "/*MV_PARTNERS_BEGIN*/", "/*MV_PARTNERS_END*/")
    assert partners["partners"][0]["quotes"] == [IMG_XSS, JINJA, TEMPLATE_LITERAL]
    # The JSON payload cannot end its <script> or open a comment.
    start = html.index(PAYLOAD_BEGIN)
    end = html.index("/*MV_EVENTS_END*/")
    raw_payload = html[start:end]
    assert "<" not in raw_payload and ">" not in raw_payload and "&" not in raw_payload
    # ...and still carries the text unchanged, for textContent to show.
    payload = extract_payload(html)
    got = event_details(payload, 0)
    assert got["head"] == f"1. {SCRIPT_XSS} {JINJA}"
    assert got["quote"] == f"{IMG_XSS} {TEMPLATE_LITERAL}"
    assert got["who"] == [f"{SCRIPT_XSS}: host", f"{IMG_XSS}: visitor"]
    # Only http(s) URLs get a link target; the others are shown as text.
    assert got["src"][0] == "javascript:alert(1)" and got["href"][0] == ""
    assert got["href"][1] == 'https://example.org/"onmouseover="alert(1)'
    assert got["href"][2] == "" and got["src"][2] == f"https://example.org/{IMG_XSS}"
    # No folium Popup/Tooltip is left: their JS template literals held text.
    assert "bindTooltip(\n" not in html and "${alert" not in html.split("jQuery v3.7.1")[-1]


def test_payload_json_escapes_script_breakers() -> None:
    events = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [139.7, 35.7]},
            "properties": {
                "kind": "event", "event_id": "x</script><script>", "seq": 1, "day": 1,
                "date": "2025-04-08", "time": None, "time_label": "", "title": "</script>",
                "actors": [], "actor_roles": [], "place_name": "<!--", "geo_precision": 1,
                "quote": "a & b {{x}} \u2028", "sources": [], "discrepancies": [],
            },
        }
    ]  # fmt: skip
    for compress in (False, True):
        text = payload_json(encode_events(events), compress=compress)
        assert not re.search(r"[<>&\u2028]", text)
        assert "{{" not in text
        decoded = json.loads(text)
        assert decoded["s"] == ["<!--"]
        assert decoded["ids"] == ["x</script><script>"]


def test_context_text_travels_as_text(seed: dict[str, Any]) -> None:
    partner = encode_partners(_of_kind(_evil(seed), "partner"))["partners"][0]
    assert partner["head"] == f"{SCRIPT_XSS}{TEMPLATE_LITERAL}"
    assert partner["capital_tip"] == f"{IMG_XSS} (capital of {SCRIPT_XSS}{TEMPLATE_LITERAL})"
    assert partner["quotes"] == [IMG_XSS, JINJA, TEMPLATE_LITERAL]
    hq = encode_hqs(_of_kind(_evil(seed), "hq"))["hqs"][0]
    assert hq["tip"].startswith(SCRIPT_XSS)
    evil_sources = encode_partners(
        [{**_of_kind(seed, "partner")[0], "properties": {
            **_of_kind(seed, "partner")[0]["properties"],
            "sources": ["javascript:alert(1)", "https://example.org/a"]}}]
    )["partners"][0]["sources"]  # fmt: skip
    assert evil_sources == [
        {"text": "javascript:alert(1)", "href": ""},
        {"text": "https://example.org/a", "href": "https://example.org/a"},
    ]
    assert esc("<a href='x'>") == "&lt;a href=&#x27;x&#x27;&gt;"
    rows = legend_rows({1: SCRIPT_XSS}, LegendWords(partners=IMG_XSS))
    assert rows[0]["text"] == f"Day 1: {SCRIPT_XSS}" and rows[-1]["text"] == IMG_XSS


def test_day_colours_cycle() -> None:
    n = len(DAY_PALETTE)
    assert len({day_color(d) for d in range(1, n + 1)}) == n
    assert day_color(1) == day_color(1 + n) == day_color(1 + 5 * n)
    # A long trip gets one legend row per colour, not one per day.
    rows = legend_rows({d: "" for d in range(1, 400)}, LegendWords())
    assert len([r for r in rows if "color" in r]) == n


# --- bounds -----------------------------------------------------------------


def _inside(point: tuple[float, float], bounds: Any) -> bool:
    (south, west), (north, east) = bounds
    return south <= point[0] <= north and west <= point[1] <= east


def _fit_bounds(m: folium.Map) -> Any:
    fits = [c for c in m._children.values() if isinstance(c, folium.map.FitBounds)]
    assert len(fits) == 1
    return fits[0].bounds


def test_region_view_spans_brussels_to_wellington(seed: dict[str, Any]) -> None:
    bounds = view_bounds(seed, "region")
    assert bounds is not None
    assert _inside(BRUSSELS, bounds) and _inside(WELLINGTON, bounds)
    m = build_map(seed, assets="streamlit", basemap="offline", view="region")
    fitted = _fit_bounds(m)
    assert _inside(BRUSSELS, fitted) and _inside(WELLINGTON, fitted)


def test_selection_view_fits_the_selected_events_only(seed: dict[str, Any]) -> None:
    selected = [e for e in _events(seed) if e["properties"]["day"] == 2]
    others = [e for e in _events(seed) if e["properties"]["day"] != 2]
    subset = {
        "type": "FeatureCollection",
        "features": [*selected, *_of_kind(seed, "partner"), *_of_kind(seed, "hq")],
    }
    bounds = view_bounds(subset, "selection")
    assert bounds is not None
    lats = [e["properties"]["lat"] for e in selected]
    lons = [e["properties"]["lon"] for e in selected]
    (south, west), (north, east) = bounds
    assert south == pytest.approx(min(lats)) and north == pytest.approx(max(lats))
    assert west <= min(lons) and east >= max(lons) and east - west >= MIN_SPAN_DEG - 1e-9
    for event in selected:
        assert _inside((event["properties"]["lat"], event["properties"]["lon"]), bounds)
    for event in others:
        assert not _inside((event["properties"]["lat"], event["properties"]["lon"]), bounds)
    assert not _inside(BRUSSELS, bounds) and not _inside(WELLINGTON, bounds)
    m = build_map(subset, assets="inline", basemap="offline", view="selection")
    assert _fit_bounds(m) == [list(bounds[0]), list(bounds[1])]
    assert extract_payload(m.get_root().render())["n"] == len(selected)


def test_selection_without_events_fits_everything_present(seed: dict[str, Any]) -> None:
    rest = {
        "type": "FeatureCollection",
        "features": [*_of_kind(seed, "partner"), *_of_kind(seed, "hq")],
    }
    bounds = view_bounds(rest, "selection")
    assert bounds is not None
    assert _inside(BRUSSELS, bounds) and _inside(WELLINGTON, bounds)
    html = render_html(rest)
    assert extract_payload(html)["n"] == 0
    assert view_bounds({"type": "FeatureCollection", "features": []}, "selection") is None
    render_html({"type": "FeatureCollection", "features": []})  # an empty map still renders


def test_the_basemap_focus_is_each_place_once_in_the_order_first_seen() -> None:
    """The labels near the events are placed first: the distinct (lat, lon) of the
    events' (lon, lat), as dict.fromkeys would give them, without a tuple per event."""
    from mapapp.mapview.render import places_seen

    xy = np.array([[139.7, 35.6], [139.6, 35.3], [139.7, 35.6], [-0.0, 51.5], [0.0, 51.5]])
    assert places_seen(xy) == [(35.6, 139.7), (35.3, 139.6), (51.5, -0.0)]
    rng = np.random.default_rng(7)
    many = rng.uniform(-60, 60, size=(50, 2))[rng.integers(0, 50, size=5_000)]
    assert places_seen(many) == list(dict.fromkeys(zip(many[:, 1], many[:, 0], strict=True)))
    assert places_seen(np.empty((0, 2))) == []
