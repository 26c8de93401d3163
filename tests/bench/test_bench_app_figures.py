"""The app figures of `mapapp bench`: a rerun at a size (issue 14's row), and the
largest upload the limits accept (the worst case of kept uploads, issue 17)."""

from __future__ import annotations

from pathlib import Path

from mapapp.bench.once import app_rerun_at
from mapapp.bench.serve import largest_accepted_upload
from mapapp.itinerary.load import MAX_BYTES, parse_itinerary


def test_rerun_figures_at_a_size_are_measured() -> None:
    figures = app_rerun_at(150, runs=2)
    assert set(figures) == {"rerun_s", "rerun_cold_s"}
    assert all(v > 0 for v in figures.values())


def test_the_largest_accepted_upload_is_what_the_app_accepts(
    tmp_path: Path,
) -> None:
    limit = 300_000
    events, text, article = largest_accepted_upload(limit, 10_000)
    raw = text.encode("utf-8")
    assert len(raw) <= limit and len(article.encode("utf-8")) <= limit
    assert len(article.encode("utf-8")) > limit - 2048  # the article fills its file too
    (tmp_path / "synthetic-article.txt").write_text(article, encoding="utf-8")
    loaded = parse_itinerary(raw, "upload.yaml", tmp_path, max_bytes=MAX_BYTES)
    assert len(loaded.itinerary.events) == events
