"""A filtered export carries its own provenance: the titles of the sources it cites."""

from __future__ import annotations

from typing import Any

from mapapp.export.filters import events_of, filter_collection
from mapapp.store.schema import METADATA_MEMBER


def _titles(collection: dict[str, Any]) -> dict[str, str]:
    titles: dict[str, str] = collection[METADATA_MEMBER]["source_titles"]
    return titles


def test_a_filter_keeps_the_titles_its_events_cite_and_drops_the_rest(
    built: dict[str, Any],
) -> None:
    everything = _titles(built)
    day2 = filter_collection(built, days=[2])
    cited = {url for e in events_of(day2) for url in e["properties"]["sources"]}
    only_elsewhere = {url for e in events_of(built) for url in e["properties"]["sources"]} - cited
    assert cited and only_elsewhere  # the seed cites sources on both days
    kept = _titles(day2)
    assert cited <= set(kept) and not only_elsewhere & set(kept)
    assert all(kept[url] == everything[url] for url in kept)
    assert list(kept) == [url for url in everything if url in kept]  # the order stays
    assert _titles(built) == everything  # the input is not changed


def test_without_a_filter_every_title_stays(built: dict[str, Any]) -> None:
    assert filter_collection(built)[METADATA_MEMBER] is built[METADATA_MEMBER]
    assert _titles(filter_collection(built, kinds=["event"])) == _titles(built)
