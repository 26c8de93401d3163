"""The README's nginx example, run for real: nginx on a loopback port before two app processes.

The block under "Serving the app to others" is used as written; only its ports
change (free loopback ports) and a minimal nginx.conf wraps it (files in a
temporary folder, no daemon).
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from conftest import ROOT
from tools import require

from mapapp.bench.serve import SessionClient, free_port, run_coroutine, running_app
from mapapp.bench.serve import write_synthetic_itinerary as synthetic

MB = 1024 * 1024


def readme_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Serving the app to others", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"^```nginx\n(.*?)^```", section, flags=re.S | re.M)
    assert match is not None, "the README's deploy section has no nginx block"
    return match.group(1)


def nginx_conf(folder: Path, block: str) -> str:
    # As root, nginx's workers would run as nobody, who cannot enter pytest's folders.
    user = "user root;\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\ndaemon off;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n    access_log {folder / 'access.log'};\n{temp}\n{block}}}\n"
    )


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("nginx did not start:\n" + log.read_text(errors="replace"))
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail("nginx did not listen")


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    nginx = require("nginx", "Debian: apt-get install nginx")
    with ExitStack() as stack:
        ports = []
        for name in ("one", "two"):
            work = tmp_path_factory.mktemp(name)
            app = stack.enter_context(running_app(work, synthetic(work, 20)))
            ports.append(app.url.rsplit(":", 1)[1])
        port = free_port()
        block = readme_block()
        for template, real in (("8501", ports[0]), ("8502", ports[1])):
            assert f"server 127.0.0.1:{template};" in block
            block = block.replace(f"server 127.0.0.1:{template};", f"server 127.0.0.1:{real};")
        assert "listen 8080;" in block
        block = block.replace("listen 8080;", f"listen 127.0.0.1:{port};")
        folder = tmp_path_factory.mktemp("nginx")
        (folder / "nginx.conf").write_text(nginx_conf(folder, block), encoding="utf-8")
        log = folder / "error.log"
        process = subprocess.Popen(
            [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(port, process, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_the_page_comes_through_the_proxy(proxy: str) -> None:
    with urllib.request.urlopen(proxy + "/", timeout=30) as answer:
        assert answer.status == 200
        assert '<div id="root">' in answer.read().decode("utf-8")


def test_a_body_over_the_limit_gets_the_proxys_413(proxy: str) -> None:
    request = urllib.request.Request(
        proxy + "/_stcore/upload_file/some-session/some-file",
        data=b"x" * (12 * MB),
        method="PUT",
        headers={"Content-Type": "application/octet-stream"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=60)
    assert refused.value.code == 413
    assert "nginx" in refused.value.read().decode("utf-8", "replace")  # from nginx, not the app


def test_sessions_get_their_map_and_keep_their_process(proxy: str) -> None:
    """Websocket and uploads of one browser reach one process: the upload is accepted."""

    async def visit() -> tuple[bool, list[int]]:
        client = SessionClient(proxy)
        await client.open()
        try:
            await client.rerun()
            urls = await client.upload_urls(["trip.geojson", "story.txt"])
            return client.has_map(), [client.put(u.upload_url, "a.txt", b"words") for u in urls]
        finally:
            await client.close()

    async def visitors() -> list[tuple[bool, list[int]]]:
        return list(await asyncio.gather(*(visit() for _ in range(4))))

    for has_map, statuses in run_coroutine(visitors):
        assert has_map
        assert statuses == [204, 204]  # another process would answer 400 (unknown session)
