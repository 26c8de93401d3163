"""`mapapp bench`: how load, build, filter/export and map generation scale.

Each size runs in a fresh subprocess (`python -m mapapp.bench.run --one N`), so
the peak RSS it reports belongs to that size alone. Timings are medians over
`repeats` runs (sizes above 10,000 run once). The naive baseline, one folium
Marker with a Popup per event, runs in the same subprocess up to 10,000 events.

    python -m mapapp.bench.run --sizes 100,1000,10000 --json bench.json

Nothing heavy is imported at module level: `mapapp.cli` imports this lazily and
`import mapapp` must stay cheap.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from html import escape
from pathlib import Path
from typing import Any, TextIO

from mapapp.bench.exports import measure_exports, print_export_table

SEED = 0
FULL_REPEATS_UP_TO = 10_000  # above this, every measurement runs once
NAIVE_MAX = 10_000  # the naive folium baseline runs up to this size
BROWSER_MAX = 10_000  # page load to drawn markers, in headless Chromium, up to this size
YAML_MAX = 10_000  # PyYAML load above this takes many minutes; JSON load still runs
IMPORT_RUNS = 5
RERUN_RUNS = 5
HEAVY_MODULES = ("streamlit", "folium", "branca", "pandas", "altair")

METRICS = (
    "load_s", "load_json_s", "build_s", "filter_export_s", "map_s", "payload_bytes",
    "peak_rss_mb", "naive_map_s", "naive_payload_bytes", "browser_markers_s",
)  # fmt: skip

Result = dict[str, Any]


# ---------------------------------------------------------------- measuring


def _median_time(action: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of `repeats` calls, and the last call's result."""
    times: list[float] = []
    result: Any = None
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_rss_mb() -> float:
    """Peak resident set size of this process (VmHWM; ru_maxrss as a fallback)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


def repeats_for(size: int, repeats: int) -> int:
    return max(1, repeats) if size <= FULL_REPEATS_UP_TO else 1


def naive_map_html(collection: dict[str, Any]) -> str:
    """The baseline: one folium Marker with a Popup (title, date, quote) per event."""
    import folium

    fmap = folium.Map(location=[-5.0, 150.0], zoom_start=3)
    for feature in collection["features"]:
        props = feature["properties"]
        if props["kind"] != "event":
            continue
        lon, lat = feature["geometry"]["coordinates"]
        html = (
            f"<b>{escape(props['title'])}</b><br>{escape(props['date'])}"
            f"<br><i>{escape(props['quote'])}</i>"
        )
        folium.Marker([lat, lon], popup=folium.Popup(html, max_width=320)).add_to(fmap)
    return str(fmap.get_root().render())


def _build_map_fn() -> Callable[..., Any] | None:
    try:
        from mapapp.mapview.render import build_map
    except ImportError:
        return None
    return build_map


def _filter_fn() -> Callable[..., dict[str, Any]] | None:
    try:
        from mapapp.export.filters import filter_collection
    except ImportError:
        return None
    return filter_collection


def pick_filter(collection: dict[str, Any]) -> tuple[int, str]:
    """A day in the middle of the trip and a non-visitor actor present that day."""
    events = [f["properties"] for f in collection["features"] if f["properties"]["kind"] == "event"]
    days = sorted({p["day"] for p in events})
    day = days[len(days) // 2]
    todays = [p for p in events if p["day"] == day]
    visitor = events[0]["actors"][0]
    for props in todays:
        for actor in props["actors"]:
            if actor != visitor:
                return day, str(actor)
    return day, str(visitor)


def build_offline(loaded: Any, cache_file: Path, counts: dict[str, int]) -> tuple[Any, int]:
    """Resolve places from the warm cache and pins (no network), build, write the file."""
    from mapapp.geocode.cache import GeocodeCache
    from mapapp.geocode.resolve import Resolver
    from mapapp.store import geojson_io
    from mapapp.store.build import build_collection

    resolver = Resolver(GeocodeCache.open(cache_file), None, offline=True)
    places = resolver.resolve_all(loaded, progress=False)
    collection = build_collection(loaded, places)
    counts["from_cache"] = resolver.summary.from_cache
    counts["from_override"] = resolver.summary.from_override
    out = cache_file.with_name("itinerary.geojson")
    geojson_io.write(out, collection)  # as `mapapp build` does
    return collection, out.stat().st_size


def measure_size(
    size: int,
    repeats: int = 3,
    seed: int = SEED,
    naive_max: int = NAIVE_MAX,
    yaml_max: int = YAML_MAX,
    workdir: Path | None = None,
    browser_max: int = BROWSER_MAX,
) -> Result:
    """Every per-size measurement, in this process (call it in a fresh one)."""
    from mapapp.bench.synth import synthetic_itinerary, synthetic_json, write_warm_cache
    from mapapp.itinerary import load as load_module
    from mapapp.store import geojson_io

    reps = repeats_for(size, repeats)
    notes: list[str] = []
    result: Result = {"size": size, "repeats": reps, "seed": seed}

    start = time.perf_counter()
    json_text, article = synthetic_json(size, seed)
    json_raw = json_text.encode("utf-8")
    del json_text
    result["synth_s"] = time.perf_counter() - start
    result["itinerary_json_bytes"] = len(json_raw)
    # Peak memory is the pipeline's (load, build, filter/export, map): not the synthesis.
    gc.collect()
    reset_peak_rss()

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        base = Path(tmp)
        # File loads have no size cap (only uploads do), as with `mapapp build`.
        load_json = partial(
            load_module.parse_itinerary,
            json_raw, "synthetic.json", base_dir=base, article_text=article, max_bytes=None,
        )  # fmt: skip
        result["load_json_s"], loaded = _median_time(load_json, reps)
        del load_json, json_raw

        fingerprint = _fingerprint(loaded.itinerary)
        cache_file = base / "geocode_cache.json"
        write_warm_cache(loaded.itinerary, cache_file)
        counts: dict[str, int] = {}
        build = partial(build_offline, loaded, cache_file, counts)
        result["build_s"], (collection, geojson_bytes) = _median_time(build, reps)
        result["geojson_bytes"] = geojson_bytes
        result["places_from_cache"] = counts["from_cache"]
        result["places_from_override"] = counts["from_override"]
        result["places"] = len(loaded.itinerary.places)
        result["days"] = max(e.day for e in loaded.itinerary.events)
        del loaded, build

    filter_collection = _filter_fn()
    if filter_collection is None:
        result["filter_export_s"] = None
        notes.append("mapapp.export.filters.filter_collection is missing")
    else:
        day, actor = pick_filter(collection)
        result["filter_day"], result["filter_actor"] = day, actor

        def filter_export() -> str:
            subset = filter_collection(
                collection, days=[day], actors=[actor], kinds=None, types=None
            )
            return geojson_io.dumps(subset)

        result["filter_export_s"], exported = _median_time(filter_export, reps)
        result["filter_export_bytes"] = len(exported.encode("utf-8"))

    build_map = _build_map_fn()
    if build_map is None:
        result["map_s"] = result["payload_bytes"] = None
        notes.append("mapapp.mapview.render.build_map is missing")
    else:

        def render_map() -> str:
            fmap = build_map(collection, assets="streamlit", basemap="offline", view="selection")
            return str(fmap.get_root().render())

        result["map_s"], html = _median_time(render_map, reps)
        result["payload_bytes"] = len(html.encode("utf-8"))
        del html

    result["peak_rss_mb"] = peak_rss_mb()
    result.update(measure_exports(collection, reps, _median_time))

    if size <= naive_max:
        result["naive_map_s"], naive = _median_time(lambda: naive_map_html(collection), reps)
        result["naive_payload_bytes"] = len(naive.encode("utf-8"))
        del naive
    else:
        result["naive_map_s"] = result["naive_payload_bytes"] = None
    map_s, naive_s = result["map_s"], result["naive_map_s"]
    result["speedup"] = naive_s / map_s if map_s and naive_s else None
    if size <= browser_max:
        from mapapp.bench.browser import browser_available, time_to_markers

        why_not = browser_available()
        if why_not is None:
            result["browser_markers_s"] = time_to_markers(collection, runs=reps)
        else:
            result["browser_markers_s"] = None
            notes.append(f"browser timing skipped: {why_not}")
    else:
        result["browser_markers_s"] = None
    collection["features"] = []  # free it before the YAML phase
    gc.collect()
    reset_peak_rss()
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        base = Path(tmp)
        # The YAML form is what curators edit; it is measured last, apart from the pipeline peak.
        if size <= yaml_max:
            yaml_text, _ = synthetic_itinerary(size, seed)
            yaml_raw = yaml_text.encode("utf-8")
            del yaml_text
            result["itinerary_yaml_bytes"] = len(yaml_raw)
            load_yaml = partial(
                load_module.parse_itinerary,
                yaml_raw, "synthetic.yaml", base_dir=base, article_text=article, max_bytes=None,
            )  # fmt: skip
            result["load_s"], loaded_yaml = _median_time(load_yaml, reps)
            del load_yaml
            if _fingerprint(loaded_yaml.itinerary) != fingerprint:
                raise AssertionError("the YAML and JSON forms of the itinerary differ")
            del yaml_raw, loaded_yaml
        else:
            result["load_s"] = None
            result["itinerary_yaml_bytes"] = None
            notes.append(f"YAML load skipped above {yaml_max} events (PyYAML is too slow)")

        result["yaml_peak_rss_mb"] = peak_rss_mb() if result["load_s"] is not None else None
    result["notes"] = notes
    return result


def _fingerprint(itinerary: Any) -> tuple[Any, ...]:
    """Enough to tell two loads of one itinerary apart without keeping both in memory."""
    events = itinerary.events
    return (len(events), len(itinerary.places), events[0], events[-1])


def reset_peak_rss() -> None:
    """Start a new peak (Linux: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


# ---------------------------------------------------------------- once per run


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

    return Path(mapapp.__file__).with_name("app.py")


def app_rerun_s(itinerary: Path | None = None, runs: int = RERUN_RUNS) -> float | None:
    """Server time of one app rerun after a change of the day filter (Streamlit AppTest).

    Runs the app on the seed itinerary once, then changes the day multiselect and
    times `.run()`; the median of `runs` changes. None if mapapp/app.py is missing.
    Call it in a fresh process: it imports Streamlit.
    """
    script = app_script()
    if not script.exists():
        return None
    from streamlit.testing.v1 import AppTest

    from mapapp.pipeline import DEFAULT_ITINERARY, output_path

    itinerary = (itinerary or DEFAULT_ITINERARY).resolve()
    data = output_path(itinerary)
    saved_argv = sys.argv
    sys.argv = [str(script), "--itinerary", str(itinerary), "--data", str(data), "--offline"]
    try:
        app = AppTest.from_file(str(script), default_timeout=120)
        app.run()
        _raise_app_exception(app)
        widget = _day_multiselect(app)
        initial = list(widget.value)
        options = list(widget.options)
        if len(initial) > 1:
            choices: list[list[Any]] = [initial[:1], initial]
        elif options:
            choices = [[_option_value(options[-1])], initial]
        else:
            raise RuntimeError("the day multiselect has no options")
        times = []
        for index in range(runs):
            choice = choices[index % 2]
            _day_multiselect(app).set_value(choice)
            start = time.perf_counter()
            app.run()
            times.append(time.perf_counter() - start)
            _raise_app_exception(app)
            if list(_day_multiselect(app).value) != choice:
                raise RuntimeError(f"the day filter did not take the value {choice!r}")
        return statistics.median(times)
    finally:
        sys.argv = saved_argv


def _day_multiselect(app: Any) -> Any:
    try:
        return app.multiselect(key="f_day")
    except KeyError:
        pass
    for widget in app.multiselect:
        if "day" in str(widget.label).lower():
            return widget
    raise RuntimeError("the app has no multiselect labelled 'day'")


def _option_value(option: str) -> Any:
    """Multiselect options come back formatted ("Day 2"); the day value is the number."""
    digits = "".join(ch for ch in option if ch.isdigit())
    return int(digits) if digits else option


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


# ---------------------------------------------------------------- the whole run


def _child(args: list[str]) -> Any:
    """Run `python -m mapapp.bench.run ARGS --result FILE` and return FILE's JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "mapapp.bench.run", *args, "--result", str(result)]
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode != 0 or not result.exists():
            raise RuntimeError(f"{' '.join(command)} failed:\n{proc.stderr[-4000:]}")
        return json.loads(result.read_text(encoding="utf-8"))


def growth(results: list[Result]) -> None:
    """Add to each result the ratio of each cost to the previous size's."""
    previous: Result | None = None
    for result in results:
        ratios: dict[str, float | None] = {}
        for metric in METRICS:
            now = result.get(metric)
            before = previous.get(metric) if previous else None
            ratios[metric] = now / before if now is not None and before else None
        result["size_ratio"] = result["size"] / previous["size"] if previous else None
        result["growth"] = ratios if previous else None
        previous = result


def run_bench(
    sizes: list[int],
    repeats: int = 3,
    json_path: Path | None = None,
    out: TextIO = sys.stdout,
    *,
    seed: int = SEED,
    naive_max: int = NAIVE_MAX,
    yaml_max: int = YAML_MAX,
    app_rerun: bool = True,
) -> list[Result]:
    """Measure every size in its own subprocess, print a table, optionally write JSON."""
    results: list[Result] = []
    for size in sizes:
        print(f"bench: {size} events ...", file=sys.stderr, flush=True)
        args = ["--one", str(size), "--repeats", str(repeats), "--seed", str(seed)]
        args += ["--naive-max", str(naive_max), "--yaml-max", str(yaml_max)]
        results.append(_child(args))
    print("bench: import time ...", file=sys.stderr, flush=True)
    once: dict[str, Any] = import_times()
    rerun: float | None = None
    rerun_error: str | None = None
    if app_rerun and app_script().exists():
        print("bench: app rerun ...", file=sys.stderr, flush=True)
        try:
            rerun = _child(["--app-rerun"])["rerun_s"]
        except RuntimeError as exc:
            rerun_error = str(exc).splitlines()[-1] if str(exc) else "failed"
    elif not app_script().exists():
        rerun_error = "mapapp/app.py does not exist"
    once.update(rerun_s=rerun, rerun_error=rerun_error, machine=machine_info())
    for result in results:
        result.update(once)
    growth(results)
    print_table(results, out)
    if json_path is not None:
        json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {json_path}", file=out)
    return results


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def print_table(results: list[Result], out: TextIO = sys.stdout) -> None:
    columns = [
        ("size", "size", None), ("rep", "repeats", None), ("load_s", "load_s", 3),
        ("load_json_s", "load_json_s", 3), ("build_s", "build_s", 3),
        ("filter_export_s", "filter_export_s", 4), ("map_s", "map_s", 3),
        ("payload MB", "payload_bytes", None), ("peak RSS MB", "peak_rss_mb", 0),
        ("naive_map_s", "naive_map_s", 3), ("speedup", "speedup", 1),
        ("browser_s", "browser_markers_s", 3),
    ]  # fmt: skip
    rows = [[title for title, _, _ in columns]]
    for r in results:
        row = []
        for _, key, digits in columns:
            value = r.get(key)
            if key == "payload_bytes":
                row.append(_fmt(value / 1e6 if value is not None else None, 2))
            else:
                row.append(_fmt(value, digits) if digits is not None else _fmt(value))
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    for row in rows:
        cells = (cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells), file=out)
    print(
        "rep = runs per measurement (medians); load_s = YAML, load_json_s = the same itinerary"
        " as JSON; speedup = naive_map_s / map_s;\npeak RSS = load (JSON), build, filter/export"
        " and map, without synthesis, YAML or the baseline; browser_s = page load to every"
        " event drawn, headless Chromium",
        file=out,
    )

    if len(results) > 1:
        print("\ngrowth: cost(n) / cost(previous n)  (linear = the size ratio)", file=out)
        keys = [m for m in METRICS if any(r.get(m) is not None for r in results)]
        head = ["n / prev", *keys]
        grid = [head]
        for r in results[1:]:
            ratios = r["growth"] or {}
            grid.append([f"{r['size']}/{r['size'] // round(r['size_ratio'] or 1)}"]
                        + [_fmt(ratios.get(k), 1) for k in keys])  # fmt: skip
        widths = [max(len(row[i]) for row in grid) for i in range(len(head))]
        for row in grid:
            print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)), file=out)

    print_export_table(results, out)
    first = results[0] if results else {}
    print(
        f"\nimport mapapp: {_fmt(first.get('import_s'), 3)} s over a bare interpreter "
        f"(core pipeline: {_fmt(first.get('import_core_s'), 3)} s); heavy modules imported: "
        f"{first.get('import_heavy_modules') or 'none'}",
        file=out,
    )
    rerun = first.get("rerun_s")
    why = f" ({first.get('rerun_error')})" if first.get("rerun_error") else ""
    print(f"app rerun after a day-filter change (seed data): {_fmt(rerun, 3)} s{why}", file=out)
    for r in results:
        for note in r.get("notes", []):
            print(f"note [{r['size']}]: {note}", file=out)
    print(f"machine: {first.get('machine')}", file=out)


# ---------------------------------------------------------------- command line


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        message = f"expected comma-separated integers, got {text!r}"
        raise argparse.ArgumentTypeError(message) from exc
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapapp.bench.run", description=__doc__)
    parser.add_argument("--sizes", type=_sizes, default=[100, 1000, 10000, 100000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, dest="json_path")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--naive-max", type=int, default=NAIVE_MAX)
    parser.add_argument("--yaml-max", type=int, default=YAML_MAX)
    parser.add_argument("--no-app", action="store_true", help="Skip the app rerun timing.")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--app-rerun", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.one is not None or args.app_rerun:
        if args.one is not None:
            record: Result = measure_size(
                args.one, args.repeats, args.seed, args.naive_max, args.yaml_max
            )
        else:
            record = {"rerun_s": app_rerun_s()}
        text = json.dumps(record, indent=2)
        if args.result is not None:
            args.result.write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        return 0
    run_bench(
        args.sizes,
        repeats=args.repeats,
        json_path=args.json_path,
        seed=args.seed,
        naive_max=args.naive_max,
        yaml_max=args.yaml_max,
        app_rerun=not args.no_app,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
