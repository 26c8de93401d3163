"""The printed page's HTML, without a browser: every value from the data is text
(the one escaper), the filter and the date are said, the table is capped."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mapapp.printing import sheet
from mapapp.printing.sheet import Layout, sheet_html, time_text

DATA = Path(__file__).resolve().parents[2] / "data" / "itinerary.geojson"


def _seed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def test_hostile_titles_and_actors_print_as_text() -> None:
    seed = _seed()
    event = next(f for f in seed["features"] if f["properties"]["kind"] == "event")
    event["properties"]["title"] = "<img src=x onerror=alert(1)>{{ 7*191 }}"
    event["properties"]["actors"] = ["<script>alert(2)</script>"]
    html = sheet_html(seed, layout=Layout("A4", False), now=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    assert "<img src=x" not in html and "<script>alert(2)" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;&#123;&#123; 7*191 &#125;&#125;" in html
    assert "Generated 2026-01-02 03:04 UTC" in html
    assert "Showing: all events." in html


def test_the_table_lists_at_most_the_cap_and_counts_the_rest(monkeypatch: Any) -> None:
    monkeypatch.setattr(sheet, "MAX_TABLE_ROWS", 3)
    html = sheet_html(_seed(), layout=Layout("letter", True))
    assert html.count('class="mv-print-num"') == 3
    assert "… and 4 more events" in html
    assert "size: letter landscape" in html


def test_the_time_column_uses_the_articles_words() -> None:
    assert time_text({"time": "18:10", "time_label": "18:10, about 45 minutes"}) == (
        "18:10, about 45 minutes"
    )
    assert time_text({"time": None, "time_label": "morning"}) == "morning"
    assert time_text({"time": None, "time_label": ""}) == "some time that day"


def test_a_drafted_event_is_marked_for_review_in_the_table() -> None:
    seed = _seed()
    events = [f for f in seed["features"] if f["properties"]["kind"] == "event"]
    events[0]["properties"]["review"] = ["place (0.5): city-level"]
    html = sheet_html(seed, layout=Layout("A4", False), now=datetime(2026, 1, 2, tzinfo=UTC))
    marked = f"{events[0]['properties']['title']} (draft, needs review)"
    assert marked in html
    assert html.count("(draft, needs review)</td>") == 1  # one row of the table
