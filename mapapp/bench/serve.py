"""`mapapp bench --serve`: the real app server under many viewers and upload floods.

It starts `mapapp app --offline` on a synthetic itinerary (127.0.0.1 only) and
drives real sessions with Streamlit's own websocket protocol (the messages the
browser sends: a rerun with widget states, a request for upload URLs, the
uploads themselves as HTTP PUTs). That is much lighter than a browser a viewer,
so the latencies measured are the server's, not chromium's.

Viewers open the app and change filters; each rerun is timed from the request
to the script's end, and must bring the map. Flooders do what a hostile tab
did (issue 17): ask for upload URLs for many 9 MB .txt files, send them all,
then tell the app they were chosen. Meanwhile the health endpoint is polled and
the server's RSS sampled (/proc/PID/status); after every session closes the
RSS is watched for `settle_s` more seconds. Every loop is bounded, and the
flood stops early should the server's RSS pass `abort_rss_mb`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

HOST = "127.0.0.1"
SWEEP_SETTLE_S = 5.0  # the app's sweeper collects and trims within this once sessions end
MAX_CACHED_AGE = 2  # Streamlit's global.maxCachedMessageAge: the browser's message cache
T = TypeVar("T")


@dataclass(frozen=True)
class ServeOptions:
    """One mixed run. The defaults are the issue's: 20 viewers, 5 flooders."""

    viewers: int = 20
    flooders: int = 5
    flood_files: int = 40  # .txt files a flooder offers at once
    file_mb: float = 9.0  # each under the 10 MB per-file cap
    forged_files: int = 10  # then PUTs with file ids the server never handed out
    reruns: int = 8  # filter changes per viewer
    think_s: float = 2.0  # between a viewer's filter changes (a person looks at the map)
    settle_s: float = 60.0  # watched after every session has closed
    events: int = 120  # in the synthetic itinerary served
    abort_rss_mb: float = 6000.0  # the flood stops once the server's RSS passes this
    start_timeout_s: float = 180.0


@dataclass
class Targets:
    """The issue's targets for the mixed run."""

    peak_growth_mb: float = 500.0
    settled_within_mb: float = 150.0
    health_max_s: float = 2.0
    rerun_p95_s: float = 2.0


# ------------------------------------------------------------------ the server


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def write_synthetic_itinerary(folder: Path, events: int) -> Path:
    """A synthetic itinerary, its article and a warm geocode cache: builds offline."""
    from mapapp.bench.synth import synthetic_itinerary, write_warm_cache
    from mapapp.itinerary.load import parse_itinerary
    from mapapp.pipeline import cache_path

    yaml_text, article = synthetic_itinerary(events, seed=0)
    itinerary = folder / "itinerary.yaml"
    itinerary.write_text(yaml_text, encoding="utf-8")
    (folder / "synthetic-article.txt").write_text(article, encoding="utf-8")
    loaded = parse_itinerary(yaml_text.encode("utf-8"), itinerary.name, folder)
    write_warm_cache(loaded.itinerary, cache_path(itinerary))
    return itinerary


@contextmanager
def running_app(
    work: Path, itinerary: Path, *, timeout_s: float = 180.0, extra: Sequence[str] = ()
) -> Iterator[Server]:
    """`mapapp app --offline` on 127.0.0.1, until the block ends (then stopped)."""
    port = free_port()
    log_path = work / "server.log"
    log = log_path.open("wb")
    command = [sys.executable, "-m", "mapapp.cli", "app", "--offline", "--port", str(port)]
    command += ["--itinerary", str(itinerary), *extra]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "XDG_CACHE_HOME": str(work / "cache")}
    process = subprocess.Popen(command, cwd=work, stdout=log, stderr=subprocess.STDOUT, env=env)
    server = Server(f"http://{HOST}:{port}", process, log_path)
    try:
        deadline = time.monotonic() + timeout_s
        while health_latency(server.url, 2.0) is None:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the app did not start:\n" + log_path.read_text())
            time.sleep(0.5)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def health_latency(url: str, timeout_s: float) -> float | None:
    """Seconds /_stcore/health took to answer 200, or None (no answer in time)."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=timeout_s) as answer:
            answer.read()
            return time.perf_counter() - start if answer.status == 200 else None
    except OSError:
        return None


def rss_mb(pid: int) -> float:
    """The process's resident set size now (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def descendants(pid: int) -> list[int]:
    """The process's children, theirs and so on (the app's fork server and upload readers)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                kids = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            found += [int(k) for k in kids]
            todo += [int(k) for k in kids]
    return found


def children_rss_mb(pid: int) -> float:
    """What the server's child processes hold together (they have ended: 0)."""
    total = 0.0
    for child in descendants(pid):
        with contextlib.suppress(OSError, RuntimeError):
            total += rss_mb(child)
    return total


class Sampler:
    """Samples the server's RSS and the health endpoint's latency in two threads."""

    def __init__(self, server: Server, every_s: float = 0.25) -> None:
        self.server = server
        self.every_s = every_s
        self.rss: list[tuple[float, float]] = []
        self.children: list[float] = []  # the server's child processes' RSS, together
        self.health: list[float | None] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._sample_rss, daemon=True),
            threading.Thread(target=self._sample_health, daemon=True),
        ]

    def __enter__(self) -> Sampler:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def _sample_rss(self) -> None:
        while not self._stop.is_set():
            try:
                self.rss.append((time.monotonic(), rss_mb(self.server.pid)))
                self.children.append(children_rss_mb(self.server.pid))
            except (OSError, RuntimeError):
                return
            self._stop.wait(self.every_s)

    def _sample_health(self) -> None:
        while not self._stop.is_set():
            # A health check that takes longer than 5 s counts as no answer.
            self.health.append(health_latency(self.server.url, 5.0))
            self._stop.wait(self.every_s)

    def peak_rss(self) -> float:
        return max((mb for _, mb in self.rss), default=0.0)

    def peak_children(self) -> float:
        return max(self.children, default=0.0)

    def latest_rss(self) -> float:
        return self.rss[-1][1] if self.rss else 0.0


# ------------------------------------------------------------ a protocol client


class SessionClient:
    """One browser tab, as Streamlit's frontend speaks to the server."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.host = base.split("//", 1)[1]
        self.cookie = ""
        self.token = ""
        self.session_id = ""
        self.ws: Any = None
        self.elements: list[Any] = []  # the last finished run's elements
        self.widgets: dict[str, Any] = {}  # element type -> last element proto
        self.notices: list[str] = []  # texts of the last run's errors and code blocks
        # Large messages by hash, as the browser's message cache keeps them: a rerun
        # tells the server which it holds, and gets a reference for an unchanged one.
        self.cached: dict[str, tuple[Any, int]] = {}  # hash -> (message, runs unused)
        self.references = 0  # messages the server sent as a reference to the cache

    async def open(self) -> None:
        import websockets

        self.cookie, self.token = await asyncio.to_thread(self._xsrf_cookie)
        self.ws = await websockets.connect(
            f"ws://{self.host}/_stcore/stream",
            subprotocols=["streamlit", self.token],  # type: ignore[list-item]
            additional_headers={"Cookie": self.cookie},
            origin=self.base,  # type: ignore[arg-type]
            max_size=None,
            open_timeout=30,
        )

    def _xsrf_cookie(self) -> tuple[str, str]:
        with urllib.request.urlopen(self.base + "/_stcore/health", timeout=30) as answer:
            cookie = answer.headers.get("set-cookie", "").split(";")[0]
        return cookie, cookie.split("=", 1)[1] if "=" in cookie else ""

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def rerun(self, widgets: Sequence[Any] = (), timeout_s: float = 120.0) -> float:
        """Seconds from asking for a rerun (with these widget states) to its end."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        msg.rerun_script.query_string = ""
        msg.rerun_script.page_script_hash = ""
        msg.rerun_script.widget_states.widgets.extend(widgets)
        msg.rerun_script.cached_message_hashes.extend(self.cached)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        await self._until_finished(timeout_s)
        return time.perf_counter() - start

    async def _until_finished(self, timeout_s: float) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        early = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
        elements: list[Any] = []
        used: set[str] = set()
        deadline = time.monotonic() + timeout_s
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), max(0.1, deadline - time.monotonic()))
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "ref_hash":  # the browser takes it from its cache
                self.references += 1
                msg = self.cached[msg.ref_hash][0]
                kind = msg.WhichOneof("type")
            if msg.metadata.cacheable and msg.hash:
                self.cached[msg.hash] = (msg, 0)
                used.add(msg.hash)
            if kind == "new_session":
                self.session_id = msg.new_session.initialize.session_id
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                elements.append(msg.delta.new_element)
            elif kind == "script_finished":
                self._age_cache(used)
                used = set()
                if msg.script_finished == early:
                    elements = []  # the script reran itself (st.rerun): wait for that run
                    continue
                self.elements = elements
                self.widgets = {}
                self.notices = []
                for element in elements:
                    name = element.WhichOneof("type")
                    self.widgets.setdefault(name, getattr(element, name))
                    if name == "multiselect":
                        self.widgets[f"multiselect:{element.multiselect.id}"] = element.multiselect
                    if name in ("alert", "code"):
                        part = getattr(element, name)
                        self.notices.append(part.code_text if name == "code" else part.body)
                return

    def _age_cache(self, used: set[str]) -> None:
        """As the browser does: a message unused for more than MAX_CACHED_AGE finished
        runs is dropped (Streamlit's global.maxCachedMessageAge, 2)."""
        aged = {h: (m, 0 if h in used else age + 1) for h, (m, age) in self.cached.items()}
        self.cached = {h: entry for h, entry in aged.items() if entry[1] <= MAX_CACHED_AGE}

    def has_map(self) -> bool:
        return any(
            e.WhichOneof("type") == "component_instance"
            and "st_folium" in e.component_instance.component_name
            for e in self.elements
        )

    def multiselect(self, key: str) -> Any:
        for name, widget in self.widgets.items():
            if name.startswith("multiselect:") and name.endswith("-" + key):
                return widget
        raise LookupError(f"no multiselect {key}")

    async def upload_urls(self, names: Sequence[str]) -> list[Any]:
        """Upload URLs for these names, as the browser asks for them (file_urls_request)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = BackMsg()
        request_id = str(uuid.uuid4())
        msg.file_urls_request.request_id = request_id
        msg.file_urls_request.session_id = self.session_id
        msg.file_urls_request.file_names.extend(names)
        await self.ws.send(msg.SerializeToString())
        while True:
            answer = ForwardMsg()
            answer.ParseFromString(await asyncio.wait_for(self.ws.recv(), 60))
            response = answer.file_urls_response
            if answer.WhichOneof("type") == "file_urls_response" and (
                response.response_id == request_id
            ):
                return list(response.file_urls)

    def put(self, path: str, name: str, payload: bytes) -> int:
        """One upload, as the browser sends it (multipart PUT); the HTTP status."""
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{name}"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        connection = http.client.HTTPConnection(self.host, timeout=120)
        try:
            connection.putrequest("PUT", path)
            connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
            connection.putheader("Content-Length", str(len(head) + len(payload) + len(tail)))
            connection.putheader("Cookie", self.cookie)
            connection.putheader("X-Xsrftoken", self.token)
            connection.endheaders()
            try:
                for part in (head, payload, tail):
                    connection.send(part)
            except OSError:
                pass  # refused mid-body: the server closed the connection; read its answer
            response = connection.getresponse()
            with contextlib.suppress(http.client.HTTPException, OSError):
                response.read()  # the server may close before its short answer is read
            return response.status
        except (OSError, http.client.HTTPException):
            return 0  # no answer: the connection was closed
        finally:
            connection.close()


def widget_strings(widget_id: str, values: Sequence[str]) -> Any:
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState(id=widget_id)
    state.string_array_value.data.extend(values)
    return state


def widget_files(widget_id: str, files: Sequence[tuple[str, int, Any]]) -> Any:
    """The uploader's state once these (name, size, FileURLs) are chosen."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state = WidgetState(id=widget_id)
    for name, size, urls in files:
        info = state.file_uploader_state_value.uploaded_file_info.add()
        info.name = name
        info.size = size
        info.file_id = urls.file_id
        info.file_urls.CopyFrom(urls)
    return state


# ------------------------------------------------------------------ the visitors


@dataclass
class ViewerResult:
    reruns_s: list[float] = field(default_factory=list)
    maps: int = 0
    error: str = ""


@dataclass
class FloodResult:
    statuses: dict[str, int] = field(default_factory=dict)  # HTTP status -> count
    notices: list[str] = field(default_factory=list)
    error: str = ""


async def viewer(base: str, opts: ServeOptions, index: int) -> ViewerResult:
    result = ViewerResult()
    client = SessionClient(base)
    try:
        await client.open()
        result.reruns_s.append(await client.rerun())
        result.maps += client.has_map()
        keys = ("f_day", "f_type", "f_actor")
        for step in range(opts.reruns):
            widget = client.multiselect(keys[(index + step) % len(keys)])
            options = list(widget.options)
            chosen = [options[(index + step) % len(options)]] if options and step % 4 != 3 else []
            result.reruns_s.append(await client.rerun([widget_strings(widget.id, chosen)]))
            result.maps += client.has_map()
            await asyncio.sleep(opts.think_s)
    except Exception as exc:  # a failed viewer is reported, not raised
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        await client.close()
    return result


async def flooder(
    base: str, opts: ServeOptions, index: int, payload: bytes, stop: threading.Event
) -> FloodResult:
    result = FloodResult()
    client = SessionClient(base)

    def count(status: int) -> None:
        result.statuses[str(status)] = result.statuses.get(str(status), 0) + 1

    try:
        await client.open()
        await client.rerun()
        uploader = client.widgets["file_uploader"]
        names = [f"flood-{index}-{k}.txt" for k in range(opts.flood_files)]
        urls = await client.upload_urls(names)
        chosen: list[tuple[str, int, Any]] = []
        for name, url in zip(names, urls, strict=False):
            if stop.is_set():
                break
            status = await asyncio.to_thread(client.put, url.upload_url, name, payload)
            count(status)
            chosen.append((name, len(payload), url))
        # A hostile client makes up its own file ids: no URL was handed out for these.
        for k in range(opts.forged_files):
            if stop.is_set():
                break
            path = f"/_stcore/upload_file/{client.session_id}/{uuid.uuid4()}"
            count(await asyncio.to_thread(client.put, path, f"forged-{index}-{k}.txt", payload))
        await client.rerun([widget_files(uploader.id, chosen)])
        result.notices = client.notices
    except Exception as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        await client.close()
    return result


# ---------------------------------------------------------------------- the run


def run_coroutine(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """asyncio.run in a thread of its own: the caller may be inside an event loop
    already (Playwright's sync API keeps one running in the tests' main thread)."""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(asyncio.run(make()))
        except BaseException as exc:  # handed to the caller below
            failure.append(exc)

    thread = threading.Thread(target=target, name="mapapp-bench-sessions")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _mixed(server: Server, opts: ServeOptions, sampler: Sampler) -> dict[str, Any]:
    payload = b"flood text line\n" * int(opts.file_mb * 1024 * 1024 / 16)
    stop = threading.Event()

    async def guard() -> None:  # the flood must not take the machine down
        while not stop.is_set():
            if sampler.latest_rss() > opts.abort_rss_mb:
                stop.set()
            await asyncio.sleep(0.2)

    watch = asyncio.create_task(guard())
    started = time.monotonic()
    viewers = [viewer(server.url, opts, i) for i in range(opts.viewers)]
    floods = [flooder(server.url, opts, i, payload, stop) for i in range(opts.flooders)]
    results = await asyncio.gather(*viewers, *floods)
    aborted = stop.is_set()
    stop.set()
    await watch
    return {
        "viewers": results[: opts.viewers],
        "floods": results[opts.viewers :],
        "aborted": aborted,
        "seconds": time.monotonic() - started,
    }


def run_serve_bench(opts: ServeOptions, targets: Targets | None = None) -> dict[str, Any]:
    """Start the app, run the mixed load, watch it settle; the figures as a dict."""
    targets = targets or Targets()
    with tempfile.TemporaryDirectory(prefix="mapapp-serve-") as tmp:
        work = Path(tmp)
        itinerary = write_synthetic_itinerary(work, opts.events)
        with running_app(work, itinerary, timeout_s=opts.start_timeout_s) as server:
            # One session alone first: imports and caches are warm before the start
            # figure, and its reruns are the service time without contention.
            solo = run_coroutine(lambda: viewer(server.url, replace(opts, think_s=0.2), 0))
            time.sleep(2.0)
            start_rss = rss_mb(server.pid)
            load_before = os.getloadavg()[0]
            with Sampler(server) as sampler:
                mixed = run_coroutine(lambda: _mixed(server, opts, sampler))
                closed_at = time.monotonic()
                time.sleep(opts.settle_s)
                settled = rss_mb(server.pid)
            log_tail = server.log.read_text(errors="replace")[-2000:]
    report = _report(opts, targets, start_rss, settled, sampler, mixed, closed_at, log_tail)
    report["solo_rerun_p50_s"] = statistics.median(solo.reruns_s[1:]) if solo.reruns_s[1:] else None
    # Other work on the machine slows every figure: the load average says how much.
    report["load_average"] = {"before": load_before, "after": os.getloadavg()[0]}
    return report


def _report(
    opts: ServeOptions,
    targets: Targets,
    start_rss: float,
    settled: float,
    sampler: Sampler,
    mixed: dict[str, Any],
    closed_at: float,
    log_tail: str,
) -> dict[str, Any]:
    viewers: list[ViewerResult] = mixed["viewers"]
    floods: list[FloodResult] = mixed["floods"]
    answered = [h for h in sampler.health if h is not None]
    during = [mb for t, mb in sampler.rss if t <= closed_at]
    statuses: dict[str, int] = {}
    for flood in floods:
        for status, n in flood.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    all_reruns = [s for v in viewers for s in v.reruns_s[1:]]
    report: dict[str, Any] = {
        "options": asdict(opts),
        "viewers": [
            {
                "p50_s": statistics.median(v.reruns_s[1:]) if v.reruns_s[1:] else None,
                "p95_s": percentile(v.reruns_s[1:], 0.95) if v.reruns_s[1:] else None,
                "first_run_s": v.reruns_s[0] if v.reruns_s else None,
                "runs": len(v.reruns_s),
                "maps": v.maps,
                "error": v.error,
            }
            for v in viewers
        ],
        "rerun_p50_s": statistics.median(all_reruns) if all_reruns else None,
        "rerun_p95_s": percentile(all_reruns, 0.95) if all_reruns else None,
        "health": {
            "checks": len(sampler.health),
            "unanswered": len(sampler.health) - len(answered),
            "p50_s": statistics.median(answered) if answered else None,
            "max_s": max(answered) if answered else None,
        },
        "rss_mb": {
            "start": start_rss,
            "peak": max(during, default=start_rss),
            "peak_growth": max(during, default=start_rss) - start_rss,
            "settled": settled,
            "settled_minus_start": settled - start_rss,
            # The fork server and upload readers (app/upload_child.py), apart from the server.
            "children_peak": sampler.peak_children(),
        },
        "uploads": {
            "statuses": statuses,
            "notices": sorted({n for f in floods for n in f.notices}),
            "errors": [f.error for f in floods if f.error],
        },
        "flood_aborted_at_rss_limit": mixed["aborted"],
        "mixed_run_s": mixed["seconds"],
        "settle_s": opts.settle_s,
    }
    every_map = all(v.maps == len(v.reruns_s) and v.reruns_s and not v.error for v in viewers)
    health_max = report["health"]["max_s"]
    report["targets"] = {
        "peak_growth": report["rss_mb"]["peak_growth"] <= targets.peak_growth_mb,
        "settled": report["rss_mb"]["settled_minus_start"] <= targets.settled_within_mb,
        "health": report["health"]["unanswered"] == 0
        and health_max is not None
        and health_max <= targets.health_max_s,
        "every_viewer_map": every_map,
        "rerun_p95": all(
            v["p95_s"] is not None and v["p95_s"] <= targets.rerun_p95_s for v in report["viewers"]
        ),
    }
    if not all(report["targets"].values()):
        report["server_log_tail"] = log_tail
    return report


def print_report(report: dict[str, Any], out: Any = None) -> None:
    out = out or sys.stdout
    opts = report["options"]
    rss = report["rss_mb"]
    health = report["health"]
    print(
        f"mapapp bench --serve: {opts['viewers']} viewers x {opts['reruns']} filter changes, "
        f"{opts['flooders']} flooders x {opts['flood_files']} files of {opts['file_mb']} MB "
        f"(+{opts['forged_files']} forged)",
        file=out,
    )
    print(f"{'viewer':>6} {'p50 s':>7} {'p95 s':>7} {'first s':>8} {'maps':>9}  error", file=out)
    for i, v in enumerate(report["viewers"]):
        p50 = f"{v['p50_s']:.3f}" if v["p50_s"] is not None else "-"
        p95 = f"{v['p95_s']:.3f}" if v["p95_s"] is not None else "-"
        first = f"{v['first_run_s']:.2f}" if v["first_run_s"] is not None else "-"
        print(f"{i:>6} {p50:>7} {p95:>7} {first:>8} {v['maps']:>4}/{v['runs']:<4}  {v['error']}",
              file=out)  # fmt: skip
    print(
        f"all reruns: p50 {_s(report['rerun_p50_s'])}, p95 {_s(report['rerun_p95_s'])}; "
        f"one viewer alone: p50 {_s(report.get('solo_rerun_p50_s'))}",
        file=out,
    )
    print(
        f"health: {health['checks']} checks, {health['unanswered']} unanswered, "
        f"p50 {_s(health['p50_s'])}, max {_s(health['max_s'])}",
        file=out,
    )
    print(
        f"server RSS: start {rss['start']:.0f} MB, peak {rss['peak']:.0f} MB "
        f"(+{rss['peak_growth']:.0f}), {report['settle_s']:.0f} s after the sessions closed "
        f"{rss['settled']:.0f} MB ({rss['settled_minus_start']:+.0f}); its child processes "
        f"(upload readers) at most {rss.get('children_peak', 0.0):.0f} MB together",
        file=out,
    )
    print(f"upload answers (HTTP status: count): {report['uploads']['statuses']}", file=out)
    for notice in report["uploads"]["notices"]:
        print(f"  the app said: {notice[:200]}", file=out)
    if report["flood_aborted_at_rss_limit"]:
        print(f"flood stopped early: the server's RSS passed {opts['abort_rss_mb']} MB", file=out)
    load = report.get("load_average")
    if load:
        print(f"machine load average: {load['before']:.1f} before, {load['after']:.1f} after",
              file=out)  # fmt: skip
    for name, ok in report["targets"].items():
        print(f"target {name}: {'met' if ok else 'MISSED'}", file=out)


def _s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.3f} s"


def run_and_report(opts: ServeOptions, json_path: Path | None = None) -> int:
    """Run, print the figures, write them as JSON if asked; 0 when every target is met."""
    report = run_serve_bench(opts)
    print_report(report)
    if json_path is not None:
        json_path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0 if all(report["targets"].values()) else 1


# ------------------------------------------------ the worst case of kept uploads


def largest_accepted_upload(limit_bytes: int, max_nodes: int) -> tuple[int, str, str]:
    """(events, yaml, article) of the largest synthetic itinerary an upload may be:
    under the per-file byte cap and the upload's YAML node cap (mappings, their
    keys and values, sequences and their items: as the loader counts), its article
    padded to the per-file cap too (an upload of two nearly full files)."""
    import yaml

    from mapapp.bench.synth import synthetic_itinerary

    def nodes(node: Any) -> int:
        if isinstance(node, dict):
            return 1 + sum(1 + nodes(v) for v in node.values())
        if isinstance(node, list):
            return 1 + sum(nodes(v) for v in node)
        return 1

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    events = max(1, min(limit_bytes // 700, max_nodes // 20))  # about 850 bytes an event
    per_event: tuple[float, float] | None = None  # (bytes, nodes) an event, once measured
    while True:
        if (
            per_event is not None
            and events > 1
            and (
                events * per_event[0] > limit_bytes * 1.03
                or events * per_event[1] > max_nodes * 0.98 * 1.03
            )
        ):  # clearly too large: the next smaller candidate, without making this one
            events = max(1, int(events * 0.95))
            continue
        text, article = synthetic_itinerary(events, seed=0)
        size = len(text.encode("utf-8"))
        count = nodes(yaml.load(text, Loader=loader))
        per_event = per_event or (size / events, count / events)
        if size <= limit_bytes and count <= max_nodes * 0.98:
            break
        events = max(1, int(events * 0.95))
    pad = "Padding paragraph of the article, repeated to fill the upload.\n"
    room = limit_bytes - len(article.encode("utf-8")) - 1024
    article += pad * max(0, room // len(pad))
    return events, text, article


async def _keep_one(
    base: str, index: int, files: list[tuple[str, bytes]]
) -> tuple[SessionClient, str]:
    """One session uploads these files and keeps the result open; (client, outcome)."""
    client = SessionClient(base)
    await client.open()
    await client.rerun()
    uploader = client.widgets["file_uploader"]
    urls = await client.upload_urls([name for name, _ in files])
    chosen = []
    for (name, payload), url in zip(files, urls, strict=True):
        status = await asyncio.to_thread(client.put, url.upload_url, name, payload)
        if status != 204:
            return client, f"PUT {status}"
        chosen.append((name, len(payload), url))
    await client.rerun([widget_files(uploader.id, chosen)], timeout_s=600)
    texts = [
        e.html.body for e in client.elements if e.WhichOneof("type") == "html"
    ] + client.notices
    said = " ".join(texts)
    if "replaced the itinerary data" in said:
        return client, "kept"
    if "as many uploaded data sets as it can" in said:
        return client, "refused: the server holds as many uploads as it may"
    return client, said[-300:]


def run_kept_uploads(
    sessions: int = 16, settle_s: float = 60.0, events: int | None = None
) -> dict[str, Any]:
    """The server's memory with `sessions` sessions each showing the largest upload
    the limits accept (the server keeps kept.MAX_KEPT_BYTES of them at most), then after
    they close. `events`: an upload of that many events instead (a shorter run)."""
    from mapapp.app import limits
    from mapapp.bench.synth import synthetic_itinerary, write_warm_cache
    from mapapp.itinerary.load import MAX_UPLOAD_VALUES, parse_itinerary
    from mapapp.pipeline import cache_path

    with tempfile.TemporaryDirectory(prefix="mapapp-kept-") as tmp:
        work = Path(tmp)
        if events is None:
            events, text, article = largest_accepted_upload(
                limits.MB * 10 - 4096, MAX_UPLOAD_VALUES
            )
        else:
            text, article = synthetic_itinerary(events, seed=0)
        # The server shows the seed-sized trip; the uploads' places are in its warm cache.
        itinerary = write_synthetic_itinerary(work, 120)
        loaded = parse_itinerary(text.encode("utf-8"), "upload.yaml", work, article_text=article)
        write_warm_cache(loaded.itinerary, cache_path(itinerary))
        files = [
            ("upload.yaml", text.encode("utf-8")),
            ("synthetic-article.txt", article.encode("utf-8")),
        ]
        with running_app(work, itinerary) as server:
            # One session runs the page first: imports and the served data's caches
            # are warm before the start figure (as in the mixed run).
            run_coroutine(lambda: viewer(server.url, replace(ServeOptions(), think_s=0.1), 0))
            time.sleep(SWEEP_SETTLE_S)
            start = rss_mb(server.pid)
            with Sampler(server) as sampler:

                async def all_of_them() -> tuple[list[str], float, list[Any]]:
                    made = await asyncio.gather(
                        *[_keep_one(server.url, i, files) for i in range(sessions)]
                    )
                    await asyncio.sleep(5.0)
                    held = rss_mb(server.pid)
                    for client, _ in made:
                        await client.close()
                    return [outcome for _, outcome in made], held, []

                outcomes, held, _ = run_coroutine(all_of_them)
                time.sleep(settle_s)
                settled = rss_mb(server.pid)
                children_settled = children_rss_mb(server.pid)
    report: dict[str, Any] = {
        "sessions": sessions,
        "upload": {
            "events": events,
            "yaml_bytes": len(files[0][1]),
            "article_bytes": len(files[1][1]),
        },
        "outcomes": {o: outcomes.count(o) for o in sorted(set(outcomes))},
        "rss_mb": {
            "start": start,
            "peak": sampler.peak_rss(),
            "peak_growth": sampler.peak_rss() - start,
            "all_kept": held,
            "all_kept_growth": held - start,
            "settled": settled,
            "settled_minus_start": settled - start,
            "children_peak": sampler.peak_children(),
            "children_settled": children_settled,
        },
        "health_max_s": max((h for h in sampler.health if h is not None), default=None),
        "health_unanswered": sum(1 for h in sampler.health if h is None),
        "load_average": os.getloadavg()[0],
    }
    targets = Targets()
    health_max = report["health_max_s"]
    report["targets"] = {
        "peak_growth": report["rss_mb"]["peak_growth"] <= targets.peak_growth_mb,
        "settled": report["rss_mb"]["settled_minus_start"] <= targets.settled_within_mb,
        "health": report["health_unanswered"] == 0
        and health_max is not None
        and health_max <= targets.health_max_s,
    }
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, value in asdict(ServeOptions()).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--kept-uploads", type=int, default=0, metavar="N",
        help="Instead: N sessions each keep the largest upload the limits accept.",
    )  # fmt: skip
    args = vars(parser.parse_args(argv))
    json_path = args.pop("json")
    kept = args.pop("kept_uploads")
    if kept:
        report = run_kept_uploads(kept, args["settle_s"])
        print(json.dumps(report, indent=2))
        if json_path is not None:
            json_path.write_text(json.dumps(report, indent=2), encoding="utf-8")
        return 0 if all(report["targets"].values()) else 1
    return run_and_report(ServeOptions(**args), json_path)


if __name__ == "__main__":
    sys.exit(main())
