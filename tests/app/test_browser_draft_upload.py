"""A hostile bare article uploaded to the real server: drafted, shown, and nothing runs."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser_support import Session
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.browser

PAYLOAD = "<img src=x onerror=alert(1)><script>alert(2)</script> {{ 7*191 }}"
ARTICLE = (
    "BERLIN, May 12, 2025 — Chinese Premier Li Qiang arrived in Berlin on Monday and met "
    f"Chancellor Olaf Scholz at the Federal Chancellery, saying {PAYLOAD} to reporters.\n"
)


def test_a_script_in_an_uploaded_bare_article_does_not_run(
    session: Session, app_url: str, tmp_path: Path
) -> None:
    article = tmp_path / "evil.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    page = session.page
    page.goto(app_url)
    session.map_frame()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(article))
    page.get_by_role("heading", name="Draft: Li Qiang in Germany").wait_for(timeout=60000)
    quote, title = "", ""
    for _ in range(5):  # the upload reruns the app, which may replace the map iframe
        try:
            frame = session.map_frame(expected=1)
            frame.locator(".mv-num", has_text="1").click(timeout=5000)
            title = frame.locator(".mv-popup h4").inner_text(timeout=5000)
            quote = frame.locator(".mv-popup blockquote").inner_text(timeout=5000)
            break
        except PlaywrightError:
            page.wait_for_timeout(500)
    assert "draft, needs review" in title
    assert PAYLOAD in quote and "1337" not in quote
    page.get_by_text("Draft itinerary (YAML) to review").wait_for()
    page.wait_for_timeout(1000)
    session.shot("app-draft-upload-xss")
    assert [u for u in session.requests if urlparse(u).path.rstrip("/").endswith("/x")] == []
    session.assert_clean()
