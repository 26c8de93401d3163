"""`mapapp bench`: how load, build, filter/export and map generation scale.

Each size runs in a fresh subprocess (`python -m mapapp.bench.run --one N`), so
the peak RSS it reports belongs to that size alone. Timings are medians over
`repeats` runs (sizes above 10,000 run once). The naive baseline, one folium
Marker with a Popup per event, runs in the same subprocess up to 10,000 events.

    python -m mapapp.bench.run --sizes 100,1000,10000 --json bench.json

Nothing heavy is imported at module level: `mapapp.cli` imports this module
(for its sizes parser), and starting the command line must stay cheap.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
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
from mapapp.bench.once import app_rerun_s, import_times, machine_info
from mapapp.bench.report import Result, growth, print_table

SEED = 0
FULL_REPEATS_UP_TO = 10_000  # above this, every measurement runs once
NAIVE_MAX = 10_000  # the naive folium baseline runs up to this size
BROWSER_MAX = 10_000  # page load to drawn markers, in headless Chromium, up to this size
YAML_MAX = 10_000  # PyYAML load above this takes many minutes; JSON load still runs


# ---------------------------------------------------------------- measuring


#: Where `--profile` writes one cProfile file per step (None: no profiles).
_profile_dir: Path | None = None


def _median_time(action: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of `repeats` calls, and the last call's result."""
    times: list[float] = []
    result: Any = None
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _step(name: str, size: int, action: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """A timed step; with `--profile`, one more call under cProfile, written to
    DIR/<size>-<name>.pstats (apart from the timed calls, which it would slow)."""
    seconds, result = _median_time(action, repeats)
    if _profile_dir is not None:
        import cProfile

        _profile_dir.mkdir(parents=True, exist_ok=True)
        profiler = cProfile.Profile()
        del result  # the profiled call's result replaces it: never two in memory
        result = profiler.runcall(action)
        profiler.dump_stats(_profile_dir / f"{size}-{name}.pstats")
    return seconds, result


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


def utf8_bytes(text: str, chunk: int = 1 << 22) -> int:
    """len(text.encode("utf-8")), without a second copy of a page of many MB held at the
    pipeline's peak (an ASCII text is its length; any other is encoded a slice at a time)."""
    if text.isascii():
        return len(text)
    starts = range(0, len(text), chunk)
    return sum(len(text[start : start + chunk].encode("utf-8")) for start in starts)


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
    from mapapp.pipeline import build

    out = cache_file.with_name("itinerary.geojson")
    result = build(loaded, cache=cache_file, out=out, offline=True)
    counts["from_cache"] = result.summary.from_cache
    counts["from_override"] = result.summary.from_override
    return result.collection, out.stat().st_size


def measure_size(
    size: int,
    repeats: int = 3,
    seed: int = SEED,
    naive_max: int = NAIVE_MAX,
    yaml_max: int = YAML_MAX,
    workdir: Path | None = None,
    browser_max: int = BROWSER_MAX,
) -> Result:
    """Every per-size measurement, in this process (call it in a fresh one).

    Peak memory is the pipeline's (JSON load, build, filter/export, map): it is
    reset after the synthesis (made in a child process: see `synthesized`) and the
    floor parse, and read before the baseline, browser and YAML; `data_peak_rss_mb`
    is the same before the map generation.
    """
    reps = repeats_for(size, repeats)
    result: Result = {"size": size, "repeats": reps, "seed": seed, "notes": []}
    start = time.perf_counter()
    json_raw, article = synthesized(size, seed, workdir)
    result["synth_s"] = time.perf_counter() - start
    result["itinerary_json_bytes"] = len(json_raw)
    # The floor is a yardstick, not a step: measured (and its parse freed) before the
    # pipeline's peak starts, so a whole second copy of the data does not count in it.
    _measure_floor(result, json_raw, reps)
    gc.collect()
    reset_peak_rss()

    # The article is the load's input. Past the load only the YAML load reads it again,
    # up to yaml_max events: the bench does not hold it through the later steps (at
    # 100,000 events it is 51 MB of text, two bytes a character).
    yaml_article = article if size <= yaml_max else None
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        loaded = _measure_json_load(result, json_raw, article, Path(tmp), reps)
        del json_raw, article
        fingerprint = _fingerprint(loaded.itinerary)
        collection = _measure_build(result, loaded, Path(tmp), reps)
        del loaded
    _measure_filter_export(result, collection, reps)
    # Load, build and filter/export (the data side) apart from the map generation after it.
    result["data_peak_rss_mb"] = peak_rss_mb()
    _measure_map(result, collection, reps)
    result["peak_rss_mb"] = peak_rss_mb()
    # Itinerary bytes to map HTML: the sum of the steps (each a single run above 10,000).
    result["end_to_end_s"] = result["load_json_s"] + result["build_s"] + result["map_s"]
    result.update(measure_exports(collection, reps, _median_time))

    _measure_naive(result, collection, reps, naive_max)
    _measure_browser(result, collection, reps, browser_max)
    # hweb (issue 14): WebGL first draw and click, above event_layer.GL_MIN events.
    result.update(_webgl_rows(collection, size))
    _measure_playback(result, collection)
    collection["features"] = []  # free it before the YAML phase
    gc.collect()
    reset_peak_rss()
    # The YAML form is what curators edit; it is measured last, apart from the pipeline peak.
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        _measure_yaml_load(result, fingerprint, yaml_article, Path(tmp), reps, yaml_max)
    return result


def synthesized(size: int, seed: int, workdir: Path | None = None) -> tuple[bytes, str]:
    """The synthetic itinerary's JSON bytes and its article, made by a child process
    (`--synth DIR`) and read back: the generator's millions of short-lived objects
    leave the heap fragmented, 0.6 GB of resident memory at a million events that
    no later step gives back, and that memory is not the pipeline's."""
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        folder = Path(tmp)
        command = [sys.executable, "-m", "mapapp.bench.run", "--synth", str(folder)]
        command += ["--one", str(size), "--seed", str(seed)]
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{proc.stderr[-4000:].rstrip()}")
        return (folder / SYNTH_JSON).read_bytes(), (folder / SYNTH_ARTICLE).read_text("utf-8")


SYNTH_JSON, SYNTH_ARTICLE = "itinerary.json", "article.txt"


def _write_synthetic(size: int, seed: int, folder: Path) -> None:
    from mapapp.bench.synth import synthetic_json

    text, article = synthetic_json(size, seed)
    (folder / SYNTH_JSON).write_bytes(text.encode("utf-8"))
    (folder / SYNTH_ARTICLE).write_text(article, encoding="utf-8")


def _measure_json_load(result: Result, raw: bytes, article: str, base: Path, reps: int) -> Any:
    """File loads have no size cap (only uploads do), as with `mapapp build`."""
    from mapapp.itinerary.load import parse_itinerary

    load = partial(
        parse_itinerary, raw, "synthetic.json", base_dir=base, article_text=article, max_bytes=None
    )
    result["load_json_s"], loaded = _step("load_json", result["size"], load, reps)
    return loaded


def _measure_floor(result: Result, raw: bytes, reps: int) -> None:
    """The floor: a bare orjson parse of the same bytes, in the same process."""
    import orjson

    from mapapp.gc_pause import gc_paused

    def floor() -> None:
        with gc_paused():  # the floor at its lowest: no collector, nothing validated
            orjson.loads(raw)

    result["floor_parse_s"], _ = _median_time(floor, reps)


def _measure_build(result: Result, loaded: Any, base: Path, reps: int) -> dict[str, Any]:
    # Imported before the clock starts, as every other step's code is: importing the
    # pipeline (geopy, pyproj: 0.25 s) is the `import_core_s` row, not the build's.
    import mapapp.pipeline  # noqa: F401
    from mapapp.bench.synth import write_warm_cache

    cache_file = base / "geocode_cache.json"
    write_warm_cache(loaded.itinerary, cache_file)
    counts: dict[str, int] = {}
    build = partial(build_offline, loaded, cache_file, counts)
    result["build_s"], (collection, geojson_bytes) = _step("build", result["size"], build, reps)
    result.update(
        geojson_bytes=geojson_bytes,
        places_from_cache=counts["from_cache"],
        places_from_override=counts["from_override"],
        places=len(loaded.itinerary.places),
        days=max(e.day for e in loaded.itinerary.events),
    )
    return dict(collection)


def _measure_filter_export(result: Result, collection: dict[str, Any], reps: int) -> None:
    from mapapp.export.filters import filter_collection
    from mapapp.store import geojson_io

    day, actor = pick_filter(collection)
    result["filter_day"], result["filter_actor"] = day, actor

    def filter_export() -> str:
        subset = filter_collection(collection, days=[day], actors=[actor], kinds=None, types=None)
        return geojson_io.dumps(subset)

    result["filter_export_s"], exported = _step(
        "filter_export", result["size"], filter_export, reps
    )
    result["filter_export_bytes"] = len(exported.encode("utf-8"))


def _measure_map(result: Result, collection: dict[str, Any], reps: int) -> None:
    from mapapp.mapview.render import build_map

    def render_map() -> str:
        fmap = build_map(collection, assets="streamlit", basemap="offline", view="selection")
        return str(fmap.get_root().render())

    result["map_s"], html = _step("map", result["size"], render_map, reps)
    result["payload_bytes"] = utf8_bytes(html)


def _measure_naive(result: Result, collection: dict[str, Any], reps: int, naive_max: int) -> None:
    """The one-Marker-per-event baseline, and how much faster mapapp's map is."""
    result["naive_map_s"] = result["naive_payload_bytes"] = result["speedup"] = None
    if result["size"] > naive_max:
        result["notes"].append(f"naive baseline skipped above {naive_max} events")
        return
    result["naive_map_s"], naive = _median_time(lambda: naive_map_html(collection), reps)
    result["naive_payload_bytes"] = utf8_bytes(naive)
    result["speedup"] = result["naive_map_s"] / result["map_s"]


def _measure_browser(
    result: Result, collection: dict[str, Any], reps: int, browser_max: int
) -> None:
    from mapapp.bench.browser import browser_available, time_to_markers

    result["browser_markers_s"] = None
    why_not = browser_available()
    if result["size"] > browser_max:
        result["notes"].append(f"browser timing skipped above {browser_max} events")
    elif why_not is not None:
        result["notes"].append(f"browser timing skipped: {why_not}")
    else:
        result["browser_markers_s"] = time_to_markers(collection, runs=reps)


def _webgl_rows(collection: dict[str, Any], size: int) -> dict[str, Any]:
    from mapapp.bench.browser import webgl_rows

    return webgl_rows(collection, size)


def _measure_playback(result: Result, collection: dict[str, Any]) -> None:
    """One playback frame's work (js/playback.js), at every size."""
    from mapapp.bench.browser import browser_available
    from mapapp.bench.playback import playback_frame_ms

    result["playback_frame_ms"] = result["playback_frame_max_ms"] = None
    why_not = browser_available()
    if why_not is not None:
        result["notes"].append(f"playback timing skipped: {why_not}")
    else:
        result.update(playback_frame_ms(collection))


def _measure_yaml_load(
    result: Result,
    fingerprint: tuple[Any, ...],
    article: str | None,
    base: Path,
    reps: int,
    yaml_max: int,
) -> None:
    from mapapp.bench.synth import synthetic_itinerary
    from mapapp.itinerary.load import parse_itinerary

    result["load_yaml_s"] = result["itinerary_yaml_bytes"] = result["yaml_peak_rss_mb"] = None
    if result["size"] > yaml_max or article is None:
        result["notes"].append(f"YAML load skipped above {yaml_max} events (PyYAML is too slow)")
        return
    raw = synthetic_itinerary(result["size"], result["seed"])[0].encode("utf-8")
    result["itinerary_yaml_bytes"] = len(raw)
    load = partial(
        parse_itinerary, raw, "synthetic.yaml", base_dir=base, article_text=article, max_bytes=None
    )
    result["load_yaml_s"], loaded = _step("load_yaml", result["size"], load, reps)
    if _fingerprint(loaded.itinerary) != fingerprint:
        raise AssertionError("the YAML and JSON forms of the itinerary differ")
    result["yaml_peak_rss_mb"] = peak_rss_mb()


def _fingerprint(itinerary: Any) -> tuple[Any, ...]:
    """Enough to tell two loads of one itinerary apart without keeping both in memory."""
    events = itinerary.events
    return (len(events), len(itinerary.places), events[0], events[-1])


def reset_peak_rss() -> None:
    """Start a new peak (Linux: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


# ---------------------------------------------------------------- the whole run


def _child(args: list[str]) -> Any:
    """Run `python -m mapapp.bench.run ARGS --result FILE` and return FILE's JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        command = [sys.executable, "-m", "mapapp.bench.run", *args, "--result", str(result)]
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode != 0 or not result.exists():
            # The status on the last line (what a report keeps): a child killed by a
            # signal leaves no traceback, perhaps only a warning.
            raise RuntimeError(
                f"{' '.join(command)} failed:\n{proc.stderr[-4000:].rstrip()}"
                f" [exit status {proc.returncode}]"
            )
        return json.loads(result.read_text(encoding="utf-8"))


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
    profile: Path | None = None,
) -> list[Result]:
    """Measure every size in its own subprocess, print a table, optionally write JSON."""
    results: list[Result] = []
    for size in sizes:
        print(f"bench: {size} events ...", file=sys.stderr, flush=True)
        args = ["--one", str(size), "--repeats", str(repeats), "--seed", str(seed)]
        args += ["--naive-max", str(naive_max), "--yaml-max", str(yaml_max)]
        if profile is not None:
            args += ["--profile", str(profile.resolve())]
        results.append(_child(args))
    print("bench: import time ...", file=sys.stderr, flush=True)
    once: dict[str, Any] = import_times()
    rerun: float | None = None
    rerun_error: str | None = None
    if app_rerun:
        print("bench: app rerun ...", file=sys.stderr, flush=True)
        try:
            rerun = _child(["--app-rerun"])["rerun_s"]
        except RuntimeError as exc:
            rerun_error = str(exc).splitlines()[-1]
    once.update(rerun_s=rerun, rerun_error=rerun_error, machine=machine_info())
    for result in results:
        result.update(once)
    growth(results)
    print_table(results, out)
    print_export_table(results, out)
    if json_path is not None:
        json_path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {json_path}", file=out)
    return results


# ---------------------------------------------------------------- command line


DEFAULT_SIZES = "100,1000,10000,100000"


def parse_sizes(text: str) -> list[int]:
    """Parse "100,1000" as [100, 1000]: the one parser of --sizes (CLI and this module)."""
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise ValueError(f"expected comma-separated integers, got {text!r}") from exc
    if not sizes or any(s < 1 for s in sizes):
        raise ValueError(f"sizes must be positive integers, got {text!r}")
    return sizes


def _sizes_argument(text: str) -> list[int]:
    try:
        return parse_sizes(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mapapp.bench.run", description=__doc__)
    parser.add_argument("--sizes", type=_sizes_argument, default=parse_sizes(DEFAULT_SIZES))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", type=Path, default=None, dest="json_path")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--naive-max", type=int, default=NAIVE_MAX)
    parser.add_argument("--yaml-max", type=int, default=YAML_MAX)
    parser.add_argument("--browser-max", type=int, default=BROWSER_MAX)
    parser.add_argument("--no-app", action="store_true", help="Skip the app rerun timing.")
    parser.add_argument(
        "--profile", type=Path, default=None, help="Write a cProfile file per step in this folder."
    )
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--app-rerun", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--synth", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    global _profile_dir

    if args.synth is not None and args.one is not None:
        _write_synthetic(args.one, args.seed, args.synth)
        return 0

    if args.one is not None or args.app_rerun:
        if args.one is not None:
            _profile_dir = args.profile
            try:
                record: Result = measure_size(
                    args.one,
                    args.repeats,
                    args.seed,
                    args.naive_max,
                    args.yaml_max,
                    browser_max=args.browser_max,
                )
            finally:
                _profile_dir = None
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
        profile=args.profile,
    )
    return 0


if __name__ == "__main__":
    status = main()
    if "--app-rerun" in sys.argv:
        # Streamlit's AppTest leaves its threads (and pyarrow's pool) running, and the
        # interpreter's finalization then aborted twice in about 100 runs ("terminate
        # called without an active exception", status -6), after the result was
        # written. The measurement is complete by then: leave without finalizing.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)
