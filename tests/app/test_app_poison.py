"""Nothing a user sends ever runs in the app: the poison test through Streamlit's AppTest.

The app on a poisoned itinerary (every text field its models accept, see
tests/poison.py), with poisoned link parameters and an event selected so the
details panel shows: every element's text is read back; no `{{ 7*191 }}` became
1337, no HTML the app writes carries live markup from the data, and the text is
still there, escaped. (AppTest does not run the map's component: the map's own
poison test is tests/mapview/test_map_poison.py, the browser's test_browser_poison.py.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
import yaml
from conftest import ROOT, SEED
from poison import PAYLOAD, PoisonedItinerary, ran
from streamlit.testing.v1 import AppTest

from mapapp.app import kept
from mapapp.pipeline import build
from mapapp.presentation import escape

APP = ROOT / "mapapp" / "app" / "page.py"


@pytest.fixture()
def poisoned_app(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    data = yaml.safe_load((workdir / "data" / "itinerary.yaml").read_text(encoding="utf-8"))
    poisoned = PoisonedItinerary(data, SEED.read_text(encoding="utf-8"))
    source = workdir / "data" / "itinerary.yaml"
    source.write_text(json.dumps(poisoned.data, default=str), encoding="utf-8")  # JSON is YAML
    result = build(source, offline=True)
    event_id = next(
        f["id"] for f in json.loads(result.path.read_text())["features"]
        if f["properties"]["kind"] == "event"
    )  # fmt: skip
    monkeypatch.chdir(workdir)
    monkeypatch.setattr(sys, "argv", ["app.py"])
    st.cache_data.clear()
    kept.forget_gone(lambda _session: False)  # AppTest reuses one session id
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key in ("day", "actor", "type"):
        at.query_params[key] = PAYLOAD
    at.session_state["selected_event"] = event_id
    return at.run()


def _texts(node: Any) -> list[str]:
    """The protobuf text of every element in the app's tree."""
    out: list[str] = []
    proto = getattr(node, "proto", None)
    if proto is not None:
        out.append(str(proto))
    for child in getattr(node, "children", {}).values():
        out += _texts(child)
    return out


def test_the_app_shows_poisoned_text_and_runs_none_of_it(poisoned_app: AppTest) -> None:
    at = poisoned_app
    assert not at.exception, [e.value for e in at.exception]
    everything = "\n".join(_texts(at._tree))
    assert ran(everything) is None, ran(everything)
    bodies = [h.value for h in at.html]
    assert bodies
    for body in bodies:
        assert "<img" not in body and "{{ 7*191 }}" not in body, body[:300]
    # The details panel: the title, the place, the quote, the actors, each escaped.
    panel = next(b for b in bodies if "<b>Place:</b>" in b)
    assert panel.count(escape.html(PAYLOAD)) >= 4
    # The link parameters are shown as text, escaped, and never applied.
    notices = [b for b in bodies if "mapapp-notice" in b]
    # (each cut to 80 characters: a link is untrusted). The actor is one of the
    # data's (poisoned) actors, so it filters instead.
    for param in ("day", "type"):
        shown = escape.html(f"{param}={PAYLOAD}"[:79])
        assert any(shown in n for n in notices), param
    # The heading, the timeline and the table carry the text as data.
    assert any(escape.html(PAYLOAD) in b for b in bodies if "mapapp-title" in b)
    assert PAYLOAD in at.dataframe[0].value.to_string() or PAYLOAD in json.dumps(
        at.dataframe[0].value.astype(str).values.tolist()
    )
