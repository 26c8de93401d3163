"""The README's benchmark table, regenerated from `mapapp bench --json` output.

    python -m mapapp.bench.readme bench.json            # print the table
    python -m mapapp.bench.readme bench.json README.md  # replace it in the README

The table sits between BEGIN and END markers in the README; the rest of the
file is left alone. The date is the JSON file's modification day (when the run
wrote it) and the machine is the one the run recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BEGIN = "<!-- bench-table:begin (python -m mapapp.bench.readme) -->"
END = "<!-- bench-table:end -->"

#: (column title, result key, how to show it)
COLUMNS: list[tuple[str, str, str]] = [
    ("load YAML (s)", "load_yaml_s", "s"),
    ("load JSON (s)", "load_json_s", "s"),
    ("orjson floor (s)", "floor_parse_s", "s"),
    ("build (s)", "build_s", "s"),
    ("map (s)", "map_s", "s"),
    ("filter + export (s)", "filter_export_s", "s"),
    ("peak RSS (MB)", "peak_rss_mb", "mb"),
    ("payload (MB)", "payload_bytes", "bytes"),
    ("naive map (s)", "naive_map_s", "s"),
    ("speed-up", "speedup", "x"),
    ("end to end (s)", "end_to_end_s", "s"),
    ("browser first draw (s)", "browser_first_draw_s", "s"),
    ("browser click (s)", "browser_click_s", "s"),
]


def _cell(value: Any, how: str) -> str:
    if value is None:
        return "–"
    if how == "x":
        return f"{value:.0f}×" if value >= 10 else f"{value:.1f}×"
    if how == "mb":
        return f"{value:,.0f}"
    if how == "bytes":
        return f"{value / 1e6:.2f}"
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def table(results: Sequence[dict[str, Any]], date: str) -> str:
    """The dated table: one row per size, only the columns some size measured."""
    shown = [c for c in COLUMNS if any(r.get(c[1]) is not None for r in results)]
    machine = results[0].get("machine") or {} if results else {}
    rerun = results[0].get("rerun_s") if results else None
    lines = [
        f"Measured on {date}: {machine.get('nproc', '?')} cores, {machine.get('platform', '?')}, "
        f"Python {machine.get('python', '?')}. App rerun after a filter change (seed data): "
        f"{_cell(rerun, 's')} s.",
        "",
        "| events | " + " | ".join(title for title, _, _ in shown) + " |",
        "|---:|" + "---:|" * len(shown),
    ]
    for r in results:
        cells = [_cell(r.get(key), how) for _, key, how in shown]
        lines.append(f"| {r['size']:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def replace_table(readme: str, new_table: str) -> str:
    """The README with the text between the markers replaced by the table."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the README has no {BEGIN!r} ... {END!r} block")
    return readme[: start + len(BEGIN)] + "\n" + new_table + "\n" + readme[end:]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (1, 2):
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(args[0])
    results = json.loads(source.read_text(encoding="utf-8"))
    date = dt.datetime.fromtimestamp(source.stat().st_mtime, dt.UTC).date().isoformat()
    text = table(results, date)
    if len(args) == 1:
        print(text)
        return 0
    readme = Path(args[1])
    readme.write_text(replace_table(readme.read_text(encoding="utf-8"), text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
