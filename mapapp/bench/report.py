"""The benchmark's report: growth from one size to the next, and the printed tables."""

from __future__ import annotations

import sys
from itertools import pairwise
from typing import Any, TextIO

METRICS = (
    "load_yaml_s", "load_json_s", "floor_parse_s", "build_s", "filter_export_s", "map_s",
    "payload_bytes", "peak_rss_mb", "naive_map_s", "naive_payload_bytes", "browser_markers_s",
)  # fmt: skip

Result = dict[str, Any]


def growth(results: list[Result]) -> None:
    """Add to each result the ratio of each cost to the previous size's."""
    previous: Result | None = None
    for result in results:
        ratios: dict[str, float | None] = {}
        for metric in METRICS:
            now = result.get(metric)
            before = previous.get(metric) if previous else None
            ratios[metric] = now / before if now is not None and before else None
        result["size_ratio"] = result["size"] / previous["size"] if previous else None
        result["growth"] = ratios if previous else None
        previous = result


def _fmt(value: Any, digits: int | None = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and digits is not None:
        return f"{value:.{digits}f}"
    return str(value)


TABLE_COLUMNS: list[tuple[str, str, int | None]] = [
    ("size", "size", None), ("rep", "repeats", None), ("load_yaml_s", "load_yaml_s", 3),
    ("load_json_s", "load_json_s", 3), ("floor_s", "floor_parse_s", 3), ("build_s", "build_s", 3),
    ("filter_export_s", "filter_export_s", 4), ("map_s", "map_s", 3),
    ("payload MB", "payload_mb", 2), ("peak RSS MB", "peak_rss_mb", 0),
    ("naive_map_s", "naive_map_s", 3), ("speedup", "speedup", 1),
    ("browser_s", "browser_markers_s", 3), ("end_to_end_s", "end_to_end_s", 2),
    ("frame_ms", "playback_frame_ms", 1),
]  # fmt: skip
LEGEND = (
    "rep = runs per measurement (medians); load_yaml_s = YAML, load_json_s = the same itinerary"
    " as JSON;\nfloor_s = orjson.loads of the same JSON bytes; speedup = naive_map_s / map_s;"
    "\npeak RSS = load (JSON), build, filter/export"
    " and map, without synthesis, YAML or the baseline; browser_s = page load to every"
    " event drawn, headless Chromium;\nframe_ms = median script time of one playback frame"
    " (time filter, routes, canvas redraw) over 41 moments across the trip"
)


def print_table(results: list[Result], out: TextIO = sys.stdout) -> None:
    """The per-size table, its growth ratios, then what was measured once."""
    rows = [[title for title, _, _ in TABLE_COLUMNS]]
    for r in results:
        mb = r["payload_bytes"] / 1e6 if r.get("payload_bytes") is not None else None
        values = {**r, "payload_mb": mb}
        rows.append([_fmt(values.get(key), digits) for _, key, digits in TABLE_COLUMNS])
    _print_grid(rows, out)
    print(LEGEND, file=out)
    if len(results) > 1:
        print("\ngrowth: cost(n) / cost(previous n)  (linear = the size ratio)", file=out)
        keys = [m for m in METRICS if any(r.get(m) is not None for r in results)]
        grid = [["n / prev", *keys]]
        for previous, r in pairwise(results):
            ratios = r["growth"] or {}
            cells = [_fmt(ratios.get(k), 1) for k in keys]
            grid.append([f"{r['size']}/{previous['size']}", *cells])
        _print_grid(grid, out)
    _print_once(results, out)


def _print_grid(rows: list[list[str]], out: TextIO) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)), file=out)


def _print_once(results: list[Result], out: TextIO) -> None:
    first = results[0] if results else {}
    print(
        f"\nimport mapapp: {_fmt(first.get('import_s'), 3)} s over a bare interpreter "
        f"(core pipeline: {_fmt(first.get('import_core_s'), 3)} s); heavy modules imported: "
        f"{first.get('import_heavy_modules') or 'none'}",
        file=out,
    )
    rerun = first.get("rerun_s")
    why = f" ({first.get('rerun_error')})" if first.get("rerun_error") else ""
    print(f"app rerun after a day-filter change (seed data): {_fmt(rerun, 3)} s{why}", file=out)
    for r in results:
        for note in r.get("notes", []):
            print(f"note [{r['size']}]: {note}", file=out)
    print(f"machine: {first.get('machine')}", file=out)
