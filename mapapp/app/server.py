"""Getting the Streamlit server ready: built data, served map assets, the command line.

Streamlit serves `static/` only from beside the script it runs, and mapapp's
installed package is no place to write into (it may be read-only, or shared by
several environments). So the server runs a small launcher kept in a folder that
mapapp owns, with the map's `static/` assets beside it.

The launcher is an st.App (Streamlit's way to add middleware): the page runs
behind mapapp's upload guard (`mapapp.app.guard`), which bounds what uploads
and sessions can hold.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from mapapp.atomic import write_text_atomic
from mapapp.geocode.resolve import Progress
from mapapp.pipeline import build, output_path

LAUNCHER = """\
# Written by `mapapp app`: serves mapapp's Streamlit app (mapapp_page.py, beside this file)
# behind mapapp's upload guard; static/ beside this file is served.
import streamlit as st

from mapapp.app.guard import lifespan, middleware

app = st.App("mapapp_page.py", middleware=middleware(), lifespan=lifespan)
"""

PAGE = """\
# Written by `mapapp app`: the page launch.py serves.
import runpy

from mapapp.app.limits import end_with_connection, run_slot

# Streamlit runs this as __main__ (and leaves it as sys.modules["__main__"]); an upload
# reader, a child process, imports it again as __mp_main__ and must not run the page.
if __name__ == "__main__":
    end_with_connection()
    with run_slot():
        runpy.run_module("mapapp.app.page", run_name="__main__")
"""


# glibc's malloc, for the server process (a deployer's own values win):
# - at most two arenas: each script thread otherwise gets an arena of its own, and the
#   memory freed in one stays with it (eight cores' worth of arenas on a big machine);
# - blocks of 1 MB and more always mapped apart: an upload's bytes, its pickled result
#   and a map's HTML go back to the system when freed, not into a heap that keeps them
#   (glibc otherwise raises that threshold to the largest block freed, up to 32 MB).
MALLOC_ENV = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": str(1024 * 1024)}


def server_environment(base: Mapping[str, str]) -> dict[str, str]:
    """The environment `mapapp app` starts Streamlit with: `base`, with MALLOC_ENV
    where it does not set them."""
    return {**MALLOC_ENV, **base}


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
    from mapapp.safe_files import max_file_bytes

    max_file_bytes()  # a bad MAPAPP_MAX_FILE_MB stops `mapapp app` here, not in the page
    data = output_path(itinerary)
    if not data.exists() or data.stat().st_mtime < _mtime(itinerary):
        build(itinerary, offline=offline, progress=progress, root=root)
    home = app_home()
    for name, text in (("mapapp_page.py", PAGE), ("launch.py", LAUNCHER)):
        path = home / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_text_atomic(path, text)
    launcher = home / "launch.py"
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
        # No full garbage collection after every script run: it took three quarters
        # of a filter rerun (the heap holds the data, folium, pandas, altair). The
        # upload sweeper collects once uploads were read or sessions ended (guard.py).
        "--runner.postScriptGC", "false",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
        "--server.maxUploadSize", "10",  # a file; mapapp's guard bounds the rest
        # Explicit, so no config.toml turns them off: uploads need the XSRF token,
        # and only pages from this server may talk to it.
        "--server.enableXsrfProtection", "true",
        "--server.enableCORS", "true",
        "--client.showErrorDetails", "none",  # a bug shows a notice, not a traceback
        "--",
        "--itinerary", str(itinerary.resolve()),
        "--data", str(data.resolve()),
    ]  # fmt: skip
    if offline:
        command.append("--offline")
    return command
