"""What one filter of one data set shows, made once and shared by every session.

A filter rerun used to filter the collection, word every row of the table and
the timeline, and mark the article, in every session, on every rerun. For the
data the server itself serves these depend only on (data, filters), so they are
kept in a `ByteLRU` and a filter another viewer already chose costs a lookup.
An upload's view is its session's alone: made per rerun and never kept, so it
cannot outlive the session. Everything here is read-only once made.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from mapapp.app import logic as app_logic
from mapapp.app.follow import follow_data
from mapapp.app.shared_cache import ByteLRU
from mapapp.app.uploads import Dataset
from mapapp.export.filters import available, events_of, filter_collection
from mapapp.mapview.features import region_label

#: Views of served data, shared by every session: 128 MB, a view over 32 MB is never kept.
VIEW_BUDGET_BYTES = 128 * 1024 * 1024
#: A rough cost of one shown event: its feature, table row and timeline rows.
BYTES_PER_EVENT = 6 * 1024


@dataclass(frozen=True)
class View:
    shown: dict[str, Any]
    rows: list[dict[str, Any]]
    table: pd.DataFrame  # rows as the table shows them, with an empty "selected" column
    timeline_spec: dict[str, Any] | None  # Vega-Lite, its data as Arrow (none: no events)
    article_html: str | None
    follow: dict[str, Any]  # what the page's playback listener gets (app/follow.py)
    weight: int  # bytes, roughly (the cache's budget counts this)
    article_excerpt: bool = False  # the article's marked paragraphs only (a long article)


def make_view(dataset: Dataset, filters: app_logic.Filters) -> View:
    shown = filter_collection(dataset.collection, **filters.as_kwargs())
    rows = app_logic.itinerary_rows(shown)
    table = pd.DataFrame(rows)
    if rows:  # a visible mark of the picked row, not only a colour (set per session)
        table.insert(0, "selected", [""] * len(rows))
    excerpt = len(dataset.article_text or "") > app_logic.ARTICLE_FULL_MAX_CHARS
    article = (
        app_logic.highlight_article(
            dataset.article_text,
            app_logic.quote_spans(shown),
            app_logic.quote_seqs(shown),
            excerpt=excerpt,
        )
        if dataset.article_text
        else None
    )
    weight = BYTES_PER_EVENT * len(events_of(shown)) + 2 * len(article or "")
    timeline = app_logic.timeline_rows(shown)
    timezone = dataset.collection.get("mapapp_metadata", {}).get("timezone")
    spec = app_logic.timeline_spec(timeline, timezone) if timeline else None
    return View(shown, rows, table, spec, article or None, follow_data(shown), weight, excerpt)


_VIEWS: ByteLRU[View] = ByteLRU(VIEW_BUDGET_BYTES, lambda v: v.weight)


def view_of(dataset: Dataset, filters: app_logic.Filters, *, shared: bool) -> View:
    """The view; from the shared cache when the data is the server's own."""
    if not shared:
        return make_view(dataset, filters)
    return _VIEWS.get_or_make((dataset.key, filters.key()), lambda: make_view(dataset, filters))


@dataclass(frozen=True)
class Facts:
    """What the sidebar offers for a data set: its filter options, its region's name."""

    options: dict[str, list[Any]]
    region: str
    weight: int


def make_facts(dataset: Dataset) -> Facts:
    options = available(dataset.collection)
    weight = 256 * sum(len(v) for v in options.values()) + 1024
    return Facts(options, region_label(dataset.collection), weight)


_FACTS: ByteLRU[Facts] = ByteLRU(16 * 1024 * 1024, lambda f: f.weight)


def facts_of(dataset: Dataset, *, shared: bool) -> Facts:
    if not shared:
        return make_facts(dataset)
    return _FACTS.get_or_make(dataset.key, lambda: make_facts(dataset))


#: Prewarming stops here: past it a view is too costly to make unasked.
PREWARM_MAX_EVENTS = 20_000
PREWARM_MAX_FILTERS = 64
_PREWARMED: set[tuple[str, str, str]] = set()
_PREWARM_LOCK = threading.Lock()


def single_filters(options: dict[str, list[Any]]) -> list[app_logic.Filters]:
    """No filter, then each day, actor and type alone: what a viewer picks first."""
    found = [app_logic.Filters()]
    found += [app_logic.Filters(days=(d,)) for d in options["days"]]
    found += [app_logic.Filters(actors=(a,)) for a in options["actors"]]
    found += [app_logic.Filters(types=(t,)) for t in options["types"]]
    return found[:PREWARM_MAX_FILTERS]


def prewarm(
    dataset: Dataset,
    basemap: Literal["osm", "offline"],
    view: Literal["region", "selection"],
) -> bool:
    """Make, in a background thread, the shared views and map frames of the
    served data's single filters (once per data set and map kind). A viewer's
    first filter change then finds them made. Returns whether it started."""
    from mapapp.app import map_frame

    key = (dataset.key, basemap, view)
    with _PREWARM_LOCK:
        if key in _PREWARMED or len(events_of(dataset.collection)) > PREWARM_MAX_EVENTS:
            return False
        _PREWARMED.add(key)

    def run() -> None:
        for filters in single_filters(make_facts(dataset).options):
            shown = view_of(dataset, filters, shared=True).shown
            map_frame.frame_for((dataset.key, filters), shown, basemap=basemap, view=view,
                                selected="", shared=True)  # fmt: skip

    threading.Thread(target=run, name="mapapp-prewarm", daemon=True).start()
    return True


def views() -> ByteLRU[View]:
    return _VIEWS
