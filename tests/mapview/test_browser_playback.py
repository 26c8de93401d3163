"""Playback in the standalone map, from disk, in Chromium: the first moment shows
only the first event, stepping to the last shows them all, `?t=` reproduces a
moment, `?play=1` plays to the end, Space and the arrow keys work, the window
mode keeps "some time that day" events for their whole day, and axe finds
nothing serious with the controls in use."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from test_browser_map import _serious, axe_js  # noqa: F401 (a fixture)

from mapapp.mapview.render import render_html
from mapapp.store.times import wall_clock_bounds as span

DATA = Path(__file__).resolve().parents[2] / "data" / "itinerary.geojson"
pytestmark = pytest.mark.browser


def _seed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def _events(collection: dict[str, Any]) -> list[dict[str, Any]]:
    events = [f["properties"] for f in collection["features"] if f["properties"]["kind"] == "event"]
    return sorted(events, key=lambda p: p["seq"])


def _open(browser: Browser, tmp_path: Path, query: str = "") -> tuple[Page, list[str]]:
    path = tmp_path / "map.html"
    if not path.exists():
        path.write_text(render_html(_seed()), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri() + query)
    page.wait_for_function("() => window.mvLib && mvLib.playbacks && mvLib.playbacks.length")
    page.wait_for_timeout(300)
    return page, errors


def _drawn(page: Page) -> list[str]:
    """The event ids of the markers on the map, in visit order."""
    ids: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('.mv-num[data-event-id]')]
                   .map((n) => [+n.getAttribute('aria-label').split('.')[0], n.dataset.eventId])
                   .sort((a, b) => a[0] - b[0]).map((x) => x[1])"""
    )
    return ids


def _route_vertices(page: Page) -> list[int]:
    """Vertices of each day's route on the map (0 for a day whose route is not drawn)."""
    counts: list[int] = page.evaluate(
        """() => mvLib.routeLayers[0].lines
                   .map((r) => (r.line._map ? r.line.getLatLngs().length : 0))"""
    )
    return counts


def _valuetext(page: Page) -> str:
    return str(page.get_by_role("slider").get_attribute("aria-valuetext"))


def test_the_first_moment_shows_the_first_event_and_the_last_shows_all(
    browser: Browser, tmp_path: Path
) -> None:
    events = _events(_seed())
    ids = [p["event_id"] for p in events]
    page, errors = _open(browser, tmp_path)
    assert _drawn(page) == ids  # the map opens on the whole trip
    slider = page.get_by_role("slider")
    slider.focus()
    page.keyboard.press("Home")
    assert _drawn(page) == ids[:1]
    assert _route_vertices(page) == [0, 0]
    assert "Tue 8 Apr 2025, 00:00 Asia/Tokyo" in _valuetext(page)
    assert "1 of 7 events" in _valuetext(page)
    for shown in range(2, len(ids) + 1):
        page.keyboard.press("ArrowRight")
        assert _drawn(page) == ids[:shown]
    assert _route_vertices(page) == [3, 3]  # both days' routes, grown stop by stop
    assert "7 of 7 events" in _valuetext(page)
    page.keyboard.press("ArrowLeft")
    assert _drawn(page) == ids[:6]
    assert errors == []
    page.close()


def test_a_link_with_t_reproduces_a_moment(browser: Browser, tmp_path: Path) -> None:
    moment = datetime(2025, 4, 9, 14, 0)
    expected = [p["event_id"] for p in _events(_seed()) if span(p)[0] <= moment]
    assert 0 < len(expected) < 7
    page, errors = _open(browser, tmp_path, "?t=2025-04-09T14:00")
    assert _drawn(page) == expected
    assert _valuetext(page).startswith("Wed 9 Apr 2025, 14:00 Asia/Tokyo")
    status = page.locator(".mv-pb-status").inner_text()
    assert f"{len(expected)} of 7" in status
    assert "time known only to the day" in status  # the current event is day-only
    # A malformed moment is ignored: the whole trip shows.
    page.goto((tmp_path / "map.html").as_uri() + "?t=2025-04-09T14:00<script>")
    page.wait_for_function("() => window.mvLib && mvLib.playbacks && mvLib.playbacks.length")
    page.wait_for_timeout(300)
    assert len(_drawn(page)) == 7
    assert errors == []
    page.close()


def test_space_plays_and_pauses_and_play_1_plays_to_the_end(
    browser: Browser, tmp_path: Path
) -> None:
    page, errors = _open(browser, tmp_path)
    play = page.locator(".mv-pb-play")
    assert play.get_attribute("aria-label") == "Play"
    play.focus()
    page.keyboard.press("Space")
    assert play.get_attribute("aria-label") == "Pause"
    page.wait_for_timeout(400)
    assert len(_drawn(page)) < 7  # it starts again from the first moment
    page.keyboard.press("Space")
    assert play.get_attribute("aria-label") == "Play"
    paused_at = page.evaluate("() => mvLib.playbacks[0].state.now")
    page.wait_for_timeout(500)
    assert page.evaluate("() => mvLib.playbacks[0].state.now") == paused_at
    page.close()
    page, errors2 = _open(browser, tmp_path, "?play=1")
    assert page.locator(".mv-pb-play").get_attribute("aria-label") == "Pause"
    page.wait_for_function(
        "() => !mvLib.playbacks[0].state.playing && mvLib.playbacks[0].state.k === 7",
        timeout=60_000,
    )
    assert len(_drawn(page)) == 7
    assert errors == [] and errors2 == []
    page.close()


def test_the_window_mode_keeps_day_only_events_for_their_day(
    browser: Browser, tmp_path: Path
) -> None:
    """At 18:10 on day 2, a 3-hour window holds the Ishiba meeting and the two
    day-only METI events (some time that day), not the morning speech."""
    events = _events(_seed())
    page, errors = _open(browser, tmp_path, "?t=2025-04-09T18:10")
    page.get_by_label("Show", exact=True).select_option(label="the last 3 hours")
    page.wait_for_timeout(200)
    cutoff = datetime(2025, 4, 9, 15, 10)
    moment = datetime(2025, 4, 9, 18, 10)
    expected = [p["event_id"] for p in events if span(p)[0] <= moment and span(p)[1] > cutoff]
    assert _drawn(page) == expected
    assert [e.split("-")[0] for e in expected] == ["meeting", "meeting", "meeting"]
    coarse = page.locator(".mv-num.mv-coarse").count()
    assert coarse == sum(1 for p in events if p["event_id"] in expected and not p["time"])
    assert errors == []
    page.close()


def test_axe_finds_nothing_serious_with_the_controls_in_use(
    browser: Browser,
    tmp_path: Path,
    axe_js: str,  # noqa: F811
) -> None:
    page, errors = _open(browser, tmp_path, "?t=2025-04-09T09:00")
    assert page.get_by_role("button", name="Play").count() == 1
    assert page.get_by_role("button", name="Next event").count() == 1
    assert page.get_by_role("group", name="Trip playback").count() == 1
    assert _serious(page.main_frame, axe_js) == []
    assert errors == []
    page.close()
