"""An upload is read in a child process: the same result or problems, bounded, then gone."""

from __future__ import annotations

import multiprocessing
import os

import pytest
from fake_nominatim import ITINERARY, SEED

from mapapp.app import kept, upload_child
from mapapp.app.uploads import Dataset, dataset_from_uploads
from mapapp.bench.serve import descendants
from mapapp.errors import InputError
from mapapp.store.overlay import Overlay

BASE = ITINERARY.read_text(encoding="utf-8")
ARTICLE_LINE = "    path: ../seeds/000_569ba02fe5449170.txt"
MINE = BASE.replace(ARTICLE_LINE, "    path: story.txt").encode()
FILES = [("mine.yaml", MINE), ("story.txt", SEED.read_bytes())]


@pytest.fixture(autouse=True)
def _nothing_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept, "_BY_SESSION", {})


def _children() -> list[int]:
    """This process's children, and theirs, as the kernel lists them (the fork server's)."""
    return descendants(os.getpid())


def test_the_child_reads_what_the_server_would_and_is_gone_after() -> None:
    here = dataset_from_uploads(FILES, ITINERARY)
    upload_child.start()  # the fork server: it stays
    before = set(_children())
    there = upload_child.read_upload("s1", FILES, ITINERARY)
    assert isinstance(there, Dataset)
    assert there == here  # the same collection, article, trip, key and notices
    readers = [p for p in multiprocessing.active_children() if p.name == "mapapp-upload-reader"]
    assert readers == []
    assert set(_children()) - before == set()  # the reader has ended; nothing new is left


def test_a_geojson_overlay_comes_back_as_an_overlay() -> None:
    raw = (
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", '
        b'"geometry": {"type": "Point", "coordinates": [2.35, 48.85]}, '
        b'"properties": {"name": "somewhere"}}]}'
    )
    there = upload_child.read_upload("s1", [("layer.geojson", raw)], ITINERARY)
    assert isinstance(there, Overlay)
    assert there.count == 1


def test_a_bad_upload_names_its_file_field_and_line_as_before() -> None:
    broken = MINE.replace(b"events:", b"events: [", 1)
    with pytest.raises(InputError) as here:
        dataset_from_uploads([("broken.yaml", broken)], ITINERARY)
    with pytest.raises(InputError) as there:
        upload_child.read_upload("s1", [("broken.yaml", broken)], ITINERARY)
    assert there.value.problems == here.value.problems
    assert any(p.file == "broken.yaml" for p in there.value.problems)


def test_a_child_out_of_memory_is_a_refusal_not_a_crash() -> None:
    """An upload whose article is 9 MB: its text alone needs 9 MB more than the child
    had (the seed's small parse could fit in memory the fork server had freed, so it
    was not refused every time); with the server's own limit the same upload reads."""
    padded = SEED.read_bytes() + b"\n" + b"More text. " * (9 * 1024 * 1024 // 11)
    big = [("mine.yaml", MINE), ("story.txt", padded)]
    with pytest.raises(InputError) as caught:
        upload_child.read_upload("s1", big, ITINERARY, memory=1024 * 1024)
    message = str(caught.value)
    assert "needs more than the 1 MB the server gives one upload" in message
    assert "Traceback" not in message
    assert isinstance(upload_child.read_upload("s1", big, ITINERARY), Dataset)


def test_a_child_too_slow_is_stopped_and_refused() -> None:
    with pytest.raises(InputError) as caught:
        upload_child.read_upload("s1", FILES, ITINERARY, timeout_s=0.001)
    assert "took longer than" in str(caught.value)
    assert [p for p in multiprocessing.active_children() if p.name == "mapapp-upload-reader"] == []


def test_a_result_the_server_cannot_keep_is_refused_before_it_is_unpickled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loads: list[int] = []
    real_loads = upload_child.pickle.loads
    monkeypatch.setattr(upload_child.pickle, "loads", lambda b: loads.append(1) or real_loads(b))
    monkeypatch.setattr(kept, "MAX_KEPT_BYTES", 1024)  # less than the seed itinerary weighs
    with pytest.raises(InputError) as caught:
        upload_child.read_upload("s1", FILES, ITINERARY)
    assert "as many uploaded data sets as it can" in str(caught.value)
    assert loads == []


def test_a_failure_in_the_child_carries_its_traceback_for_the_log() -> None:
    """A bug, not bad input (an article that is no text): the page logs it, says a notice."""
    shown = {SEED.name: 12345}
    with pytest.raises(RuntimeError) as caught:
        upload_child.read_upload("s1", [("copy.yaml", BASE.encode())], ITINERARY, shown)  # type: ignore[dict-item]
    assert not isinstance(caught.value, InputError)
    assert "TypeError" in str(caught.value)
    assert "Traceback (most recent call last)" in str(caught.value)


def test_a_server_filled_while_the_upload_waited_refuses_it_without_a_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    children: list[object] = []
    monkeypatch.setattr(upload_child, "_in_child", lambda *a: children.append(a))
    monkeypatch.setattr(kept, "MAX_KEPT_UPLOADS", 1)
    kept.keep("other", dataset_from_uploads(FILES, ITINERARY), overlay=False)
    with pytest.raises(InputError, match="as many uploaded data sets"):
        upload_child.read_upload("s1", FILES, ITINERARY)
    assert children == []


def test_a_child_that_ends_without_an_answer_is_a_refusal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kernel ends a child past its CPU time (RLIMIT_CPU) with no answer sent."""
    monkeypatch.setattr(upload_child, "_child", _die_at_once)
    with pytest.raises(InputError) as caught:
        upload_child.read_upload("s1", FILES, ITINERARY)
    assert "ended without an answer" in str(caught.value)


def _die_at_once(*_args: object) -> None:
    os.kill(os.getpid(), 9)
