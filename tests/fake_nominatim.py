"""A fake Nominatim: a real HTTP server on 127.0.0.1 that geopy talks to.

Each test scripts the answers (status, headers, body, optional delay) and reads
back every request the server received (path, query parameters, User-Agent and
arrival time), so the geocoding layer is exercised over real sockets and real
HTTP without anything leaving the machine.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from mapapp.geocode.provider import Provider, ProviderSettings

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_569ba02fe5449170.txt"
ITINERARY = REPO / "data" / "itinerary.yaml"

JSONish = list[Any] | dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """One scripted answer. A str or bytes body is sent as is; anything else as JSON."""

    status: int = 200
    body: JSONish | str | bytes = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""

    path: str
    params: dict[str, str]
    user_agent: str | None
    at: float  # time.monotonic() when the request arrived


def result(lat: float, lon: float, display_name: str, **extra: Any) -> dict[str, Any]:
    """A Nominatim /search result (coordinates are strings, as Nominatim sends them)."""
    return {
        "place_id": abs(hash((lat, lon, display_name))) % 10**9,
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "way",
        "osm_id": 123456,
        "lat": f"{lat}",
        "lon": f"{lon}",
        "class": "amenity",
        "type": "yes",
        "importance": 0.5,
        "display_name": display_name,
        "boundingbox": [f"{lat - 0.01}", f"{lat + 0.01}", f"{lon - 0.01}", f"{lon + 0.01}"],
        **extra,
    }


class FakeNominatim:
    """GET /search answers from a scripted queue; anything unscripted gets a 500."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: deque[Reply] = deque()
        self._requests: list[Recorded] = []
        self.unscripted = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._requests)

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def settings(self, **overrides: Any) -> ProviderSettings:
        """Provider settings aimed at this server, fast enough for tests."""
        base = ProviderSettings(
            domain=self.domain,
            scheme="http",
            timeout_s=2.0,
            min_delay_s=0.0,
            max_retries=2,
            backoff_s=0.01,
        )
        return replace(base, **overrides)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        params = {key: values[-1] for key, values in parse_qs(url.query).items()}
        with self._lock:
            self._requests.append(
                Recorded(url.path, params, handler.headers.get("User-Agent"), time.monotonic())
            )
            if url.path != "/search":
                reply = Reply(404, b'{"error": "not found"}')
            elif self._queue:
                reply = self._queue.popleft()
            else:
                self.unscripted += 1
                reply = Reply(500, b"unscripted request")
        if reply.delay_s:
            time.sleep(reply.delay_s)
        body = reply.payload()
        try:
            handler.send_response(reply.status)
            headers = {"Content-Type": "application/json; charset=utf-8", **reply.headers}
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a time-out test); nothing to answer


def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNominatim]:
    """Body of a pytest fixture: a started server, stopped afterwards.

    A proxy set in the environment must never see these requests.
    """
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    server = FakeNominatim()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class FakeClock:
    """Stands in for time.sleep and time.monotonic inside Provider.

    Each sleep is recorded and moves the clock on, so the rate limiter and the
    backoff are checked exactly, without waiting and without the real clock.
    """

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def provider_for(server: FakeNominatim, **overrides: Any) -> tuple[Provider, FakeClock]:
    clock = FakeClock()
    return Provider(server.settings(**overrides), sleep=clock.sleep, clock=clock), clock


# Places and answers shared by the tests.
YOKOSUKA_BASE = result(35.286081, 139.653932, "JMSDF Yokosuka, Yokosuka, Kanagawa, Japan")
YOKOSUKA_BRAZIL = result(-22.905, -43.2, "Rua Yokosuka, Rio de Janeiro, Brasil")
YOKOSUKA_OSAKA = result(34.6937, 135.5023, "Yokosuka-dori, Osaka, Japan")  # ~350 km away


def place_yaml(
    place_id: str,
    query: str,
    *,
    country: str = "JP",
    pin: tuple[float, float] | None = None,
) -> str:
    """One place in the Yokosuka locality, optionally pinned."""
    text = f"""\
  - id: {place_id}
    name: {place_id}
    type: naval base
    query: "{query}"
    country: {country}
    precision: 1
    locality:
      name: Yokosuka
      lat: 35.25
      lon: 139.667
      max_km: 15
      source: {{url: "https://en.wikipedia.org/wiki/Yokosuka", title: "Yokosuka"}}
"""
    if pin is not None:
        text += f"""\
    pin:
      lat: {pin[0]}
      lon: {pin[1]}
      precision: 1
      source: {{url: "https://example.org/pin", title: "A pin source"}}
"""
    return text


def itinerary_yaml(*places: str) -> str:
    """A minimal valid itinerary around the given place blocks (see place_yaml)."""
    first = places[0].split("id: ", 1)[1].split("\n", 1)[0]
    return f"""\
trip:
  title: Test trip
  visitor: mark-rutte
  host_country: JP
  start_date: 2025-04-08
  article:
    path: "{SEED}"
actors:
  - id: mark-rutte
    name: Mark Rutte
    kind: person
    role: Secretary General
places:
{"".join(places)}events:
  - id: e1
    day: 1
    date: 2025-04-08
    type: visit
    title: A visit
    place: {first}
    actors:
      - {{actor: mark-rutte, role: visitor}}
    quote: {{text: "NATO Secretary-General Mark Rutte", start: 0, end: 33}}
"""


def line_of(text: str, needle: str, after: str | None = None) -> int:
    """1-based line of the first line containing needle (after the line with `after`)."""
    lines = text.splitlines()
    start = 0
    if after is not None:
        start = next(i for i, line in enumerate(lines) if after in line) + 1
    return next(i + 1 for i in range(start, len(lines)) if needle in lines[i])
