"""A view of many events: the table, the page's follower and the timeline stop at
their caps and the page says so; the unfiltered view of the served data is pinned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from pandas.io.formats.style import Styler

from mapapp.app import logic as app_logic
from mapapp.app import views
from mapapp.app.uploads import Dataset
from mapapp.export.filters import events_of


def _dataset(built: dict[str, Any], key: str) -> Dataset:
    return Dataset("seed", built, None, {"title": "seed", "discrepancies": []}, key)


def test_a_large_view_lists_the_first_rows_and_says_what_it_leaves_out(
    built: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    count = len(events_of(built))
    monkeypatch.setattr(views, "TABLE_MAX_ROWS", 3)
    monkeypatch.setattr(views, "TIMELINE_MAX_EVENTS", count - 1)
    view = views.make_view(_dataset(built, "large"), app_logic.Filters())
    assert view.count == count and len(view.rows) == 3 and view.table.num_rows == 3
    assert [r["#"] for r in view.rows] == sorted(r["#"] for r in view.rows)[:3]
    assert [e["seq"] for e in view.follow["events"]] == [r["#"] for r in view.rows]
    assert view.timeline_spec is None
    assert any(f"first 3 of these {count} events" in n for n in view.notes)
    assert any("timeline" in n for n in view.notes)
    small = views.make_view(_dataset(built, "small"), app_logic.Filters(days=(1,)))
    assert small.notes == () and small.timeline_spec is not None


def test_the_chosen_row_is_marked_and_styled_only_in_a_small_table(
    built: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    view = views.make_view(_dataset(built, "marks"), app_logic.Filters())
    chosen = view.rows[1]["event_id"]
    assert views.table_for(view, None) is view.table
    styled = views.table_for(view, chosen)
    assert isinstance(styled, Styler)
    assert list(styled.data["selected"]) == ["▶" if i == 1 else "" for i in range(len(view.rows))]
    monkeypatch.setattr(views, "STYLED_MAX_ROWS", 1)
    plain = views.table_for(view, chosen)
    assert isinstance(plain, pa.Table)
    assert plain.column("selected").to_pylist()[1] == "▶"
    assert view.table.column("selected").to_pylist()[1] == ""  # the shared view unchanged
    assert view.event(chosen) is not None and view.event("nobody") is None


def test_the_served_unfiltered_view_is_pinned_and_a_filter_uses_the_index(
    built: dict[str, Any], tmp_path: Path
) -> None:
    dataset = _dataset(built, f"{tmp_path}/pinned")
    first = views.view_of(dataset, app_logic.Filters(), shared=True)
    assert views.view_of(dataset, app_logic.Filters(), shared=True) is first
    assert views.views().pinned >= 1
    day = views.facts_of(dataset, shared=True).options["days"][0]
    one_day = views.view_of(dataset, app_logic.Filters(days=(day,)), shared=True)
    assert {e["properties"]["day"] for e in events_of(one_day.shown)} == {day}
    assert views.facts_of(dataset, shared=True).events == first.count


def test_a_view_finds_a_clicked_or_chosen_event_as_a_pass_over_its_events_would(
    built: dict[str, Any],
) -> None:
    """The view's look-ups (by seq for a click, by id for a pick) give what the pass
    over the shown events gives, first of each, for every event and for a miss."""
    view = views.make_view(_dataset(built, "clicks"), app_logic.Filters(days=(2,)))
    shown = [f["properties"] for f in view.shown["features"] if f["properties"]["kind"] == "event"]
    assert shown and len(shown) < len(built["features"])
    for props in shown:
        tooltip = f"{props['seq']}. {props['title']}"
        assert view.clicked(tooltip, None) is props
        assert view.clicked(tooltip, None) is app_logic.event_for_click(tooltip, None, view.shown)
        assert view.event(props["event_id"]) is props
    hidden = next(f["properties"] for f in built["features"] if f["properties"].get("day") == 1)
    assert view.clicked(f"{hidden['seq']}. {hidden['title']}", None) is None
    at = {"lat": shown[0]["lat"], "lng": shown[0]["lon"]}
    assert view.clicked("no order here", at) is app_logic.event_for_click(None, at, view.shown)


def test_the_first_of_two_events_with_one_seq_or_id_is_found() -> None:
    """Data that skipped the store's checks may repeat a seq: the first wins, as in a pass."""
    first = {"kind": "event", "seq": 4, "event_id": "a"}
    second = {"kind": "event", "seq": 4, "event_id": "a"}
    collection = {"features": [{"properties": first}, {"properties": second}]}
    assert app_logic.events_by(collection, "seq")[4] is first
    assert app_logic.events_by(collection, "event_id")["a"] is first
    assert app_logic.event_for_click("4. x", None, collection) is first
