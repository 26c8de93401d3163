"""`mapapp print` end to end: the real command, Debian's chromium, and the PDF read
back by poppler (pdftotext, pdfinfo); the PNG read back by Pillow."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from tools import require

from mapapp.mapview.page import LEAFLET_CREDIT
from mapapp.mapview.render import render_html
from mapapp.printing.sheet import Layout, page_credits

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "itinerary.geojson"
pytestmark = pytest.mark.browser


def _seed_events() -> list[dict[str, Any]]:
    seed = json.loads(DATA.read_text(encoding="utf-8"))
    return [f["properties"] for f in seed["features"] if f["properties"]["kind"] == "event"]


def _print(tmp_path: Path, name: str, *args: str, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "mapapp.cli", "print", "--offline", "--data", str(DATA),
         "-o", str(tmp_path / name), *args],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


def _squash(text: str) -> str:
    """Without white space or hyphens: pdftotext breaks lines wherever the page wraps
    them, and joins a word hyphenated at a line's end ("start-" "ups": "startups")."""
    return "".join(text.split()).replace("-", "")


def _pdf_text(path: Path) -> str:
    tool = require("pdftotext", "Debian: apt-get install -y poppler-utils")
    return subprocess.run(
        [tool, "-raw", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _pdf_pages(path: Path) -> list[tuple[float, float]]:
    tool = require("pdfinfo", "Debian: apt-get install -y poppler-utils")
    out = subprocess.run(
        [tool, "-f", "1", "-l", "99", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return [
        (float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out)
    ]


@pytest.fixture(autouse=True)
def _chromium() -> None:
    require("chromium", "Debian: apt-get install -y chromium")


def test_the_pdf_holds_every_event_and_the_credits_on_a_portrait_a4_page(tmp_path: Path) -> None:
    done = _print(tmp_path, "trip.pdf")
    assert done.returncode == 0, done.stderr
    text = _squash(_pdf_text(tmp_path / "trip.pdf"))
    events = _seed_events()
    for p in events:
        assert _squash(p["title"]) in text, p["title"]
        assert _squash(p["place_name"]) in text, p["place_name"]
    seed = json.loads(DATA.read_text(encoding="utf-8"))
    credits = page_credits(render_html(seed))
    assert credits, "the offline basemap names its sources"
    for credit in [*credits, LEAFLET_CREDIT]:
        assert _squash(credit) in text, credit
    assert _squash(seed["mapapp_metadata"]["trip"]) in text
    assert "Generated" in text
    pages = _pdf_pages(tmp_path / "trip.pdf")
    assert len(pages) == 1, "the seed trip fits on one page"
    w, h = pages[0]
    assert (round(w), round(h)) == (595, 842)  # A4 portrait, in points


def test_a_filtered_landscape_letter_pdf_lists_only_the_filtered_events(tmp_path: Path) -> None:
    done = _print(
        tmp_path, "muto.pdf", "--day", "2", "--actor", "yoji muto", "--paper", "letter",
        "--landscape",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = _squash(_pdf_text(tmp_path / "muto.pdf"))
    events = _seed_events()
    kept = [p for p in events if p["day"] == 2 and "Yoji Muto" in p["actors"]]
    assert len(kept) == 2
    for p in events:
        assert (_squash(p["title"]) in text) == (p in kept), p["title"]
    assert _squash("Showing: day 2; actor Yoji Muto") in text
    pages = _pdf_pages(tmp_path / "muto.pdf")
    assert pages and all((round(w), round(h)) == (792, 612) for w, h in pages)


def test_the_png_is_twice_the_page_size_and_not_blank(tmp_path: Path) -> None:
    done = _print(tmp_path, "trip.png", "--day", "1")
    assert done.returncode == 0, done.stderr
    image = Image.open(tmp_path / "trip.png").convert("RGB")
    width, height = Layout("A4", False).page_px
    assert image.width == 2 * width
    assert image.height >= 2 * height
    pixels = np.asarray(image.resize((image.width // 8, image.height // 8))).reshape(-1, 3)
    inked = float((pixels.astype(int).sum(axis=1) < 3 * 235).mean())
    assert inked > 0.2, f"only {inked:.0%} of the page is drawn"
    assert len(np.unique(pixels, axis=0)) > 500, "a map, markers and text: many colours"


def test_without_chromium_one_line_names_what_to_install(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MAPAPP_CHROMIUM"}
    env["PATH"] = str(tmp_path / "empty")
    done = _print(tmp_path, "trip.pdf", env=env)
    assert done.returncode == 3
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "apt-get install chromium" in lines[0], done.stderr
    assert not (tmp_path / "trip.pdf").exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-o", "trip.txt"], "give a .pdf or .png"),
        (["--actor", "Nobody"], "unknown actor"),
        (["--paper", "A3"], "paper must be"),
    ],
)
def test_bad_requests_are_one_clear_line_and_write_nothing(
    tmp_path: Path, args: list[str], needle: str
) -> None:
    out = ["-o", str(tmp_path / args[1])] if args[0] == "-o" else args
    done = subprocess.run(
        [sys.executable, "-m", "mapapp.cli", "print", "--offline", "--data", str(DATA),
         *(["-o", str(tmp_path / "trip.pdf")] if args[0] != "-o" else []), *out],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert needle in done.stderr
    assert list(tmp_path.iterdir()) == []
