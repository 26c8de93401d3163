"""`mapapp print`: read the built data, apply the one filter rule, render, write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp.atomic import write_bytes_atomic
from mapapp.errors import InputError, Problem
from mapapp.export.filters import available, check_data, check_filters, filter_collection, key
from mapapp.outputs import check_output
from mapapp.printing.chromium import ChromiumMissing, Output, find_chromium, render
from mapapp.printing.sheet import PAPER_MM, Layout, Paper, filter_text, sheet_html
from mapapp.store import geojson_io


@dataclass(frozen=True)
class PrintRequest:
    data: Path
    output: Path
    days: tuple[int, ...] = ()
    actors: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    paper: str = "A4"
    landscape: bool = False
    offline: bool = False


def output_kind(path: Path) -> Output:
    """pdf or png, from the file's extension."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".png":
        return "png"
    raise InputError([Problem(str(path), "--output", "give a .pdf or .png file name")])


def paper_of(name: str) -> Paper:
    for paper in PAPER_MM:
        if paper.casefold() == name.strip().casefold():
            return paper  # type: ignore[return-value]
    raise InputError([Problem(name, "--paper", f"paper must be {' or '.join(PAPER_MM)}")])


def print_bytes(
    collection: dict[str, Any],
    output: Output,
    layout: Layout,
    *,
    trip: dict[str, Any] | None = None,
    filters: str = "all events",
    offline: bool = True,
) -> bytes:
    """The printed page of an already filtered collection (the app calls this too)."""
    html = sheet_html(
        collection, layout=layout, trip=trip, filters=filters, offline=offline, png=output == "png"
    )
    return render(html, output, layout, offline=offline)


def _spelled(values: tuple[str, ...], names: list[str]) -> list[str]:
    """The data's spelling of each value (they match by the filters' one rule)."""
    by_key = {key(n): n for n in names}
    return [by_key.get(key(v), v) for v in values]


def print_view(request: PrintRequest) -> tuple[Path, int]:
    """Check everything, render, write atomically; the path and the number of events."""
    kind = output_kind(request.output)
    layout = Layout(paper_of(request.paper), request.landscape)
    check_output(request.output, "--output")
    find_chromium()  # before any work: a missing browser is one line, nothing written
    collection = geojson_io.read(request.data)
    check_data(collection, request.data)
    kwargs: dict[str, Any] = {
        "days": list(request.days) or None,
        "actors": list(request.actors) or None,
        "types": list(request.types) or None,
    }
    check_filters(collection, str(request.data), kinds=None, **kwargs)
    subset = filter_collection(collection, **kwargs)
    known = available(collection)
    words = filter_text(
        request.days,
        _spelled(request.actors, known["actors"]),
        _spelled(request.types, known["types"]),
    )
    content = print_bytes(subset, kind, layout, filters=words, offline=request.offline)
    write_bytes_atomic(request.output, content)
    count = sum(1 for f in subset["features"] if f["properties"]["kind"] == "event")
    return request.output, count


def app_prints(
    collection: dict[str, Any],
    trip: dict[str, Any],
    filters: tuple[tuple[int, ...], tuple[str, ...], tuple[str, ...]],
    *,
    offline: bool,
) -> list[tuple[str, Callable[[], bytes], str, str]] | str:
    """The app's print downloads (label, make, extension, mime), made on click;
    or, without a Chromium, the one line saying what to install."""
    try:
        find_chromium()
    except ChromiumMissing as exc:
        return str(exc)
    words = filter_text(*filters)
    layout = Layout("A4", False)

    def make(kind: Output) -> Callable[[], bytes]:
        return lambda: print_bytes(
            collection, kind, layout, trip=trip, filters=words, offline=offline
        )

    return [
        ("Print (PDF)", make("pdf"), ".pdf", "application/pdf"),
        ("Image (PNG)", make("png"), ".png", "image/png"),
    ]
