"""`mapapp draft` through the real CLI: end to end with `mapapp build`, bad input, --geocode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import SEED
from fake_nominatim import FakeNominatim, Reply, result, serve

from mapapp.geocode.checks import distance_km

ARTICLES = Path(__file__).parent / "articles"


def mapapp(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    return subprocess.run(
        [sys.executable, "-m", "mapapp.cli", *args],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def test_draft_then_build_offline_gives_the_stops_days_people_and_quotes(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_bytes((ARTICLES / "wen_uk_2009.txt").read_bytes())
    drafted = mapapp("draft", str(article), "-o", "draft.yaml", "--published", "2009-02-02",
                     cwd=tmp_path)  # fmt: skip
    assert drafted.returncode == 0, drafted.stderr
    assert "review marks" in drafted.stderr
    data = yaml.safe_load((tmp_path / "draft.yaml").read_text(encoding="utf-8"))
    assert data["trip"]["article"]["path"] == "article.txt"  # beside the draft: not embedded
    assert str(data["trip"]["article"]["published"]) == "2009-02-02"
    built = mapapp("build", "-i", "draft.yaml", "--offline", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "need review" in built.stderr
    collection = json.loads((tmp_path / "draft.geojson").read_text(encoding="utf-8"))
    events = [f["properties"] for f in collection["features"] if f["properties"]["kind"] == "event"]
    text = article.read_text(encoding="utf-8")
    for e in events:
        assert text[e["quote_start"] : e["quote_end"]] == e["quote"]
        assert e["review"] and all(": " in r for r in e["review"])
    days = {(e["date"], e["place_name"]) for e in events}
    assert ("2009-02-02", "Downing Street") in days
    assert any(e["date"] == "2009-01-31" and "Gordon Brown" in e["actors"] for e in events)
    cambridge = [e for e in events if "Cambridge" in e["place_name"]]
    assert cambridge and all(51.9 < e["lat"] < 52.5 and -0.3 < e["lon"] < 0.5 for e in cambridge)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"Roses are red,\nviolets are blue,\nsugar is sweet,\nand so are you.\n", "nothing"),
        (b"\xff\xfe not utf-8", "UTF-8"),
    ],
)
def test_bad_articles_exit_2_with_one_clear_line_and_write_nothing(
    tmp_path: Path, content: bytes, words: str
) -> None:
    (tmp_path / "a.txt").write_bytes(content)
    run = mapapp("draft", "a.txt", "-o", "out.yaml", cwd=tmp_path)
    assert run.returncode == 2
    assert words in run.stderr and "a.txt" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_a_10_mb_file_is_refused_at_once(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"President Joe Biden visited Paris. " * 300_000)
    run = mapapp("draft", "big.txt", "-o", "out.yaml", cwd=tmp_path)
    assert run.returncode == 2 and "limit" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_a_bad_published_date_and_a_missing_file_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("text", encoding="utf-8")
    run = mapapp("draft", "a.txt", "-o", "o.yaml", "--published", "2025-13-40", cwd=tmp_path)
    assert run.returncode == 2 and "--published" in run.stderr
    run = mapapp("draft", "missing.txt", "-o", "o.yaml", cwd=tmp_path)
    assert run.returncode == 2 and "missing.txt" in run.stderr


@pytest.fixture()
def nominatim(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNominatim]:
    yield from serve(monkeypatch)


def test_geocode_finds_sites_that_the_gazetteer_knows_only_by_their_city(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    """The seed's three sites: two found near their city, one answer far away (rejected)."""
    base, works, keio = (35.286081, 139.653932), (35.33926, 139.518739), (35.648944, 139.742917)
    nominatim.script(
        Reply(body=[result(*base, "JMSDF Yokosuka, Yokosuka, Kanagawa, Japan")]),
        Reply(body=[result(*works, "Mitsubishi Electric Kamakura Works, Kamakura, Japan")]),
        Reply(body=[result(34.69, 135.50, "Keio somewhere in Osaka, Japan")]),
    )
    args = ["draft", str(SEED), "-o", "seed.yaml", "--published", "2025-04-08", "--geocode",
            "--domain", nominatim.domain, "--scheme", "http"]  # fmt: skip
    drafted = mapapp(*args, cwd=tmp_path)
    assert drafted.returncode == 0, drafted.stderr
    assert "Keio University: the geocoder found nothing near Tokyo" in drafted.stderr
    queries = [r.params["q"] for r in nominatim.requests]
    assert queries == [
        "Yokosuka Naval Base, Yokosuka",
        "Mitsubishi Electric Kamakura Works, Kamakura",
        "Keio University, Tokyo",
    ]
    assert all(r.params.get("countrycodes") == "jp" for r in nominatim.requests)
    built = mapapp("build", "-i", "seed.yaml", "--offline", cwd=tmp_path)  # the cache answers
    assert built.returncode == 0, built.stderr
    collection = json.loads((tmp_path / "seed.geojson").read_text(encoding="utf-8"))
    by_place = {f["properties"]["place_name"]: f["properties"] for f in collection["features"]
                if f["properties"]["kind"] == "event"}  # fmt: skip
    found = by_place["Yokosuka Naval Base"]
    assert distance_km(found["lat"], found["lon"], *base) < 0.01
    assert (found["geo_precision"], found["uncertainty_m"]) == (1, 250)
    kept = by_place["Keio University"]  # at Tokyo, with the city's radius
    assert kept["geo_precision"] == 2 and kept["uncertainty_m"] == 20_000
    assert distance_km(kept["lat"], kept["lon"], *keio) > 5
