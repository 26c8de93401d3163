"""The benchmark: synthetic itineraries pass mapapp's loader; the run reports every size."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mapapp.bench import synth
from mapapp.bench.run import (
    main,
    measure_size,
    parse_sizes,
    run_bench,
    synthesized,
    utf8_bytes,
)
from mapapp.bench.synth import CITIES, synthetic_itinerary, synthetic_json, write_warm_cache
from mapapp.cli import app
from mapapp.geocode.cache import GeocodeCache
from mapapp.geocode.resolve import Resolver
from mapapp.itinerary.load import LoadedItinerary, parse_itinerary

PER_SIZE_KEYS = {
    "size", "load_yaml_s", "build_s", "filter_export_s", "map_s", "payload_bytes", "peak_rss_mb",
    "naive_map_s", "naive_payload_bytes", "speedup", "import_s", "rerun_s", "machine",
    "floor_parse_s", "end_to_end_s", "playback_frame_ms", "playback_frame_max_ms",
}  # fmt: skip


def _load(n: int, seed: int = 0, tmp: Path = Path(".")) -> LoadedItinerary:
    yaml_text, article = synthetic_itinerary(n, seed)
    return parse_itinerary(yaml_text.encode("utf-8"), "synthetic.yaml", tmp, article_text=article)


@pytest.mark.parametrize("n", [1, 7, 60])
def test_synthetic_itinerary_passes_the_loader(n: int, tmp_path: Path) -> None:
    loaded = _load(n, tmp=tmp_path)  # parse_itinerary raises InputError on any problem
    it = loaded.itinerary
    assert len(it.events) == n
    assert {p.country for p in it.places} <= set(CITIES)
    assert it.trip.visitor == it.actors[0].id
    for event in it.events:
        assert 2 <= len(event.actors) <= 4
        assert 120 <= len(event.quote.text) <= 250
        assert loaded.article_text[event.quote.start : event.quote.end] == event.quote.text
        assert all(str(s.url).startswith("https://") for s in event.sources)


def test_synthetic_itinerary_is_realistic_at_scale(tmp_path: Path) -> None:
    it = _load(1000, tmp=tmp_path).itinerary
    days = max(e.day for e in it.events)
    assert 3.5 <= len(it.events) / days <= 6.5
    assert 200 <= len(it.places) <= 400
    assert {p.country for p in it.places} == {"JP", "KR", "AU", "NZ"}
    assert {p.precision for p in it.places} == {1, 2, 3}
    assert len({e.type for e in it.events}) >= 6
    assert len(it.actors) == 50
    pinned = sum(p.pin is not None for p in it.places)
    assert 0.3 < pinned / len(it.places) < 0.7
    assert {p.locality.max_km for p in it.places} == {50}


def test_above_five_a_day_the_trip_is_busier_not_longer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A million events at five a day would pass the schema's century of days and the
    loader would refuse them; above the bound each day holds proportionally more (here
    with the bound lowered to 400: 2,000 events in the 80 days or so 400 would fill)."""
    monkeypatch.setattr(synth, "FIVE_A_DAY_UP_TO", 400)
    text, article = synthetic_json(2000, 0)
    loaded = parse_itinerary(
        text.encode("utf-8"), "synthetic.json", tmp_path, article_text=article, max_bytes=None
    )
    events = loaded.itinerary.events
    days = max(e.day for e in events)
    assert len(events) == 2000
    assert 60 <= days <= 110
    assert {e.time_precision for e in events} == {"minute", "part-of-day", "day"}


def test_the_json_form_is_the_same_itinerary(tmp_path: Path) -> None:
    yaml_text, article = synthetic_itinerary(40, seed=3)
    json_text, article2 = synthetic_json(40, seed=3)
    assert article == article2
    a = parse_itinerary(yaml_text.encode(), "s.yaml", tmp_path, article_text=article)
    b = parse_itinerary(json_text.encode(), "s.json", tmp_path, article_text=article)
    assert a.itinerary == b.itinerary


def test_deterministic_for_a_seed_and_different_for_another() -> None:
    assert synthetic_itinerary(80, seed=1) == synthetic_itinerary(80, seed=1)
    assert synthetic_itinerary(80, seed=1) != synthetic_itinerary(80, seed=2)
    assert synthetic_itinerary(80, seed=1)[1] != synthetic_itinerary(80, seed=2)[1]


def test_warm_cache_resolves_every_place_offline(tmp_path: Path) -> None:
    loaded = _load(200, tmp=tmp_path)
    cache_file = tmp_path / "cache.json"
    write_warm_cache(loaded.itinerary, cache_file)
    resolver = Resolver(GeocodeCache.open(cache_file), None, offline=True)
    places = resolver.resolve_all(loaded)  # OfflineCacheMiss if one is missing
    assert set(places) == {p.id for p in loaded.itinerary.places}
    unpinned = sum(p.pin is None for p in loaded.itinerary.places)
    assert resolver.summary.from_cache == unpinned > 0
    assert resolver.summary.from_override == len(places) - unpinned > 0
    assert resolver.summary.rejected == 0


TIMINGS = (
    "load_yaml_s", "load_json_s", "build_s", "filter_export_s", "map_s", "naive_map_s",
    "browser_markers_s",
)  # fmt: skip


def test_measure_size_in_process(tmp_path: Path) -> None:
    result = measure_size(30, repeats=1, workdir=tmp_path)
    assert (result["size"], result["repeats"]) == (30, 1)
    assert result["notes"] == []  # every measurement ran at this size
    for key in TIMINGS:
        assert isinstance(result[key], float) and result[key] > 0, key
    assert result["speedup"] == result["naive_map_s"] / result["map_s"]
    assert result["payload_bytes"] > 0 and result["naive_payload_bytes"] > 0
    assert result["geojson_bytes"] > 0 and result["filter_export_bytes"] > 0
    assert result["places_from_cache"] > 0 and result["places_from_override"] > 0
    assert result["places_from_cache"] + result["places_from_override"] == result["places"]
    assert 1 <= result["filter_day"] <= result["days"]
    assert result["peak_rss_mb"] > 0 and result["yaml_peak_rss_mb"] > 0
    assert result["itinerary_yaml_bytes"] > 0 and result["itinerary_json_bytes"] > 0
    assert result["floor_parse_s"] > 0
    assert result["end_to_end_s"] == result["load_json_s"] + result["build_s"] + result["map_s"]


def test_measure_size_skips_the_slow_parts_above_their_limits(tmp_path: Path) -> None:
    result = measure_size(
        12, repeats=1, workdir=tmp_path, naive_max=10, yaml_max=10, browser_max=10
    )
    for key in (
        "naive_map_s",
        "naive_payload_bytes",
        "speedup",
        "browser_markers_s",
        "load_yaml_s",
    ):
        assert result[key] is None, key
    assert result["itinerary_yaml_bytes"] is None and result["yaml_peak_rss_mb"] is None
    assert result["notes"] == [
        "naive baseline skipped above 10 events",
        "browser timing skipped above 10 events",
        "YAML load skipped above 10 events (PyYAML is too slow)",
    ]
    assert result["load_json_s"] > 0 and result["map_s"] > 0  # the pipeline itself still runs


def test_run_bench_end_to_end(tmp_path: Path) -> None:
    out = io.StringIO()
    target = tmp_path / "bench.json"
    results = run_bench([20, 50], repeats=1, json_path=target, out=out)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [r["size"] for r in data] == [20, 50]
    assert data == json.loads(json.dumps(results))
    for record in data:
        assert set(record) >= PER_SIZE_KEYS
        assert record["notes"] == []
        # A playback frame at 20 events may take less than the browser's clock tick.
        assert 0 <= record["playback_frame_ms"] <= record["playback_frame_max_ms"]
        for key in (*TIMINGS, "rerun_s", "peak_rss_mb", "payload_bytes", "speedup"):
            assert record[key] is not None and record[key] > 0, (key, record["rerun_error"])
        assert record["rerun_error"] is None
        assert record["import_heavy_modules"] == []  # import mapapp pulls no Streamlit/folium
        assert {"nproc", "python", "platform"} <= set(record["machine"])
    assert data[0]["growth"] is None and data[1]["size_ratio"] == 2.5
    growth = data[1]["growth"]
    assert growth["load_yaml_s"] == data[1]["load_yaml_s"] / data[0]["load_yaml_s"]
    assert growth["map_s"] == data[1]["map_s"] / data[0]["map_s"]
    table = out.getvalue()
    assert "peak RSS MB" in table and "growth" in table and "import mapapp" in table
    assert f"wrote {target}" in table


def test_main_runs_one_size_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "one.json"
    assert main(["--one", "10", "--repeats", "1", "--result", str(target)]) == 0
    record = json.loads(target.read_text(encoding="utf-8"))
    assert record["size"] == 10 and record["repeats"] == 1


@pytest.mark.parametrize("text", ["", "plain ascii", "Shō — 東京 🗾", "a" * 10 + "é" * 7])
def test_utf8_bytes_counts_what_encoding_would(text: str) -> None:
    """Counted a slice at a time (3 characters here), never split inside a character."""
    assert utf8_bytes(text, chunk=3) == utf8_bytes(text) == len(text.encode("utf-8"))


def test_the_itinerary_made_in_a_child_process_is_the_one_made_here(tmp_path: Path) -> None:
    text, article = synthetic_json(40, seed=3)
    assert synthesized(40, 3, tmp_path) == (text.encode("utf-8"), article)
    assert list(tmp_path.iterdir()) == []  # its folder is gone


def test_one_sizes_parser() -> None:
    assert parse_sizes("100, 1000,") == [100, 1000]
    for bad in ("ten", "", "0", "5,-1"):
        with pytest.raises(ValueError):
            parse_sizes(bad)


@pytest.mark.parametrize("sizes", ["ten", "0"])
def test_bad_sizes_are_a_usage_error(sizes: str) -> None:
    result = CliRunner().invoke(app, ["bench", "--sizes", sizes])
    assert result.exit_code == 2
    assert "--sizes" in result.output and "Traceback" not in result.output


def test_profile_writes_a_readable_profile_per_step(tmp_path: Path) -> None:
    import pstats

    target, profiles = tmp_path / "one.json", tmp_path / "profiles"
    args = ["--one", "10", "--repeats", "1", "--naive-max", "0", "--yaml-max", "10"]
    args += ["--browser-max", "0"]  # no browser: profiles are of the Python steps
    assert main([*args, "--profile", str(profiles), "--result", str(target)]) == 0
    steps = {"load_json", "build", "filter_export", "map", "load_yaml"}
    assert {p.name for p in profiles.iterdir()} == {f"10-{s}.pstats" for s in steps}
    build = pstats.Stats(str(profiles / "10-build.pstats"))
    assert any(func[2] == "build_collection" for func in build.stats)  # type: ignore[attr-defined]


def test_the_readme_table_is_regenerated_from_the_json(tmp_path: Path) -> None:
    from mapapp.bench.readme import BEGIN, END, table
    from mapapp.bench.readme import main as readme_main

    rows: list[dict[str, Any]] = [
        {"size": 10_000, "load_json_s": 0.25, "build_s": 1.5, "speedup": 41.2, "rerun_s": 0.2,
         "machine": {"nproc": 2, "platform": "Linux-x", "python": "3.11.7"}},
        {"size": 100_000, "load_json_s": 2.5, "build_s": None, "speedup": None},
    ]  # fmt: skip
    text = table(rows, "2026-11-30")
    assert text.startswith("Measured on 2026-11-30: 2 cores, Linux-x, Python 3.11.7.")
    assert "| 10,000 | 0.25 | 1.5 | 41× |" in text and "| 100,000 | 2.5 | – | – |" in text
    assert "map (s)" not in text  # no size measured it
    source, readme = tmp_path / "bench.json", tmp_path / "README.md"
    source.write_text(json.dumps(rows), encoding="utf-8")
    readme.write_text(f"# T\n\n{BEGIN}\nold\n{END}\n\nafter\n", encoding="utf-8")
    assert readme_main([str(source), str(readme)]) == 0
    updated = readme.read_text(encoding="utf-8")
    assert "old" not in updated and "| 100,000 | 2.5 |" in updated
    assert updated.startswith(f"# T\n\n{BEGIN}\nMeasured on ") and updated.endswith(
        f"{END}\n\nafter\n"
    )
