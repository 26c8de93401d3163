"""The follow component's pieces without a browser: its script parses, its
message check refuses anything but the playback's own shape, its data is JSON."""

from __future__ import annotations

import copy
import json
import subprocess
from typing import Any

from tools import require

from mapapp.app import follow
from mapapp.app import logic as app_logic
from mapapp.export.filters import events_of, filter_collection
from mapapp.presentation.wording import DRAFT_MARK

CHECK = """
import {parse} from %s;
const known = new Map([[3, {}], [5, {}]]);
const o = "http://127.0.0.1:8501";
const cases = JSON.parse(process.argv[1]);
const verdicts = cases.map(([origin, own, data]) => parse({origin, data}, o, known, own));
console.log(JSON.stringify(verdicts));
"""


def test_the_script_parses() -> None:
    node = require("node", "Debian: apt-get install -y nodejs")
    result = subprocess.run(
        [node, "--check", str(follow.SCRIPT)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_only_the_playbacks_own_messages_count() -> None:
    node = require("node", "Debian: apt-get install -y nodejs")
    ok = {"type": "mapapp.playback", "v": 1, "seq": 3, "at": "2025-04-09T14:00"}
    origin = "http://127.0.0.1:8501"
    cases: list[tuple[str, bool, Any]] = [
        (origin, True, ok),
        (origin, True, {**ok, "seq": None, "at": ""}),
        ("http://evil.example", True, ok),  # another origin
        (origin, False, ok),  # not from one of the page's frames
        (origin, True, {**ok, "seq": 4}),  # an event the page does not show
        (origin, True, {**ok, "seq": "3"}),
        (origin, True, {**ok, "seq": 3.5}),
        (origin, True, {**ok, "v": 2}),
        (origin, True, {**ok, "at": "<img src=x onerror=alert(1)>"}),
        (origin, True, {**ok, "at": "2025-04-09T14:00Z"}),
        (origin, True, {**ok, "head": "<b>extra</b>"}),
        (origin, True, [ok]),
        (origin, True, "mapapp.playback"),
        (origin, True, None),
    ]
    script = CHECK % json.dumps(follow.SCRIPT.as_uri())
    result = subprocess.run(
        [node, "--input-type=module", "-e", script, json.dumps(cases)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    verdicts = json.loads(result.stdout)
    assert verdicts[0] == {"seq": 3, "at": "2025-04-09T14:00"}
    assert verdicts[1] == {"seq": None, "at": ""}
    assert verdicts[2:] == [None] * (len(cases) - 2)


def test_its_data_is_the_tables_events_in_order(built: dict[str, Any]) -> None:
    data = follow.follow_data(filter_collection(built, days=[2]))
    assert [e["seq"] for e in data["events"]] == [4, 5, 6, 7]
    assert data["events"][1]["head"] == "5. Meeting with trade minister Yoji Muto"
    assert data["param"] == app_logic.NOW_PARAM
    assert data["table"] == f"st-key-{follow.TABLE_KEY}"
    json.dumps(data)  # plain JSON: nothing else crosses to the page


def test_a_drafted_events_heading_carries_the_draft_mark(built: dict[str, Any]) -> None:
    """The "Now: ..." note words an event as the map does (wording.heading)."""
    marked = copy.deepcopy(built)
    first = events_of(marked)[0]["properties"]
    first["review"] = [{"field": "time", "note": "the article gives no time"}]
    heads = [e["head"] for e in follow.follow_data(marked)["events"]]
    assert heads[0] == f"1. {first['title']}{DRAFT_MARK}"
    assert not heads[1].endswith(DRAFT_MARK)
