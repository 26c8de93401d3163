"""The presentation leaf stays light, and `mapapp export` to GeoJSON loads no map code.

The exporters word events with `mapapp.presentation`; if that pulled in folium
(and so branca and jinja2) or streamlit, every CLI export would pay for the map
and carry a template engine it never uses.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

#: Modules no plain export (nor the presentation leaf) may import.
HEAVY_FOR_EXPORT = ("folium", "branca", "jinja2", "streamlit")
#: The leaf is lighter still.
HEAVY_FOR_LEAF = (*HEAVY_FOR_EXPORT, "pandas", "shapely", "altair")

_IMPORT_LINE = re.compile(r"import time:\s+\d+ \|\s+\d+ \|\s*(\S+)")


def imported_modules(stderr: str) -> set[str]:
    """Every module `python -X importtime` reports."""
    return {m.group(1) for m in map(_IMPORT_LINE.match, stderr.splitlines()) if m}


def _top_levels(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_importtime_parser_sees_a_known_import() -> None:
    """The check below would pass vacuously if the parser found nothing."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "json" in imported_modules(run.stderr)


def test_presentation_imports_nothing_heavy() -> None:
    code = (
        "import mapapp.presentation.wording, mapapp.presentation.escape, "
        "mapapp.presentation.palette"
    )
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    seen = _top_levels(imported_modules(run.stderr))
    assert "mapapp" in seen
    assert not seen & set(HEAVY_FOR_LEAF), sorted(seen & set(HEAVY_FOR_LEAF))


@pytest.mark.parametrize("output", ["x.geojson", "x.kml", "x.csv"])
def test_mapapp_export_loads_no_map_or_app_code(workdir: Path, output: str) -> None:
    """`mapapp export -o x.geojson` (in a copy of the data) writes its file without
    importing folium, branca, jinja2 or streamlit; KML and CSV neither."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mapapp.cli", "export", "-o", output],
        capture_output=True,
        text=True,
        cwd=workdir,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert (workdir / output).stat().st_size > 0
    seen = imported_modules(run.stderr)
    assert "mapapp.export.formats" in seen  # the export really ran through the writers
    heavy = sorted(name for name in seen if name.split(".")[0] in HEAVY_FOR_EXPORT)
    assert not heavy, f"mapapp export imported {heavy[:10]}"
