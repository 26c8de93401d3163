"""Getting the Streamlit server ready: built data, served map assets, the command line.

Streamlit serves `static/` only from beside the script it runs, and mapapp's
installed package is no place to write into (it may be read-only, or shared by
several environments). So the server runs a small launcher kept in a folder that
mapapp owns, with the map's `static/` assets beside it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from mapapp.atomic import write_text_atomic
from mapapp.geocode.resolve import Progress
from mapapp.pipeline import build, output_path

LAUNCHER = """\
# Written by `mapapp app`: runs mapapp's Streamlit app, so static/ beside this file is served.
import runpy

runpy.run_module("mapapp.app.page", run_name="__main__")
"""


def app_home() -> Path:
    """mapapp's folder for the launcher and its assets, in the user's cache
    ($XDG_CACHE_HOME/mapapp/app, by default ~/.cache/mapapp/app)."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "mapapp" / "app"


def prepare(
    itinerary: Path,
    *,
    offline: bool,
    progress: Progress | None = None,
    root: Path | None = None,
) -> tuple[Path, Path]:
    """Build the data if it is missing or older than the itinerary; install the
    launcher and the map assets. Returns (launcher script, built data)."""
    from mapapp.mapview.assets import install_static
    from mapapp.mapview.basemap_layer import install_packs

    data = output_path(itinerary)
    if not data.exists() or data.stat().st_mtime < _mtime(itinerary):
        build(itinerary, offline=offline, progress=progress, root=root)
    home = app_home()
    launcher = home / "launch.py"
    if not launcher.is_file() or launcher.read_text(encoding="utf-8") != LAUNCHER:
        write_text_atomic(launcher, LAUNCHER)
    install_static(home / "static")
    install_packs(home / "static")
    return launcher, data


def _mtime(path: Path) -> float:
    """A missing itinerary is reported by the build (as an InputError), not here."""
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


def streamlit_command(
    launcher: Path, itinerary: Path, data: Path, *, port: int, host: str, offline: bool
) -> list[str]:
    """The app's options travel as script arguments (page.py reads them), nothing else."""
    command = [
        sys.executable, "-m", "streamlit", "run", str(launcher),
        "--server.port", str(port),
        "--server.address", host,
        "--server.headless", "true",
        "--server.enableStaticServing", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
        "--server.maxUploadSize", "10",
        "--client.showErrorDetails", "none",  # a bug shows a notice, not a traceback
        "--",
        "--itinerary", str(itinerary.resolve()),
        "--data", str(data.resolve()),
    ]  # fmt: skip
    if offline:
        command.append("--offline")
    return command
