"""The upload guard against the real server, spoken to as Streamlit's browser code does.

`mapapp app --offline` runs on a small synthetic itinerary; each test is one or
two sessions over Streamlit's websocket protocol with uploads as HTTP PUTs
(mapapp.bench.serve's client). A client need not be a browser: the limits hold
on the server.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from pathlib import Path

import pytest

from mapapp.bench.serve import (
    Server,
    SessionClient,
    run_coroutine,
    running_app,
    widget_files,
    widget_strings,
)
from mapapp.bench.serve import write_synthetic_itinerary as synthetic

MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    work = tmp_path_factory.mktemp("guarded")
    with running_app(work, synthetic(work, 20)) as running:
        yield running


async def _session(base: str) -> SessionClient:
    client = SessionClient(base)
    await client.open()
    await client.rerun()
    return client


def test_a_third_file_and_a_made_up_one_are_refused_and_the_page_says_so(
    server: Server,
) -> None:
    async def go() -> tuple[list[int], list[str]]:
        client = await _session(server.url)
        try:
            uploader = client.widgets["file_uploader"]
            urls = await client.upload_urls(["a.geojson", "b.txt", "c.txt"])
            statuses = [client.put(u.upload_url, "f.txt", b"x" * MB) for u in urls]
            forged = f"/_stcore/upload_file/{client.session_id}/not-handed-out"
            statuses.append(client.put(forged, "forged.txt", b"x"))
            # The browser lists only the files the server took: the page reads them.
            taken = [
                (f"{u.file_id}.txt", MB, u)
                for u, s in zip(urls, statuses[:3], strict=True)
                if s == 204
            ]
            await client.rerun([widget_files(uploader.id, taken)])
            return statuses, client.notices
        finally:
            await client.close()

    statuses, notices = run_coroutine(go)
    assert statuses == [204, 204, 413, 413]
    assert "The upload was rejected; the map keeps its current data." in notices
    assert any("the server refused a file: at most 2 files an upload" in n for n in notices)


def test_more_than_the_budget_is_refused_before_it_is_read(server: Server) -> None:
    async def go() -> tuple[int, int]:
        client = await _session(server.url)
        try:
            first, second = await client.upload_urls(["big.geojson", "bigger.txt"])
            return (
                client.put(first.upload_url, "big.geojson", b"x" * (9 * MB)),
                client.put(second.upload_url, "bigger.txt", b"x" * (11 * MB + MB // 2)),
            )
        finally:
            await client.close()

    # 9 + 11.5 MB: over the 20 MB an upload (and over the 10 MB a file).
    assert run_coroutine(go) == (204, 413)


def test_an_upload_that_does_not_say_its_length_is_refused(server: Server) -> None:
    async def go() -> int:
        client = await _session(server.url)
        try:
            [url] = await client.upload_urls(["a.geojson"])
            connection = http.client.HTTPConnection(client.host, timeout=30)
            connection.putrequest("PUT", url.upload_url)
            connection.putheader("Transfer-Encoding", "chunked")
            connection.putheader("Cookie", client.cookie)
            connection.putheader("X-Xsrftoken", client.token)
            connection.endheaders()
            connection.send(b"5\r\nhello\r\n0\r\n\r\n")
            status = connection.getresponse().status
            connection.close()
            return status
        finally:
            await client.close()

    assert run_coroutine(go) == 411


def test_without_the_xsrf_token_an_upload_is_forbidden(server: Server) -> None:
    async def go() -> int:
        client = await _session(server.url)
        try:
            [url] = await client.upload_urls(["a.geojson"])
            client.token = "2|00000000|00000000000000000000000000000000|0"
            return client.put(url.upload_url, "a.geojson", b"{}")
        finally:
            await client.close()

    assert run_coroutine(go) == 403


def test_once_the_app_has_read_an_upload_its_files_are_gone(server: Server) -> None:
    """The app releases the files it read: the session may upload two more at once."""

    async def go() -> tuple[list[int], list[str], list[int]]:
        client = await _session(server.url)
        try:
            uploader = client.widgets["file_uploader"]
            urls = await client.upload_urls(["one.txt", "two.txt"])
            first = [client.put(u.upload_url, u.file_id + ".txt", b"words") for u in urls]
            await client.rerun([widget_files(uploader.id, [
                (f"{u.file_id}.txt", 5, u) for u in urls
            ])])  # fmt: skip
            notices = client.notices
            again = await client.upload_urls(["three.txt", "four.txt"])
            second = [client.put(u.upload_url, "x.txt", b"words") for u in again]
            return first, notices, second
        finally:
            await client.close()

    first, notices, second = run_coroutine(go)
    assert first == [204, 204]
    assert "The upload was rejected; the map keeps its current data." in notices  # two texts
    assert second == [204, 204]  # nothing of the first upload is held any more


def test_the_launcher_serves_the_page_behind_the_guard(server: Server) -> None:
    home = Path(server.log).parent / "cache" / "mapapp" / "app"
    launcher = (home / "launch.py").read_text(encoding="utf-8")
    assert "middleware=middleware()" in launcher
    assert "end_with_connection()" in (home / "mapapp_page.py").read_text(encoding="utf-8")


def test_a_kept_upload_holds_no_bytes_and_stays_shown_through_filter_changes(
    server: Server,
) -> None:
    """An accepted upload: its files are released at once (the session may send two
    more), yet the uploaded trip stays shown, with its way back, as filters change."""
    from mapapp.bench.synth import synthetic_itinerary

    text, article = synthetic_itinerary(20, seed=0)  # the places the server's cache knows
    text = text.replace("title: Synthetic tour of the IP4 partners", "title: My uploaded tour")
    files = [("mine.yaml", text.encode()), ("synthetic-article.txt", article.encode())]

    async def go() -> dict[str, object]:
        client = await _session(server.url)
        try:
            uploader = client.widgets["file_uploader"]
            urls = await client.upload_urls([name for name, _ in files])
            first = [client.put(u.upload_url, n, b) for u, (n, b) in zip(urls, files, strict=True)]
            chosen = [(n, len(b), u) for u, (n, b) in zip(urls, files, strict=True)]
            await client.rerun([widget_files(uploader.id, chosen)])
            said = _page_text(client)
            # The files are gone from the server: two more fit in this session's budget.
            again = await client.upload_urls(["three.txt", "four.txt"])
            second = [client.put(u.upload_url, "x.txt", b"x" * (9 * MB)) for u in again]
            after = []
            for key, pick in (("f_day", 1), ("f_type", 0), ("f_day", None)):
                widget = client.multiselect(key)
                chosen_values = [] if pick is None else [widget.options[pick]]
                await client.rerun([widget_strings(widget.id, chosen_values)])
                after.append((_page_text(client), client.has_map(), _buttons(client)))
            return {"first": first, "said": said, "second": second, "after": after}
        finally:
            await client.close()

    seen = run_coroutine(go)
    assert seen["first"] == [204, 204]
    assert "mine.yaml: replaced the itinerary data" in str(seen["said"])
    assert seen["second"] == [204, 204]
    for page, has_map, buttons in seen["after"]:  # type: ignore[attr-defined]
        assert "My uploaded tour" in page and has_map
        assert "Back to the built data" in buttons


def _page_text(client: SessionClient) -> str:
    parts = []
    for element in client.elements:
        kind = element.WhichOneof("type")
        if kind == "html":
            parts.append(element.html.body)
        elif kind == "markdown":
            parts.append(element.markdown.body)
    return " ".join(parts + client.notices)


def _buttons(client: SessionClient) -> list[str]:
    return [e.button.label for e in client.elements if e.WhichOneof("type") == "button"]
