"""The upload limits as pure functions: what is refused; waiting and keeping are bounded."""

from __future__ import annotations

import threading

import pytest

from mapapp.app import guard, limits
from mapapp.errors import InputError

MB = limits.MB


def test_an_itinerary_and_its_article_or_one_geojson_pass() -> None:
    limits.check_upload([("trip.yaml", 40_000), ("story.txt", 9 * MB)])
    limits.check_upload([("trip.geojson", 10 * MB)])


def test_a_third_file_is_refused_by_name() -> None:
    with pytest.raises(InputError) as caught:
        limits.check_upload([("a.yaml", 1), ("b.txt", 1), ("c.txt", 1)])
    message = str(caught.value.problems[0])
    assert "3 files (a.yaml, b.txt, c.txt)" in message and "at most 2" in message


def test_more_than_the_budget_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        limits.check_upload([("a.yaml", 10 * MB), ("b.txt", 10 * MB + 1)])
    assert "limit is 20 MB" in str(caught.value.problems[0])


@pytest.mark.parametrize(
    ("files", "held", "server", "length", "status"),
    [
        (0, 0, 0, None, 411),  # no length said: refused before any byte is read
        (0, 0, 0, 9 * MB, None),
        (1, 9 * MB, 9 * MB, 9 * MB, None),  # the second file of an itinerary upload
        (2, 1, 1, 1, 413),  # a third file
        (1, 15 * MB, 15 * MB, 6 * MB, 413),  # past the session's budget
        (0, 0, limits.MAX_SERVER_UPLOAD_BYTES - MB, 2 * MB, 503),  # past the server's
    ],
)
def test_the_guard_refuses_past_a_limit(
    files: int, held: int, server: int, length: int | None, status: int | None
) -> None:
    verdict = guard.refusal(guard.Held(files, held), server, length)
    assert (verdict[0] if verdict else None) == status


def test_uploads_wait_for_a_parsing_slot_then_are_refused() -> None:
    release = threading.Event()
    holding = threading.Barrier(limits.MAX_PARSING + 1)

    def hold() -> None:
        with limits.parse_slot(lambda: None):
            holding.wait()
            release.wait(10)

    threads = [threading.Thread(target=hold) for _ in range(limits.MAX_PARSING)]
    for thread in threads:
        thread.start()
    holding.wait()  # every slot is taken
    waited: list[bool] = []
    try:
        with (
            pytest.raises(InputError, match="busy"),
            limits.parse_slot(lambda: waited.append(True), wait_s=0.2),
        ):
            pass
    finally:
        release.set()
        for thread in threads:
            thread.join()
    assert waited == [True]  # the page was told it waits
    with limits.parse_slot(lambda: waited.append(False)):  # free again, at once
        pass
    assert waited == [True]
