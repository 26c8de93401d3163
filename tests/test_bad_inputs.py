"""A corpus of bad input: each case must fail with one named error, exit 2, and write nothing.

Every case in tests/bad_inputs/<category>/ is a small patch on the real
data/itinerary.yaml (or, for `mapapp validate`, on data/itinerary.geojson), so
the unpatched base is checked to be valid and each case differs by one mistake.
A case file is a header and a patch:

    # expect: FIELD | MESSAGE FRAGMENT     (FIELD "-" means the file as a whole)
    # why: what the mistake is
    # command: build | validate | export   (default build)
    # args: extra arguments                ({tmp}, {data}, {seeds}, {readonly} are filled in)
    # setup: NAME                          (a file-system fixture, see SETUPS)
    # file: the file the message names     (default: the itinerary or GeoJSON file)
    # format: json                         (patch the itinerary's JSON form)
    # encoding: NAME                       (write the patched file in this encoding)
    # line: N                              (the expected line, where a marker cannot go)
    @@ replace / @@ with                   (replace the first occurrence; it must exist)
    @@ append                              (add to the end)
    @@ whole                               (the file is exactly this; no base)

In YAML, the line that must be reported carries the comment "# <-- expected error line".
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from fake_nominatim import ITINERARY, SEED
from typer.testing import CliRunner

from mapapp.cli import app

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
GEOJSON = ITINERARY.with_suffix(".geojson")
MARKER = "# <-- expected error line"
SENTINEL = b'{"type": "FeatureCollection", "features": [], "note": "built before this test"}\n'
CATEGORIES = ("syntax", "structure", "values", "references", "files", "outputs")


@dataclass(frozen=True)
class Case:
    path: Path
    field: str  # "" when the problem is with the file as a whole
    fragment: str
    headers: dict[str, str]
    patches: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, old, new)

    @property
    def command(self) -> str:
        return self.headers.get("command", "build")

    @classmethod
    def read(cls, path: Path) -> Case:
        text = path.read_text(encoding="utf-8")
        head, _, body = text.partition("\n@@ ")
        headers: dict[str, str] = {}
        for line in head.splitlines():
            key, _, value = line.removeprefix("# ").partition(": ")
            headers[key] = value
        assert "expect" in headers, f"{path.name}: no '# expect:' line"
        field_name, fragment = (p.strip() for p in headers["expect"].split(" | ", 1))
        # The file's last newline ends the last block; it is not part of its text.
        patches = _patches("@@ " + body.removesuffix("\n")) if body else []
        return cls(path, "" if field_name == "-" else field_name, fragment, headers, patches)

    def base(self) -> str:
        if self.command == "validate":
            return GEOJSON.read_text(encoding="utf-8")
        text = ITINERARY.read_text(encoding="utf-8")
        if self.headers.get("format") == "json":
            return json.dumps(yaml.safe_load(text), indent=2, default=str, ensure_ascii=False)
        return text

    def patched(self) -> str:
        text = self.base()
        for kind, old, new in self.patches:
            if kind == "whole":
                text = new + "\n" if new else ""
            elif kind == "append":
                text += new + "\n"
            else:
                assert old in text, f"{self.path.name}: the base no longer contains {old!r}"
                text = text.replace(old, new, 1)
        return text


def _patches(body: str) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    blocks = body.split("\n@@ ")
    blocks[0] = blocks[0].removeprefix("@@ ")
    pending = ""
    for block in blocks:
        kind, _, content = block.partition("\n")
        if kind == "replace":
            pending = content
        elif kind == "with":
            out.append(("replace", pending, content))
        else:
            out.append((kind, "", content))
    return out


CASES = sorted(CORPUS.glob("*/*.case"))


@dataclass
class Staged:
    root: Path
    data: Path
    seeds: Path
    target: Path  # the itinerary or GeoJSON file the command reads
    readonly: Path

    def fill(self, text: str) -> str:
        return text.format(tmp=self.root, data=self.data, seeds=self.seeds, readonly=self.readonly)


def _fifo(s: Staged) -> None:
    os.mkfifo(s.seeds / "pipe.txt")


def _loop(s: Staged) -> None:
    (s.seeds / "loop.txt").symlink_to("loop.txt")


def _escape(s: Staged) -> None:
    (s.seeds / "link.txt").symlink_to("/etc/passwd")


def _big_article(s: Staged) -> None:
    with (s.seeds / "big.txt").open("wb") as handle:
        handle.truncate(10 * 1024 * 1024 + 1)


def _big_itinerary(s: Staged) -> None:
    with (s.data / "huge.yaml").open("wb") as handle:
        handle.truncate(512 * 1024 * 1024 + 1)  # sparse: no disk used


def _latin1_article(s: Staged) -> None:
    text = SEED.read_text(encoding="utf-8").replace("’", "'").replace("“", '"')
    (s.seeds / "latin1.txt").write_bytes(text.encode("latin-1", errors="replace") + b"caf\xe9")


def _cache(text: str) -> Callable[[Staged], None]:
    def write(s: Staged) -> None:
        (s.data / "geocode_cache.json").write_text(text, encoding="utf-8")

    return write


def _cache_dir(s: Staged) -> None:
    (s.data / "geocode_cache.json").mkdir()


SETUPS: dict[str, Callable[[Staged], None]] = {
    "fifo-article": _fifo,
    "symlink-loop-article": _loop,
    "symlink-escape-article": _escape,
    "big-article": _big_article,
    "big-itinerary": _big_itinerary,
    "latin1-article": _latin1_article,
    "cache-bad-entry": _cache(
        '{"nominatim|kantei": {"provider": "nominatim", "query": "Kantei",\n'
        ' "results": [{"lat": "35.67", "lon": 139.74, "display_name": "Kantei"}]}}\n'
    ),
    "cache-not-json": _cache('{"nominatim|kantei": \n'),
    "cache-list": _cache("[]\n"),
    "cache-nan": _cache(
        '{"nominatim|kantei": {"results": [{"lat": NaN, "lon": 1,\n "display_name": "x"}]}}\n'
    ),
    "cache-dir": _cache_dir,
}


def stage(tmp_path: Path, case: Case) -> Staged:
    """Lay out data/ and seeds/ as in the repository, with a previous build's output."""
    root = tmp_path / "project"
    seeds, data = root / "seeds", root / "data"
    seeds.mkdir(parents=True)
    data.mkdir()
    shutil.copy(SEED, seeds / SEED.name)
    built = GEOJSON.read_bytes() if case.command == "export" else SENTINEL
    (data / "itinerary.geojson").write_bytes(built)
    if case.command == "validate":
        target = data / "case.geojson"
    else:
        target = data / (
            "itinerary.json" if case.headers.get("format") == "json" else "itinerary.yaml"
        )
    encoding = case.headers.get("encoding", "utf-8")
    target.write_bytes(case.patched().encode(encoding, errors="replace"))
    readonly = Path("/sys") if os.geteuid() == 0 else root / "readonly"
    staged = Staged(root, data, seeds, target, readonly)
    if os.geteuid() != 0:
        readonly.mkdir(mode=0o555)
    if "setup" in case.headers:
        SETUPS[case.headers["setup"]](staged)
    return staged


def arguments(case: Case, s: Staged) -> list[str]:
    extra = shlex.split(s.fill(case.headers.get("args", "")))
    if case.command == "validate":
        return ["validate", *(extra or [str(s.target)])]
    if case.command == "export":
        return ["export", "--data", str(s.data / "itinerary.geojson"), *extra]
    if "--itinerary" not in extra:
        extra = ["--itinerary", str(s.target), *extra]
    return ["build", "--offline", *extra]


def snapshot(*folders: Path) -> dict[str, bytes | str]:
    out: dict[str, bytes | str] = {}
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if p.is_symlink() or not p.is_file():
                out[str(p)] = "special"
            elif p.stat().st_size < 1024 * 1024:
                out[str(p)] = p.read_bytes()
            else:
                out[str(p)] = f"{p.stat().st_size} bytes"
    return out


def expected_line(case: Case) -> int | None:
    if "line" in case.headers:
        return int(case.headers["line"])
    marked = [n for n, t in enumerate(case.patched().splitlines(), start=1) if MARKER in t]
    assert len(marked) <= 1, f"{case.path.name}: mark at most one line with {MARKER!r}"
    return marked[0] if marked else None


def test_the_corpus_covers_every_category() -> None:
    counts = {c: len(list((CORPUS / c).glob("*.case"))) for c in CATEGORIES}
    assert sum(counts.values()) >= 60, counts
    assert all(n >= 5 for n in counts.values()), counts
    assert len(CASES) == sum(counts.values()), "every case sits in a category folder"


@pytest.mark.parametrize("source", [ITINERARY, GEOJSON], ids=["itinerary", "geojson"])
def test_the_unpatched_bases_are_valid(tmp_path: Path, source: Path) -> None:
    """The control: without its one mistake, each case would pass."""
    case = Case(source, "", "", {"command": "validate" if source == GEOJSON else "build"})
    staged = stage(tmp_path, case)

    done = CliRunner().invoke(app, arguments(case, staged))

    assert done.exit_code == 0, done.output
    if case.command == "build":
        assert (staged.data / "itinerary.geojson").read_bytes() != SENTINEL


def test_the_json_form_of_the_base_is_valid(tmp_path: Path) -> None:
    case = Case(ITINERARY, "", "", {"format": "json"})
    staged = stage(tmp_path, case)
    done = CliRunner().invoke(app, arguments(case, staged))
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize("source", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_bad_input_is_named_exits_2_and_writes_nothing(tmp_path: Path, source: Path) -> None:
    case = Case.read(source)
    staged = stage(tmp_path, case)
    before = snapshot(staged.root)

    done = CliRunner().invoke(app, arguments(case, staged))

    assert done.exit_code == 2, done.output
    assert "Traceback" not in done.output
    named = staged.fill(case.headers["file"]) if "file" in case.headers else str(staged.target)
    line = expected_line(case)
    # Without a marked line, any line (or none) may be named: unclosed quotes are
    # reported where the parser notices them.
    where = re.escape(named) + (r"(:\d+)?" if line is None else f":{line}")
    field_part = re.escape(f" [{case.field}]") if case.field else ""
    expected = re.compile(f"error: {where}{field_part}: ")
    reported = [text for text in done.output.splitlines() if expected.match(text)]
    assert reported, f"no line matching {expected.pattern!r} in:\n{done.output}"
    assert any(case.fragment in text for text in reported), done.output
    # Nothing written: the previous output is untouched and no temporary file is left.
    assert snapshot(staged.root) == before


def test_the_real_command_exits_2_without_a_traceback(tmp_path: Path) -> None:
    """One case through the installed `mapapp` script, in its own process."""
    case = Case.read(CORPUS / "structure" / "billion_laughs.case")
    staged = stage(tmp_path, case)
    script = Path(sys.executable).parent / "mapapp"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "mapapp.cli"]
    done = subprocess.run(
        [*command, *arguments(case, staged)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2, done.stderr
    assert "alias bomb" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_country_without_an_outline_is_a_notice_not_a_crash(tmp_path: Path) -> None:
    """Singapore has no offline outline: the partner is built without one, and said so."""
    case = Case(ITINERARY, "", "", {}, [("replace", "  - country: KR", "  - country: SG")])
    staged = stage(tmp_path, case)

    done = CliRunner().invoke(app, arguments(case, staged))

    assert done.exit_code == 0, done.output
    assert "warning: partner SG: no offline outline for this country" in done.output
    built = json.loads((staged.data / "itinerary.geojson").read_text(encoding="utf-8"))
    partners = {f["id"] for f in built["features"] if f["properties"]["kind"] == "partner"}
    assert partners == {"partner-jp", "partner-au", "partner-nz"}


def test_an_unexpected_error_is_one_line_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug is not the user's fault: exit 1, one line, and nothing written."""
    import mapapp.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("something inside broke")

    monkeypatch.setattr(mapapp.pipeline, "build", broken)
    monkeypatch.delenv("MAPAPP_DEBUG", raising=False)
    case = Case(ITINERARY, "", "", {})
    staged = stage(tmp_path, case)

    done = CliRunner().invoke(app, arguments(case, staged))

    assert done.exit_code == 1
    assert "error: unexpected RuntimeError: something inside broke" in done.output
    assert "Traceback" not in done.output
    assert (staged.data / "itinerary.geojson").read_bytes() == SENTINEL
