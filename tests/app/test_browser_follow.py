"""The app page follows the map's playback (issue 16), in Chromium against the
real server: stepping the playback to event k marks k's table row, its article
sentence and the timeline's cursor, and only those; a "Now: …" note says it for
screen readers; messages from anywhere else, or of another shape, change nothing."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path
from typing import Any

import pytest
from browser_support import Session
from playwright.sync_api import Frame, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from tools import require

pytestmark = pytest.mark.browser

#: What the page marks now: the note, the marked sentences' event numbers, the
#: table's current row (accessible row and the frame drawn over the canvas), the
#: timeline input's moment and the x of each cursor line the chart drew.
MARKED = """() => {
  const table = document.querySelector('.st-key-table');
  const current = table ? [...table.querySelectorAll('tr[aria-current="true"]')] : [];
  const box = document.querySelector('.mapapp-now-row');
  const input = document.querySelector('input[name="mapapp_now"]');
  return {
    note: (document.querySelector('.mapapp-now-note') || {}).textContent || '',
    sentences: [...document.querySelectorAll('.mapapp-article mark[aria-current="true"]')]
      .map((m) => m.dataset.seqs),
    highlighted: document.querySelectorAll('.mapapp-article mark.mapapp-now').length,
    rows: current.map((tr) => [...tr.children].map((td) => td.textContent)),
    box: box && !box.hidden ? box.dataset.seq : null,
    moment: input ? input.value : null,
    cursor: [...document.querySelectorAll('.mark-rule line, .mark-rule path')].map(
      (l) => l.getBoundingClientRect().x),
  };
}"""


@pytest.fixture(scope="session")
def axe_script(request: pytest.FixtureRequest) -> str:
    """axe-core 4, installed by npm into pytest's cache folder (once per machine)."""
    folder = Path(request.config.cache.mkdir("axe-core"))
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = require("npm", "Debian: apt-get install -y npm")
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder), "axe-core@4"],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    return script.read_text(encoding="utf-8")


def marked(page: Page, seq: int) -> dict[str, Any]:
    """The page's marks, once the note names event `seq`."""
    page.wait_for_function(
        "(seq) => ((document.querySelector('.mapapp-now-note') || {}).textContent || '')"
        ".startsWith(`Now: ${seq}. `)",
        arg=seq,
        timeout=15000,
    )
    # The grid draws its accessible rows when it likes; the mark follows them. A
    # timeout here is not the failure: the assertions after it say what is missing.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            "(seq) => [...document.querySelectorAll('.st-key-table tr[aria-current=\"true\"] td')]"
            ".some((td) => td.textContent.trim() === String(seq))",
            arg=seq,
            timeout=5000,
        )
    page.wait_for_timeout(300)  # the chart redraws its cursor on its next frame
    result: dict[str, Any] = page.evaluate(MARKED)
    return result


def step_to(frame: Frame, page: Page, seq: int) -> None:
    """The seed's events appear in visit order: Home is event 1, each → the next."""
    frame.get_by_role("slider").focus()
    page.keyboard.press("Home")
    for _ in range(seq - 1):
        page.keyboard.press("ArrowRight")


def test_stepping_marks_the_current_event_everywhere_and_only_it(
    session: Session, app_url: str, axe_script: str
) -> None:
    page = session.page
    page.goto(app_url)
    frame = session.map_frame(expected=7)
    page.get_by_text("Timeline").first.wait_for()
    assert page.evaluate(MARKED)["note"] == ""  # nothing marked before the playback moves
    xs = []
    for seq in (3, 5):
        step_to(frame, page, seq)
        now = marked(page, seq)
        assert now["note"].startswith(f"Now: {seq}. ")
        assert [seq in map(int, s.split()) for s in now["sentences"]] == [True]
        assert now["highlighted"] == 1
        assert len(now["rows"]) == 1 and now["rows"][0][1] == str(seq)  # the "#" column
        assert now["box"] == str(seq)
        assert now["moment"] and now["moment"].startswith("2025-04-0")
        assert len(now["cursor"]) == 1
        xs.append(now["cursor"][0])
    assert xs[1] > xs[0]  # the cursor moved on along the time axis

    # Streamlit redraws the grid and the chart when it likes: a redraw that drops
    # the marks gets them back, and marking settles (no endless redraws).
    marks = page.evaluate(MARKED)
    page.evaluate(
        """() => {
          document.querySelector('.mapapp-now-row').remove();
          const all = (css) => [...document.querySelectorAll(css)];
          all('[aria-current]').forEach((el) => el.removeAttribute('aria-current'));
          all('mark.mapapp-now').forEach((el) => el.classList.remove('mapapp-now'));
          document.querySelector('input[name="mapapp_now"]').value = '';
          document.body.appendChild(document.createElement('div'));
        }"""
    )
    page.wait_for_function(
        "() => document.querySelector('.mapapp-now-row') && "
        "document.querySelector('.st-key-table tr[aria-current=\"true\"]') && "
        "document.querySelector('input[name=\"mapapp_now\"]').value !== ''",
        timeout=5000,
    )
    page.wait_for_timeout(300)
    assert page.evaluate(MARKED) == marks
    inputs = page.evaluate(
        """() => new Promise((done) => {
          const input = document.querySelector('input[name="mapapp_now"]');
          let n = 0;
          const count = () => { n += 1; };
          input.addEventListener('input', count);
          setTimeout(() => { input.removeEventListener('input', count); done(n); }, 1000);
        })"""
    )
    assert inputs == 0
    session.shot("app-follow")
    page.locator(".st-key-table").scroll_into_view_if_needed()
    session.shot("app-follow-table")
    page.locator('[data-testid="stVegaLiteChart"]').first.scroll_into_view_if_needed()
    session.shot("app-follow-timeline")

    # Messages from elsewhere, or malformed, change nothing.
    before = page.evaluate(MARKED)
    page.evaluate(
        """() => window.postMessage({type: "mapapp.playback", v: 1, seq: 1, at: ""}, "*")"""
    )
    frame.evaluate(
        """() => {
          const send = (m) => window.parent.postMessage(m, "*");
          send({type: "mapapp.playback", v: 1, seq: "<img src=x onerror=window.__xss=1>", at: ""});
          send({type: "mapapp.playback", v: 1, seq: 99, at: ""});
          send({type: "mapapp.playback", v: 2, seq: 1, at: ""});
          send({type: "mapapp.playback", v: 1, seq: 1, at: "<b>", head: "x"});
          send({type: "mapapp.playback", v: 1, seq: 1, at: "2025-04-08T25:00:00Z"});
          send("mapapp.playback");
          send(null);
        }"""
    )
    page.wait_for_timeout(500)
    assert page.evaluate(MARKED) == before
    assert page.evaluate("() => window.__xss") is None

    # The keyboard does it all, and axe finds nothing serious with the marks on.
    frame.get_by_role("slider").focus()
    page.keyboard.press("ArrowLeft")
    assert marked(page, 4)["box"] == "4"
    page.evaluate(axe_script)
    serious = page.evaluate(
        """async () => (await axe.run(document)).violations
             .filter((v) => v.impact === "serious" || v.impact === "critical")
             .map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "))"""
    )
    assert serious == []
    # Back to the whole trip (the end, not playing): nothing is marked any more.
    page.keyboard.press("End")
    page.wait_for_function(
        "() => !(document.querySelector('.mapapp-now-note') || {}).textContent", timeout=15000
    )
    after = page.evaluate(MARKED)
    assert after["sentences"] == [] and after["rows"] == [] and after["box"] is None
    assert after["moment"] == "" and after["cursor"] == []
    session.assert_clean()
