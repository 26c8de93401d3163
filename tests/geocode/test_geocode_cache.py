"""GeocodeCache: normalised keys, a reviewable JSON file, atomic saves."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mapapp.errors import InputError
from mapapp.geocode.cache import Candidate, GeocodeCache, cache_key, normalise_query

BASE = Candidate(35.286081, 139.653932, "JMSDF Yokosuka, Japan", {"osm_id": 1, "class": "military"})
OTHER = Candidate(35.24, 139.66, "Yokosuka city hall", {})


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Yokosuka Naval Base", "yokosuka naval base"),
        ("  YOKOSUKA \t Naval\nBase  ", "yokosuka naval base"),
        ("Ｙｏｋｏｓｕｋａ", "yokosuka"),  # full-width letters (NFKC)
        ("Straße", "strasse"),  # casefold, not just lower
    ],
)
def test_normalise_query(query: str, expected: str) -> None:
    assert normalise_query(query) == expected


def test_key_includes_the_provider() -> None:
    assert cache_key("nominatim", " Kantei ") == "nominatim|kantei"
    assert cache_key("nominatim", "Kantei") != cache_key("photon", "Kantei")


def test_lookup_ignores_case_and_whitespace(tmp_path: Path) -> None:
    cache = GeocodeCache.open(tmp_path / "cache.json")
    cache.put("nominatim", "JMSDF Yokosuka Naval Base", [BASE, OTHER])

    assert cache.get("nominatim", "  jmsdf   YOKOSUKA naval base ") == [BASE, OTHER]
    assert cache.get("photon", "JMSDF Yokosuka Naval Base") is None
    assert cache.get("nominatim", "Yokosuka") is None


def test_save_writes_valid_json_and_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    cache = GeocodeCache.open(path)
    cache.put("nominatim", "JMSDF Yokosuka Naval Base", [BASE])
    cache.put("nominatim", "Nowhere", [])

    cache.save()

    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.json"]
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == sorted(data)  # stable order for review in diffs
    entry = data["nominatim|jmsdf yokosuka naval base"]
    assert entry["provider"] == "nominatim"
    assert entry["query"] == "JMSDF Yokosuka Naval Base"  # the original spelling is kept
    assert entry["fetched_at"].endswith("+00:00")
    assert entry["results"] == [
        {
            "lat": 35.286081,
            "lon": 139.653932,
            "display_name": "JMSDF Yokosuka, Japan",
            "raw": {"osm_id": 1, "class": "military"},
        }
    ]
    assert data["nominatim|nowhere"]["results"] == []
    assert not cache.dirty


def test_saved_cache_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    cache = GeocodeCache.open(path)
    cache.put("nominatim", "防衛省 市ヶ谷", [BASE])
    cache.save()

    reopened = GeocodeCache.open(path)

    assert reopened.get("nominatim", "防衛省  市ヶ谷") == [BASE]
    assert "防衛省" in path.read_text(encoding="utf-8")  # readable, not \u-escaped


def test_save_without_changes_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    GeocodeCache.open(path).save()
    assert not path.exists()

    path.write_text('{"nominatim|x": {"results": []}}\n', encoding="utf-8")
    before = path.stat().st_mtime_ns
    GeocodeCache.open(path).save()
    assert path.stat().st_mtime_ns == before


def test_failed_save_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache.json"
    cache = GeocodeCache.open(path)
    cache.put("nominatim", "Kantei", [OTHER])
    cache.save()
    old = path.read_bytes()
    cache.put("nominatim", "JMSDF Yokosuka Naval Base", [BASE])

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    # The temporary file has been written when fsync fails; it must not replace the cache.
    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        cache.save()

    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.json"]
    assert cache.dirty  # the unsaved answer is still pending


def test_corrupt_cache_is_an_input_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    path.write_text('{"nominatim|kantei": {"results": [', encoding="utf-8")

    with pytest.raises(InputError) as caught:
        GeocodeCache.open(path)

    [problem] = caught.value.problems
    assert problem.file == str(path)
    assert "not valid JSON" in problem.message


def test_cache_that_is_not_an_object_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    path.write_text("[]\n", encoding="utf-8")

    with pytest.raises(InputError, match="must be a JSON object"):
        GeocodeCache.open(path)
