"""A corpus of broken itineraries: each must fail clearly and write nothing.

Every file in tests/bad_inputs/ is the curated itinerary with one mistake. Its
first line states what must be reported:

    # expect: FIELD | MESSAGE FRAGMENT     (FIELD "-" means the file as a whole)

and the offending line carries the comment "# <-- expected error line".
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from fake_nominatim import ITINERARY, SEED

from mapapp.errors import InputError
from mapapp.pipeline import build

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
MARKER = "# <-- expected error line"
SENTINEL = b'{"type": "FeatureCollection", "features": [], "note": "built before this test"}\n'


@dataclass(frozen=True)
class Case:
    path: Path
    field: str  # "" when the problem is with the file as a whole
    fragment: str
    line: int

    @classmethod
    def read(cls, path: Path) -> Case:
        lines = path.read_text(encoding="utf-8").splitlines()
        header = lines[0]
        assert header.startswith("# expect: "), f"{path.name}: no '# expect:' first line"
        field, fragment = (part.strip() for part in header.removeprefix("# expect: ").split("|", 1))
        marked = [n for n, text in enumerate(lines, start=1) if MARKER in text]
        assert len(marked) == 1, f"{path.name}: mark exactly one line with {MARKER!r}"
        return cls(path, "" if field == "-" else field, fragment, marked[0])


CASES = sorted(CORPUS.glob("*.yaml"))


def stage(tmp_path: Path, source: Path) -> Path:
    """Lay out data/ and seeds/ as in the repository, with a previous build's output."""
    (tmp_path / "seeds").mkdir()
    shutil.copy(SEED, tmp_path / "seeds" / SEED.name)
    (tmp_path / "data").mkdir()
    itinerary = tmp_path / "data" / "itinerary.yaml"
    shutil.copy(source, itinerary)
    (tmp_path / "data" / "itinerary.geojson").write_bytes(SENTINEL)
    return itinerary


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def cli() -> list[str]:
    script = Path(sys.executable).parent / "mapapp"
    return [str(script)] if script.exists() else [sys.executable, "-m", "mapapp.cli"]


def run_build(itinerary: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [*cli(), "build", "--offline", "--itinerary", str(itinerary)],
        cwd=itinerary.parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_corpus_covers_every_kind_of_failure() -> None:
    names = {p.stem for p in CASES}
    assert names >= {
        "malformed_yaml",
        "unknown_place",
        "unknown_actor",
        "duplicate_ids",
        "quote_offsets",
        "latitude_out_of_range",
        "date_mismatch",
        "pin_outside_country",
        "unquoted_time",
    }
    for path in CASES:
        Case.read(path)
        # stage() relies on the article path of data/itinerary.yaml.
        assert f"path: ../seeds/{SEED.name}\n" in path.read_text(encoding="utf-8"), path.name


def test_the_unbroken_itinerary_builds(tmp_path: Path) -> None:
    """The control: without its one mistake, each corpus file would pass."""
    itinerary = stage(tmp_path, ITINERARY)

    done = run_build(itinerary)

    assert done.returncode == 0, done.stderr
    output = (tmp_path / "data" / "itinerary.geojson").read_bytes()
    assert output != SENTINEL
    assert b'"FeatureCollection"' in output
    assert not [p for p in (tmp_path / "data").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("source", CASES, ids=lambda p: p.stem)
def test_cli_refuses_bad_input_and_writes_nothing(tmp_path: Path, source: Path) -> None:
    case = Case.read(source)
    itinerary = stage(tmp_path, source)
    before = snapshot(itinerary.parent)

    done = run_build(itinerary)

    assert done.returncode == 2, done.stderr
    where = f"{itinerary}:{case.line}"
    expected = f"{where} [{case.field}]: " if case.field else f"{where}: "
    reported = [line for line in done.stderr.splitlines() if expected in line]
    assert reported, f"no line with {expected!r} in stderr:\n{done.stderr}"
    assert any(case.fragment in line for line in reported), done.stderr
    assert "Traceback" not in done.stderr
    # Nothing written: the previous output is untouched and no temp file is left.
    assert snapshot(itinerary.parent) == before
    assert snapshot(tmp_path / "seeds") == {SEED.name: SEED.read_bytes()}


@pytest.mark.parametrize("source", CASES, ids=lambda p: p.stem)
def test_pipeline_raises_input_error_and_writes_nothing(tmp_path: Path, source: Path) -> None:
    case = Case.read(source)
    itinerary = stage(tmp_path, source)
    before = snapshot(itinerary.parent)

    with pytest.raises(InputError) as caught:
        build(itinerary, offline=True)

    matching = [
        p
        for p in caught.value.problems
        if p.file == str(itinerary) and p.field == case.field and p.line == case.line
    ]
    assert matching, [str(p) for p in caught.value.problems]
    assert any(case.fragment in p.message for p in matching)
    assert snapshot(itinerary.parent) == before
