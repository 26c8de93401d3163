"""Provider: geopy over real HTTP to a fake Nominatim on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_nominatim import (
    YOKOSUKA_BASE,
    YOKOSUKA_BRAZIL,
    FakeNominatim,
    Reply,
    provider_for,
    result,
    serve,
)
from typer.testing import CliRunner

from mapapp.cli import app
from mapapp.errors import GeocoderUnreachable, GeocodingError
from mapapp.geocode.cache import Candidate
from mapapp.geocode.provider import PUBLIC_NOMINATIM, USER_AGENT, Provider, ProviderSettings

QUERY = "JMSDF Yokosuka Naval Base, Yokosuka, Kanagawa"


@pytest.fixture
def nominatim(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNominatim]:
    yield from serve(monkeypatch)


def test_good_answer_is_parsed_into_candidates_in_order(nominatim: FakeNominatim) -> None:
    nominatim.script(Reply(body=[YOKOSUKA_BASE, YOKOSUKA_BRAZIL]))
    provider, clock = provider_for(nominatim)

    found = provider.search(QUERY, "JP")

    assert found == [
        Candidate(35.286081, 139.653932, YOKOSUKA_BASE["display_name"], YOKOSUKA_BASE),
        Candidate(-22.905, -43.2, YOKOSUKA_BRAZIL["display_name"], YOKOSUKA_BRAZIL),
    ]
    assert isinstance(found[0].lat, float) and isinstance(found[0].lon, float)
    assert found[0].raw["osm_type"] == "way"
    assert provider.requests == 1
    assert clock.waits == []


def test_request_is_a_polite_nominatim_search(nominatim: FakeNominatim) -> None:
    nominatim.script(Reply(body=[YOKOSUKA_BASE]))
    provider, _ = provider_for(nominatim, limit=3)

    provider.search(QUERY, "JP")

    [request] = nominatim.requests
    assert request.path == "/search"
    assert request.params["q"] == QUERY
    assert request.params["format"] == "json"
    assert request.params["limit"] == "3"
    # The place's country, lower-cased, restricts the search.
    assert request.params["countrycodes"] == "jp"
    # Nominatim's usage policy: an identifying user agent, not geopy's default.
    assert request.user_agent == USER_AGENT
    assert request.user_agent is not None and request.user_agent.startswith("mapapp/")


def test_custom_user_agent_is_sent(nominatim: FakeNominatim) -> None:
    nominatim.script(Reply(body=[]))
    provider, _ = provider_for(nominatim, user_agent="mapapp-tests/1.0 (ci@example.org)")

    provider.search(QUERY, "KR")

    [request] = nominatim.requests
    assert request.user_agent == "mapapp-tests/1.0 (ci@example.org)"
    assert request.params["countrycodes"] == "kr"


def test_no_results_is_an_empty_list(nominatim: FakeNominatim) -> None:
    nominatim.script(Reply(body=[]))
    provider, clock = provider_for(nominatim)

    assert provider.search("Nowhere at all", "JP") == []
    assert len(nominatim.requests) == 1
    assert clock.waits == []


def test_time_out_is_retried_after_backoff(nominatim: FakeNominatim) -> None:
    # The first answer comes long after the client's time-out; the retry is prompt.
    nominatim.script(Reply(body=[YOKOSUKA_BASE], delay_s=1.0), Reply(body=[YOKOSUKA_BASE]))
    provider, clock = provider_for(nominatim, timeout_s=0.2, backoff_s=0.05)

    found = provider.search(QUERY, "JP")

    assert [c.display_name for c in found] == [YOKOSUKA_BASE["display_name"]]
    assert len(nominatim.requests) == 2
    assert clock.waits == [0.05]
    assert provider.requests == 2


def test_429_waits_as_long_as_retry_after_asks(nominatim: FakeNominatim) -> None:
    nominatim.script(
        Reply(429, b'{"error": "rate limited"}', headers={"Retry-After": "7"}),
        Reply(body=[YOKOSUKA_BASE]),
    )
    provider, clock = provider_for(nominatim, backoff_s=0.01, min_delay_s=1.0)

    found = provider.search(QUERY, "JP")

    assert len(found) == 1
    assert len(nominatim.requests) == 2
    # Retry-After (7 s) beats the much shorter backoff; after 7 s the rate
    # limiter's one second has passed, so it adds no wait of its own.
    assert clock.waits == [7.0]


def test_a_short_retry_after_still_waits_the_backoff(nominatim: FakeNominatim) -> None:
    nominatim.script(
        Reply(429, b"slow down", headers={"Retry-After": "1"}),
        Reply(body=[YOKOSUKA_BASE]),
    )
    provider, clock = provider_for(nominatim, backoff_s=4.0)

    assert len(provider.search(QUERY, "JP")) == 1
    assert clock.waits == [4.0]


def test_429_without_retry_after_uses_the_backoff(nominatim: FakeNominatim) -> None:
    nominatim.script(Reply(429, b"slow down"), Reply(body=[YOKOSUKA_BASE]))
    provider, clock = provider_for(nominatim, backoff_s=0.03)

    assert len(provider.search(QUERY, "JP")) == 1
    assert clock.waits == [0.03]


def test_500_is_retried_with_exponential_backoff_then_succeeds(nominatim: FakeNominatim) -> None:
    nominatim.script(
        Reply(500, b"internal error"),
        Reply(502, b"bad gateway"),
        Reply(body=[YOKOSUKA_BASE]),
    )
    provider, clock = provider_for(nominatim, max_retries=3, backoff_s=0.01)

    found = provider.search(QUERY, "JP")

    assert found[0].lat == pytest.approx(35.286081)
    assert len(nominatim.requests) == 3
    assert clock.waits == pytest.approx([0.01, 0.02])


def test_500_every_time_is_unreachable_after_all_retries(nominatim: FakeNominatim) -> None:
    nominatim.script(*[Reply(500, b"internal error")] * 10)
    provider, clock = provider_for(nominatim, max_retries=3, backoff_s=0.01)

    with pytest.raises(GeocoderUnreachable) as caught:
        provider.search(QUERY, "JP")

    assert len(nominatim.requests) == 4  # max_retries + 1
    assert len(clock.waits) == 3  # no pointless wait after the last attempt
    assert "4 times" in str(caught.value)
    assert QUERY in str(caught.value)
    assert isinstance(caught.value, GeocodingError)
    assert isinstance(caught.value, ConnectionError)


def test_malformed_json_is_an_error_and_not_retried(nominatim: FakeNominatim) -> None:
    nominatim.script(Reply(body=b'[{"lat": "35.28", "lon": '), Reply(body=[YOKOSUKA_BASE]))
    provider, clock = provider_for(nominatim, max_retries=3)

    with pytest.raises(GeocodingError) as caught:
        provider.search(QUERY, "JP")

    assert not isinstance(caught.value, GeocoderUnreachable)
    assert "refused" in str(caught.value)
    assert len(nominatim.requests) == 1
    assert clock.waits == []
    assert nominatim.pending() == 1  # the good answer was never asked for


@pytest.mark.parametrize("status", [400, 403])
def test_client_errors_are_not_retried(nominatim: FakeNominatim, status: int) -> None:
    nominatim.script(Reply(status, b'{"error": "no"}'), Reply(body=[YOKOSUKA_BASE]))
    provider, clock = provider_for(nominatim, max_retries=3)

    with pytest.raises(GeocodingError):
        provider.search(QUERY, "JP")

    assert len(nominatim.requests) == 1
    assert clock.waits == []


def test_rate_limiter_spaces_requests(nominatim: FakeNominatim) -> None:
    nominatim.script(*[Reply(body=[result(35.0 + i / 100, 139.6, f"hit {i}")]) for i in range(4)])
    provider, clock = provider_for(nominatim, min_delay_s=0.5)

    for i in range(4):
        provider.search(f"query {i}", "JP")

    assert len(nominatim.requests) == 4
    # The fake clock stands still between requests: the limiter waits the full delay.
    assert clock.waits == [0.5, 0.5, 0.5]


def test_rate_limiter_counts_time_already_spent(nominatim: FakeNominatim) -> None:
    nominatim.script(Reply(body=[]), Reply(body=[]))
    provider, clock = provider_for(nominatim, min_delay_s=1.0)

    provider.search("first", "JP")
    clock.now += 0.75  # time spent elsewhere between two places
    provider.search("second", "JP")

    assert clock.waits == [pytest.approx(0.25)]


def test_rate_limiter_also_spaces_retries(nominatim: FakeNominatim) -> None:
    nominatim.script(Reply(500, b"oops"), Reply(body=[YOKOSUKA_BASE]))
    provider, clock = provider_for(nominatim, min_delay_s=0.5, backoff_s=0.125)

    provider.search(QUERY, "JP")

    assert len(nominatim.requests) == 2
    # The backoff (0.125 s), then the rest of the limiter's half second.
    assert clock.waits == [0.125, 0.375]


def test_public_nominatim_is_never_asked_more_than_once_a_second() -> None:
    # Only the constructor runs: no request is made.
    provider = Provider(ProviderSettings(min_delay_s=0.1))
    assert provider.settings.min_delay_s == 1.0
    assert provider.geocoder.domain == PUBLIC_NOMINATIM
    explicit = Provider(ProviderSettings(domain=PUBLIC_NOMINATIM, min_delay_s=0.0))
    assert explicit.settings.min_delay_s == 1.0
    # A private server may be asked faster.
    private = Provider(ProviderSettings(domain="127.0.0.1:9", scheme="http", min_delay_s=0.1))
    assert private.settings.min_delay_s == 0.1


def test_an_unknown_provider_is_a_usage_error_naming_the_choices() -> None:
    result = CliRunner().invoke(app, ["build", "--offline", "--provider", "nosuch"])

    assert result.exit_code == 2
    assert "'nosuch' is not one of" in result.output and "'nominatim'" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
