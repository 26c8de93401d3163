"""What the page hands to Streamlit to keep: its cached loader, widget callbacks and
format functions, and the downloads' makers.

They live in a module, not in the page script, because a function defined in the
page keeps that run's globals alive (its `__globals__`): the data set, the map
frame, the view. Streamlit keeps such functions past the run: `st.cache_resource`
keeps the loader it first saw for the process's lifetime, and a session's widget
state keeps its callbacks and format functions, even after the session ends when
Streamlit's message loop still names that session (see `mapapp.app.kept`). An
upload, its map and its view were kept with them.
"""

from __future__ import annotations

import gc
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st

from mapapp.app.uploads import Dataset, trip_summary


@st.cache_resource(show_spinner=False, max_entries=4)  # shared as is (read-only), not copied
def load_dataset(itinerary: str, data: str, mtime: float, root: str | None, folder: str) -> Dataset:
    """The served data set, loaded once per process (per file version and folder)."""
    from mapapp.itinerary.load import load_itinerary
    from mapapp.store import geojson_io

    loaded = load_itinerary(Path(itinerary), root=Path(root) if root else None)
    trip, article = trip_summary(loaded.itinerary), loaded.article_text
    # The itinerary's models go before the data is read: a million events held both
    # at once (14.6 GB at the peak of the first page).
    del loaded
    collection = geojson_io.read(Path(data))
    dataset = Dataset(data, collection, article, trip, f"{folder}/{data}@{mtime}")
    settle_served(len(collection["features"]))
    return dataset


#: Past this many features the served data is frozen out of the collector's scans.
FREEZE_ABOVE_FEATURES = 50_000


def settle_served(features: int) -> None:
    """The served data lives as long as the process: past FREEZE_ABOVE_FEATURES its
    objects are moved out of the garbage collector's reach (gc.freeze), once per
    file version. Without it the first full collections after a million events'
    load scanned them all: 23 s of the first filter's view. The loader's garbage
    is collected first, so nothing dead is frozen; what other sessions hold at
    this moment is frozen too (their cycles would outlive them: a new served file
    version is rare, and an upload's objects are never frozen here)."""
    if features > FREEZE_ABOVE_FEATURES:
        gc.collect()
        gc.freeze()


def reset_filters() -> None:
    """The "Reset filters" button: every filter off, the link's ignored values forgotten."""
    st.session_state.f_day = []
    st.session_state.f_actor = []
    st.session_state.f_type = []
    st.session_state.ignored = []


def day_label(day: int) -> str:
    return f"Day {day}"


def format_label(fmt: str) -> str:
    from mapapp.export.formats import FORMATS

    return FORMATS[fmt].label


def standalone_html(shown: dict[str, Any], trip: dict[str, Any]) -> bytes:
    """The map as a standalone HTML page (works offline)."""
    from mapapp.mapview.render import render_html

    return render_html(shown, trip=trip).encode("utf-8")


def constant(value: bytes) -> bytes:
    return value


def maker(function: Any, *args: Any, **kwargs: Any) -> Any:
    """A download's maker (made on click) that holds only its own arguments."""
    return partial(function, *args, **kwargs)
