"""Every export opened in QGIS itself (Debian's python3-qgis, headless).

QGIS runs in Debian's system python3, in a subprocess (tests/export/qgis_probe.py),
with QT_QPA_PLATFORM=offscreen. By hand, a machine without python3-qgis skips
with the reason; under CI=true quickstart.py installs it, or records why it could
not (then this skips with that reason, printed).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from mapapp.export.filters import events_of, filter_collection
from mapapp.export.formats import FORMATS, export_files

SYSTEM_PYTHON = Path("/usr/bin/python3")
PROBE = Path(__file__).with_name("qgis_probe.py")
#: Written by quickstart.py under CI=true when python3-qgis cannot be installed.
UNAVAILABLE = ROOT / ".venv" / "qgis-unavailable.txt"


def qgis_python() -> Path:
    """Debian's python3 with QGIS importable, or a skip (or failure) with the reason."""
    if SYSTEM_PYTHON.exists():
        check = subprocess.run(
            [str(SYSTEM_PYTHON), "-c", "import qgis.core"], capture_output=True, check=False
        )
        if check.returncode == 0:
            return SYSTEM_PYTHON
    if os.environ.get("CI", "").lower() == "true":
        if UNAVAILABLE.exists():
            reason = UNAVAILABLE.read_text("utf-8").strip()
            print(f"QGIS check skipped: {reason}")
            pytest.skip(f"python3-qgis could not be installed: {reason}")
        pytest.fail("python3-qgis is not installed; quickstart.py installs it under CI=true")
    pytest.skip(
        "python3-qgis is not installed (Debian: apt-get install --no-install-recommends"
        " python3-qgis; about 930 MB)"
    )


@pytest.fixture(scope="module")
def qgis_report(built: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    python = qgis_python()
    folder = tmp_path_factory.mktemp("qgis")
    for fmt, spec in FORMATS.items():
        for extension, content in export_files(built, fmt).items():
            (folder / f"trip{extension}").write_bytes(content)
        assert (folder / f"trip{spec.extension}").exists()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(folder)}
    done = subprocess.run(
        [str(python), str(PROBE), str(folder)],
        capture_output=True, text=True, env=env, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_qgis_opens_every_layer_of_every_export_with_every_feature(
    qgis_report: Any, built: dict[str, Any]
) -> None:
    kinds = [f["properties"]["kind"] for f in built["features"]]
    n = {kind: kinds.count(kind) for kind in set(kinds)}
    days = {d: sum(1 for e in events_of(built) if e["properties"]["day"] == d) for d in (1, 2)}
    want = {
        "geojson:": len(kinds),
        "gpkg:events": n["event"], "gpkg:routes": n["route"],
        "gpkg:partners": n["partner"], "gpkg:hq": n["hq"],
        "fgb:": n["event"], "csv:": n["event"],
        "kml:Day 1": days[1] + 1, "kml:Day 2": days[2] + 1,  # + the day's route
        "kml:Partners": n["partner"], "kml:Partner outlines": n["partner"],
        "kml:Headquarters": n["hq"],
        "gpx:waypoints": n["event"], "gpx:tracks": n["route"],
    }  # fmt: skip
    layers = qgis_report["layers"]
    assert {k: (v["valid"], v["count"]) for k, v in layers.items()} == {
        k: (True, c) for k, c in want.items()
    }
    assert layers["gpkg:events"]["fields"]["date"] == "Date"
    assert layers["gpkg:events"]["fields"]["start_utc"] == "DateTime"
    assert layers["fgb:"]["fields"]["start_local"] == "DateTime"
    assert layers["csv:"]["fields"]["date"] == "Date"
    assert layers["csv:"]["fields"]["seq"] == "Integer64"
    assert "order" not in layers["gpkg:events"]["fields"]


def test_qgis_filters_by_seq_and_date_and_plays_the_trip_from_its_fields(
    qgis_report: Any, built: dict[str, Any]
) -> None:
    events = [e["properties"] for e in events_of(built)]
    later = sum(1 for p in events if p["seq"] > 3)
    day2 = sum(1 for p in events if p["date"] >= "2025-04-09")
    hour = ("2025-04-09T09:00:00Z", "2025-04-09T10:00:00Z")
    shown = sum(1 for p in events if p["start_utc"] <= hour[1] and p["end_utc"] >= hour[0])
    for fmt in ("gpkg", "fgb", "csv", "geojson"):
        assert qgis_report["filters"][fmt] == {
            "seq > 3": later,
            "expression seq > 3": later,
            "day 2 by date": day2,
            "date + 1 day": day2,
        }, fmt
        assert qgis_report["temporal"][fmt] == {
            "begin": min(p["start_utc"] for p in events),
            "end": max(p["end_utc"] for p in events),
            "shown_09_10_utc": shown,
        }, fmt
    assert qgis_report["kml_seq"] == sum(1 for p in events if p["day"] == 2 and p["seq"] > 5)


def test_the_actor_join_in_qgis_is_the_actor_filter(
    qgis_report: Any, built: dict[str, Any]
) -> None:
    muto = filter_collection(built, actors=["Yoji Muto"])
    assert qgis_report["actor_join"] == sorted(e["id"] for e in events_of(muto))
    assert len(qgis_report["actor_join"]) == 2
