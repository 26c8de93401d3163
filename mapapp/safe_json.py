"""JSON with the same limits as the YAML loader: bounded depth, no NaN, no duplicate keys.

Python's json module accepts NaN and Infinity (not JSON), keeps the last of two
equal keys silently, and exhausts the stack on deep nesting; each of those
becomes a named InputError here instead.

Valid input takes a fast path: msgspec parses (it refuses NaN and Infinity and
keeps large integers exact, as json does), the brackets outside strings
measure the depth (no walk over a million parsed containers), and duplicate
keys are found by counting quotes (a dropped duplicate key takes its quotes
with it). Anything the fast path refuses is parsed again by the careful path,
which names the problem and its line exactly as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from itertools import accumulate
from typing import Any

import msgspec

from mapapp.errors import InputError, Problem

MAX_DEPTH = 64

# Strings (skipped whole, so brackets inside them do not count) or a bracket.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class _Refused(ValueError):
    """Raised from json hooks; turned into a Problem with the text's line."""

    def __init__(self, message: str, pattern: str, nth: int) -> None:
        super().__init__(message)
        self.pattern = pattern  # finds the offending token in the text (hooks get no position)
        self.nth = nth


def loads(
    text: str,
    name: str,
    max_depth: int = MAX_DEPTH,
    raw: bytes | None = None,
    schema_bounds_depth: bool = False,
) -> Any:
    """Parse JSON text; every failure is an InputError naming the line.

    raw, when given, is text's UTF-8 bytes (saves encoding them again).
    schema_bounds_depth: the caller validates the result against a schema of
    fixed depth, and calls `loads` again without this flag when that fails (so
    deep nesting is still reported as such); the depth walk is skipped.
    """
    depth = None if schema_bounds_depth else max_depth
    try:
        fast = _fast_loads(raw if raw is not None else text.encode("utf-8"), depth)
    except UnicodeEncodeError:  # a lone surrogate in the text: the careful path decides
        fast = _REFUSED
    if fast is not _REFUSED:
        return fast
    return _careful_loads(text, name, max_depth)


_REFUSED = object()
_DECODE = msgspec.json.Decoder().decode
_ENCODE = msgspec.json.Encoder().encode


def fast_loads(raw: bytes) -> tuple[bool, Any]:
    """(True, data) when the fast path accepts raw, else (False, None): a caller that
    validates against a schema of fixed depth (which bounds the nesting) and falls back
    to `loads` for the message."""
    data = _fast_loads(raw, None)
    return (False, None) if data is _REFUSED else (True, data)


def _fast_loads(raw: bytes, max_depth: int | None) -> Any:
    """The data, or _REFUSED when the careful path must look (and name the problem)."""
    try:
        data = _DECODE(raw)
    except (msgspec.DecodeError, RecursionError):
        return _REFUSED
    if max_depth is None:
        written = quotes(raw)
    else:
        written, depth = shape(raw)
        if depth > max_depth:
            return _REFUSED
    if quotes(_ENCODE(data)) != written:
        return _REFUSED
    return data


#: Bytes counted at a time: a large file is never copied whole.
QUOTE_CHUNK = 1 << 22


def quotes(raw: bytes) -> int:
    """Unescaped double quotes in valid JSON bytes: two per string, keys included."""
    return sum(chunk.count(b'"') for chunk in _unescaped(raw))


def shape(raw: bytes) -> tuple[int, int]:
    """Valid JSON bytes' unescaped double quotes (as `quotes`) and the depth of
    their containers, read from the brackets outside strings in one pass (numpy,
    a chunk at a time), not by walking a million parsed containers.

    A bracket is inside a string when an odd number of quotes comes before it.
    """
    import numpy as np  # only here: the fast path of a large file needs it

    count, depth, deepest = 0, 0, 0
    for chunk in _unescaped(raw):
        marks = np.frombuffer(chunk.translate(None, _NOT_MARKS), dtype=np.uint8)
        quote = marks == 0x22
        steps = _steps()[marks]
        steps[(np.cumsum(quote, dtype=np.int64) + count) % 2 == 1] = 0  # inside a string
        levels = np.cumsum(steps, dtype=np.int64)
        if levels.size:
            deepest = max(deepest, depth + int(levels.max()))
            depth += int(levels[-1])
        count += int(np.count_nonzero(quote))
    return count, deepest


#: Every byte but the double quote and the four brackets.
_NOT_MARKS = bytes(b for b in range(256) if b not in b'"[]{}')


@cache
def _steps() -> Any:
    """+1 for an opening bracket, -1 for a closing one, 0 for anything else, by byte."""
    import numpy as np

    steps = np.zeros(256, dtype=np.int64)
    steps[list(b"[{")], steps[list(b"]}")] = 1, -1
    return steps


def _unescaped(raw: bytes) -> Iterator[bytes]:
    """Valid JSON bytes a chunk at a time, escaped backslashes and escaped quotes dropped.

    In valid JSON a backslash only starts an escape, so dropping escaped
    backslashes first, then escaped quotes, leaves exactly the strings' delimiters
    as double quotes. A chunk ends where no escape is cut in two (after a byte
    that is not a backslash), so no copy of the whole is made.
    """
    start, view = 0, memoryview(raw)
    while start < len(raw):
        end = min(start + QUOTE_CHUNK, len(raw))
        while end < len(raw) and raw[end - 1] == 0x5C:  # a backslash: an escape goes on
            end += 1
        chunk = bytes(view[start:end]) if (start, end) != (0, len(raw)) else raw
        if b"\\" in chunk:
            chunk = chunk.replace(b"\\\\", b"").replace(b'\\"', b"")
        yield chunk
        start = end


def _careful_loads(text: str, name: str, max_depth: int) -> Any:
    try:
        data = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique_keys)
    except RecursionError as exc:
        msg = f"nested more than {max_depth} levels deep"
        raise InputError([Problem(name, "", msg)]) from exc
    except json.JSONDecodeError as exc:
        raise InputError([Problem(name, "", f"invalid JSON: {exc.msg}", exc.lineno)]) from exc
    except _Refused as exc:
        raise InputError([Problem(name, "", str(exc), _line_of(text, exc))]) from exc
    # Only now: in valid JSON every string is closed, so the scan below is linear.
    _check_depth(text, name, max_depth)
    _check_text(data, text, name)
    return data


# A high surrogate escape with no low one after it, or a low one with no high before.
_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)


def _check_text(data: Any, text: str, name: str) -> None:
    """Refuse a lone UTF-16 surrogate (`"\\ud800"`): json reads it, but it is no
    character, and every writer (UTF-8, XML, CSV) fails on it later. The fast path
    refuses it already, so only input that reached the careful path pays this walk."""
    stack = [data]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            stack += node.keys()
            stack += node.values()
        elif type(node) is list:
            stack += node
        elif type(node) is str:
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                found = _LONE_SURROGATE.search(text)
                line = text.count("\n", 0, found.start()) + 1 if found else None
                msg = "a lone UTF-16 surrogate (\\uD800-\\uDFFF) is not a character"
                raise InputError([Problem(name, "", msg, line)]) from None


def _check_depth(text: str, name: str, max_depth: int) -> None:
    # Fast path in C (regex substitutions, accumulate): a large valid file pays little.
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    steps = accumulate(1 if c in "[{" else -1 for c in brackets)
    if max(steps, default=0) <= max_depth:
        return
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                line = text.count("\n", 0, match.start()) + 1
                msg = f"nested more than {max_depth} levels deep"
                raise InputError([Problem(name, "", msg, line)])
        elif token in "]}":
            depth -= 1


def _no_constant(value: str) -> Any:
    pattern = r"(?<![\w\"])" + re.escape(value) + r"(?![\w\"])"
    raise _Refused(f"{value} is not a JSON number; write a finite number or null", pattern, 0)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) == len(pairs):
        return out
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            msg = f"duplicate key {key!r}: the second value would silently replace the first"
            raise _Refused(msg, re.escape(json.dumps(key)) + r"\s*:", 1)
        seen.add(key)
    return out


def _line_of(text: str, exc: _Refused) -> int | None:
    """The line of the refused token: its nth match (approximate, but names a real line)."""
    found = [m.start() for m in re.finditer(exc.pattern, text)]
    if len(found) <= exc.nth:
        return None
    return text.count("\n", 0, found[exc.nth]) + 1
