"""The cap on a file named on the command line: 512 MB, or the operator's own.

The person who starts mapapp may raise it (a million events' itinerary is about
1.1 GB) or lower it; a bad value is refused by the variable's name, exit 2.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mapapp.cli import app
from mapapp.errors import InputError
from mapapp.safe_files import MAX_FILE_ENV, max_file_bytes, read_regular

MB = 1024 * 1024
SEED_GEOJSON = Path(__file__).resolve().parents[1] / "data" / "itinerary.geojson"


def test_the_default_cap_is_512_mb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAX_FILE_ENV, raising=False)
    assert max_file_bytes() == 512 * MB


def test_the_operator_sets_the_cap_in_mb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.bin"
    target.write_bytes(b"x" * (MB + 1))

    monkeypatch.setenv(MAX_FILE_ENV, "1")
    with pytest.raises(InputError) as refused:
        read_regular(target)
    assert "the limit is 1 MB" in refused.value.problems[0].message

    monkeypatch.setenv(MAX_FILE_ENV, " 2 ")
    assert len(read_regular(target)) == MB + 1


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "1e3", "abc", "²", "65537", "9999999"])
def test_a_bad_cap_is_refused_by_its_name(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_FILE_ENV, value)
    with pytest.raises(InputError) as refused:
        max_file_bytes()
    problem = refused.value.problems[0]
    assert problem.file == MAX_FILE_ENV
    assert repr(value) in problem.message


def test_the_command_line_keeps_to_the_operators_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same 1.2 MB GeoJSON: refused under a 1 MB cap, valid under the default."""
    padded = tmp_path / "padded.geojson"
    padded.write_bytes(SEED_GEOJSON.read_bytes() + b" " * (MB + MB // 5))

    monkeypatch.setenv(MAX_FILE_ENV, "1")
    done = CliRunner().invoke(app, ["validate", str(padded)])
    assert done.exit_code == 2, done.output
    assert "the limit is 1 MB" in done.output

    monkeypatch.setenv(MAX_FILE_ENV, "not a number")
    done = CliRunner().invoke(app, ["validate", str(padded)])
    assert done.exit_code == 2, done.output
    assert f"{MAX_FILE_ENV}: must be a whole number of MB" in done.output
    assert "Traceback" not in done.output

    monkeypatch.delenv(MAX_FILE_ENV)
    done = CliRunner().invoke(app, ["validate", str(padded)])
    assert done.exit_code == 0, done.output


def test_the_app_command_refuses_a_bad_cap_before_it_serves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The data is built already, so nothing else would read a file before the page:
    the command itself must say it (the page said "Run mapapp build first")."""

    def serve(*_args: object) -> None:
        raise AssertionError("the app was started")

    monkeypatch.setattr("os.execve", serve)  # should the check go, fail, not become a server
    monkeypatch.setenv(MAX_FILE_ENV, "abc")
    done = CliRunner().invoke(app, ["app", "--offline", "--port", "1"])
    assert done.exit_code == 2, done.output
    assert f"{MAX_FILE_ENV}: must be a whole number of MB" in done.output
    assert "serving" not in done.output
