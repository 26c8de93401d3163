"""The app's "Print (PDF)" and "Image (PNG)" downloads: the printed page of the
filtered view, read back by poppler and Pillow."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from browser_support import Session
from PIL import Image
from tools import require

from mapapp.printing.sheet import Layout

pytestmark = pytest.mark.browser


def test_the_print_downloads_show_the_filtered_view(session: Session, app_url: str) -> None:
    pdftotext = require("pdftotext", "Debian: apt-get install -y poppler-utils")
    page = session.page
    page.goto(app_url + "?day=2&actor=Yoji%20Muto")
    session.map_frame(expected=2)
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Print (PDF)").click()
    assert info.value.suggested_filename.endswith(".pdf")
    text = subprocess.run(
        [pdftotext, "-raw", info.value.path(), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Meeting with trade minister Yoji Muto" in flat
    assert "Itinerary (2 events)" in flat
    assert "Showing: day 2; actor Yoji Muto" in flat
    assert "Meeting with Prime Minister Shigeru Ishiba" not in flat
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name="Image (PNG)").click()
    image = Image.open(Path(info.value.path()))
    assert image.width == 2 * Layout("A4", False).page_px[0]
    session.assert_clean()
