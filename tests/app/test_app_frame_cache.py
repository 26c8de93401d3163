"""The shared map frames: the same arguments st_folium would send, made once per
distinct map, and a cache bounded in bytes."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import streamlit_folium as sf

from mapapp.app import map_frame
from mapapp.app.shared_cache import ByteLRU
from mapapp.export.filters import filter_collection
from mapapp.mapview.render import build_map

RETURNED = ["last_object_clicked", "last_object_clicked_tooltip"]
MAP: dict[str, Any] = {
    "assets": "streamlit", "basemap": "offline", "view": "selection", "selected": ""
}  # fmt: skip


def test_frame_args_are_what_st_folium_sends(
    built: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two builds of one map differ only in folium's random element ids."""
    shown = filter_collection(built, days=[2])
    ours = map_frame.frame_args(build_map(shown, **MAP), "map", RETURNED, height=640)
    sent: dict[str, Any] = {}
    monkeypatch.setattr(sf, "_component_func", lambda **kw: sent.update(kw))
    sf.st_folium(build_map(shown, **MAP), key="map", height=640, width=None,
                 returned_objects=RETURNED)  # fmt: skip
    sent.pop("on_change")
    assert ours["key"] == sent["key"]  # st_folium's own hash of the id-free script
    for name in ("script", "header", "html", "id"):
        assert _ids_out(ours.pop(name)) == _ids_out(sent.pop(name))
    assert ours == sent
    assert "shigeru ishiba" in ours_script_lower(shown)


def _ids_out(text: str) -> str:
    return re.sub(r"_[0-9a-f]{32}", "_ID", text)


def ours_script_lower(shown: dict[str, Any]) -> str:
    args = map_frame.frame_args(build_map(shown, **MAP), "map", RETURNED, height=640)
    return str(args["script"]).lower()


def test_the_cache_keeps_one_frame_per_key_and_makes_it_once(built: dict[str, Any]) -> None:
    cache: ByteLRU[dict[str, Any]] = ByteLRU(map_frame.FRAME_BUDGET_BYTES, map_frame.frame_size)
    made: list[int] = []

    def make(day: int) -> dict[str, Any]:
        made.append(day)
        fmap = build_map(filter_collection(built, days=[day]), **MAP)
        return map_frame.frame_args(fmap, "map", RETURNED, height=640)

    first = cache.get_or_make(("seed", 1), lambda: make(1))
    again = cache.get_or_make(("seed", 1), lambda: make(1))
    other = cache.get_or_make(("seed", 2), lambda: make(2))
    assert again is first and other is not first
    assert made == [1, 2]
    assert (cache.hits, cache.misses, len(cache)) == (1, 2, 2)


def test_byte_budget_drops_the_least_recently_used_and_never_keeps_a_giant() -> None:
    cache: ByteLRU[bytes] = ByteLRU(400, len, entry_min=1)
    for name in "abcd":
        cache.get_or_make(name, lambda: b"x" * 100)
    cache.get_or_make("a", lambda: b"")  # a hit: "a" is now the most recent
    cache.get_or_make("e", lambda: b"y" * 100)  # 500 bytes: the oldest ("b") goes
    assert cache.held <= 400
    kept = {k for k in "abcde" if k in cache}
    assert kept == {"a", "c", "d", "e"}
    giant = cache.get_or_make("g", lambda: b"z" * 101)  # over a quarter of the budget
    assert giant == b"z" * 101 and cache.held <= 400
    assert "g" not in cache


def test_values_that_weigh_nothing_cannot_pile_up() -> None:
    """A filter that shows no event weighs 0 bytes; the entry still costs its floor,
    so strangers cycling through empty filters cannot grow the cache without end."""
    cache: ByteLRU[bytes] = ByteLRU(10 * 4096, len)
    for k in range(1000):
        cache.get_or_make(k, lambda: b"")
    assert len(cache) == 10 and cache.held <= cache.budget
    assert 999 in cache and 0 not in cache  # the oldest went first


def test_sessions_missing_the_same_key_at_once_make_it_once() -> None:
    cache: ByteLRU[bytes] = ByteLRU(10_000, len, entry_min=1)
    made: list[int] = []
    started = threading.Barrier(8)

    def make() -> bytes:
        made.append(1)
        time.sleep(0.2)  # long enough for the other threads to ask meanwhile
        return b"frame"

    def ask() -> bytes:
        started.wait()
        return cache.get_or_make("day 2", make)

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda _: ask(), range(8)))
    assert got == [b"frame"] * 8
    assert len(made) == 1


def test_a_pinned_entry_stays_whatever_its_size_and_pins_are_bounded_by_count() -> None:
    """The served data's unfiltered view and map are over a quarter of the budget:
    pinned, they are kept anyway (not counted in the budget), at most pin_max."""
    cache: ByteLRU[bytes] = ByteLRU(400, len, entry_min=1, pin_max=2)
    giant = cache.get_or_make("all", lambda: b"g" * 1000, pin=True)
    for name in "abcde":  # the budget's entries come and go; the pin stays
        cache.get_or_make(name, lambda: b"x" * 100)
    assert cache.get_or_make("all", lambda: b"remade") is giant
    assert cache.held <= 400 and cache.pinned == 1
    cache.get_or_make("all-2", lambda: b"h" * 1000, pin=True)
    cache.get_or_make("all-3", lambda: b"i" * 1000, pin=True)  # the least recent pin goes
    assert cache.pinned == 2 and "all" not in cache and "all-3" in cache
    cache.clear()
    assert cache.pinned == 0 and len(cache) == 0
