"""The map's column encoders take fast paths for well-formed data: each gives
what the plain per-value path gives, and the filter's actor line-ups name every
event's actors."""

from __future__ import annotations

import random
from typing import Any

from mapapp.mapview.event_layer import _flat, _listed, _Table, encode_events
from mapapp.mapview.route_layer import _lines
from mapapp.presentation.wording import place_line, place_of, when_of, when_text


def test_route_lines_all_at_once_match_position_by_position() -> None:
    rng = random.Random(7)
    lines = [
        [[rng.uniform(-180, 180), rng.uniform(-85, 85)] for _ in range(rng.randint(0, 6))]
        for _ in range(300)
    ]
    lines.append([[150.000005, -5.000005], [150.000015, -5.000025]])  # halves: to even
    want = [[round(v * 100_000) for pt in line for v in (pt[1], pt[0])] for line in lines]
    assert _lines(lines) == want
    # One position with an altitude takes the per-position path: same numbers.
    with_altitude = [*lines, [[1.0, 2.0, 30.0]]]
    assert _lines(with_altitude) == [*want, [200_000, 100_000]]
    assert _lines([]) == []


def test_lists_coded_once_per_line_up_match_the_flat_codes() -> None:
    rng = random.Random(3)
    names = [f"Actor {k}: role" for k in range(40)]
    lineups = [tuple(rng.sample(names, rng.randint(0, 4))) for _ in range(25)]
    rows: list[Any] = [list(rng.choice(lineups)) for _ in range(2_000)]
    plain, mine = _Table(), _Table()
    offsets, listed = _flat(rows)
    want = plain.codes(listed)
    got_offsets, got = _listed(rows, mine)
    assert got_offsets.tolist() == offsets.tolist()
    assert got.tolist() == want.tolist()
    assert mine.strings == plain.strings  # the same table, in the same order
    # An unhashable entry (data that skipped the store) takes the plain path.
    odd = [*rows, [["nested"]]]
    assert _listed(odd, _Table())[0].tolist() == _flat(odd)[0].tolist()


def test_wording_from_fields_matches_wording_from_properties() -> None:
    for day, date, time, label in [
        (1, "2025-04-08", "09:00", ""),
        (2, "2025-04-09", "18:10", "18:10, about 45 minutes"),
        (3, "2025-04-10", None, "morning"),
        (4, "2025-04-11", "08:00", "breakfast"),
        (5, None, None, None),
    ]:
        props = {"day": day, "date": date, "time": time, "time_label": label}
        assert when_of(day, date, time, label) == when_text(props)
    for name, precision, radius in [("Port Moresby", 1, None), ("Lae", 2, 2500), ("X", 3, 0)]:
        props = {"place_name": name, "geo_precision": precision, "uncertainty_m": radius}
        assert place_of(name, precision, radius) == place_line(props)


def _event(seq: int, day: int, actors: list[str]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [147.0 + seq / 100, -9.0]},
        "properties": {
            "kind": "event", "seq": seq, "day": day, "date": f"2025-04-{day:02d}",
            "time": "09:00", "time_label": "", "title": f"Event {seq}", "review": None,
            "place_name": "Port Moresby", "geo_precision": 1, "uncertainty_m": None,
            "uncertainty_note": "", "quote": "q", "location_source": None,
            "actor_roles": [f"{a}: guest" for a in actors], "actors": actors,
            "sources": [], "discrepancies": [], "event_id": f"e{seq}",
            "start_local": f"2025-04-{day:02d}T09:00:00",
            "end_local": f"2025-04-{day:02d}T09:00:00",
        },
    }  # fmt: skip


def test_the_filters_line_ups_name_every_events_actors() -> None:
    casts = [["Ana", "Bo"], ["Bo"], [], ["Ana", "Bo"], ["Cy <b>"]]
    events = [_event(k + 1, k % 2 + 1, cast) for k, cast in enumerate(casts)]
    payload = encode_events(events, filters=True)
    d = payload["d"]
    assert payload["fl"] is True
    assert [[d["s"][k] for k in d["al"][d["ac"][i]]] for i in range(len(casts))] == casts
    assert len(d["al"]) == 4  # one line-up each, shared by the events that have it
    assert len(d["h"]) == len(d["s"])
    plain = encode_events(events)
    assert plain["fl"] is False and plain["d"]["ac"] == [] and plain["d"]["al"] == []
