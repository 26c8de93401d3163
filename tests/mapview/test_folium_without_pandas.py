"""folium without pandas in a batch process (mapapp.mapview.folium_without_pandas):
the same map, pandas still importable after, and the app's server left alone.

Each case runs in a fresh interpreter: what a process imported first is the point.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

SEED_GEOJSON = ROOT / "data" / "itinerary.geojson"

#: Renders the seed's map and reports what the process holds; FIRST runs before.
SCRIPT = """
import hashlib, json, re, sys, threading
{first}
from mapapp.mapview import render_html
from mapapp.store import geojson_io
import folium.utilities
# folium names each element with a random id: the same map differs in those only.
html = re.sub(r"_[0-9a-f]{{32}}", "_ID", render_html(geojson_io.read({path!r})))
report = {{
    "pandas_loaded": "pandas" in sys.modules,
    "folium_sees_pandas": folium.utilities.pd is not None,
    "html": hashlib.sha256(html.encode()).hexdigest(),
}}
import pandas  # still importable
report["pandas_after"] = pandas.DataFrame({{"a": [1]}}).shape[0]
print(json.dumps(report))
"""


def run(first: str = "") -> dict[str, object]:
    code = SCRIPT.format(first=first, path=str(SEED_GEOJSON))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_batch_process_draws_the_same_map_without_loading_pandas() -> None:
    batch = run()
    assert batch["pandas_loaded"] is False
    assert batch["folium_sees_pandas"] is False
    assert batch["pandas_after"] == 1
    # With pandas loaded first, folium imports it as usual: the map is byte for byte
    # the same.
    usual = run("import pandas")
    assert usual["folium_sees_pandas"] is True
    assert usual["html"] == batch["html"]


def test_the_app_server_and_threaded_processes_import_folium_as_it_is() -> None:
    # The app's server has Streamlit loaded before its page imports mapapp.mapview.
    assert run("import streamlit")["folium_sees_pandas"] is True
    # Another thread could import pandas while it is blocked: not guarded.
    waiting = "stop = threading.Event(); threading.Thread(target=stop.wait, daemon=True).start()"
    assert run(waiting)["folium_sees_pandas"] is True


def test_the_guard_is_the_first_import_of_the_map_package() -> None:
    init = Path(ROOT / "mapapp" / "mapview" / "__init__.py").read_text(encoding="utf-8")
    imports = [line for line in init.splitlines() if line.startswith(("import ", "from "))]
    assert imports[0] == "import mapapp.mapview.folium_without_pandas  # noqa: F401  # isort: skip"
