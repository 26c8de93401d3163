"""The uploads sessions show, held by session id: bounded, and gone with their sessions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from mapapp.app import kept
from mapapp.errors import InputError


@dataclass(frozen=True)
class Upload:
    """Shaped as uploads.Dataset and store.overlay.Overlay are (what kept reads)."""

    key: str
    collection: dict[str, Any]
    article_text: str | None = None


def _upload(key: str, features: int = 1, text: str = "") -> Upload:
    points = [{"type": "Feature", "properties": {"n": i}} for i in range(features)]
    return Upload(key, {"type": "FeatureCollection", "features": points}, text or None)


@pytest.fixture(autouse=True)
def _empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kept, "_BY_SESSION", {})


def test_a_session_shows_its_own_data_set_and_overlays() -> None:
    data, first, second = _upload("d"), _upload("o1"), _upload("o2")
    kept.keep("s1", data, overlay=False)
    kept.keep("s1", first, overlay=True)
    kept.keep("s1", second, overlay=True)
    kept.keep("s1", _upload("o1", features=3), overlay=True)  # the same overlay, again
    mine = kept.of("s1")
    assert mine.dataset is data
    assert [o.key for o in mine.overlays] == ["o2", "o1"]
    assert mine.overlays[-1].collection["features"][2]["properties"] == {"n": 2}
    assert kept.of("s2") == kept.Kept()  # another session sees none of it
    kept.drop_overlays("s1")
    assert kept.of("s1").dataset is data and kept.of("s1").overlays == ()
    kept.drop_dataset("s1")
    assert kept.held() == (0, 0)


def test_a_session_that_is_gone_lets_go_of_its_uploads() -> None:
    kept.keep("here", _upload("a"), overlay=False)
    kept.keep("gone", _upload("b", text="x" * 100_000), overlay=False)
    before = kept.held()
    assert kept.forget_gone(lambda session: session == "here") == 1
    assert kept.of("gone") == kept.Kept()
    assert kept.of("here").dataset.key == "a"
    assert kept.held()[0] == 1 and before[1] - kept.held()[1] > 100_000


def test_uploads_are_bounded_by_count_and_by_what_they_weigh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kept, "MAX_KEPT_UPLOADS", 2)
    kept.keep("s1", _upload("a"), overlay=False)
    kept.keep("s2", _upload("b"), overlay=False)
    with pytest.raises(InputError, match="as many uploaded data sets"):
        kept.keep("s3", _upload("c"), overlay=False)
    kept.keep("s2", _upload("b2"), overlay=False)  # a replacement is no more
    kept.drop_dataset("s1")
    kept.keep("s3", _upload("c"), overlay=False)

    monkeypatch.setattr(kept, "MAX_KEPT_UPLOADS", 100)
    small = kept.weight(_upload("small"))
    large = _upload("large", features=2000)
    assert kept.weight(large) > 100 * small  # parsed features count, not only their number
    monkeypatch.setattr(kept, "MAX_KEPT_BYTES", kept.held()[1] + kept.weight(large) - 1)
    with pytest.raises(InputError, match="as many uploaded data sets"):
        kept.keep("s4", large, overlay=False)
    kept.keep("s4", _upload("d"), overlay=False)


def test_an_upload_that_cannot_fit_is_refused_before_it_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept.keep("s1", _upload("a", text="x" * 1000), overlay=False)
    held = kept.held()[1]
    monkeypatch.setattr(kept, "MAX_KEPT_BYTES", held + 5000)
    kept.check_room("s2", 4000)  # fits, as far as its raw bytes tell
    with pytest.raises(InputError, match="as many uploaded data sets"):
        kept.check_room("s2", 6000)
    kept.check_room("s1", 6000)  # its own upload would be replaced: only the others count
    monkeypatch.setattr(kept, "MAX_KEPT_UPLOADS", 1)
    with pytest.raises(InputError, match="as many uploaded data sets"):
        kept.check_room("s2", 10)


def test_the_weight_counts_the_parsed_data_and_the_text() -> None:
    text = "€" * 1_000_000
    with_text = kept.weight(_upload("t", text=text))
    assert with_text - kept.weight(_upload("t")) >= 2_000_000  # a str of "€": 2 bytes each
    pairs = [[1.5 + i, 2.5] for i in range(10_000)]
    nested = {"features": [{"geometry": {"coordinates": pairs}}]}
    one = kept.weight(_upload("t"))
    many = kept.weight(Upload("c", nested))
    assert many - one > 10_000 * (56 + 24)  # each pair a list, and its own float
    shared = {"features": [{"geometry": {"coordinates": [pairs[0]] * 10_000}}]}
    assert kept.weight(Upload("s", shared)) < many / 2  # an object shared is counted once
