"""The fast path of safe JSON agrees with the careful one: same data, same refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapapp import safe_json
from mapapp.errors import InputError

# Keys and strings full of the characters the quote count must see through.
TEXT = st.text(alphabet=st.sampled_from('ab"\\\\/:{}[],\u00e9\u2028\U0001f600 '), max_size=6)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats(allow_nan=False,
    allow_infinity=False) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=30,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(VALUES, st.booleans())
def test_valid_json_reads_as_json_reads_it(value: Any, spaced: bool) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=1 if spaced else None)
    assert safe_json.loads(text, "x") == json.loads(text)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(TEXT, VALUES, min_size=1, max_size=4), st.data())
def test_a_repeated_key_is_refused_wherever_it_is(value: dict[str, Any], data: Any) -> None:
    key = data.draw(st.sampled_from(sorted(value)))
    text = json.dumps(value, ensure_ascii=False)
    doubled = text[:-1] + f", {json.dumps(key)}: 1" + "}" if len(value) else text
    wrapped = data.draw(st.sampled_from(["{}", '{{"outer": [1, {}]}}', "[{}]"])).format(doubled)
    with pytest.raises(InputError, match="duplicate key"):
        safe_json.loads(wrapped, "x")


@pytest.mark.parametrize("depth", [64, 65])
def test_depth_is_counted_as_before(depth: int) -> None:
    text = '{"a":' * (depth - 1) + "[1]" + "}" * (depth - 1)
    if depth <= safe_json.MAX_DEPTH:
        assert safe_json.loads(text, "x") == json.loads(text)
    else:
        with pytest.raises(InputError, match="nested more than 64"):
            safe_json.loads(text, "x")


def test_large_integers_stay_exact() -> None:
    assert safe_json.loads("[123456789012345678901234567890, -9223372036854775809]", "x") == [
        123456789012345678901234567890,
        -9223372036854775809,
    ]


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\ud83dx"])
def test_a_lone_surrogate_is_refused_with_its_line(escape: str) -> None:
    text = '{\n "ok": "\\ud83d\\ude00",\n "title": "a' + escape + '"\n}'
    assert safe_json.loads('{"ok": "\\ud83d\\ude00"}', "x") == {"ok": "\U0001f600"}
    with pytest.raises(InputError) as caught:
        safe_json.loads(text, "trip.json")
    (problem,) = caught.value.problems
    assert "surrogate" in problem.message and problem.line == 3


@settings(max_examples=300, deadline=None)
@given(VALUES, st.integers(1, 9), st.booleans())
def test_quotes_counted_in_chunks_are_the_quotes_of_the_whole(
    value: Any, chunk: int, ascii_only: bool
) -> None:
    """Chunks never cut an escape in two, so each string's two quotes are counted once."""
    raw = json.dumps(value, ensure_ascii=ascii_only).encode()
    whole = raw.replace(b"\\\\", b"").replace(b'\\"', b"").count(b'"')
    saved = safe_json.QUOTE_CHUNK
    try:
        safe_json.QUOTE_CHUNK = chunk
        assert safe_json.quotes(raw) == whole
    finally:
        safe_json.QUOTE_CHUNK = saved


def _walked_depth(data: Any) -> int:
    """The depth of parsed JSON, container by container (the oracle)."""
    if isinstance(data, dict):
        return 1 + max(map(_walked_depth, data.values()), default=0)
    if isinstance(data, list):
        return 1 + max(map(_walked_depth, data), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(VALUES, st.integers(1, 9), st.booleans(), st.booleans())
def test_the_depth_read_from_the_brackets_is_the_depth_of_the_data(
    value: Any, chunk: int, ascii_only: bool, spaced: bool
) -> None:
    """Brackets inside strings (and escaped quotes before them) never count, wherever
    the chunks are cut; each depth is judged as a walk over the parsed data judges it."""
    raw = json.dumps(value, ensure_ascii=ascii_only, indent=1 if spaced else None).encode()
    depth = _walked_depth(value)
    saved = safe_json.QUOTE_CHUNK
    try:
        safe_json.QUOTE_CHUNK = chunk
        assert safe_json.shape(raw) == (safe_json.quotes(raw), depth)
    finally:
        safe_json.QUOTE_CHUNK = saved


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("[]", 1),
        ('{"a": [1, {"b": []}], "c": {}}', 4),
        ('[{"[[[": "]]]{{"}, ["\\"[", "\\\\"], [[["x"]]]]', 4),
        ("{[]}".replace("[]", '"k": []'), 2),
    ],
)
def test_brackets_inside_strings_do_not_count(text: str, depth: int) -> None:
    assert safe_json.shape(text.encode())[1] == depth
