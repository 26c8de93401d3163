"""Every shell example in README.md runs, from a copy of the repository's seed data.

Each line of a fenced block (no language, or sh/bash/shell/console) is run with
bash, `set -o pipefail`, the virtualenv's bin/ first on PATH, in a temporary copy
of data/ and seeds/. Only the quickstart commands that start the server or this
very test suite are not run; the test checks that they are the only ones.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from tools import require

SHELL_LANGUAGES = {"", "sh", "bash", "shell", "console"}
#: Examples that start a long-running server, or the whole suite (which runs this test).
NOT_RUN = {"python3 quickstart.py app", "python3 quickstart.py test"}


def shell_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```(\w*)\n(.*?)^```", text, flags=re.S | re.M)
    lines = [
        line.strip()
        for language, body in blocks
        if language in SHELL_LANGUAGES
        for line in body.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    return lines


EXAMPLES = [line for line in shell_examples() if line not in NOT_RUN]


def test_only_the_server_and_suite_commands_are_left_out() -> None:
    assert set(shell_examples()) >= NOT_RUN
    assert len(EXAMPLES) >= 5


@pytest.fixture(scope="module")
def readme_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy for the whole file: later examples use what earlier ones wrote."""
    work = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "data", work / "data")
    shutil.copytree(ROOT / "seeds", work / "seeds")
    return work


@pytest.mark.parametrize("command", EXAMPLES)
def test_readme_example_runs(command: str, readme_dir: Path) -> None:
    if "ogrinfo" in command:
        require("ogrinfo", "Debian: apt-get install -y gdal-bin; quickstart.py test does")
    if "mapapp print" in command:
        require("chromium", "Debian: apt-get install -y chromium; quickstart.py test does")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", f"set -euo pipefail; {command}"],
        cwd=readme_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    if "ogrinfo" in command:
        assert "ERROR" not in done.stderr and "Feature Count:" in done.stdout, done.stdout
