"""Lines of a large itinerary come from the parser's event stream, not a node tree.

The node tree of an 82 MB itinerary took 2.3 GB to name one bad field's line;
the stream keeps only the paths asked for. Both must name the same lines.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import yaml

from mapapp.bench.synth import synthetic_itinerary, synthetic_json
from mapapp.errors import InputError
from mapapp.itinerary import yaml_lines
from mapapp.itinerary.load import parse_itinerary
from mapapp.itinerary.yaml_lines import LineIndex, _line_map


def _expected(lines: dict[tuple[str | int, ...], int], path: tuple[str | int, ...]) -> int | None:
    return next(
        (lines[path[:end]] for end in range(len(path), -1, -1) if path[:end] in lines), None
    )


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


def test_an_alias_has_its_own_line_and_nothing_under_it_has_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "a: &x\n  b: 1\n  c: 2\nd:\n  - 0\n  - *x\n"
    monkeypatch.setattr(yaml_lines, "STREAM_ABOVE", 0)
    index = LineIndex(text)
    assert index.line(("a", "c")) == 3
    assert index.line(("d", 1)) == index.line(("d", 1, "c")) == 6


@pytest.mark.parametrize("form", ["json one line", "json indented", "yaml"])
def test_streamed_lines_agree_with_the_node_tree(
    form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if form == "yaml":  # aliases written out (an alias's own rule: the test below)
        data = yaml.safe_load(synthetic_itinerary(60, 1)[0])
        text = yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)
    else:
        text = synthetic_json(60, 1)[0]
        if form == "json indented":
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    whole = _line_map(text, None)
    rnd = random.Random(7)
    paths = rnd.sample(sorted(whole, key=str), 300)
    asked = paths + [(*p, "missing", 0) for p in paths[:40]] + [("events", 10**6), ("nope",)]
    monkeypatch.setattr(yaml_lines, "STREAM_ABOVE", 0)
    index = LineIndex(text)
    index.prefetch(asked[:150])  # some at once, the rest one by one
    for path in asked:
        assert index.line(path) == _expected(whole, path), path


def test_a_large_itinerary_refused_names_the_line_of_its_bad_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, article = synthetic_json(40, 0)
    data = json.loads(text)
    data["events"][-1]["date"] = "2199-01-01"
    pretty = json.dumps(data, indent=1, ensure_ascii=False)
    monkeypatch.setattr(yaml_lines, "STREAM_ABOVE", 0)
    with pytest.raises(InputError) as caught:
        parse_itinerary(
            pretty.encode(), "big.json", base_dir=tmp_path, article_text=article, max_bytes=None
        )
    (problem,) = caught.value.problems
    assert problem.field == "events[39].date"
    assert "2199" in problem.message
    (line,) = [n for n, row in enumerate(pretty.splitlines(), 1) if '"2199-01-01"' in row]
    assert problem.line == line
