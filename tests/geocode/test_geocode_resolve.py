"""Resolver: pins, cache, provider and the shapely checks, against a fake Nominatim."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_nominatim import (
    YOKOSUKA_BASE,
    YOKOSUKA_BRAZIL,
    YOKOSUKA_OSAKA,
    FakeNominatim,
    Reply,
    itinerary_yaml,
    line_of,
    place_yaml,
    provider_for,
    result,
    serve,
)

from mapapp.errors import GeocoderUnreachable, InputError, OfflineCacheMiss
from mapapp.geocode.cache import GeocodeCache, cache_key
from mapapp.geocode.resolve import Resolved, Resolver
from mapapp.itinerary.load import LoadedItinerary, load_itinerary

QUERY = "JMSDF Yokosuka Naval Base, Yokosuka, Kanagawa"
PIN = (35.286081, 139.653932)


@pytest.fixture
def nominatim(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNominatim]:
    yield from serve(monkeypatch)


def write_itinerary(tmp_path: Path, *places: str) -> tuple[LoadedItinerary, str]:
    text = itinerary_yaml(*places)
    path = tmp_path / "itinerary.yaml"
    path.write_text(text, encoding="utf-8")
    return load_itinerary(path), text


def resolver_for(
    tmp_path: Path,
    nominatim: FakeNominatim | None,
    *,
    offline: bool = False,
    verify_pins: bool = False,
) -> tuple[Resolver, Path]:
    cache_file = tmp_path / "geocode_cache.json"
    provider = None if nominatim is None else provider_for(nominatim)[0]
    cache = GeocodeCache.open(cache_file)
    return Resolver(cache, provider, offline=offline, verify_pins=verify_pins), cache_file


def test_good_answer_is_used_and_cached(tmp_path: Path, nominatim: FakeNominatim) -> None:
    loaded, _ = write_itinerary(tmp_path, place_yaml("base", QUERY))
    nominatim.script(Reply(body=[YOKOSUKA_BASE]))
    resolver, cache_file = resolver_for(tmp_path, nominatim)

    places = resolver.resolve_all(loaded)

    assert places == {
        "base": Resolved(35.286081, 139.653932, 1, "nominatim", YOKOSUKA_BASE["display_name"], None)
    }
    assert resolver.summary.from_provider == 1
    assert resolver.summary.from_cache == 0
    [request] = nominatim.requests
    assert request.params["q"] == QUERY
    assert request.params["countrycodes"] == "jp"
    saved = json.loads(cache_file.read_text(encoding="utf-8"))
    entry = saved[cache_key("nominatim", QUERY)]
    assert entry["query"] == QUERY
    assert entry["results"][0]["lat"] == pytest.approx(35.286081)
    assert entry["results"][0]["display_name"] == YOKOSUKA_BASE["display_name"]


def test_warm_cache_makes_no_requests(tmp_path: Path, nominatim: FakeNominatim) -> None:
    loaded, _ = write_itinerary(tmp_path, place_yaml("base", QUERY))
    nominatim.script(Reply(body=[YOKOSUKA_BASE]))
    first, _ = resolver_for(tmp_path, nominatim)
    cold = first.resolve_all(loaded)
    assert len(nominatim.requests) == 1

    # A new run reads the cache file written by the first; the server has no answers left.
    second, _ = resolver_for(tmp_path, nominatim)
    warm = second.resolve_all(loaded)

    assert warm == cold
    assert len(nominatim.requests) == 1
    assert nominatim.unscripted == 0
    assert second.summary.from_cache == 1
    assert second.summary.from_provider == 0


def test_progress_is_reported_per_place_and_only_when_asked(
    tmp_path: Path, nominatim: FakeNominatim, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded, _ = write_itinerary(
        tmp_path, place_yaml("pinned", QUERY, pin=PIN), place_yaml("base", QUERY)
    )
    nominatim.script(Reply(body=[YOKOSUKA_BASE]))
    resolver, _ = resolver_for(tmp_path, nominatim)
    calls: list[tuple[int, int, str]] = []

    resolver.resolve_all(loaded, progress=lambda *call: calls.append(call))

    assert calls == [(1, 2, "pinned"), (2, 2, "base")]
    # The library draws nothing itself: bars are the command line's business.
    assert capsys.readouterr() == ("", "")


def test_cache_hit_ignores_case_and_spacing_of_the_query(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    loaded, _ = write_itinerary(tmp_path, place_yaml("base", QUERY))
    nominatim.script(Reply(body=[YOKOSUKA_BASE]))
    resolver_for(tmp_path, nominatim)[0].resolve_all(loaded)
    shouty = "  jmsdf YOKOSUKA   naval base,  yokosuka, KANAGAWA "
    reworded, _ = write_itinerary(tmp_path, place_yaml("base", shouty))

    resolver, _ = resolver_for(tmp_path, nominatim)
    resolver.resolve_all(reworded)

    assert len(nominatim.requests) == 1
    assert resolver.summary.from_cache == 1


def test_no_results_names_the_query_field_and_line(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    pinned = place_yaml("pinned", QUERY, pin=PIN)
    loaded, text = write_itinerary(tmp_path, pinned, place_yaml("nowhere", "Atlantis Naval Base"))
    nominatim.script(Reply(body=[]))
    resolver, cache_file = resolver_for(tmp_path, nominatim)

    with pytest.raises(InputError) as caught:
        resolver.resolve_all(loaded)

    [problem] = caught.value.problems
    assert problem.field == "places[1].query"
    assert problem.line == line_of(text, "query:", after="id: nowhere")
    assert problem.file == str(tmp_path / "itinerary.yaml")
    assert "found nothing" in problem.message
    # The empty answer is cached too, so a re-run does not ask again.
    saved = json.loads(cache_file.read_text(encoding="utf-8"))
    assert saved[cache_key("nominatim", "Atlantis Naval Base")]["results"] == []


def test_far_away_answers_are_rejected_and_the_next_candidate_used(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    loaded, _ = write_itinerary(tmp_path, place_yaml("base", QUERY))
    nominatim.script(Reply(body=[YOKOSUKA_BRAZIL, YOKOSUKA_OSAKA, YOKOSUKA_BASE]))
    resolver, _ = resolver_for(tmp_path, nominatim)

    resolved = resolver.resolve_all(loaded)["base"]

    assert (resolved.lat, resolved.lon) == PIN
    assert resolved.display_name == YOKOSUKA_BASE["display_name"]
    assert resolver.summary.rejected == 2
    brazil, osaka = resolver.summary.warnings
    assert "Rio de Janeiro" in brazil and "outside JP" in brazil
    assert "Osaka" in osaka and "km from Yokosuka" in osaka and "at most 15 km" in osaka


def test_only_wrong_answers_is_an_input_error_with_the_reasons(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    loaded, text = write_itinerary(tmp_path, place_yaml("base", QUERY))
    nominatim.script(Reply(body=[YOKOSUKA_BRAZIL, YOKOSUKA_OSAKA]))
    resolver, _ = resolver_for(tmp_path, nominatim)

    with pytest.raises(InputError) as caught:
        resolver.resolve_all(loaded)

    [problem] = caught.value.problems
    assert problem.field == "places[0].query"
    assert problem.line == line_of(text, "query:")
    assert "outside JP" in problem.message
    assert "km from Yokosuka" in problem.message


def test_offline_uncached_unpinned_place_is_a_cache_miss(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    loaded, _ = write_itinerary(
        tmp_path, place_yaml("pinned", QUERY, pin=PIN), place_yaml("bare", "Kurihama, Yokosuka")
    )
    resolver, _ = resolver_for(tmp_path, nominatim, offline=True)

    with pytest.raises(OfflineCacheMiss) as caught:
        resolver.resolve_all(loaded)

    assert "'bare'" in str(caught.value)
    assert "Kurihama, Yokosuka" in str(caught.value)
    assert nominatim.requests == []


def test_offline_uses_the_cache(tmp_path: Path, nominatim: FakeNominatim) -> None:
    loaded, _ = write_itinerary(tmp_path, place_yaml("base", QUERY))
    cache = GeocodeCache.open(tmp_path / "geocode_cache.json")
    provider, _ = provider_for(nominatim)
    cache_only = Resolver(cache, provider, offline=True)
    with pytest.raises(OfflineCacheMiss):
        cache_only.resolve_all(loaded)
    nominatim.script(Reply(body=[YOKOSUKA_BASE]))
    Resolver(cache, provider).resolve_all(loaded)

    offline, _ = resolver_for(tmp_path, None, offline=True)
    resolved = offline.resolve_all(loaded)["base"]

    assert (resolved.lat, resolved.lon) == PIN
    assert len(nominatim.requests) == 1


def test_pin_wins_and_a_distant_geocoder_answer_is_a_warning(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    loaded, _ = write_itinerary(tmp_path, place_yaml("base", QUERY, pin=PIN))
    # About 5 km south of the pin, still in Yokosuka.
    nominatim.script(Reply(body=[result(35.24, 139.66, "Yokosuka city hall")]))
    resolver, _ = resolver_for(tmp_path, nominatim, verify_pins=True)

    resolved = resolver.resolve_all(loaded)["base"]

    assert (resolved.lat, resolved.lon) == PIN
    assert resolved.geocoder == "override"
    assert resolved.source_url == "https://example.org/pin"
    assert resolver.summary.from_override == 1
    [warning] = resolver.summary.warnings
    assert warning.startswith("base: the override is 5.")
    assert "Yokosuka city hall" in warning
    assert "the override wins" in warning
    assert len(nominatim.requests) == 1


def test_pin_close_to_the_geocoder_answer_is_not_a_warning(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    loaded, _ = write_itinerary(tmp_path, place_yaml("base", QUERY, pin=PIN))
    nominatim.script(Reply(body=[result(35.2885, 139.6545, "JMSDF Yokosuka")]))  # ~300 m away
    resolver, _ = resolver_for(tmp_path, nominatim, verify_pins=True)

    resolver.resolve_all(loaded)

    assert resolver.summary.warnings == []
    assert len(nominatim.requests) == 1


def test_pins_are_not_geocoded_unless_asked(tmp_path: Path, nominatim: FakeNominatim) -> None:
    loaded, _ = write_itinerary(tmp_path, place_yaml("base", QUERY, pin=PIN))
    resolver, cache_file = resolver_for(tmp_path, nominatim)

    resolved = resolver.resolve_all(loaded)["base"]

    assert resolved.geocoder == "override"
    assert nominatim.requests == []
    assert resolver.summary.warnings == []
    assert not cache_file.exists()


def test_unreachable_geocoder_while_verifying_a_pin_is_only_a_warning(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    loaded, _ = write_itinerary(tmp_path, place_yaml("base", QUERY, pin=PIN))
    nominatim.script(*[Reply(503, b"down")] * 5)
    resolver, _ = resolver_for(tmp_path, nominatim, verify_pins=True)

    resolved = resolver.resolve_all(loaded)["base"]

    assert resolved.geocoder == "override"
    [warning] = resolver.summary.warnings
    assert warning.startswith("base: could not verify the pin")
    assert len(nominatim.requests) == 3  # max_retries (2) + 1


def test_unreachable_geocoder_for_an_unpinned_place_fails(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    loaded, _ = write_itinerary(tmp_path, place_yaml("base", QUERY))
    nominatim.script(*[Reply(500, b"down")] * 5)
    resolver, cache_file = resolver_for(tmp_path, nominatim)

    with pytest.raises(GeocoderUnreachable):
        resolver.resolve_all(loaded)

    assert not cache_file.exists()  # a failure is not cached as "no results"


def test_pin_outside_its_country_names_the_pin_and_its_line(
    tmp_path: Path, nominatim: FakeNominatim
) -> None:
    busan = (35.1796, 129.0756)
    loaded, text = write_itinerary(
        tmp_path, place_yaml("ok", QUERY, pin=PIN), place_yaml("busan", QUERY, pin=busan)
    )
    resolver, _ = resolver_for(tmp_path, nominatim, verify_pins=True)
    nominatim.script(Reply(body=[YOKOSUKA_BASE]))

    with pytest.raises(InputError) as caught:
        resolver.resolve_all(loaded)

    [problem] = caught.value.problems
    assert problem.field == "places[1].pin"
    assert problem.line == line_of(text, "pin:", after="id: busan")
    assert "outside JP" in problem.message
    assert str(problem).startswith(f"{tmp_path / 'itinerary.yaml'}:{problem.line} [places[1].pin]")
