"""A foreign GeoJSON upload, in Chromium: drawn as an overlay, its text shown as text.

The server, browser and session fixtures live in browser_support.py (through conftest.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_support import Session
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame

pytestmark = pytest.mark.browser

EVIL = "<img src=x onerror=alert(1)><b>bold</b>"
OVERLAY_COLOR = "#7b2cbf"


def foreign_collection() -> dict[str, object]:
    """Points, a line and a polygon between Yokosuka and Tokyo, clear of the itinerary's markers."""

    def feature(geometry: dict[str, object], **props: object) -> dict[str, object]:
        return {"type": "Feature", "geometry": geometry, "properties": props}

    return {
        "type": "FeatureCollection",
        "features": [
            feature({"type": "Point", "coordinates": [139.60, 35.46]}, name=EVIL, kind="ship"),
            feature({"type": "Point", "coordinates": [139.70, 35.47]}, name="Second point", n=2),
            feature(
                {"type": "LineString", "coordinates": [[139.58, 35.52], [139.70, 35.53]]},
                name="A line",
                note="<script>alert(2)</script>",
            ),
            feature(
                {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [139.62, 35.38],
                            [139.67, 35.38],
                            [139.67, 35.42],
                            [139.62, 35.42],
                            [139.62, 35.38],
                        ]
                    ],
                },
                name="A polygon",
                tags=["a", "<i>b</i>"],
            ),
        ],
    }


def overlay_shapes(session: Session) -> tuple[Frame, int]:
    for _ in range(40):
        frame = session.map_frame(expected=7)
        try:
            count = frame.locator(f'path[stroke="{OVERLAY_COLOR}"]').count()
        except PlaywrightError:
            count = 0
        if count >= 4:
            return frame, count
        session.page.wait_for_timeout(250)
    strokes = frame.locator("path").evaluate_all("ps => ps.map(p => p.getAttribute('stroke'))")
    session.shot("app-overlay-missing")
    pytest.fail(f"the overlay was never drawn: {sorted(set(map(str, strokes)))} {session.errors}")


def test_a_foreign_feature_collection_is_an_overlay_with_text_popups(
    session: Session, app_url: str, tmp_path: Path
) -> None:
    upload = tmp_path / "foreign.geojson"
    upload.write_text(json.dumps(foreign_collection()), encoding="utf-8")
    page = session.page
    page.goto(app_url)
    session.map_frame(expected=7)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
    page.get_by_text("foreign.geojson: shown as an overlay layer (4 features)").wait_for(
        timeout=20000
    )
    page.get_by_text("7 of 7 events shown").wait_for()  # the itinerary data is unchanged
    frame, shapes = overlay_shapes(session)
    assert shapes == 4
    assert frame.locator(".mv-num").count() == 7

    control = frame.locator(".leaflet-control-layers")
    control.hover()
    assert "Upload: foreign.geojson (4 features)" in control.inner_text()

    frame.locator(f'path[stroke="{OVERLAY_COLOR}"]').first.click()
    popup = frame.locator(".mv-overlay-popup")
    popup.wait_for(timeout=10000)
    text = popup.inner_text()
    assert EVIL in text  # shown as the characters, not as markup
    assert "ship" in text
    assert frame.locator(".leaflet-popup-content img, .leaflet-popup-content b").count() == 0
    session.shot("app-overlay-popup")
    session.assert_clean()
