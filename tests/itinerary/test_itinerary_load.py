"""Loading an itinerary: validation and cross-checks, each problem with file, field, line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from fake_nominatim import ITINERARY, SEED, itinerary_yaml, line_of, place_yaml

from mapapp.errors import InputError, Problem
from mapapp.itinerary.load import MAX_BYTES, load_itinerary, parse_itinerary
from mapapp.itinerary.yaml_lines import dotted

QUERY = "JMSDF Yokosuka Naval Base, Yokosuka, Kanagawa"


def minimal(tmp_path: Path, text: str | None = None, name: str = "itinerary.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text or itinerary_yaml(place_yaml("base", QUERY)), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_itinerary(path)
    problems: list[Problem] = caught.value.problems
    return problems


def test_the_curated_itinerary_loads() -> None:
    loaded = load_itinerary(ITINERARY)
    it = loaded.itinerary

    assert it.trip.visitor == "mark-rutte"
    assert loaded.article_text == SEED.read_text(encoding="utf-8")
    assert {p.id for p in it.places} >= {"jmsdf-yokosuka", "kantei"}
    assert all(it.place(e.place) for e in it.events)
    for event in it.events:
        assert loaded.article_text[event.quote.start : event.quote.end] == event.quote.text
    text = ITINERARY.read_text(encoding="utf-8")
    assert loaded.line(("places", 0, "pin")) == line_of(text, "pin:", after="id: jmsdf-yokosuka")
    assert loaded.line(("trip", "visitor")) == line_of(text, "visitor: mark-rutte")


def test_line_of_a_missing_field_is_its_parent() -> None:
    loaded = load_itinerary(ITINERARY)
    text = ITINERARY.read_text(encoding="utf-8")
    # Event 0 has no "time"; the nearest line is the event's own.
    assert loaded.line(("events", 0, "time")) == line_of(text, "- id: yokosuka-naval-base-visit")


def test_json_itinerary_loads(tmp_path: Path) -> None:
    data = yaml.safe_load(ITINERARY.read_text(encoding="utf-8"))
    data["trip"]["article"] = {"path": "seeds/" + SEED.name}
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / SEED.name).write_bytes(SEED.read_bytes())
    path = tmp_path / "itinerary.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")

    loaded = load_itinerary(path)

    assert len(loaded.itinerary.events) == len(data["events"])


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = minimal(tmp_path, '{\n  "trip": {\n    "title": "x",\n  }\n}\n', "itinerary.json")
    [problem] = problems_of(path)
    assert problem.message.startswith("invalid JSON")
    assert problem.line == 4


def test_missing_file(tmp_path: Path) -> None:
    [problem] = problems_of(tmp_path / "nope.yaml")
    assert problem.file == str(tmp_path / "nope.yaml")
    assert "cannot read file" in problem.message


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "itinerary.yaml"
    path.write_bytes(b"trip:\n  title: caf\xe9\n")
    [problem] = problems_of(path)
    assert "not UTF-8" in problem.message
    assert "byte 18" in problem.message


def test_too_big_is_refused_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the limit is 10 MB"):
        parse_itinerary(b"#" * (MAX_BYTES + 1), "big.yaml", base_dir=tmp_path)


@pytest.mark.parametrize("text", ["- a\n- b\n", "just a string\n", ""])
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str) -> None:
    path = tmp_path / "itinerary.yaml"
    path.write_text(text, encoding="utf-8")
    [problem] = problems_of(path)
    assert problem.message.startswith("the top level must be a mapping")
    assert problem.line == 1


def test_missing_article_names_the_path_field(tmp_path: Path) -> None:
    text = re.sub(
        r"    text: .*", "    path: no/such/article.txt", itinerary_yaml(place_yaml("base", QUERY))
    )
    path = minimal(tmp_path, text)
    [problem] = problems_of(path)
    assert problem.field == "trip.article.path"
    assert problem.line == line_of(text, "path:")
    assert "cannot read the article" in problem.message


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    text = itinerary_yaml(place_yaml("base", QUERY)).replace(
        "    precision: 1\n", "    precision: 1\n    elevation: 12\n", 1
    )
    path = minimal(tmp_path, text)
    [problem] = problems_of(path)
    assert problem.field == "places[0].elevation"
    assert problem.line == line_of(text, "elevation:")
    assert "Extra inputs are not permitted" in problem.message


def test_every_schema_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        itinerary_yaml(place_yaml("base", QUERY))
        .replace("    country: JP", "    country: Japan")
        .replace("kind: person", "kind: robot")
    )
    path = minimal(tmp_path, text)
    fields = {p.field: p for p in problems_of(path)}
    assert set(fields) == {"places[0].country", "actors[0].kind"}
    assert fields["places[0].country"].line == line_of(text, "country: Japan")
    assert fields["actors[0].kind"].line == line_of(text, "kind: robot")


def test_every_cross_check_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        itinerary_yaml(place_yaml("base", QUERY))
        .replace("place: base", "place: elsewhere")
        .replace("date: 2025-04-08\n    type", "date: 2025-04-09\n    type")
        .replace("visitor: mark-rutte", "visitor: someone-else")
    )
    path = minimal(tmp_path, text)
    problems = problems_of(path)
    assert {p.field: p.line for p in problems} == {
        "trip.visitor": line_of(text, "visitor:"),
        "events[0].place": line_of(text, "place: elsewhere"),
        "events[0].date": line_of(text, "date: 2025-04-09"),
    }
    assert all(p.file == str(path) for p in problems)


def test_unquoted_time_says_to_quote_it(tmp_path: Path) -> None:
    text = itinerary_yaml(place_yaml("base", QUERY)).replace(
        "    type: visit\n", "    time: 18:10\n    type: visit\n"
    )
    path = minimal(tmp_path, text)
    [problem] = problems_of(path)
    assert problem.field == "events[0].time"
    assert problem.line == line_of(text, "time: 18:10")
    assert 'quoted in YAML ("18:10")' in problem.message
    assert "1090" in problem.message


@pytest.mark.parametrize(("time", "ok"), [('"18:10"', True), ('"24:00"', False), ('"6pm"', False)])
def test_quoted_time_must_be_hh_mm(tmp_path: Path, time: str, ok: bool) -> None:
    text = itinerary_yaml(place_yaml("base", QUERY)).replace(
        "    type: visit\n", f"    time: {time}\n    type: visit\n"
    )
    path = minimal(tmp_path, text)
    if ok:
        assert load_itinerary(path).itinerary.events[0].time == "18:10"
    else:
        [problem] = problems_of(path)
        assert problem.field == "events[0].time"
        assert "HH:MM" in problem.message


def test_misplaced_quote_points_at_where_the_text_is(tmp_path: Path) -> None:
    text = itinerary_yaml(place_yaml("base", QUERY))
    text = text.replace("start: 0, end: 33", "start: 1, end: 34")
    path = minimal(tmp_path, text)
    [problem] = problems_of(path)
    assert problem.field == "events[0].quote.start"
    assert problem.line == line_of(text, "quote:")
    assert problem.message.endswith("not at offsets 1-34 of the article; the text occurs at 0-33")


def test_quote_absent_from_the_article(tmp_path: Path) -> None:
    text = itinerary_yaml(place_yaml("base", QUERY)).replace(
        '{text: "NATO Secretary-General Mark Rutte"',
        '{text: "NATO Secretary-General Jens Stoltenberg"',
    )
    path = minimal(tmp_path, text)
    [problem] = problems_of(path)
    assert "the text occurs" not in problem.message


def test_problem_text_format() -> None:
    assert str(Problem("a.yaml", "events[0].place", "unknown place 'x'", 12)) == (
        "a.yaml:12 [events[0].place]: unknown place 'x'"
    )
    assert str(Problem("a.yaml", "", "invalid YAML: oops", 3)) == "a.yaml:3: invalid YAML: oops"
    assert str(Problem("a.yaml", "", "cannot read file")) == "a.yaml: cannot read file"
    assert dotted(("events", 0, "actors", 1, "actor")) == "events[0].actors[1].actor"


def test_locate_quote_refuses_an_ambiguous_quote() -> None:
    from mapapp.itinerary.quotes import find_quote

    article = SEED.read_bytes().decode("utf-8")
    assert article.count("Rutte") > 1
    with pytest.raises(InputError, match="occurs more than once"):
        find_quote(ITINERARY, "Rutte")
    start, end = find_quote(ITINERARY, "and trade minister Yoji Muto")
    assert article[start:end] == "and trade minister Yoji Muto"


def test_the_article_must_stay_inside_the_root(tmp_path: Path) -> None:
    """By default the project holding the itinerary; --root widens or narrows it."""
    (tmp_path / "data").mkdir()
    (tmp_path / "outside.txt").write_bytes(SEED.read_bytes())
    text = re.sub(
        r"    text: .*", "    path: ../outside.txt", itinerary_yaml(place_yaml("b", QUERY))
    )
    path = tmp_path / "data" / "itinerary.yaml"
    path.write_text(text, encoding="utf-8")

    assert load_itinerary(path).article_text == SEED.read_bytes().decode("utf-8")
    [problem] = problems_of_root(path, tmp_path / "data")
    assert problem.field == "trip.article.path"
    assert "outside the allowed folder" in problem.message and "--root" in problem.message


def problems_of_root(path: Path, root: Path) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load_itinerary(path, root=root)
    problems: list[Problem] = caught.value.problems
    return problems


def test_an_upload_never_reads_the_path_it_names(tmp_path: Path) -> None:
    text = re.sub(r"    text: .*", "    path: /etc/passwd", itinerary_yaml(place_yaml("b", QUERY)))
    with pytest.raises(InputError) as caught:
        parse_itinerary(text.encode(), "up.yaml", base_dir=tmp_path, find_article=lambda a: None)
    [problem] = caught.value.problems
    assert "cannot read files on the server" in problem.message
    assert "passwd" in problem.message  # it names the file to upload alongside
    assert "root:" not in problem.message


def test_aliases_within_the_budget_still_work() -> None:
    """The seed shares Tokyo's locality with `*tokyo`; that must keep loading."""
    assert "*tokyo" in ITINERARY.read_text(encoding="utf-8")
    places = load_itinerary(ITINERARY).itinerary.places
    assert places[3].locality == places[2].locality


def test_an_upload_with_too_many_values_is_refused_before_it_is_built(tmp_path: Path) -> None:
    """10 MB of "- x" lines would cost over a gigabyte as YAML nodes; the count stops it."""
    raw = b"- x\n" * 300_000
    with pytest.raises(InputError, match="more than 250,000 values"):
        parse_itinerary(raw, "many.yaml", base_dir=tmp_path)


@pytest.mark.parametrize("places_last", [False, True])
def test_a_json_load_keeps_the_lines_of_its_places_only(tmp_path: Path, places_last: bool) -> None:
    """After a JSON load, what geocoding reports (a place's line) is still found in the
    file, wherever the places stand in it; the rest of the file is not kept for lines."""
    data = yaml.safe_load(ITINERARY.read_text(encoding="utf-8"))
    data["trip"]["article"] = {"path": "seeds/" + SEED.name}
    if places_last:
        data["places"] = data.pop("places")
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / SEED.name).write_bytes(SEED.read_bytes())
    path = tmp_path / "itinerary.json"
    text = json.dumps(data, default=str, indent=2)
    path.write_text(text, encoding="utf-8")

    loaded = load_itinerary(path)

    pinned = next(i for i, p in enumerate(data["places"]) if "pin" in p)
    after = f'"id": "{data["places"][pinned]["id"]}"'
    assert loaded.line(("places", pinned, "pin")) == line_of(text, '"pin":', after=after)
    assert loaded.line(("places", pinned)) == line_of(text, after, after='"places":') - 1
    assert loaded.line(("trip", "visitor")) is None
