"""Getting the Streamlit server ready: built data, local map assets, the command line."""

from __future__ import annotations

import sys
from pathlib import Path

from mapapp.pipeline import build, output_path

APP_SCRIPT = Path(__file__).with_name("app.py")
STATIC_DIR = APP_SCRIPT.parent / "static"


def prepare(itinerary: Path, *, offline: bool) -> Path:
    """Build the data if it is missing or older than the itinerary; install map assets."""
    from mapapp.mapview.assets import install_static
    from mapapp.mapview.basemap_layer import install_packs

    data = output_path(itinerary)
    if not data.exists() or data.stat().st_mtime < itinerary.stat().st_mtime:
        build(itinerary, offline=offline)
    install_static(STATIC_DIR)
    install_packs(STATIC_DIR)
    return data


def streamlit_command(
    itinerary: Path, data: Path, *, port: int, host: str, offline: bool
) -> list[str]:
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
        "--server.port", str(port),
        "--server.address", host,
        "--server.headless", "true",
        "--server.enableStaticServing", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
        "--server.maxUploadSize", "10",
        "--",
        "--itinerary", str(itinerary.resolve()),
        "--data", str(data.resolve()),
    ]  # fmt: skip
    if offline:
        command.append("--offline")
    return command
