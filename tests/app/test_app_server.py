"""`mapapp app` gets ready without writing into the installed package, and passes
`--offline` to the app one way: as a script argument."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import mapapp
from mapapp.app.server import LAUNCHER, PAGE, prepare, streamlit_command

PACKAGE = Path(mapapp.__file__).parent


def listing(folder: Path) -> set[tuple[str, int]]:
    """Every file below folder, with its modification time (Python's own caches aside)."""
    return {
        (str(p.relative_to(folder)), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if "__pycache__" not in p.parts
    }


def test_prepare_builds_and_keeps_assets_in_the_cache_folder(
    workdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    itinerary = workdir / "data" / "itinerary.yaml"
    (workdir / "data" / "itinerary.geojson").unlink()
    before = listing(PACKAGE)

    launcher, data = prepare(itinerary, offline=True)

    assert data == workdir / "data" / "itinerary.geojson" and data.is_file()
    assert launcher == tmp_path / "cache" / "mapapp" / "app" / "launch.py"
    assert launcher.read_text(encoding="utf-8") == LAUNCHER
    assert (launcher.parent / "mapapp_page.py").read_text(encoding="utf-8") == PAGE
    static = launcher.parent / "static"
    assert {"jquery.min.js", "leaflet.js", "leaflet.css"} <= {p.name for p in static.iterdir()}
    assert (static / "images" / "marker-icon.png").is_file()
    assert listing(PACKAGE) - before == set()  # nothing new or rewritten in the package
    prepare(itinerary, offline=True)  # a second start finds everything in place
    assert launcher.read_text(encoding="utf-8") == LAUNCHER


@pytest.mark.parametrize("offline", [True, False])
def test_offline_reaches_the_app_as_its_argument(tmp_path: Path, offline: bool) -> None:
    launcher = tmp_path / "launch.py"
    command = streamlit_command(
        launcher, Path("i.yaml"), Path("i.geojson"), port=1, host="127.0.0.1", offline=offline
    )
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", str(launcher)]
    script_args = command[command.index("--") + 1 :]
    assert ("--offline" in script_args) is offline
    assert "--server.enableStaticServing" in command
    # No config file may turn the XSRF check off: the command line sets it.
    assert command[command.index("--server.enableXsrfProtection") + 1] == "true"


def test_the_page_runs_as_streamlit_runs_it_not_when_an_upload_reader_imports_it(
    tmp_path: Path,
) -> None:
    """Streamlit leaves the page as sys.modules["__main__"]: a child process that reads
    an upload (multiprocessing) imports it again as __mp_main__, and must not run it."""
    import subprocess

    page = tmp_path / "mapapp_page.py"
    page.write_text(PAGE, encoding="utf-8")
    probe = (
        "import runpy, sys\n"
        f"runpy.run_path({str(page)!r}, run_name='__mp_main__')\n"
        "print('streamlit' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "False", done.stderr
    assert "Traceback" not in done.stderr


def test_the_server_gets_malloc_set_to_give_memory_back_unless_the_deployer_says() -> None:
    from mapapp.app.server import MALLOC_ENV, server_environment

    env = server_environment({"PATH": "/usr/bin"})
    assert env["PATH"] == "/usr/bin"
    assert env["MALLOC_ARENA_MAX"] == MALLOC_ENV["MALLOC_ARENA_MAX"] == "2"
    assert int(env["MALLOC_MMAP_THRESHOLD_"]) == 1024 * 1024
    assert server_environment({"MALLOC_ARENA_MAX": "8"})["MALLOC_ARENA_MAX"] == "8"
