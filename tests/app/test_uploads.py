"""Uploads: an itinerary brings its article with it; nothing on the server is ever named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from fake_nominatim import ITINERARY, SEED

from mapapp.app.uploads import dataset_from_uploads
from mapapp.errors import InputError

BASE = ITINERARY.read_text(encoding="utf-8")
ARTICLE_LINE = "    path: ../seeds/000_569ba02fe5449170.txt"
ARTICLE = SEED.read_bytes()


def events(collection: dict[str, object]) -> int:
    features = collection["features"]
    assert isinstance(features, list)
    return sum(1 for f in features if f["properties"]["kind"] == "event")


def refused(files: list[tuple[str, bytes]], **kwargs: object) -> str:
    with pytest.raises(InputError) as caught:
        dataset_from_uploads(files, ITINERARY, **kwargs)  # type: ignore[arg-type]
    return "\n".join(str(p) for p in caught.value.problems)


def test_an_itinerary_with_its_article_file() -> None:
    mine = BASE.replace(ARTICLE_LINE, "    path: story.txt").encode()
    dataset = dataset_from_uploads([("mine.yaml", mine), ("story.txt", ARTICLE)], ITINERARY)
    assert events(dataset.collection) == 7
    assert dataset.article_text == ARTICLE.decode("utf-8")


def test_the_only_text_file_is_the_article_whatever_its_name() -> None:
    files = [("mine.yaml", BASE.encode()), ("anything.txt", ARTICLE)]
    assert events(dataset_from_uploads(files, ITINERARY).collection) == 7


def test_an_embedded_article() -> None:
    data = yaml.safe_load(BASE)
    data["trip"]["article"] = {"text": ARTICLE.decode("utf-8"), "title": "embedded"}
    raw = json.dumps(data, default=str).encode()
    dataset = dataset_from_uploads([("mine.json", raw)], ITINERARY)
    assert dataset.article_text == ARTICLE.decode("utf-8")


def test_a_server_path_is_never_read() -> None:
    evil = BASE.replace(ARTICLE_LINE, "    path: ../../../../etc/passwd").encode()
    message = refused([("evil.yaml", evil)])
    assert "cannot read files on the server" in message
    assert "upload its article (passwd)" in message
    assert "root:" not in message


def test_the_article_the_app_already_shows_may_be_named() -> None:
    shown = {SEED.name: ARTICLE.decode("utf-8")}
    dataset = dataset_from_uploads([("copy.yaml", BASE.encode())], ITINERARY, shown)
    assert events(dataset.collection) == 7
    assert "cannot read files" in refused([("copy.yaml", BASE.encode())])


@pytest.mark.parametrize(
    "files",
    [
        [("a.txt", ARTICLE), ("b.txt", ARTICLE)],
        [("a.yaml", BASE.encode()), ("b.yaml", BASE.encode())],
        [("a.yaml", BASE.encode()), ("run.sh", b"rm -rf /")],
    ],
    ids=["two-articles", "two-itineraries", "unknown-kind"],
)
def test_one_data_file_is_required(files: list[tuple[str, bytes]]) -> None:
    """(An article alone is drafted: tests/app/test_app_draft_upload.py.)"""
    assert "upload one itinerary" in refused(files)


def test_broken_geojson_is_reported_as_geojson() -> None:
    raw = b'{"type": "FeatureCollection",\n "features": [{"type": '
    message = refused([("broken.json", raw)])
    assert "broken.json:2: GeoJSON: invalid JSON" in message
    assert "YAML" not in message


def test_each_file_is_capped(tmp_path: Path) -> None:
    assert "the limit is 10 MB" in refused([("big.txt", b" " * (10 * 1024 * 1024 + 1))])
