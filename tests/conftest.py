"""Shared fixtures: the repository's paths and a freshly built data set."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from browser_support import app_url, browser, session  # noqa: F401 - shared fixtures

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_569ba02fe5449170.txt"
ITINERARY = ROOT / "data" / "itinerary.yaml"


@pytest.fixture()
def workdir(tmp_path: Path) -> Path:
    """A copy of data/ and seeds/ so tests never touch the repository's files."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    return tmp_path


@pytest.fixture(scope="session")
def built() -> dict[str, Any]:
    """The committed data/itinerary.geojson, parsed."""
    data: dict[str, Any] = json.loads((ROOT / "data" / "itinerary.geojson").read_text("utf-8"))
    return data
