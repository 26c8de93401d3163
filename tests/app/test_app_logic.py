"""The app's decisions, tested as pure functions (no Streamlit)."""

from __future__ import annotations

import copy
import re
from typing import Any

from mapapp.app import logic as app_logic
from mapapp.export.filters import available, filter_collection
from mapapp.presentation.palette import day_color

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_query_string_round_trips_and_matches_actors_case_insensitively(
    built: dict[str, Any],
) -> None:
    parsed = app_logic.parse_query({"day": ["2"], "actor": ["shigeru ishiba"]}, available(built))
    assert parsed.filters == app_logic.Filters(days=(2,), actors=("Shigeru Ishiba",))
    assert parsed.ignored == []
    assert app_logic.to_query(parsed.filters) == {"day": ["2"], "actor": ["Shigeru Ishiba"]}


def test_unknown_query_values_are_ignored_and_reported(built: dict[str, Any]) -> None:
    parsed = app_logic.parse_query(
        {"day": ["1", "9", "x"], "actor": ["Nobody", "Mark Rutte"], "type": ["party"]},
        available(built),
    )
    assert parsed.filters == app_logic.Filters(days=(1,), actors=("Mark Rutte",))
    assert parsed.ignored == ["day=9", "day=x", "actor=Nobody", "type=party"]


def test_table_shows_exactly_the_filtered_events_in_visit_order(built: dict[str, Any]) -> None:
    rows = app_logic.itinerary_rows(filter_collection(built, days=[2]))
    assert [r["#"] for r in rows] == [4, 5, 6, 7]
    # The same "when" and place lines as the map's popup and the details panel.
    assert rows[-1]["when"].startswith("Day 2: 2025-04-09 18:10, about 45 minutes")
    assert rows[0]["when"] == "Day 2: 2025-04-09, morning"
    assert rows[0]["place"] == "Keio University, Mita Campus (exact site, within about 200 m)"
    assert rows[1]["place"].endswith("(exact site, within about 300 m)")
    assert all(url.startswith("https://") for r in rows for url in r["sources"])


def test_timeline_has_a_row_per_event_and_actor(built: dict[str, Any]) -> None:
    rows = app_logic.timeline_rows(filter_collection(built, actors=["Yoji Muto"]))
    assert {(r["order"], r["actor"]) for r in rows} >= {
        (5, "Yoji Muto"),
        (6, "Japanese tech start-ups"),
    }


def test_timeline_is_on_a_time_axis_with_its_precision(built: dict[str, Any]) -> None:
    rows = {r["order"]: r for r in app_logic.timeline_rows(built)}
    assert (rows[7]["start"], rows[7]["end"]) == ("2025-04-09T18:10:00", "2025-04-09T18:10:00")
    assert rows[7]["exact"] and rows[7]["time precision"] == "to the minute"
    assert (rows[4]["start"], rows[4]["end"]) == ("2025-04-09T06:00:00", "2025-04-09T12:00:00")
    assert (rows[1]["start"], rows[1]["end"]) == ("2025-04-08T00:00:00", "2025-04-08T23:59:59")
    assert not rows[1]["exact"] and rows[1]["time precision"] == "day only"


def test_timeline_chart_uses_time_and_the_maps_day_colours(built: dict[str, Any]) -> None:
    spec = app_logic.timeline_chart(app_logic.timeline_rows(built)).to_dict()
    *data_layers, cursor = spec["layer"]
    for layer in data_layers:
        assert layer["encoding"]["x"]["type"] == "temporal"
        scale = layer["encoding"]["color"]["scale"]
        assert scale["domain"] == [1, 2]
        assert scale["range"] == [day_color(1), day_color(2)]
    marks = {layer["mark"]["type"] for layer in data_layers}
    assert marks == {"bar", "point"}
    # The playback's cursor: a rule on the same time axis, drawn only while the
    # bound (hidden) input holds a moment.
    assert cursor["mark"]["type"] == "rule"
    assert cursor["encoding"]["x"]["type"] == "temporal"
    assert {"filter": f"{app_logic.NOW_PARAM} != ''"} in cursor["transform"]
    assert spec["params"] == [
        {"name": app_logic.NOW_PARAM, "value": "",
         "bind": {"input": "text", "name": app_logic.NOW_PARAM}}
    ]  # fmt: skip
    zone = built["mapapp_metadata"]["timezone"]
    titled = app_logic.timeline_chart(app_logic.timeline_rows(built), zone).to_dict()
    assert titled["layer"][0]["encoding"]["x"]["title"] == "date and time (Asia/Tokyo)"


def test_timeline_spec_sends_every_row_by_name_past_altairs_5000(built: dict[str, Any]) -> None:
    """An upload of 4,000 events (12,000 timeline rows) made the page fail: Altair
    refuses more than 5,000 rows inline. The rows now go by name, as Arrow."""
    import pyarrow as pa

    one = app_logic.timeline_rows(built)
    rows = [{**r, "event": f"{r['event']} #{k}"} for k in range(6000 // len(one) + 1) for r in one]
    spec = app_logic.timeline_spec(rows, "Asia/Tokyo")
    *data_layers, _cursor = spec["layer"]
    assert {layer["data"]["name"] for layer in data_layers} == {app_logic.TIMELINE_DATA}
    table = pa.ipc.open_stream(spec["datasets"][app_logic.TIMELINE_DATA]).read_all()
    assert table.num_rows == len(rows) > 5000
    assert table.column("event").to_pylist() == [r["event"] for r in rows]
    # The same chart as the inline one (the tests validate that one's schema).
    inline = app_logic.timeline_chart(one, "Asia/Tokyo").to_dict()
    assert [layer["encoding"] for layer in inline["layer"][:2]] == [
        layer["encoding"] for layer in app_logic.timeline_spec(one, "Asia/Tokyo")["layer"][:2]
    ]


def test_a_long_article_shows_only_its_marked_paragraphs() -> None:
    """Past ARTICLE_FULL_MAX_CHARS only the paragraphs with a mark are escaped and sent."""
    paragraphs = [f"Paragraph {i} says {{x}} and <b>{i}</b>." for i in range(6)]
    text = "\n".join(paragraphs)
    at = {i: text.index(p) for i, p in enumerate(paragraphs)}
    spans = [
        (at[1] + 12, at[1] + 16, "e1"),
        (at[4], at[4] + 9, "e4"),
        (at[4] + 12, at[4] + 15, "e4b"),
    ]
    full = app_logic.highlight_article(text, spans, {"e1": 1, "e4": 4})
    short = app_logic.highlight_article(text, spans, {"e1": 1, "e4": 4}, excerpt=True)
    assert short.count(app_logic.EXCERPT_GAP) == 1  # paragraphs 1 and 4, apart
    for i in (0, 2, 3, 5):
        assert f"Paragraph {i} " not in short and f"Paragraph {i} " in full
    assert short.count("<mark") == full.count("<mark") == 3
    assert 'data-seqs="4"' in short and "&lt;b&gt;4&lt;/b&gt;" in short and "{" not in short
    # Each excerpt is the same HTML as in the whole article.
    for part in short.split(app_logic.EXCERPT_GAP):
        assert part in full
    assert app_logic.highlight_article(text, [], excerpt=True) == ""


def test_article_highlight_escapes_and_marks_only_given_spans() -> None:
    text = f"Intro. {XSS} middle. End."
    start = text.index("middle")
    html = app_logic.highlight_article(text, [(start, start + 6, XSS)])
    assert "<script>" not in html and "<img" not in html
    assert html.count("<mark") == 1
    assert ">middle</mark>" in html
    assert "&lt;script&gt;" in html


def test_marks_of_events_carry_their_numbers_for_the_playback(built: dict[str, Any]) -> None:
    shown = filter_collection(built, days=[2])
    html = app_logic.highlight_article("x" * 4000, *app_logic.quote_marks(shown))
    numbers = re.findall(r'data-seqs="([^"]*)"', html)
    assert sorted(int(n) for ns in numbers for n in ns.split()) == [4, 5, 6, 7]
    # Partners' marks (no event) carry none; a label that only looks like an event's does not.
    plain = app_logic.highlight_article("abcdef", [(0, 3, "4. Not an event")], {})
    assert "data-seqs" not in plain


def test_overlapping_spans_merge(built: dict[str, Any]) -> None:
    html = app_logic.highlight_article("abcdefghij", [(0, 4, "a"), (2, 6, "b"), (8, 9, "c")])
    assert html.count("<mark") == 2
    assert '<mark title="a; b">abcdef</mark>' in html


def test_click_resolves_by_tooltip_order_then_by_position(built: dict[str, Any]) -> None:
    props = app_logic.event_for_click("7. Meeting with Prime Minister Shigeru Ishiba", None, built)
    assert props is not None and props["event_id"] == "meeting-with-shigeru-ishiba"
    props = app_logic.event_for_click(None, {"lat": 35.648944, "lng": 139.742917}, built)
    assert props is not None and props["event_id"] == "keio-university-speech"
    assert app_logic.event_for_click(None, {"lat": 0.0, "lng": 0.0}, built) is None


def test_details_escape_every_value_and_allow_only_http_links(built: dict[str, Any]) -> None:
    event = copy.deepcopy(
        next(f for f in built["features"] if f["id"] == "yokosuka-naval-base-visit")
    )
    props = event["properties"]
    props["title"] = XSS
    props["quote"] = XSS
    props["actor_roles"] = [XSS]
    props["sources"] = ["javascript:alert(1)", "https://example.org/?a=1&b=<2>"]
    html = app_logic.details_html(props)
    assert "<script>" not in html and "<img" not in html
    assert 'href="javascript:' not in html
    assert 'href="https://example.org/?a=1&amp;b=&lt;2&gt;"' in html
    assert "Discrepancies" in html


def test_quote_spans_cover_events_and_partners(built: dict[str, Any]) -> None:
    spans, seqs = app_logic.quote_marks(filter_collection(built, days=[1]))
    labels = [label for _, _, label in spans]
    assert sum(1 for label in labels if label[0].isdigit()) == 3
    assert "South Korea" in labels
    # Each event's span label gives its seq; a partner's gives none.
    assert sorted(seqs.values()) == [1, 2, 3] and "South Korea" not in seqs
    assert all(label.startswith(f"{seq}. ") for label, seq in seqs.items())


def test_event_type_in_the_url_is_case_insensitive_like_actors(built: dict[str, Any]) -> None:
    parsed = app_logic.parse_query({"type": ["Meeting", "SPEECH"], "day": ["²"]}, available(built))
    assert parsed.filters.types == ("meeting", "speech")
    assert parsed.ignored == ["day=²"]


def test_details_do_not_repeat_a_time_the_label_already_gives(built: dict[str, Any]) -> None:
    ishiba = next(f for f in built["features"] if f["id"] == "meeting-with-shigeru-ishiba")
    html = app_logic.details_html(ishiba["properties"])
    assert "2025-04-09 18:10, about 45 minutes" in html
    assert "18:10 18:10" not in html and "18:10 (18:10" not in html


def test_playback_links_keep_only_a_well_formed_moment_and_play_1() -> None:
    from mapapp.app.logic import playback_query

    assert playback_query({"t": ["2025-04-09T14:00"], "play": ["1"]}) == {
        "t": ["2025-04-09T14:00"],
        "play": ["1"],
    }
    assert playback_query({"t": ["2025-04-09T14:00<script>"], "play": ["yes"]}) == {}
    assert playback_query({"t": ["9" * 5000]}) == {}


def test_a_filter_is_one_cache_key_whatever_order_its_values_were_picked_in() -> None:
    """One filter, one key in the caches every viewer shares; the filter keeps its order."""
    one = app_logic.Filters((2, 1), ("Yoji Muto", "Mark Rutte"))
    other = app_logic.Filters((1, 2), ("Mark Rutte", "Yoji Muto"))
    assert one != other and one.key() == other.key() and hash(one.key()) == hash(other.key())
    assert one.key().days == (1, 2) and one.days == (2, 1)
