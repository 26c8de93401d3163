"""Filtering and exporting: the same function behind the CLI and the app."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mapapp.errors import InputError
from mapapp.export.filters import check_filters, events_of, filter_collection
from mapapp.store.validate import validate_collection


def ids(collection: dict[str, Any]) -> list[str]:
    return [f["id"] for f in collection["features"]]


def test_day_filter_keeps_that_days_events_and_rebuilds_its_route(built: dict[str, Any]) -> None:
    day2 = filter_collection(built, days=[2])
    events = events_of(day2)
    assert {e["properties"]["day"] for e in events} == {2}
    assert len(events) == 4
    routes = [f for f in day2["features"] if f["properties"]["kind"] == "route"]
    assert [r["properties"]["day"] for r in routes] == [2]
    assert routes[0]["properties"]["event_ids"] == [e["id"] for e in events]


def test_actor_filter_is_case_insensitive_on_the_whole_name(built: dict[str, Any]) -> None:
    assert [e["id"] for e in events_of(filter_collection(built, actors=["SHIGERU ISHIBA"]))] == [
        "meeting-with-shigeru-ishiba"
    ]
    assert events_of(filter_collection(built, actors=["Ishiba"])) == []


def test_filters_combine_and_kinds_select_feature_types(built: dict[str, Any]) -> None:
    subset = filter_collection(built, days=[1], actors=["Gen Nakatani"], kinds=["event"])
    assert ids(subset) == ["talks-with-gen-nakatani"]
    context = filter_collection(built, kinds=["partner", "hq"])
    assert {f["properties"]["kind"] for f in context["features"]} == {"partner", "hq"}


def test_a_single_stop_day_has_no_route(built: dict[str, Any]) -> None:
    subset = filter_collection(built, actors=["Keio University"])
    assert [f["properties"]["kind"] for f in subset["features"]].count("route") == 0


def test_filtered_exports_stay_valid_and_input_is_untouched(built: dict[str, Any]) -> None:
    before = json.dumps(built, sort_keys=True)
    subset = filter_collection(built, days=[1], types=["visit"])
    assert validate_collection(subset, "subset") == []
    assert json.dumps(built, sort_keys=True) == before


def test_unknown_filter_values_are_errors_naming_the_option(built: dict[str, Any]) -> None:
    with pytest.raises(InputError) as caught:
        check_filters(
            built, "x.geojson", days=[9], actors=["Nobody"], kinds=["ship"], types=["cruise"]
        )
    fields = [p.field for p in caught.value.problems]
    assert fields == ["--day", "--actor", "--kind", "--type"]


def test_event_types_match_case_insensitively_like_actors(built: dict[str, Any]) -> None:
    visits = ids(filter_collection(built, types=["visit"], kinds=["event"]))
    assert len(visits) == 2
    assert ids(filter_collection(built, types=[" VISIT "], kinds=["event"])) == visits
    check_filters(built, "x", days=None, actors=None, kinds=None, types=["Visit"])
    assert ids(filter_collection(built, types=["visi"], kinds=["event"])) == []


def test_export_to_stdout_and_unknown_actor_exit_code(workdir: Path) -> None:
    run = [sys.executable, "-m", "mapapp.cli", "export"]
    ok = subprocess.run(
        [*run, "--actor", "yoji muto", "-o", "-"], cwd=workdir, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert {e["id"] for e in events_of(data)} == {
        "meeting-with-yoji-muto",
        "meeting-with-tech-startups",
    }
    out = workdir / "none.geojson"
    bad = subprocess.run(
        [*run, "--actor", "Nobody", "-o", str(out)], cwd=workdir, capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert "unknown actor 'Nobody'" in bad.stderr
    assert not out.exists()


def test_an_unknown_type_is_refused_by_the_cli_and_nothing_is_written(workdir: Path) -> None:
    out = workdir / "typo.gpkg"
    run = [sys.executable, "-m", "mapapp.cli", "export", "--type", "vist", "-o", str(out)]
    bad = subprocess.run(run, cwd=workdir, capture_output=True, text=True)
    assert bad.returncode == 2
    assert "[--type]: unknown event type 'vist'" in bad.stderr
    assert not out.exists()


def test_exporting_data_that_is_not_mapapps_is_refused(workdir: Path) -> None:
    foreign = workdir / "foreign.geojson"
    point = {"type": "Point", "coordinates": [139.7, 35.6]}
    feature = {"type": "Feature", "geometry": point, "properties": {"name": "x"}}
    foreign.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    out = workdir / "x.gpkg"
    run = [sys.executable, "-m", "mapapp.cli", "export", "--data", str(foreign), "-o", str(out)]
    bad = subprocess.run(run, cwd=workdir, capture_output=True, text=True)
    assert bad.returncode == 2
    assert "[features[0].properties.kind]" in bad.stderr
    assert "Traceback" not in bad.stderr
    assert not out.exists()


def test_an_output_that_cannot_be_written_is_a_clear_error(workdir: Path) -> None:
    (workdir / "taken.gpkg").mkdir()
    run = [sys.executable, "-m", "mapapp.cli", "export", "-o", "taken.gpkg"]
    bad = subprocess.run(run, cwd=workdir, capture_output=True, text=True)
    assert bad.returncode == 2
    assert "taken.gpkg [--output]: is a directory" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_day_actor_and_type_filters_keep_partners_and_hq_in_the_cli_and_the_app(
    workdir: Path, built: dict[str, Any]
) -> None:
    """The one rule (export/filters.py): partners and HQ are context, kept by the
    day, actor and type filters, dropped only by --kind; the app's download, built
    from its Filters, is the same file as the CLI's."""
    from typer.testing import CliRunner

    from mapapp.app.logic import Filters
    from mapapp.cli import app
    from mapapp.export.formats import export_bytes

    context = {"partner": 4, "hq": 1}
    shown = filter_collection(built, **Filters(days=(2,), actors=("Yoji Muto",)).as_kwargs())
    kinds = [f["properties"]["kind"] for f in shown["features"]]
    assert {k: kinds.count(k) for k in context} == context
    out = workdir / "muto.geojson"
    data = workdir / "data" / "itinerary.geojson"
    args = ["export", "--data", str(data), "--day", "2", "--actor", "Yoji Muto", "-o", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    assert out.read_bytes() == export_bytes(shown, "geojson")
    only_events = filter_collection(built, days=[2], kinds=["event", "route"])
    assert {f["properties"]["kind"] for f in only_events["features"]} == {"event", "route"}
    assert "kept whatever those filters" in " ".join(
        CliRunner().invoke(app, ["export", "--help"]).output.split()
    )
