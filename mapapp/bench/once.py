"""What `mapapp bench` measures once per run: import time, an app rerun, the machine.

Each runs in a fresh interpreter (the import times in new subprocesses; the
rerun through `python -m mapapp.bench.run --app-rerun`), so nothing a size
imported or cached can make it look faster.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

IMPORT_RUNS = 5
RERUN_RUNS = 5
HEAVY_MODULES = ("streamlit", "folium", "branca", "pandas", "altair")


def _median_subprocess(args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def import_times(runs: int = IMPORT_RUNS) -> dict[str, Any]:
    """Import time of mapapp (and of its core pipeline) over a bare interpreter start."""
    bare = _median_subprocess(["-c", "pass"], runs)
    package = _median_subprocess(["-c", "import mapapp"], runs)
    core = "import mapapp.pipeline, mapapp.export.filters, mapapp.store.geojson_io"
    core_s = _median_subprocess(["-c", core], runs)
    probe = f"import sys, mapapp; print(','.join(m for m in {HEAVY_MODULES!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    heavy = [m for m in out.stdout.strip().split(",") if m]
    return {
        "import_s": max(0.0, package - bare),
        "import_core_s": max(0.0, core_s - bare),
        "import_heavy_modules": heavy,
    }


def app_script() -> Path:
    import mapapp

    return Path(mapapp.__file__).parent / "app" / "page.py"


def app_rerun_s(
    runs: int = RERUN_RUNS, itinerary: Path | None = None, data: Path | None = None
) -> float:
    """Server time of one app rerun after a change of the day filter (Streamlit AppTest).

    Runs the app on the seed itinerary (or the one given, with its built data)
    once, then toggles the day filter between the last day and none chosen
    (every day), timing `.run()`; the median of `runs` changes. After the first
    two changes the server's shared views and map frames are warm: this is the
    cost of a filter some session already chose. `app_rerun_cold_s` times new
    ones. Call it in a fresh process: it imports Streamlit.
    """
    with _app_on(itinerary, data) as (app, days):
        choices: list[list[int]] = [[days[-1]], []]
        return statistics.median(_timed_choices(app, [choices[i % 2] for i in range(runs)]))


def app_rerun_cold_s(
    runs: int = RERUN_RUNS, itinerary: Path | None = None, data: Path | None = None
) -> float:
    """Like app_rerun_s, but each change picks a day not chosen before: nothing of
    that filter is cached yet (the map, the table, the timeline are all made)."""
    with _app_on(itinerary, data) as (app, days):
        picks = [[d] for d in days[: runs + 1]]
        return statistics.median(_timed_choices(app, picks[1:] if len(picks) > 1 else picks))


@contextmanager
def _app_on(itinerary: Path | None, data: Path | None) -> Iterator[tuple[Any, list[int]]]:
    """The app run once on this data; the page reads its arguments on every run."""
    from streamlit.testing.v1 import AppTest

    from mapapp.pipeline import DEFAULT_ITINERARY, output_path
    from mapapp.store import geojson_io

    script = app_script()
    itinerary = (itinerary or DEFAULT_ITINERARY).resolve()
    data = data or output_path(itinerary)
    features = geojson_io.read(data)["features"]
    days = sorted({f["properties"]["day"] for f in features if f["properties"]["kind"] == "event"})
    saved_argv = sys.argv
    sys.argv = [str(script), "--itinerary", str(itinerary), "--data", str(data), "--offline"]
    try:
        app = AppTest.from_file(str(script), default_timeout=600)
        app.run()
        _raise_app_exception(app)
        yield app, days
    finally:
        sys.argv = saved_argv


def _timed_choices(app: Any, choices: list[list[int]]) -> list[float]:
    times = []
    for choice in choices:
        app.multiselect(key="f_day").set_value(choice)
        start = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - start)
        _raise_app_exception(app)
        if list(app.multiselect(key="f_day").value) != choice:
            raise RuntimeError(f"the day filter did not take the value {choice!r}")
    return times


def app_rerun_at(events: int, runs: int = RERUN_RUNS) -> dict[str, float]:
    """Both rerun figures on a synthetic itinerary of `events` events, built offline
    (issue 14's row: 100,000 events, rerun ≤ 1 s)."""
    import tempfile

    from mapapp.bench.synth import write_warm_cache
    from mapapp.itinerary.load import parse_itinerary
    from mapapp.pipeline import build, cache_path, output_path

    with tempfile.TemporaryDirectory(prefix="mapapp-rerun-") as tmp:
        # JSON, as the bench's 100,000-event rows (YAML that size takes a minute to read).
        text = served_json(events)
        itinerary = Path(tmp) / "itinerary.json"
        itinerary.write_text(text, encoding="utf-8")
        loaded = parse_itinerary(text.encode("utf-8"), itinerary.name, Path(tmp), max_bytes=None)
        write_warm_cache(loaded.itinerary, cache_path(itinerary))
        build(itinerary, out=output_path(itinerary), offline=True)
        data = output_path(itinerary)
        return {
            "rerun_s": app_rerun_s(runs, itinerary, data),
            "rerun_cold_s": app_rerun_cold_s(runs, itinerary, data),
        }


def served_json(events: int) -> str:
    """The synthetic itinerary of `events` events as a deployer serves it with
    `mapapp app --itinerary`: JSON, its article embedded (trip.article.text).

    An article file is capped at 10 MB (a news story, not a book); the synthetic
    article of 100,000 events is 27 MB, so it travels inside the itinerary, which
    may be up to 512 MB."""
    import json

    from mapapp.bench.synth import synthetic_json

    text, article = synthetic_json(events, seed=0)
    data = json.loads(text)
    data["trip"]["article"].pop("path", None)
    data["trip"]["article"]["text"] = article
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _raise_app_exception(app: Any) -> None:
    if len(app.exception):
        raise RuntimeError(f"the app raised: {app.exception[0].value}")


def machine_info() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


if __name__ == "__main__":  # python -m mapapp.bench.once EVENTS: the rerun figures at a size
    import argparse
    import json

    parser = argparse.ArgumentParser(
        prog="python -m mapapp.bench.once",
        description="The app's server time to rerun after a filter change, served "
        "synthetic data of EVENTS events (in-process, Streamlit's AppTest).",
    )
    parser.add_argument("events", nargs="?", type=int, default=100_000)
    arguments = parser.parse_args()
    if arguments.events < 1:
        parser.error("EVENTS must be a positive number")
    print(json.dumps(app_rerun_at(arguments.events)))
