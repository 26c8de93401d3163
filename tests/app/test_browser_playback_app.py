"""Playback in the app: the controls sit under the map inside its frame, `?t=`
in the app's link reaches the map (and stays in the link), Space plays."""

from __future__ import annotations

import pytest
from browser_support import Session

pytestmark = pytest.mark.browser


def test_a_moment_in_the_app_link_reaches_the_map(session: Session, app_url: str) -> None:
    page = session.page
    page.goto(app_url + "?day=2&t=2025-04-09T06:01")
    frame = session.map_frame(expected=2)  # day 2: the speech and the METI meeting
    slider = frame.get_by_role("slider")
    assert "Wed 9 Apr 2025, 06:01" in str(slider.get_attribute("aria-valuetext"))
    assert "t=2025-04-09T06%3A01" in page.url or "t=2025-04-09T06:01" in page.url
    # The controls are inside the frame, under the map, not cut off.
    iframe = page.locator('iframe[title*="streamlit_folium"]').first.bounding_box()
    bar = frame.locator(".mv-playback").bounding_box()
    map_box = frame.locator(".leaflet-container").bounding_box()
    assert iframe and bar and map_box
    assert bar["y"] >= map_box["y"] + map_box["height"] - 1
    assert bar["y"] + bar["height"] <= iframe["y"] + iframe["height"] + 1
    play = frame.locator(".mv-pb-play")
    play.focus()
    page.keyboard.press("Space")
    assert play.get_attribute("aria-label") == "Pause"
    page.keyboard.press("Space")
    assert play.get_attribute("aria-label") == "Play"
    frame.get_by_role("slider").focus()
    page.keyboard.press("Home")
    session.map_frame(expected=1)
    page.keyboard.press("ArrowRight")
    session.map_frame(expected=2)
    session.shot("app-playback")
    session.assert_clean()
