"""The one compact JSON writer: orjson's bytes, and json's for what orjson refuses."""

from __future__ import annotations

import json

import numpy as np
import orjson
import pytest

from mapapp import json_bytes


def test_it_writes_orjsons_compact_bytes_numpy_included() -> None:
    value = {"b": [1, 2.5, "Tōkyō “x”"], "a": np.array([3, 4]), "n": None}
    assert (
        json_bytes.dumps(value)
        == b'{"b":[1,2.5,"T\xc5\x8dky\xc5\x8d \xe2\x80\x9cx\xe2\x80\x9d"],"a":[3,4],"n":null}'
    )
    assert json_bytes.text(value) == json_bytes.dumps(value).decode("utf-8")


def test_what_orjson_refuses_json_writes_the_same_way_or_refuses_too() -> None:
    keys = {1: "one", "two": np.int64(2)}  # a key that is not text: orjson refuses it
    with pytest.raises(orjson.JSONEncodeError):
        orjson.dumps(keys, option=orjson.OPT_SERIALIZE_NUMPY)
    assert json_bytes.dumps(keys) == b'{"1":"one","two":2}'
    lone = ["a\ud800b"]  # a lone surrogate: text keeps it for the escaper, bytes cannot
    assert json_bytes.text(lone) == json.dumps(lone, ensure_ascii=False, separators=(",", ":"))
    with pytest.raises(UnicodeEncodeError):
        json_bytes.dumps(lone)
    with pytest.raises(TypeError, match="not JSON serializable"):
        json_bytes.dumps({1: object()})
