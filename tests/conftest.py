"""Shared fixtures: repository paths, a scratch copy of data/, a freshly built data set."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from browser_support import app_url, browser, session  # noqa: F401 - shared fixtures

from mapapp.pipeline import build
from mapapp.store import geojson_io

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
def built_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/itinerary.yaml built offline into a scratch folder (not the committed file:
    tests check the build, and test_store checks once that the committed file is current)."""
    work = tmp_path_factory.mktemp("built")
    shutil.copytree(ROOT / "data", work / "data")
    shutil.copytree(ROOT / "seeds", work / "seeds")
    out = work / "data" / "itinerary.geojson"
    out.unlink()
    result = build(work / "data" / "itinerary.yaml", offline=True)
    assert result.path == out
    return out


@pytest.fixture(scope="session")
def built(built_path: Path) -> dict[str, Any]:
    """The freshly built collection, read back from its file."""
    return geojson_io.read(built_path)
