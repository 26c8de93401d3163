"""The app page follows the map's playback: the itinerary table, the article and
the timeline mark the current event (issue 16).

A small Streamlit component (components v2: its script runs in the app page, not
in a frame) listens for the messages js/playback.js posts from the map's frame;
its script is mapapp/app/js/follow.mjs. Its data is JSON: each shown event's seq
and heading, which the script only ever sets as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from mapapp.app.logic import NOW_PARAM
from mapapp.export.filters import events_of
from mapapp.presentation.wording import heading

SCRIPT = Path(__file__).parent / "js" / "follow.mjs"
#: The itinerary table's key: Streamlit gives its element the class st-key-<key>.
TABLE_KEY = "table"
CSS = """
.mapapp-now-note { margin: 0.25rem 0 0; min-height: 1.5em; font-weight: 600; }
"""


@cache
def _component() -> Any:
    import streamlit as st

    return st.components.v2.component(
        "mapapp_follow", js=SCRIPT.read_text(encoding="utf-8"), css=CSS, isolate_styles=False
    )


def follow_data(shown: dict[str, Any], limit: int | None = None) -> dict[str, Any]:
    """What the script needs: the shown events in the table's order (visit order),
    each with its heading as the map words it (a draft's mark included); the
    first `limit` (the rows the table lists: the page follows only those)."""
    props = sorted((f["properties"] for f in events_of(shown)), key=lambda p: p["seq"])
    return {
        "events": [{"seq": int(p["seq"]), "head": heading(p)} for p in props[:limit]],
        "table": f"st-key-{TABLE_KEY}",
        "param": NOW_PARAM,
    }


def mark_playback(data: Mapping[str, Any]) -> None:
    """Mount the listener (with its "Now: …" note) under the map; `data` is
    follow_data's, made once per view (see app/views.py), not per rerun."""
    _component()(key="follow", data=data, height="content")
