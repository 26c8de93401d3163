"""The Streamlit UI driven headlessly by Streamlit's AppTest: widgets, link parameters, exports.

AppTest runs mapapp/app/page.py in-process without a browser. It does not render the
st_folium map (a custom component); tests/app/test_browser.py covers the map itself.
The download buttons' bytes are read from the in-memory media file manager that
AppTest creates for each run (see the `media` fixture).
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import pytest
import streamlit as st
import streamlit.testing.v1.app_test as app_test_module
from conftest import ROOT
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Multiselect
from tools import require

from mapapp.app import kept
from mapapp.export.filters import filter_collection
from mapapp.store import geojson_io

APP = ROOT / "mapapp" / "app" / "page.py"
TOTAL = 7
MakeApp = Callable[..., AppTest]


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """st.cache_data and kept uploads live in the process (AppTest gives every app the
    same session id): keep one test's data out of the next."""
    st.cache_data.clear()
    kept.forget_gone(lambda _session: False)
    yield
    st.cache_data.clear()
    kept.forget_gone(lambda _session: False)


@pytest.fixture()
def make_app(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> MakeApp:
    """An AppTest on a copy of data/, run with the given link parameters (`?day=1` etc.)."""
    monkeypatch.chdir(workdir)
    monkeypatch.setattr(sys, "argv", ["app.py"])  # not pytest's own arguments

    def make(**query: str | list[str]) -> AppTest:
        kept.forget_gone(lambda _session: False)  # a new app is a new session
        at = AppTest.from_file(str(APP), default_timeout=30)
        for key, value in query.items():
            at.query_params[key] = value
        return at.run()

    return make


class RecordingMediaFileManager(MediaFileManager):
    """AppTest's media file manager, remembered so a test can read the downloads back."""

    instances: ClassVar[list[MediaFileManager]] = []

    def __init__(self, storage: MediaFileStorage) -> None:
        super().__init__(storage)
        RecordingMediaFileManager.instances.append(self)


@pytest.fixture()
def media(monkeypatch: pytest.MonkeyPatch) -> list[MediaFileManager]:
    """The media file managers of the AppTest runs so far (AppTest makes one per run)."""
    RecordingMediaFileManager.instances = []
    monkeypatch.setattr(app_test_module, "MediaFileManager", RecordingMediaFileManager)
    return RecordingMediaFileManager.instances


# --- reading the rendered app -------------------------------------------------------------


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def table(at: AppTest) -> pd.DataFrame:
    assert len(at.dataframe) == 1
    frame = at.dataframe[0].value
    assert isinstance(frame, pd.DataFrame)
    return frame


def shown_line(at: AppTest) -> str:
    lines = [m.value for m in at.markdown if "events shown" in m.value]
    assert len(lines) == 1, lines
    return lines[0]


def query(at: AppTest) -> dict[str, list[str]]:
    """The app's URL parameters after the run, every value as a list."""
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def notices(at: AppTest) -> list[str]:
    """The text of the app's st.html notices (class mapapp-notice)."""
    bodies = [h.value for h in at.html if 'class="mapapp-notice"' in h.value]
    return [html.unescape(re.sub(r"<[^>]+>", "", body)).strip() for body in bodies]


def article(at: AppTest) -> str:
    bodies = [h.value for h in at.html if 'class="mapapp-article"' in h.value]
    assert len(bodies) == 1
    return bodies[0]


def marked(article_html: str) -> list[str]:
    return re.findall(r"<mark[^>]*>(.*?)</mark>", article_html, flags=re.S)


def as_article_html(text: str) -> str:
    """A quote as app_logic.highlight_article writes it."""
    return html.escape(text).replace("\n", "<br><br>")


def sidebar_multiselect(at: AppTest, key: str) -> Multiselect[Any]:
    widget: Multiselect[Any] = at.sidebar.multiselect(key=key)
    return widget


def download(
    at: AppTest, media: list[MediaFileManager], label: str
) -> tuple[str | None, str, bytes]:
    """(file name, MIME type, content) of the download button with this label."""
    buttons = [b for b in at.sidebar.download_button if b.label == label]
    assert len(buttons) == 1, [b.label for b in at.sidebar.download_button]
    proto = buttons[0].proto
    manager = media[-1]
    url = proto.url or manager.execute_deferred(proto.deferred_file_id)
    file_id = url.rsplit("/", 1)[-1].split(".", 1)[0]
    stored = manager.read_file(file_id)
    assert stored is not None, f"no stored file behind {label!r}"
    return stored.filename, stored.mimetype, stored.content


def events(collection: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in collection["features"] if f["properties"]["kind"] == "event"]


def event_ids(collection: dict[str, Any]) -> list[str]:
    return sorted(f["id"] for f in events(collection))


# --- the app on the built data ------------------------------------------------------------


def test_the_app_shows_every_event_without_filters(make_app: MakeApp) -> None:
    at = make_app()
    no_exception(at)
    assert not at.error
    assert len(table(at)) == TOTAL
    assert list(table(at)["#"]) == list(range(1, TOTAL + 1))
    assert shown_line(at) == f"**{TOTAL}** of {TOTAL} events shown."
    assert notices(at) == []
    assert [m.value for m in at.sidebar.multiselect] == [[], [], []]
    assert query(at) == {}


def test_the_sidebar_offers_the_data_sets_values(make_app: MakeApp) -> None:
    at = make_app()
    assert sidebar_multiselect(at, "f_day").options == ["Day 1", "Day 2"]
    assert "Shigeru Ishiba" in sidebar_multiselect(at, "f_actor").options
    assert sidebar_multiselect(at, "f_type").options == ["meeting", "speech", "talks", "visit"]
    assert at.sidebar.radio[0].options == ["OpenStreetMap", "Offline map"]


def test_offline_mode_offers_only_the_offline_basemap(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["app.py", "--offline"])  # as `mapapp app --offline`
    at = make_app()
    no_exception(at)
    assert at.sidebar.radio[0].label == "Basemap"
    assert at.sidebar.radio[0].options == ["Offline map"]


def test_the_data_argument_picks_the_geojson(
    make_app: MakeApp, workdir: Path, built: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    other = workdir / "day1.geojson"
    geojson_io.write(other, filter_collection(built, days=[1]))
    monkeypatch.setattr(sys, "argv", ["app.py", "--data", str(other)])
    at = make_app()
    no_exception(at)
    assert shown_line(at) == "**3** of 3 events shown."
    assert sidebar_multiselect(at, "f_day").options == ["Day 1"]


# --- link (query) parameters --------------------------------------------------------------


def test_a_day_in_the_link_sets_the_widget_and_the_table(make_app: MakeApp) -> None:
    at = make_app(day=["1"])
    no_exception(at)
    assert sidebar_multiselect(at, "f_day").value == [1]
    assert len(table(at)) == 3
    assert set(table(at)["day"]) == {1}
    assert shown_line(at) == f"**3** of {TOTAL} events shown."
    assert query(at) == {"day": ["1"]}
    assert notices(at) == []


def test_repeated_and_padded_days_in_the_link_count_once(make_app: MakeApp) -> None:
    at = make_app(day=["2", " 2 ", "1"])
    no_exception(at)
    assert sidebar_multiselect(at, "f_day").value == [2, 1]
    assert len(table(at)) == TOTAL
    assert query(at) == {"day": ["2", "1"]}


def test_an_actor_in_the_link_matches_whatever_its_case(make_app: MakeApp) -> None:
    at = make_app(actor="shigeru ishiba")
    no_exception(at)
    assert sidebar_multiselect(at, "f_actor").value == ["Shigeru Ishiba"]
    assert list(table(at)["event"]) == ["Meeting with Prime Minister Shigeru Ishiba"]
    assert query(at) == {"actor": ["Shigeru Ishiba"]}  # the link is rewritten canonically
    assert notices(at) == []


def test_link_filters_combine(make_app: MakeApp) -> None:
    at = make_app(day="2", actor="Yoji Muto")
    no_exception(at)
    assert sorted(table(at)["#"]) == [5, 6]
    assert shown_line(at) == f"**2** of {TOTAL} events shown."


def test_unknown_link_values_are_ignored_with_a_notice(make_app: MakeApp) -> None:
    at = make_app(day=["9", "1"], actor="Nobody", type="Picnic")
    no_exception(at)
    assert not at.error
    assert sidebar_multiselect(at, "f_day").value == [1]
    assert sidebar_multiselect(at, "f_actor").value == []
    assert sidebar_multiselect(at, "f_type").value == []
    assert len(table(at)) == 3
    assert notices(at) == [
        "⚠ Ignored an unknown filter value from the link: day=9",
        "⚠ Ignored an unknown filter value from the link: actor=Nobody",
        "⚠ Ignored an unknown filter value from the link: type=Picnic",
    ]
    assert query(at) == {"day": ["1"]}  # the stale values leave the link


def test_a_link_value_is_shown_as_text_not_html(make_app: MakeApp) -> None:
    payload = "<img src=x onerror=alert(1)>"
    at = make_app(actor=payload)
    no_exception(at)
    body = next(h.value for h in at.html if "mapapp-notice" in h.value)
    assert "<img" not in body
    assert html.escape(payload) in body
    assert notices(at) == [f"⚠ Ignored an unknown filter value from the link: actor={payload}"]


def test_a_superscript_digit_in_the_link_is_ignored(make_app: MakeApp) -> None:
    at = make_app(day="²")
    no_exception(at)
    assert notices(at) == ["⚠ Ignored an unknown filter value from the link: day=²"]
    assert len(table(at)) == TOTAL


# --- widgets ------------------------------------------------------------------------------


def test_choosing_a_day_filters_and_updates_the_link(make_app: MakeApp) -> None:
    at = make_app()
    sidebar_multiselect(at, "f_day").select(2)
    at.run()
    no_exception(at)
    assert len(table(at)) == 4
    assert set(table(at)["day"]) == {2}
    assert shown_line(at) == f"**4** of {TOTAL} events shown."
    assert query(at) == {"day": ["2"]}

    sidebar_multiselect(at, "f_day").unselect(2)
    at.run()
    assert len(table(at)) == TOTAL
    assert query(at) == {}


def test_event_types_filter_and_update_the_link(make_app: MakeApp) -> None:
    at = make_app()
    sidebar_multiselect(at, "f_type").select("speech")
    at.run()
    no_exception(at)
    assert list(table(at)["#"]) == [4]
    assert table(at)["event"][0].startswith("Speech at Keio University")
    assert query(at) == {"type": ["speech"]}

    sidebar_multiselect(at, "f_type").select("talks")
    at.run()
    assert sorted(table(at)["#"]) == [3, 4]
    assert query(at) == {"type": ["speech", "talks"]}


def test_an_actor_widget_filters_and_updates_the_link(make_app: MakeApp) -> None:
    at = make_app()
    sidebar_multiselect(at, "f_actor").select("Gen Nakatani")
    at.run()
    no_exception(at)
    assert sorted(table(at)["#"]) == [3, 7]
    assert query(at) == {"actor": ["Gen Nakatani"]}


def test_filters_that_match_nothing_show_an_empty_table(make_app: MakeApp) -> None:
    at = make_app(day="1", actor="Yoji Muto")
    no_exception(at)
    assert len(table(at)) == 0
    assert shown_line(at) == f"**0** of {TOTAL} events shown."
    assert marked(article(at))  # the partner countries stay highlighted as context


def test_reset_clears_the_widgets_the_link_and_the_notices(make_app: MakeApp) -> None:
    at = make_app(day=["1", "9"], actor="Gen Nakatani", type="talks")
    assert len(table(at)) == 1
    assert notices(at)
    at.sidebar.button[0].click()
    at.run()
    no_exception(at)
    assert at.sidebar.button[0].label == "Reset filters"
    assert [m.value for m in at.sidebar.multiselect] == [[], [], []]
    assert query(at) == {}
    assert notices(at) == []
    assert len(table(at)) == TOTAL
    assert shown_line(at) == f"**{TOTAL}** of {TOTAL} events shown."


# --- the article panel ---------------------------------------------------------------------


def test_the_article_marks_only_the_shown_events(make_app: MakeApp, built: dict[str, Any]) -> None:
    at = make_app(day="1")
    text = article(at)
    marks = " ".join(marked(text))
    for feature in events(built):
        quote = as_article_html(feature["properties"]["quote"])
        assert quote in text  # every quote is in the article, marked or not
        if feature["properties"]["day"] == 1:
            assert quote in marks, feature["id"]
        else:
            assert quote not in marks, feature["id"]
    ishiba = "Later, he will meet with Japanese Prime Minister Shigeru Ishiba"
    assert ishiba in text and ishiba not in marks


def test_the_article_marks_every_event_without_filters(
    make_app: MakeApp, built: dict[str, Any]
) -> None:
    marks = " ".join(marked(article(make_app())))
    for feature in events(built):
        assert as_article_html(feature["properties"]["quote"]) in marks, feature["id"]


# --- export buttons -----------------------------------------------------------------------


def test_the_download_buttons_are_in_the_sidebar(
    make_app: MakeApp, media: list[MediaFileManager]
) -> None:
    """The exports, the standalone map and (with a Chromium) the printed page."""
    require("chromium", "Debian: apt-get install -y chromium")
    at = make_app()
    assert [b.label for b in at.sidebar.download_button] == [
        "Filtered view (GeoJSON)",
        "Full data set (GeoJSON)",
        "Map as standalone HTML (works offline)",
        "Print (PDF)",
        "Image (PNG)",
    ]
    names_and_types = [download(at, media, b.label)[:2] for b in at.sidebar.download_button]
    assert names_and_types == [
        ("rutte-japan_all-events.geojson", "application/geo+json"),
        ("rutte-japan_full.geojson", "application/geo+json"),
        ("rutte-japan_all-events_map.html", "text/html"),
        ("rutte-japan_all-events.pdf", "application/pdf"),
        ("rutte-japan_all-events.png", "image/png"),
    ]


def test_the_filtered_download_holds_only_the_filtered_events(
    make_app: MakeApp, media: list[MediaFileManager], built: dict[str, Any]
) -> None:
    at = make_app(day="2", actor="Yoji Muto")
    _, _, content = download(at, media, "Filtered view (GeoJSON)")
    data = json.loads(content.decode("utf-8"))
    assert data["type"] == "FeatureCollection"
    assert event_ids(data) == ["meeting-with-tech-startups", "meeting-with-yoji-muto"]
    assert all("Yoji Muto" in e["properties"]["actors"] for e in events(data))
    assert data == filter_collection(built, days=[2], actors=["Yoji Muto"])


def test_the_filtered_download_follows_the_widgets(
    make_app: MakeApp, media: list[MediaFileManager]
) -> None:
    at = make_app()
    sidebar_multiselect(at, "f_day").select(1)
    at.run()
    _, _, content = download(at, media, "Filtered view (GeoJSON)")
    data = json.loads(content)
    assert {e["properties"]["day"] for e in events(data)} == {1}
    assert len(events(data)) == 3


def test_the_full_download_is_the_built_file_whatever_the_filter(
    make_app: MakeApp, media: list[MediaFileManager], workdir: Path
) -> None:
    at = make_app(day="1")
    _, _, content = download(at, media, "Full data set (GeoJSON)")
    on_disk = (workdir / "data" / "itinerary.geojson").read_bytes()
    assert json.loads(content) == json.loads(on_disk)
    assert len(events(json.loads(content))) == TOTAL


def test_the_html_download_is_an_offline_map_of_the_filtered_events(
    make_app: MakeApp, media: list[MediaFileManager], built: dict[str, Any]
) -> None:
    at = make_app(day="1")
    _, _, content = download(at, media, "Map as standalone HTML (works offline)")
    page = content.decode("utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "tile.openstreetmap.org" not in page
    for feature in events(built):
        title = feature["properties"]["title"]
        if feature["properties"]["day"] == 1:
            assert title in page, title
        else:
            assert title not in page, title


# --- missing or stale data ----------------------------------------------------------------


def test_a_missing_geojson_gives_a_clear_error(make_app: MakeApp, workdir: Path) -> None:
    (workdir / "data" / "itinerary.geojson").unlink()
    at = make_app()
    no_exception(at)
    assert [e.value for e in at.error] == [
        "Could not load the itinerary data. Run `mapapp build` first."
    ]
    assert "itinerary.geojson" in at.code[0].value
    assert not at.dataframe  # the script stopped before drawing anything else
    assert not at.sidebar.download_button


def test_a_missing_itinerary_gives_a_clear_error(make_app: MakeApp, workdir: Path) -> None:
    (workdir / "data" / "itinerary.yaml").rename(workdir / "data" / "elsewhere.yaml")
    at = make_app()
    no_exception(at)
    assert [e.value for e in at.error] == [
        "Could not load the itinerary data. Run `mapapp build` first."
    ]
    assert not at.dataframe


def test_a_rebuilt_data_file_is_shown_not_the_cached_one(
    make_app: MakeApp, workdir: Path, built: dict[str, Any]
) -> None:
    assert shown_line(make_app()) == f"**{TOTAL}** of {TOTAL} events shown."
    path = workdir / "data" / "itinerary.geojson"
    geojson_io.write(path, filter_collection(built, days=[1]))
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 10))  # a later build
    at = make_app()
    no_exception(at)
    assert shown_line(at) == "**3** of 3 events shown."
    assert len(table(at)) == 3


# --- uploads ------------------------------------------------------------------------------


def upload(at: AppTest, name: str, content: str) -> AppTest:
    at.sidebar.file_uploader[0].upload(name, content.encode("utf-8"), "application/geo+json")
    return at.run()


def test_an_uploaded_geojson_replaces_the_view_until_going_back(
    make_app: MakeApp, built: dict[str, Any]
) -> None:
    at = upload(make_app(), "day2.geojson", geojson_io.dumps(filter_collection(built, days=[2])))
    no_exception(at)
    assert not at.error
    assert shown_line(at) == "**4** of 4 events shown."
    assert sidebar_multiselect(at, "f_day").options == ["Day 2"]
    back = [b for b in at.sidebar.button if b.label == "Back to the built data"]
    assert len(back) == 1

    back[0].click()
    at.sidebar.file_uploader[0].set_value(None)
    at.run()
    no_exception(at)
    assert shown_line(at) == f"**{TOTAL}** of {TOTAL} events shown."
    assert [b.label for b in at.sidebar.button] == ["Reset filters"]


def test_a_broken_upload_is_rejected_and_the_data_kept(make_app: MakeApp) -> None:
    at = upload(make_app(), "broken.geojson", '{"type": "FeatureCollection", "features": [1]}')
    no_exception(at)
    assert [e.value for e in at.error] == [
        "The upload was rejected; the map keeps its current data."
    ]
    assert at.sidebar.code[0].value.strip()  # the problems, listed
    assert shown_line(at) == f"**{TOTAL}** of {TOTAL} events shown."


def test_two_uploads_with_the_same_name_show_their_own_events(
    make_app: MakeApp, built: dict[str, Any]
) -> None:
    first = upload(make_app(), "trip.geojson", geojson_io.dumps(filter_collection(built, days=[2])))
    assert shown_line(first) == "**4** of 4 events shown."
    second = upload(
        make_app(), "trip.geojson", geojson_io.dumps(filter_collection(built, days=[1]))
    )
    no_exception(second)
    assert shown_line(second) == "**3** of 3 events shown."
    assert set(table(second)["day"]) == {1}


def test_the_format_choice_gives_the_cli_file_named_after_the_filter(
    make_app: MakeApp, media: list[MediaFileManager], built: dict[str, Any]
) -> None:
    from mapapp.export.formats import export_bytes

    at = make_app(day="2", actor="Yoji Muto")
    at.sidebar.selectbox(key="f_format").set_value("gpkg").run()
    name, mime, content = download(at, media, "Filtered view (GeoPackage)")
    assert name == "rutte-japan_day-2_yoji-muto.gpkg"
    assert mime == "application/geopackage+sqlite3"
    subset = filter_collection(built, days=[2], actors=["Yoji Muto"])
    assert content == export_bytes(subset, "gpkg", "day-2 Yoji Muto")


def test_the_upload_message_says_whether_the_data_was_replaced_or_overlaid(
    make_app: MakeApp, built: dict[str, Any]
) -> None:
    def status(at: AppTest) -> list[str]:
        bodies = [h.value for h in at.html if "mapapp-upload-status" in h.value]
        return [html.unescape(re.sub(r"<[^>]+>", "", b)) for b in bodies]

    day2 = filter_collection(built, days=[2])
    replaced = upload(make_app(), "day2.geojson", geojson_io.dumps(day2))
    count = len(day2["features"])
    assert status(replaced) == [f"day2.geojson: replaced the itinerary data ({count} features)."]
    point = {"type": "Point", "coordinates": [139.7, 35.6]}
    foreign = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": point, "properties": {"name": "<b>x</b>"}}
    ]}  # fmt: skip
    overlaid = upload(make_app(), "<i>pts</i>.geojson", json.dumps(foreign))
    no_exception(overlaid)
    assert status(overlaid) == [
        "<i>pts</i>.geojson: shown as an overlay layer (1 features). "
        "It is not in mapapp's schema, so the itinerary data is unchanged."
    ]
    assert shown_line(overlaid) == f"**{TOTAL}** of {TOTAL} events shown."
