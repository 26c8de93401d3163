"""A bare article uploaded to the app: drafted, shown with its review marks, downloadable."""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

import pytest
import streamlit as st
import yaml
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from mapapp.app import kept
from mapapp.app.uploads import Dataset, dataset_from_uploads
from mapapp.errors import InputError

APP = ROOT / "mapapp" / "app" / "page.py"
ARTICLE = ROOT / "tests" / "draft" / "articles" / "charles_germany_2023.txt"


def test_a_bare_article_becomes_a_draft_that_round_trips(workdir: Path) -> None:
    raw = ARTICLE.read_bytes()
    shown = dataset_from_uploads([("visit.txt", raw)], workdir / "data" / "itinerary.yaml")
    assert isinstance(shown, Dataset) and shown.draft_yaml is not None
    events = [f["properties"] for f in shown.collection["features"]
              if f["properties"]["kind"] == "event"]  # fmt: skip
    assert len(events) >= 7 and all(e["review"] for e in events)
    assert shown.notices[0].startswith("This map is a DRAFT")
    draft = yaml.safe_load(shown.draft_yaml)
    assert draft["trip"]["article"]["path"] == "visit.txt"
    # Fixed by hand and uploaded again with its article: an ordinary itinerary.
    fixed = shown.draft_yaml.replace("title: 'Draft: Charles III in Germany'", "title: Fixed")
    again = dataset_from_uploads(
        [("visit.draft.yaml", fixed.encode()), ("visit.txt", raw)], workdir / "data" / "x.yaml"
    )
    assert isinstance(again, Dataset) and again.trip["title"] == "Fixed"
    assert again.draft_yaml is None


def test_a_poem_uploaded_alone_is_refused_clearly(workdir: Path) -> None:
    poem = b"The sea is calm tonight.\nThe tide is full, the moon lies fair.\n"
    with pytest.raises(InputError) as caught:
        dataset_from_uploads([("dover.txt", poem)], workdir / "data" / "itinerary.yaml")
    assert "dover.txt" in str(caught.value) and "nothing to draft" in str(caught.value)


def test_the_app_shows_the_draft_marks_and_offers_the_yaml(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    st.cache_data.clear()
    kept.forget_gone(lambda _session: False)  # AppTest reuses one session id
    monkeypatch.chdir(workdir)
    monkeypatch.setattr(sys, "argv", ["app.py"])
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    at.sidebar.file_uploader[0].upload("visit.txt", ARTICLE.read_bytes(), "text/plain")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    frame = at.dataframe[0].value
    assert set(frame["review"]) and all(
        v.startswith("draft, needs review") for v in frame["review"]
    )
    bodies = [h.value for h in at.html if 'class="mapapp-notice"' in h.value]
    texts = [html.unescape(re.sub(r"<[^>]+>", "", b)) for b in bodies]
    assert any("This map is a DRAFT" in t for t in texts)
    labels = [b.label for b in at.sidebar.download_button]
    assert "Draft itinerary (YAML) to review" in labels
    st.cache_data.clear()
    kept.forget_gone(lambda _session: False)
