"""The app page follows the map's playback: the itinerary table, the article and
the timeline mark the current event (issue 16).

A small Streamlit component (components v2: its script runs in the app page, not
in a frame) listens for the messages js/playback.js posts from the map's frame;
its script is mapapp/app/js/follow.mjs. Its data is JSON: each shown event's seq
and heading, which the script only ever sets as text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from mapapp.app.logic import NOW_PARAM

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


def follow_data(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """What the script needs: the table's events in its order, with their headings."""
    return {
        "events": [{"seq": int(r["#"]), "head": f"{r['#']}. {r['event']}"} for r in rows],
        "table": f"st-key-{TABLE_KEY}",
        "param": NOW_PARAM,
    }


def mark_playback(rows: Sequence[Mapping[str, Any]]) -> None:
    """Mount the listener (with its "Now: …" note) under the map."""
    _component()(key="follow", data=follow_data(rows), height="content")
