"""Labels on the map in Chromium: place names (the basemap's and the events'), and the
partner links' labels, never touch a marker or one another, at the opening view and
after zooming out, in and panning, in the standalone page and in the app, and
after stepping the playback back in the standalone page.

Boxes are the text's own extent (a Range over each text node), not the label's
element, so a label whose text runs past its reserved box is caught too. The links'
labels must sit on their own line (or beside its far end when that is in view),
inside the map and clear of its controls and legend; a click or Enter on one fits
its whole link in view. Their names come from the data: poisoned, they stay text.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from browser_support import Session
from playwright.sync_api import Frame, Page, Route
from poison import PAYLOAD, poison_collection

from mapapp.mapview.render import render_html

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data" / "itinerary.geojson"

#: A box and another overlapping by less than this (sub-pixel rounding) do not count.
TOLERANCE_PX = 0.5
#: A link's label off its line sits this close to the map's edge (js/context.js keeps
#: labels 8 px inside it), at most EDGE_NEAR_PX from where its line leaves the view.
EDGE_PX = 9
EDGE_NEAR_PX = 130

#: Boxes in page pixels of what is drawn in the first Leaflet map of the frame.
BOXES_JS = """() => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  const container = map.getContainer();
  const v = container.getBoundingClientRect();
  const view = {x0: v.left, y0: v.top, x1: v.right, y1: v.bottom};
  const rect = (r) => ({x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  const textBox = (node) => {
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    let box = null;
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(t);
      const r = range.getBoundingClientRect();
      if (!r.width || !r.height) { continue; }
      box = box ? {x0: Math.min(box.x0, r.left), y0: Math.min(box.y0, r.top),
                   x1: Math.max(box.x1, r.right), y1: Math.max(box.y1, r.bottom)} : rect(r);
    }
    return box;
  };
  const shown = (b) => b && b.x1 > b.x0 && b.y1 > b.y0 && b.x0 < view.x1 && b.x1 > view.x0 &&
    b.y0 < view.y1 && b.y1 > view.y0;
  const boxes = (selector, measure, scope) =>
    [...(scope || container).querySelectorAll(selector)]
      .map((n) => ({what: selector, text: n.textContent.trim(), ...measure(n)}))
      .filter(shown);
  const element = (n) => rect(n.getBoundingClientRect());
  const links = [];
  map.eachLayer((layer) => {
    if (!layer.options.mvLinkEnds || !layer.getElement()) { return; }
    const [s, e] = layer.options.mvLinkEnds.map((ll) => map.latLngToContainerPoint(ll));
    links.push({label: layer.options.mvLinkLabel, box: element(layer.getElement().firstChild),
                start: [s.x + v.left, s.y + v.top], end: [e.x + v.left, e.y + v.top]});
  });
  return {
    view, zoom: map.getZoom(), links,
    labels: [...boxes(".mv-bl", textBox), ...boxes(".mv-label", textBox),
             ...boxes(".mv-link-label", element)],
    markers: [...boxes(".mv-num", element), ...boxes(".mv-capital-dot", element),
              ...boxes(".mv-hq-icon", element)],
    controls: [...boxes(".leaflet-control", element),
               ...boxes(".mv-legend", element, container.parentNode)],
  };
}"""

#: True once the map stands still and every label pass has run (js/basemap.js runs last).
SETTLED_JS = """() => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  return Boolean(map && map.mvBasemap && map.mvBasemap.passes > 0 && !map.mvBasemap.pending &&
    !map._animatingZoom && !map._panAnim?._inProgress);
}"""


def meets(a: dict[str, Any], b: dict[str, Any]) -> bool:
    t = TOLERANCE_PX
    across = a["x0"] < b["x1"] - t and b["x0"] < a["x1"] - t
    return across and a["y0"] < b["y1"] - t and b["y0"] < a["y1"] - t


def near_segment(box: dict[str, Any], start: list[float], end: list[float], px: float) -> bool:
    """Whether the segment passes within `px` of the box (sampled every pixel)."""
    (sx, sy), (ex, ey) = start, end
    steps = max(1, int(max(abs(ex - sx), abs(ey - sy))))
    grown = {"x0": box["x0"] - px, "y0": box["y0"] - px, "x1": box["x1"] + px, "y1": box["y1"] + px}
    for i in range(steps + 1):
        x, y = sx + (ex - sx) * i / steps, sy + (ey - sy) * i / steps
        if grown["x0"] <= x <= grown["x1"] and grown["y0"] <= y <= grown["y1"]:
            return True
    return False


def settle(target: Page | Frame) -> dict[str, Any]:
    target.wait_for_function(SETTLED_JS, timeout=30000)
    target.wait_for_timeout(150)  # a pass started by the last one would show here
    target.wait_for_function(SETTLED_JS, timeout=30000)
    state: dict[str, Any] = target.evaluate(BOXES_JS)
    return state


def assert_labels_clear(state: dict[str, Any], where: str) -> None:
    """No label touches a marker or another label; link labels sit on their line,
    inside the map, clear of its controls and legend."""
    labels, markers = state["labels"], state["markers"]
    touching = [
        (label["text"], marker["what"], marker["text"])
        for label in labels
        for marker in markers
        if meets(label, marker)
    ]
    assert touching == [], f"{where}: labels on markers {touching}"
    overlapping = [
        (a["text"], b["text"]) for i, a in enumerate(labels) for b in labels[i + 1 :] if meets(a, b)
    ]
    assert overlapping == [], f"{where}: labels on labels {overlapping}"
    view = state["view"]
    for link in state["links"]:
        box = link["box"]
        inside = view["x0"] <= box["x0"] and box["x1"] <= view["x1"]
        assert inside and view["y0"] <= box["y0"] and box["y1"] <= view["y1"], (where, link)
        covered = [c["what"] for c in state["controls"] if meets(box, c)]
        assert covered == [], f"{where}: {link['label']} under {covered}"
        ex, ey = link["end"]
        if view["x0"] <= ex <= view["x1"] and view["y0"] <= ey <= view["y1"]:
            assert near_segment(box, link["end"], link["end"], 40), (where, link)
        else:  # on its line, or at the map's edge near where the line leaves
            at_edge = min(
                box["x0"] - view["x0"], box["y0"] - view["y0"],
                view["x1"] - box["x1"], view["y1"] - box["y1"],
            ) <= EDGE_PX  # fmt: skip
            near = EDGE_NEAR_PX if at_edge else 1
            assert near_segment(box, link["start"], link["end"], near), (where, link)


def zoom(target: Page | Frame, button: str) -> dict[str, Any]:
    before = target.evaluate(BOXES_JS)["zoom"]
    target.locator(f".leaflet-control-zoom-{button}").click()
    step = 1 if button == "in" else -1
    target.wait_for_function(
        "(z) => Object.values(window).find((v) => v instanceof L.Map).getZoom() === z",
        arg=before + step,
    )
    return settle(target)


def pan(page: Page, target: Page | Frame, dx: int, dy: int) -> dict[str, Any]:
    """A real mouse drag from the middle of the map (a spot with no marker)."""
    box = target.locator(".leaflet-container").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.62
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=4)
    page.mouse.move(x + dx, y + dy, steps=4)
    page.mouse.up()
    return settle(target)


def link_names(collection: dict[str, Any]) -> set[str]:
    """What each link's label should say, from the data: "<name> (<capital or city>)"."""
    names = set()
    for f in collection["features"]:
        p = f["properties"]
        if p["kind"] == "partner" and p["capital"] != "Tokyo":
            names.add(f"{p['name']} ({p['capital']})")
        elif p["kind"] == "hq":
            names.add(f"{p['name']} ({p['city']})")
    return names


def exercise(
    page: Page, target: Page | Frame, where: str, playback: bool = True
) -> list[dict[str, Any]]:
    """The opening view, one zoom out, two in, a pan and (with `playback`) three
    steps back: each checked; the states."""
    states = [settle(target)]
    assert_labels_clear(states[-1], f"{where}, opening view")
    for step, button in (("zoomed out", "out"), ("zoomed in", "in"), ("zoomed in twice", "in")):
        states.append(zoom(target, button))
        assert_labels_clear(states[-1], f"{where}, {step}")
    states.append(pan(page, target, 260, -180))
    assert_labels_clear(states[-1], f"{where}, panned")
    if not playback:
        return states
    # Playback steps make markers and their labels leave and come back. (Not in the
    # app: there a step may tell the app, whose rerun can replace the map's frame.)
    shown = len(target.locator(".mv-num").all())
    for _ in range(3):
        target.locator(".mv-pb-prev").click()
    target.wait_for_function(f"() => document.querySelectorAll('.mv-num').length < {shown}")
    states.append(settle(target))
    assert_labels_clear(states[-1], f"{where}, three playback steps back")
    return states


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return loaded


def test_no_label_touches_a_marker_or_a_label_in_the_standalone_map(
    session: Session, seed: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "map.html"
    path.write_text(render_html(seed), encoding="utf-8")
    page = session.page
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelectorAll('.mv-num').length === 7")
    states = exercise(page, page, "standalone")
    opening = states[0]
    # At the opening view every link is labelled, and every visited place is named.
    assert {link["label"] for link in opening["links"]} == link_names(seed)
    places = {f["properties"]["place_name"] for f in seed["features"]
              if f["properties"]["kind"] == "event"}  # fmt: skip
    named = {label["text"] for label in opening["labels"] if label["what"] == ".mv-label"}
    assert named == places
    assert sum(label["what"] == ".mv-bl" for label in opening["labels"]) >= 20
    session.shot("labels-standalone")
    session.assert_clean()


def test_a_link_label_fits_its_link_in_view_by_mouse_and_by_keyboard(
    session: Session, seed: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "map.html"
    path.write_text(render_html(seed), encoding="utf-8")
    page = session.page
    page.goto(path.as_uri())
    opening = settle(page)
    label = page.locator(".mv-link-label", has_text="Australia (Canberra)")
    assert label.inner_text().strip()[0] in "↓↘↙"  # Canberra lies south of Tokyo
    label.click()
    fitted = settle(page)
    assert fitted["zoom"] < opening["zoom"]
    link = next(k for k in fitted["links"] if k["label"] == "Australia (Canberra)")
    view, (ex, ey) = fitted["view"], link["end"]
    assert view["x0"] <= ex <= view["x1"] and view["y0"] <= ey <= view["y1"]
    assert label.inner_text().strip() == "Australia (Canberra)"  # no arrow: its end is in view
    assert_labels_clear(fitted, "fitted to Canberra")
    page.goto(path.as_uri())
    settle(page)
    button = page.locator(".mv-link-label", has_text="New Zealand (Wellington)")
    button.focus()
    page.keyboard.press("Enter")
    fitted = settle(page)
    link = next(k for k in fitted["links"] if k["label"] == "New Zealand (Wellington)")
    view, (ex, ey) = fitted["view"], link["end"]
    assert view["x0"] <= ex <= view["x1"] and view["y0"] <= ey <= view["y1"]
    session.assert_clean()


def test_poisoned_link_labels_stay_text(
    session: Session, seed: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "map.html"
    path.write_text(render_html(poison_collection(seed)), encoding="utf-8")
    page = session.page
    page.goto(path.as_uri())
    state = settle(page)
    links = page.locator(".mv-link-label")
    assert links.count() == len(state["links"]) >= 1
    for text in links.all_inner_texts():
        assert PAYLOAD in text  # name and capital are the same text: named once
    assert page.locator(".mv-link-label img, .mv-legend img").count() == 0
    page.evaluate("() => { document.querySelector('.mv-legend details').open = true; }")
    assert f"to {PAYLOAD}, {PAYLOAD}" in page.locator(".mv-legend").inner_text()
    links.first.click()
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__xss === undefined")
    session.assert_clean()


def test_no_label_touches_a_marker_or_a_label_in_the_app(
    session: Session, app_url: str, seed: dict[str, Any]
) -> None:
    session.page.goto(app_url)
    frame = session.map_frame(7)
    exercise(session.page, frame, "app", playback=False)
    session.shot("labels-app")
    session.assert_clean()


def test_places_are_named_when_leaflets_stylesheet_comes_late_in_the_app(
    session: Session, app_url: str, seed: dict[str, Any]
) -> None:
    """The app's map frame can run its script before Leaflet's stylesheet applies
    (and while the frame is 0 px high): labels laid out then found no room, and a
    third of the loads showed no place names. Held back 1.5 s, the stylesheet's
    arrival lays them out again."""
    page = session.page

    def late(route: Route) -> None:
        time.sleep(1.5)
        route.fallback()

    page.route("**/leaflet.css", late)
    page.goto(app_url + "?day=2")
    frame = session.map_frame(4)
    state = settle(frame)
    places = {f["properties"]["place_name"] for f in seed["features"]
              if f["properties"]["kind"] == "event" and f["properties"]["day"] == 2}  # fmt: skip
    named = {label["text"] for label in state["labels"] if label["what"] == ".mv-label"}
    assert named == places
    assert_labels_clear(state, "app, day 2, late stylesheet")
    session.assert_clean()
