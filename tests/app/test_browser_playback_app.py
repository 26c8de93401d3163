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
    # The controls are inside the frame, under the map, not cut off: measured in the
    # frame's own viewport at one moment (the page above may still move the frame).
    boxes = frame.evaluate(
        """() => {
          const box = (css) => document.querySelector(css).getBoundingClientRect().toJSON();
          return {bar: box('.mv-playback'), map: box('.leaflet-container'), view: innerHeight};
        }"""
    )
    bar, map_box = boxes["bar"], boxes["map"]
    assert bar["height"] > 0 and map_box["height"] > 0
    assert bar["top"] >= map_box["bottom"] - 1
    assert bar["bottom"] <= boxes["view"] + 1
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
