"""The benchmark's export measurements: every format, a time and the file's real size."""

from __future__ import annotations

import io
from pathlib import Path

from mapapp.bench.exports import print_export_table
from mapapp.bench.run import measure_size
from mapapp.export.formats import FORMATS


def test_every_format_is_measured_with_its_size(tmp_path: Path) -> None:
    result = measure_size(20, repeats=1, workdir=tmp_path, naive_max=0, browser_max=0, yaml_max=0)
    for fmt in FORMATS:
        assert result[f"export_{fmt}_s"] > 0
        assert result[f"export_{fmt}_bytes"] > 0
    # The GeoJSON export is the stored file's bytes (the build wrote the same collection).
    assert result["export_geojson_bytes"] == result["geojson_bytes"]
    out = io.StringIO()
    print_export_table([result], out)
    lines = out.getvalue().splitlines()
    assert lines[2].split() == ["events", *[w for f in FORMATS for w in (f, "s", "/", "MB")]]
    assert lines[3].split()[0] == "20"
