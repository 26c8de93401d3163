"""quickstart.py's first run shows one line per package pip installs, not 50 silent seconds."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from conftest import ROOT

# pip's own lines, as it prints them without --quiet (index and local-wheel installs).
PIP_OUTPUT = """\
Looking in indexes: https://pypi.org/simple
Obtaining file:///work/mapapp
  Installing build dependencies: started
Collecting folium>=0.20 (from mapapp==0.1.0)
  Using cached folium-0.20.0-py2.py3-none-any.whl.metadata (4.2 kB)
Collecting streamlit-folium>=0.27.4 (from mapapp==0.1.0)
Processing /opt/wheels/tqdm-4.70.1-py3-none-any.whl (from mapapp==0.1.0)
Processing /opt/wheels/charset_normalizer-3.4.0-cp311-cp311-manylinux_2_17_x86_64.whl
Requirement already satisfied: pip in ./.venv/lib/python3.11/site-packages (25.0)
Installing collected packages: tqdm, folium, charset_normalizer, streamlit-folium, mapapp
  Attempting uninstall: tqdm
Successfully installed charset_normalizer-3.4.0 folium-0.20.0 mapapp-0.1.0 tqdm-4.70.1 x-1
"""


def load_quickstart() -> ModuleType:
    spec = importlib.util.spec_from_file_location("quickstart", ROOT / "quickstart.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["quickstart"] = module
    spec.loader.exec_module(module)
    return module


def test_pip_output_becomes_one_numbered_line_per_package() -> None:
    progress = load_quickstart().PipProgress()
    shown = [progress.line(line) for line in PIP_OUTPUT.splitlines(keepends=True)]
    assert [line for line in shown if line is not None] == [
        "  1 collecting folium",
        "  2 collecting streamlit-folium",
        "  3 collecting tqdm",
        "  4 collecting charset_normalizer",
        "installing 5 packages",
        "installed 5 packages",
    ]
    assert progress.collected == 4
