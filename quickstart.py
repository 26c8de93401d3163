#!/usr/bin/env python3
"""Set up a local environment and run the app or the tests: needs only Python 3.11+.

    python3 quickstart.py app     # build the data if needed, serve the app
    python3 quickstart.py test    # lint, type-check and run every test

It creates .venv/ beside this file, installs mapapp into it (again only when
pyproject.toml changes), and for the tests installs Debian's chromium and gdal-bin
when they are missing and we are root. Extra arguments go to the command it runs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script is what tells older Pythons
        print("mapapp needs Python 3.11 or newer", file=sys.stderr)
        return 2
    if not argv or argv[0] not in ("app", "test"):
        print(__doc__, file=sys.stderr)
        return 2
    os.chdir(ROOT)
    command, rest = argv[0], argv[1:]
    ensure_venv(extra="test" if command == "test" else None)
    if command == "app":
        return run([str(BIN / "mapapp"), "app", *rest])
    ensure_test_tools()
    for check in ([str(BIN / "ruff"), "check", "."], [str(BIN / "mypy")]):
        if run(check) != 0:
            return 1
    code = run([str(PY), "-m", "pytest", *rest])
    if code == 5:
        print("pytest collected no tests: that is a failure", file=sys.stderr)
    return code


def ensure_venv(extra: str | None) -> None:
    if not PY.exists():
        step("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extra}]" if extra else "."
    stamp = VENV / f".installed-{extra or 'app'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    step(f"installing mapapp {target} into .venv (first run only)")
    check([str(PY), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    check([str(PY), "-m", "pip", "install", "--quiet", "-e", target])
    stamp.write_text(digest)


#: Debian packages the tests use: the browser tests drive chromium (Playwright's own
#: download cannot work here); the README's examples call GDAL's ogrinfo.
TEST_TOOLS = (("chromium", "chromium"), ("ogrinfo", "gdal-bin"))


def ensure_test_tools() -> None:
    missing = [package for command, package in TEST_TOOLS if not shutil.which(command)]
    if not missing:
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        step(f"installing Debian's {', '.join(missing)} for the tests")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        check(["apt-get", "update", "-qq"], env=env)
        check(["apt-get", "install", "-y", "-qq", *missing], env=env)
    else:
        print(
            f"{', '.join(missing)} not installed: some tests will fail. "
            f"Install (Debian: sudo apt-get install {' '.join(missing)}) and run again.",
            file=sys.stderr,
        )


def step(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def run(command: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.call(command, env=env)


def check(command: list[str], env: dict[str, str] | None = None) -> None:
    code = run(command, env)
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(command)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
