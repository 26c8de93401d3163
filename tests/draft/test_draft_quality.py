"""`mapapp draft` scored against ground truth: four articles of our own and the seed.

The targets are the issue's: place recall >= 0.8, precision >= 0.8, date accuracy
>= 0.7, actor recall >= 0.9, on every article. Time and memory are reported, not
asserted (performance belongs in `mapapp bench`).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from draft_quality import TARGETS, Score, draft_and_build, score, table, truths

TRUTHS = truths()


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Score]:
    work = tmp_path_factory.mktemp("drafts")
    out = {}
    for truth in TRUTHS:
        events, seconds, peak = draft_and_build(truth, work)
        out[truth.name] = score(truth, events, seconds, peak)
    print("\n" + table(list(out.values())))
    return out


@pytest.mark.parametrize("name", [t.name for t in TRUTHS])
def test_each_article_meets_every_target(name: str, scores: dict[str, Score]) -> None:
    result = scores[name]
    failing = {k: round(getattr(result, k), 2) for k in result.below_target()}
    assert failing == {}, f"{name}: below target {TARGETS}: {failing}"


def test_the_truth_files_cite_a_source_for_every_fact() -> None:
    import yaml

    for path in sorted(Path(__file__).parent.joinpath("articles").glob("*.truth.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert len(raw["sources"]) >= 2, path.name
        for section in ("places", "events", "actors"):
            for item in raw[section]:
                assert str(item["source"]).startswith(("http://", "https://")), (path.name, item)
        places = {p["id"] for p in raw["places"]}
        assert {e["place"] for e in raw["events"]} <= places, path.name
