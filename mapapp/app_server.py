"""Getting the Streamlit server ready: built data, local map assets, the command line."""

from __future__ import annotations

import sys
from pathlib import Path

from mapapp.pipeline import build, output_path

APP_SCRIPT = Path(__file__).with_name("app.py")
STATIC_DIR = APP_SCRIPT.parent / "static"


def prepare(itinerary: Path, *, offline: bool, root: Path | None = None) -> Path:
    """Build the data if it is missing or older than the itinerary; install map assets."""
    from mapapp.mapview.assets import install_static

    data = output_path(itinerary)
    if not data.exists() or data.stat().st_mtime < _mtime(itinerary):
        build(itinerary, offline=offline, root=root)
    install_static(STATIC_DIR)
    return data


def _mtime(path: Path) -> float:
    """A missing itinerary is reported by the build (as an InputError), not here."""
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")


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
        "--client.showErrorDetails", "none",  # a bug shows a notice, not a traceback
        "--",
        "--itinerary", str(itinerary.resolve()),
        "--data", str(data.resolve()),
    ]  # fmt: skip
    if offline:
        command.append("--offline")
    return command
