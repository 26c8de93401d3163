"""Every input limit, tested just over its bound (and at it), within a time bound.

A bomb a thousand times past a limit is refused whatever the limit is; a document
one step past it is refused only while the limit holds. The bounds are written
here as the documented numbers, not imported: raising a limit (say, the alias
budget a thousandfold) fails these tests instead of moving them. Each refusal must
come quickly: SECONDS is a generous bound against a blow-up on this shared
machine, not a benchmark (that is `mapapp bench`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mapapp.app.uploads import dataset_from_uploads
from mapapp.errors import InputError
from mapapp.itinerary.load import parse_itinerary
from mapapp.itinerary.yaml_lines import load_with_lines
from mapapp.safe_files import read_regular
from mapapp.safe_json import loads as json_loads

#: The documented limits (README, "Limits").
DEPTH = 64
ALIAS_BUDGET_EXTRA = 100_000  # aliases may expand a document to 2 x its values + this
UPLOAD_VALUES = 250_000
UPLOAD_BYTES = 10 * 1024 * 1024
SECONDS = 60.0


@pytest.fixture()
def quick() -> Iterator[Callable[[], None]]:
    """Call it after the work: fails when the work took longer than SECONDS."""
    start = time.monotonic()

    def check() -> None:
        elapsed = time.monotonic() - start
        assert elapsed < SECONDS, f"took {elapsed:.1f} s"

    yield check


def nested(depth: int, json: bool) -> str:
    """`depth` sequences, one inside the other (the root is the first)."""
    return "[" * depth + "]" * depth if json else "[" * depth + "x" + "]" * depth


@pytest.mark.parametrize("json", [False, True])
def test_nesting_at_the_depth_limit_loads_and_one_deeper_is_refused(
    json: bool, quick: Callable[[], None]
) -> None:
    load: Callable[[str], Any] = (
        (lambda t: json_loads(t, "deep.json")) if json else (lambda t: load_with_lines(t)[0])
    )
    error = InputError if json else yaml.YAMLError
    # YAML counts the innermost scalar as a level too.
    at = DEPTH if json else DEPTH - 1
    assert load(nested(at, json)) is not None
    with pytest.raises(error, match=f"more than {DEPTH} levels"):
        load(nested(at + 1, json))
    quick()


def aliased(items: int, aliases: int) -> str:
    """One sequence of `items` scalars, and a sequence holding `aliases` aliases of it."""
    return f"a: &a [{', '.join(['x'] * items)}]\nb: [{', '.join(['*a'] * aliases)}]\n"


def expanded_values(items: int, aliases: int) -> tuple[int, int]:
    """(distinct values, values once every alias is expanded) of `aliased`."""
    distinct = 5 + items  # the mapping, two keys, two sequences, the scalars
    return distinct, distinct + aliases * (1 + items)


def test_aliases_one_step_past_the_budget_are_refused(quick: Callable[[], None]) -> None:
    items = 1_000
    budget = lambda distinct: 2 * distinct + ALIAS_BUDGET_EXTRA  # noqa: E731
    fits = max(m for m in range(1, 200) if expanded_values(items, m)[1] <= budget(items + 5))
    data, _ = load_with_lines(aliased(items, fits))
    assert len(data["b"]) == fits
    distinct, expanded = expanded_values(items, fits + 1)
    assert expanded > budget(distinct)
    assert expanded < 1.01 * budget(distinct)  # just over, not a bomb
    with pytest.raises(yaml.YAMLError, match="alias bomb"):
        load_with_lines(aliased(items, fits + 1))
    quick()


def test_an_upload_one_value_past_the_count_is_refused(quick: Callable[[], None]) -> None:
    at = "- x\n" * (UPLOAD_VALUES - 1)  # the sequence itself is a value too
    data, _ = load_with_lines(at, max_nodes=UPLOAD_VALUES)
    assert len(data) == UPLOAD_VALUES - 1
    with pytest.raises(yaml.YAMLError, match=f"more than {UPLOAD_VALUES:,} values"):
        load_with_lines(at + "- x\n", max_nodes=UPLOAD_VALUES)
    with pytest.raises(InputError, match=f"more than {UPLOAD_VALUES:,} values"):
        parse_itinerary((at + "- x\n").encode(), "many.yaml", base_dir=Path("."))
    quick()


def test_an_upload_one_byte_past_the_size_cap_is_refused(quick: Callable[[], None]) -> None:
    exactly = b"#" * UPLOAD_BYTES
    with pytest.raises(InputError) as at_cap:  # refused for its content, not its size
        dataset_from_uploads([("big.yaml", exactly)], Path("itinerary.yaml"))
    assert "the limit is" not in str(at_cap.value)
    with pytest.raises(InputError, match="10,485,761 bytes; the limit is 10 MB"):
        dataset_from_uploads([("big.yaml", exactly + b"#")], Path("itinerary.yaml"))
    quick()


def test_a_file_one_byte_past_its_cap_is_refused(tmp_path: Path, quick: Callable[[], None]) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"x" * 1000)
    assert read_regular(path, max_bytes=1000) == b"x" * 1000
    path.write_bytes(b"x" * 1001)
    with pytest.raises(InputError, match="1,001 bytes"):
        read_regular(path, max_bytes=1000)
    quick()


@pytest.mark.parametrize("grown_to", [1000, 1001, 5000])
def test_a_file_that_grew_after_its_size_was_read_is_still_capped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, grown_to: int
) -> None:
    """The read asks for the size fstat saw and one byte more (not the whole cap, which
    would reserve the cap's memory for every small file), then reads on to the cap."""
    import os

    path = tmp_path / "f.txt"
    path.write_bytes(b"x" * grown_to)
    real_fstat = os.fstat

    def stale(fd: int) -> os.stat_result:  # the size it had before it grew
        info = list(real_fstat(fd))
        info[6] = 10  # st_size
        return os.stat_result(info)

    monkeypatch.setattr(os, "fstat", stale)
    if grown_to <= 1000:
        assert read_regular(path, max_bytes=1000) == b"x" * grown_to
    else:
        with pytest.raises(InputError, match="larger than the limit"):
            read_regular(path, max_bytes=1000)


def test_reading_a_small_file_does_not_reserve_the_cap(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "small.json"
    path.write_bytes(b"{}")
    tracemalloc.start()
    try:
        assert read_regular(path, max_bytes=256 * 1024 * 1024) == b"{}"
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024
