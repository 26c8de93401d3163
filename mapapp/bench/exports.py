"""Export time and file size of every format, on the whole synthetic collection.

Called from `mapapp.bench.run.measure_size` (after its peak-RSS reading, so the
pipeline's peak stays comparable) and printed as its own table.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from typing import Any, TextIO

Result = dict[str, Any]

#: Above this many events the exports are not timed: at a million events every
#: format together takes about ten minutes and KML alone holds gigabytes in memory.
EXPORTS_MAX = 100_000


def measure_exports(
    collection: dict[str, Any],
    repeats: int,
    median_time: Callable[[Callable[[], Any], int], tuple[float, Any]],
) -> Result:
    """export_<format>_s (median) and export_<format>_bytes for every format
    (None above EXPORTS_MAX events)."""
    from mapapp.export.formats import FORMATS, export_bytes

    out: Result = {}
    events = sum(1 for f in collection["features"] if f["properties"]["kind"] == "event")
    if events > EXPORTS_MAX:
        return {f"export_{fmt}_{what}": None for fmt in FORMATS for what in ("s", "bytes")}
    for fmt in FORMATS:
        seconds, content = median_time(partial(export_bytes, collection, fmt), repeats)
        out[f"export_{fmt}_s"] = seconds
        out[f"export_{fmt}_bytes"] = len(content)
    return out


def print_export_table(results: list[Result], out: TextIO = sys.stdout) -> None:
    from mapapp.export.formats import FORMATS

    rows = [["events", *(f"{f} s / MB" for f in FORMATS)]]
    for r in results:
        cells = [str(r["size"])]
        for fmt in FORMATS:
            seconds, size = r.get(f"export_{fmt}_s"), r.get(f"export_{fmt}_bytes")
            if seconds is None or size is None:
                cells.append("-")
            else:
                cells.append(f"{seconds:.3f} / {size / 1e6:.2f}")
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print("\nexports of the whole collection (time, size):", file=out)
    for row in rows:
        print("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)), file=out)
