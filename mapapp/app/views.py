"""What one filter of one data set shows, made once and shared by every session.

A filter rerun used to filter the collection, word every row of the table and
the timeline, and mark the article, in every session, on every rerun. For the
data the server itself serves these depend only on (data, filters), so they are
kept in a `ByteLRU` and a filter another viewer already chose costs a lookup.
An upload's view is its session's alone: made per rerun and never kept, so it
cannot outlive the session. Everything here is read-only once made.

The served data is indexed once (app/index.py), so a new filter costs what it
shows, and its unfiltered view is pinned: every first page shows it, and at
100,000 events it took twelve seconds to make. A view of many events shows
the first TABLE_MAX_ROWS rows, the first ARTICLE_MAX_MARKS marked passages and
no timeline past TIMELINE_MAX_EVENTS: the page says so, and a filter shows the rest.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
from pandas.io.formats.style import Styler

from mapapp.app import logic as app_logic
from mapapp.app.follow import follow_data
from mapapp.app.index import DataIndex, filtered, index_of
from mapapp.app.shared_cache import ByteLRU
from mapapp.app.uploads import Dataset
from mapapp.export.filters import available, events_of, filter_collection
from mapapp.mapview.features import region_label

#: Views of served data, shared by every session: 128 MB, a view over 32 MB is never kept.
VIEW_BUDGET_BYTES = 128 * 1024 * 1024
#: A rough cost of one shown event: its feature, table row and timeline rows.
BYTES_PER_EVENT = 6 * 1024
#: A view shows at most this many table rows (100,000 rows were 37 MB of Arrow made
#: and hashed on every rerun, a million past Streamlit's message limit); a day's,
#: actor's or type's filter lists the others, and a map click shows any event...
TABLE_MAX_ROWS = 20_000
#: ...draws its timeline up to this many events (one row per event and actor:
#: Vega-Lite draws 300,000 marks slowly, and the spec went with every rerun)...
TIMELINE_MAX_EVENTS = 20_000
#: ...and marks at most this many passages of a long article (the unfiltered
#: 100,000 events' excerpt was the whole 27 MB article, escaped and sent per rerun).
ARTICLE_MAX_MARKS = 2_000
#: The picked row is also highlighted (a Styler, a style per cell) up to this many rows.
STYLED_MAX_ROWS = 5_000


@dataclass(frozen=True)
class View:
    shown: dict[str, Any]
    rows: list[dict[str, Any]]
    # rows as the table shows them, with an empty "selected" column; as Arrow,
    # which Streamlit sends as it is (from pandas: a third of a second at 20,000 rows)
    table: pa.Table
    timeline_spec: dict[str, Any] | None  # Vega-Lite, its data as Arrow (none: no events)
    article_html: str | None
    follow: dict[str, Any]  # what the page's playback listener gets (app/follow.py)
    weight: int  # bytes, roughly (the cache's budget counts this)
    article_excerpt: bool = False  # the article's marked paragraphs only (a long article)
    count: int = 0  # events shown (the table may show fewer: TABLE_MAX_ROWS)
    notes: tuple[str, ...] = ()  # what a large view leaves out, in words (no data)

    @cached_property
    def _by_id(self) -> dict[str, dict[str, Any]]:
        return app_logic.events_by(self.shown, "event_id")

    @cached_property
    def _by_seq(self) -> dict[int, dict[str, Any]]:
        return app_logic.events_by(self.shown, "seq")

    def event(self, event_id: str | None) -> dict[str, Any] | None:
        """The shown event with this id (a look-up, not a pass per rerun)."""
        return None if event_id is None else self._by_id.get(event_id)

    def clicked(
        self, tooltip: str | None, latlng: dict[str, float] | None
    ) -> dict[str, Any] | None:
        """The shown event a map click meant (app_logic.event_for_click, by a look-up)."""
        return app_logic.event_for_click(tooltip, latlng, self.shown, self._by_seq)


def table_for(view: View, chosen_id: str | None) -> pa.Table | Styler:
    """The view's table as this session shows it: the chosen event's row marked
    "▶", and highlighted when the table is small enough to style every cell."""
    table = view.table
    if not view.rows or chosen_id is None:
        return table
    marks = ["▶" if r["event_id"] == chosen_id else "" for r in view.rows]
    table = table.set_column(0, "selected", pa.array(marks, pa.large_string()))
    if len(view.rows) > STYLED_MAX_ROWS:
        return table
    return table.to_pandas().style.apply(
        lambda row: (
            ["background-color: #fff3b0; font-weight: 600" if row["event_id"] == chosen_id else ""]
            * len(row)
        ),
        axis=1,
    )


def make_view(dataset: Dataset, filters: app_logic.Filters, index: DataIndex | None = None) -> View:
    """The view of `filters`; through `index` (the served data's) when given."""
    if index is None:
        shown = filter_collection(dataset.collection, **filters.as_kwargs())
    else:
        shown = filtered(index, **filters.as_kwargs())
    events = events_of(shown)
    count = len(events)
    notes: list[str] = []
    rows = app_logic.itinerary_rows(shown, limit=TABLE_MAX_ROWS)
    if count > len(rows):
        notes.append(
            f"The itinerary table lists the first {len(rows):,} of these {count:,} events; "
            "filter by day, actor or type to list the others."
        )
    frame = pd.DataFrame(rows)
    if rows:  # a visible mark of the picked row, not only a colour (set per session)
        frame.insert(0, "selected", [""] * len(rows))
    table = pa.Table.from_pandas(frame, preserve_index=False).combine_chunks()
    excerpt = len(dataset.article_text or "") > app_logic.ARTICLE_FULL_MAX_CHARS
    spans, seqs = app_logic.quote_marks(shown)
    if excerpt and len(spans) > ARTICLE_MAX_MARKS:
        spans = sorted(spans)[:ARTICLE_MAX_MARKS]
        notes.append(
            f"The article below shows the paragraphs of the first {ARTICLE_MAX_MARKS:,} "
            "marked passages; filter to see others."
        )
    article = (
        app_logic.highlight_article(dataset.article_text, spans, seqs, excerpt=excerpt)
        if dataset.article_text
        else None
    )
    weight = BYTES_PER_EVENT * min(count, TABLE_MAX_ROWS) + 2 * len(article or "")
    spec = None
    if count > TIMELINE_MAX_EVENTS:
        notes.append(
            f"The timeline is drawn for at most {TIMELINE_MAX_EVENTS:,} events; "
            "filter by day, actor or type to see it."
        )
    elif timeline := app_logic.timeline_rows(shown):
        timezone = dataset.collection.get("mapapp_metadata", {}).get("timezone")
        spec = app_logic.timeline_spec(timeline, timezone)
    return View(
        shown, rows, table, spec, article or None, follow_data(shown, len(rows)), weight, excerpt,
        count, tuple(notes),
    )  # fmt: skip


#: Pinned: the unfiltered view of up to two served data sets (as their indexes).
_VIEWS: ByteLRU[View] = ByteLRU(VIEW_BUDGET_BYTES, lambda v: v.weight, pin_max=2)


def view_of(dataset: Dataset, filters: app_logic.Filters, *, shared: bool) -> View:
    """The view; from the shared cache when the data is the server's own (its
    unfiltered view pinned there: see the module's note)."""
    if not shared:
        return make_view(dataset, filters)
    index = served_index(dataset)
    unfiltered = filters.key() == app_logic.Filters()
    return _VIEWS.get_or_make(
        (dataset.key, filters.key()), lambda: make_view(dataset, filters, index), pin=unfiltered
    )


#: The served data sets' indexes: one a data set (a new file version replaces it).
_INDEXES: ByteLRU[DataIndex] = ByteLRU(0, lambda _: 0, pin_max=2)


def served_index(dataset: Dataset) -> DataIndex:
    """The served data set's index, made once (only the server's own data: an
    upload's would outlive its session)."""
    return _INDEXES.get_or_make(dataset.key, lambda: index_of(dataset.collection), pin=True)


@dataclass(frozen=True)
class Facts:
    """What the sidebar offers for a data set: its filter options, its region's name."""

    options: dict[str, list[Any]]
    region: str
    events: int  # how many events the data set has


def make_facts(dataset: Dataset) -> Facts:
    options = available(dataset.collection)
    count = len(events_of(dataset.collection))
    return Facts(options, region_label(dataset.collection), count)


def facts_of(dataset: Dataset, *, shared: bool) -> Facts:
    """The sidebar's facts; the served data's from its index (made once: its
    20,000 days were gathered again on every rerun, too large for the old cache)."""
    if not shared:
        return make_facts(dataset)
    index = served_index(dataset)
    return Facts(index.options, index.region, index.event_count)


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
        if key in _PREWARMED:
            return False
        _PREWARMED.add(key)  # once a data set, whatever its size: asked on every rerun
        if served_index(dataset).event_count > PREWARM_MAX_EVENTS:
            return False

    def run() -> None:
        for filters in single_filters(facts_of(dataset, shared=True).options):
            shown = view_of(dataset, filters, shared=True).shown
            map_frame.frame_for((dataset.key, filters), shown, basemap=basemap, view=view,
                                selected="", shared=True)  # fmt: skip

    threading.Thread(target=run, name="mapapp-prewarm", daemon=True).start()
    return True


def views() -> ByteLRU[View]:
    return _VIEWS
