"""The Streamlit UI. Layout only: every decision lives in logic.py and friends."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Literal

import streamlit as st

from mapapp.app import follow, kept, limits, map_frame, page_parts, upload_child, views
from mapapp.app import logic as app_logic
from mapapp.app.layout import APP_CSS
from mapapp.app.uploads import Dataset
from mapapp.errors import InputError, MapappError
from mapapp.export.formats import (
    FORMATS,
    export_bytes,
    file_name,
    file_stem,
    filter_parts,
    trip_slug,
)
from mapapp.presentation import escape
from mapapp.printing.command import app_prints
from mapapp.store.overlay import Overlay


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--itinerary", default="data/itinerary.yaml")
    parser.add_argument("--data", default=None)
    parser.add_argument("--offline", action="store_true")
    parser.add_argument("--root", default=None)
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args


def _take_upload(session: str, uploaded: Dataset | Overlay) -> str:
    """Keep an upload (replacing the data, or adding an overlay); say which happened."""
    kept.keep(session, uploaded, overlay=isinstance(uploaded, Overlay))
    if isinstance(uploaded, Overlay):
        return (
            f"{uploaded.name}: shown as an overlay layer ({uploaded.count} features). "
            "It is not in mapapp's schema, so the itinerary data is unchanged."
        )
    count = len(uploaded.collection["features"])
    return f"{uploaded.name}: replaced the itinerary data ({count} features)."


def _text_notice(message: str) -> None:
    """A warning whose text is shown as text (no Markdown, no HTML)."""
    st.html(f'<div class="mapapp-notice" role="alert">⚠ {escape.html(message)}</div>')


LOG = logging.getLogger("mapapp.app")
args = _args()
st.set_page_config(page_title="mapapp: itinerary map", page_icon="🗺️", layout="wide")
itinerary_path = Path(args.itinerary)
data_path = Path(args.data) if args.data else itinerary_path.with_suffix(".geojson")

try:
    # The folder is part of the key: the cache is the process's (paths stay as given,
    # so a message names them as the user did).
    base = page_parts.load_dataset(
        str(itinerary_path), str(data_path), data_path.stat().st_mtime, args.root, os.getcwd()
    )
except (MapappError, OSError) as exc:
    st.error("Could not load the itinerary data. Run `mapapp build` first.")
    st.code(str(exc), language=None, wrap_lines=True)
    st.stop()
except Exception:  # never a traceback on the page: logged here, a short notice there
    LOG.exception("loading %s failed", data_path)
    st.error("Could not load the itinerary data; the details are in the server's log.")
    st.stop()

# This session's uploads are held by session id (app/kept.py): they go with the session.
session_id = kept.this_session()
mine = kept.of(session_id)
dataset: Dataset = mine.dataset or base
collection = dataset.collection
# Server-wide caches hold views of the served data only: an upload's would outlive its session.
served = dataset is base
facts = views.facts_of(dataset, shared=served)
options = facts.options

# Filters: initialised once from the URL, then kept in the URL as the user changes them.
if st.session_state.get("filters_for") != dataset.key:
    params = {k: st.query_params.get_all(k) for k in app_logic.QUERY_KEYS}
    parsed = app_logic.parse_query(params, options)
    st.session_state.f_day = list(parsed.filters.days)
    st.session_state.f_actor = list(parsed.filters.actors)
    st.session_state.f_type = list(parsed.filters.types)
    st.session_state.ignored = parsed.ignored
    st.session_state.filters_for = dataset.key


with st.sidebar:
    st.header("Filters")
    days = st.multiselect("Day", options["days"], key="f_day", format_func=page_parts.day_label)
    actors = st.multiselect("Actor", options["actors"], key="f_actor")
    types = st.multiselect("Event type", options["types"], key="f_type")
    st.button("Reset filters", on_click=page_parts.reset_filters)
    st.header("Map")
    basemaps = ["Offline map"] if args.offline else ["OpenStreetMap", "Offline map"]
    basemap = st.radio(
        "Basemap",
        basemaps,
        help="The offline map is drawn from local data (coastline, cities and wards); "
        "under OpenStreetMap it shows wherever tiles fail to load.",
    )
    view_names = ["Selection", escape.markdown(facts.region)]
    view = st.radio("View", [0, 1], format_func=view_names.__getitem__)

# The served data's first filters are made once, in the background, for everyone.
views.prewarm(base, "offline" if args.offline else "osm", "selection")

filters = app_logic.Filters(tuple(days), tuple(actors), tuple(types))
playback = app_logic.playback_query(
    {k: st.query_params.get_all(k) for k in app_logic.PLAYBACK_KEYS}
)  # the map's playback reads ?t= and ?play= from this page's address
st.query_params.from_dict({**app_logic.to_query(filters), **playback})
shown_view = views.view_of(dataset, filters, shared=served)
shown, rows = shown_view.shown, shown_view.rows

st.html(f"<style>{APP_CSS}</style>")  # layout only: no data in it
st.html(f'<h1 class="mapapp-title">{escape.html(dataset.trip["title"])}</h1>')
if dataset.trip.get("article_url"):
    source = f"“{dataset.trip.get('article_title', '')}” ({dataset.trip.get('outlet', '')})"
    st.html(
        f"<small>From the article {escape.html(source)}: "
        f"{escape.html(dataset.trip['article_url'])}</small>"
    )
for notice in dataset.notices:
    _text_notice(notice)
for value in st.session_state.get("ignored", []):
    _text_notice(f"Ignored an unknown filter value from the link: {value}")
if dataset.trip["discrepancies"]:
    count = len(dataset.trip["discrepancies"])
    with st.expander(f"⚠ {count} discrepancies between the article and other sources"):
        for d in dataset.trip["discrepancies"]:
            urls = escape.html(", ".join(d["urls"]))
            st.html(
                f"<p><b>{escape.html(d['field'])}</b>: "
                f"the article says {escape.html(d['article'])}; "
                f"sources say {escape.html(d['sources'])}. <small>{urls}</small></p>"
            )

st.write(f"**{shown_view.count}** of {facts.events} events shown.")
for note in shown_view.notes:  # what a large view leaves out: our own words, no data
    st.markdown(note)
# One selected event, shared by the map and the table: the latest pick of either wins.
table_state = st.session_state.get("table")
table_rows = table_state.selection.rows if table_state is not None else []
table_pick = rows[table_rows[0]]["event_id"] if table_rows and table_rows[0] < len(rows) else None
if table_pick != st.session_state.get("table_pick"):
    st.session_state.table_pick = table_pick
    if table_pick is not None:
        st.session_state.selected_event = table_pick
selected = shown_view.event(st.session_state.get("selected_event"))
# The map is rebuilt only for a table pick: a map click already shows its event there,
# and a rebuilt map would drop the click that follows it.
on_map = shown_view.event(st.session_state.get("table_pick"))

# The map takes the main width; the details open below it, only once an event is
# picked (one layout whatever is selected: a moved map would be rebuilt, losing a click).
with st.container():
    basemap_kind: Literal["osm", "offline"] = "osm" if basemap == "OpenStreetMap" else "offline"
    view_kind: Literal["region", "selection"] = "region" if view == 1 else "selection"
    selected_id = on_map["event_id"] if on_map else ""
    overlays = list(mine.overlays)
    # One render per distinct map, shared by every session showing the served data
    # (an upload's or an overlay's map is this session's alone: made per rerun).
    frame = map_frame.frame_for(
        (dataset.key, filters.key()), shown, basemap=basemap_kind, view=view_kind,
        selected=selected_id, overlays=overlays, shared=served and not overlays,
        pin=not selected_id and filters.key() == app_logic.Filters(),
    )  # fmt: skip
    clicked = map_frame.show(frame)
    follow.mark_playback(shown_view.follow)  # the playback's current event, marked in the page
map_click = (
    (clicked or {}).get("last_object_clicked_tooltip"),
    str((clicked or {}).get("last_object_clicked")),
)
if map_click != st.session_state.get("map_click"):
    st.session_state.map_click = map_click
    picked = shown_view.clicked(
        (clicked or {}).get("last_object_clicked_tooltip"),
        (clicked or {}).get("last_object_clicked"),
    )
    if picked is not None and picked is not selected:
        st.session_state.selected_event = picked["event_id"]
        selected = picked
if selected is None:  # plain text: a caption's grey fails the contrast check
    st.markdown(
        "Click a marker on the map (or Tab to it and press Enter), or pick a row of the "
        "itinerary, to see the event, its sentence and its sources here."
    )
else:
    st.subheader("Event details")
    st.html(app_logic.details_html(selected))

st.header("Itinerary")
table = shown_view.table
chosen_id = selected["event_id"] if selected else None
st.dataframe(
    # A visible mark, not only a colour: screen readers and the colour-blind see it too.
    views.table_for(shown_view, chosen_id),
    hide_index=True,
    width="stretch",
    key=follow.TABLE_KEY,
    on_select="rerun",
    selection_mode="single-row",
    column_order=[c for c in table.column_names if c != "event_id"],
    column_config={"sources": st.column_config.ListColumn("sources")},
)

if shown_view.timeline_spec is not None:
    st.header("Timeline")
    st.vega_lite_chart(
        {**shown_view.timeline_spec}, width="stretch"
    )  # a copy: Streamlit takes its datasets out
    st.markdown(
        "Dots: a time to the minute. Bars: the time is known only to a part of the day "
        "(morning 06–12) or to the day."
    )

if shown_view.article_html is not None:
    st.subheader(
        "The article's paragraphs with the shown events' sentences, highlighted"
        if shown_view.article_excerpt
        else "The article, with the shown events' sentences highlighted"
    )
    st.html(f'<div class="mapapp-article">{shown_view.article_html}</div>')

with st.sidebar:
    st.header("Export")
    fmt = st.selectbox("Format", list(FORMATS), format_func=page_parts.format_label, key="f_format")
    kind = FORMATS[fmt]
    slug = trip_slug(collection, dataset.trip["title"])
    parts = filter_parts(filters.days, filters.actors, filters.types) or ["all-events"]
    note = " ".join(parts)
    # Callables: the files are made when clicked, not on every rerun; the same bytes
    # as `mapapp export` with the same filter.
    downloads = [
        (
            f"Filtered view ({kind.short})",
            page_parts.maker(export_bytes, shown, fmt, note),
            file_name(slug, parts, fmt),
            kind.mime,
        ),
        (
            f"Full data set ({kind.short})",
            page_parts.maker(export_bytes, collection, fmt),
            file_name(slug, ["full"], fmt),
            kind.mime,
        ),
        (
            "Map as standalone HTML (works offline)",
            page_parts.maker(page_parts.standalone_html, shown, dataset.trip),
            file_stem(slug, [*parts, "map"]) + ".html",
            "text/html",
        ),
    ]
    if dataset.draft_yaml:  # a bare article's draft: to review, fix and upload again
        draft_name = f"{Path(dataset.name).stem}.draft.yaml"
        draft_bytes = dataset.draft_yaml.encode("utf-8")
        draft = page_parts.maker(page_parts.constant, draft_bytes)
        downloads.append(("Draft itinerary (YAML) to review", draft, draft_name,
                          "application/yaml"))  # fmt: skip
    # The printed page of the same view (mapapp print): rendered by Chromium on click.
    prints = app_prints(
        shown,
        dataset.trip,
        (filters.days, filters.actors, filters.types),
        offline=args.offline or basemap != "OpenStreetMap",
    )
    if isinstance(prints, str):
        st.markdown(prints)  # our own words (no data): what to install for printing
    else:
        downloads += [
            (lbl, mk, file_stem(slug, parts) + ext, mime) for lbl, mk, ext, mime in prints
        ]
    for label, make, file_name_, mime in downloads:
        st.download_button(label, data=make, file_name=file_name_, mime=mime, on_click="ignore")
    st.header("Upload")
    uploads = st.file_uploader(
        "An itinerary (YAML/JSON) with its article (.txt), or a GeoJSON FeatureCollection;"
        " at most 2 files, up to 10 MB each",
        type=["yaml", "yml", "json", "geojson", "txt"],
        accept_multiple_files=True,
        # A new uploader after each upload: the old one's files (and their bytes) go.
        key=f"upload-{st.session_state.get('upload_round', 0)}",
    )
    uploads = list(uploads or [])
    if uploads:
        st.session_state.upload_errors = []
        st.session_state.upload_message = ""
        shown_articles = {base.trip.get("article_file", ""): base.article_text or ""}
        waiting = st.empty()
        try:
            limits.refused_by_server()
            limits.check_upload([(u.name, u.size) for u in uploads])
            kept.check_room(session_id, sum(u.size for u in uploads))
            with limits.parse_slot(lambda: waiting.info("Other uploads are being read; wait…")):
                files = [(u.name, u.getvalue()) for u in uploads]
                # Read in a child process: the parse's memory never lands in the server.
                uploaded = upload_child.read_upload(
                    session_id, files, itinerary_path, shown_articles
                )
            st.session_state.upload_message = _take_upload(session_id, uploaded)
        except InputError as exc:
            st.session_state.upload_errors = [str(p) for p in exc.problems]
        except Exception:  # never a traceback on the page: logged here, a short notice there
            LOG.exception("upload %s failed", [u.name for u in uploads])
            st.session_state.upload_errors = [
                "Something went wrong reading this upload; the details are in the server's log."
            ]
        finally:  # accepted or rejected, the raw bytes go now
            limits.release(uploads)
            files = []
            st.session_state.upload_round = st.session_state.get("upload_round", 0) + 1
        st.rerun()
    if st.session_state.get("upload_message"):
        st.html(
            f'<div class="mapapp-upload-status" role="status">'
            f"{escape.html(st.session_state.upload_message)}</div>"
        )
    if mine.overlays and st.button("Remove the overlays"):
        kept.drop_overlays(session_id)
        st.session_state.upload_message = ""
        st.rerun()
    if st.session_state.get("upload_errors"):
        st.error("The upload was rejected; the map keeps its current data.")
        # Wrapped, so a long problem is readable without scrolling sideways.
        st.code("\n".join(st.session_state.upload_errors), language=None, wrap_lines=True)
    if mine.dataset is not None and st.button("Back to the built data"):
        kept.drop_dataset(session_id)
        st.session_state.upload_message = ""
        st.rerun()
