#!/usr/bin/env python3
"""Set up a local environment and run the app or the tests: needs only Python 3.11+.

    python3 quickstart.py app     # build the data if needed, serve the app
    python3 quickstart.py test    # lint, type-check and run every test

It creates .venv/ beside this file, installs mapapp into it (again only when
pyproject.toml changes), and for the tests installs Debian's chromium, gdal-bin,
gpsbabel, nginx, poppler-utils and a Japanese font when they are missing and we are
root (and python3-qgis under CI=true). Extra arguments go to the command it runs.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
STARTED = time.monotonic()


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
    checks = (
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "ruff"), "format", "--check", "."],
        [str(BIN / "mypy")],
    )
    for check in checks:
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
    step("upgrading pip in .venv")
    pip(["install", "--upgrade", "pip"])
    step(f"installing mapapp {target} and its dependencies into .venv (first run only)")
    pip(["install", "-e", target])
    stamp.write_text(digest)


def pip(args: list[str]) -> None:
    """Run pip, showing one line per package it collects, and everything if it fails."""
    command = [str(PY), "-m", "pip", *args, "--progress-bar", "off", "--no-color"]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    )
    assert proc.stdout is not None
    seen: list[str] = []
    progress = PipProgress()
    for line in proc.stdout:
        seen.append(line)
        shown = progress.line(line)
        if shown:
            print(f"    [{elapsed()}] {shown}", file=sys.stderr, flush=True)
    if proc.wait() != 0:
        sys.stderr.writelines(seen[-60:])
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(command)}")


# "Collecting NAME..." from an index; "Processing /some/dir/NAME-1.0-....whl" from local files.
_COLLECTING = re.compile(r"^(?:Collecting |Processing \S*/)([A-Za-z0-9_.]+(?:-[A-Za-z][\w.]*)*)")


class PipProgress:
    """Turns pip's output into one short line per package, hiding the rest."""

    def __init__(self) -> None:
        self.collected = 0

    def line(self, text: str) -> str | None:
        """The line to show for one line of pip's output, or None to hide it."""
        if match := _COLLECTING.match(text):
            self.collected += 1
            return f"{self.collected:3d} collecting {match.group(1)}"
        if text.startswith("Installing collected packages:"):
            count = len(text.split(":", 1)[1].split(","))
            wait = " (the longest step: up to a minute)" if count > 10 else ""
            return f"installing {_packages(count)}{wait}"
        if text.startswith("Successfully installed"):
            return f"installed {_packages(len(text.split()) - 2)}"
        return None


def _packages(count: int) -> str:
    return f"{count} package" + ("" if count == 1 else "s")


#: Debian packages the tests use: the browser tests drive chromium (Playwright's own
#: download cannot work here); the README's examples call GDAL's ogrinfo; the KML
#: export is checked with gpsbabel; the deploy example runs nginx in front of the app;
#: the print tests read PDFs back with poppler's pdftotext and pdfinfo.
TEST_TOOLS = (
    ("chromium", "chromium"),
    ("ogrinfo", "gdal-bin"),
    ("gpsbabel", "gpsbabel"),
    ("nginx", "nginx"),
    ("pdftotext", "poppler-utils"),
)

#: Fonts the print tests need: the basemap's credits and labels are in Japanese.
TEST_FONTS = (("ja", "fonts-ipafont-gothic"),)


def _missing_fonts() -> list[str]:
    if not shutil.which("fc-list"):  # no fontconfig yet (a fresh machine): no fonts either
        return [package for _, package in TEST_FONTS]
    return [
        package
        for lang, package in TEST_FONTS
        if not subprocess.run(["fc-list", f":lang={lang}"], capture_output=True, text=True).stdout
    ]


#: QGIS for the exports' QGIS check: about 930 MB and three minutes, so installed
#: only under CI=true; by hand the check skips and says how to install it.
QGIS_PACKAGE = "python3-qgis"
QGIS_UNAVAILABLE = VENV / "qgis-unavailable.txt"


def ensure_test_tools() -> None:
    ensure_debian_tools()
    if os.environ.get("CI", "").lower() == "true":
        ensure_qgis()


def can_apt() -> bool:
    return bool(shutil.which("apt-get")) and hasattr(os, "geteuid") and os.geteuid() == 0


def ensure_qgis() -> None:
    """Debian's python3-qgis for the system python3, or a recorded reason why not."""
    QGIS_UNAVAILABLE.unlink(missing_ok=True)
    python = Path("/usr/bin/python3")
    if python.exists() and run([str(python), "-c", "import qgis.core"], quiet=True) == 0:
        return
    reason = "not root on Debian (apt-get needs root)"
    if can_apt():
        step(f"installing Debian's {QGIS_PACKAGE} for the QGIS check (about 930 MB)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        command = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", QGIS_PACKAGE]
        if run(["apt-get", "update", "-qq"], env=env) == 0 and run(command, env=env) == 0:
            return
        reason = f"apt-get install {QGIS_PACKAGE} failed"
    print(f"QGIS check will be skipped: {reason}", file=sys.stderr)
    QGIS_UNAVAILABLE.write_text(reason + "\n", encoding="utf-8")


def ensure_debian_tools() -> None:
    missing = [package for command, package in TEST_TOOLS if not shutil.which(command)]
    missing += _missing_fonts()
    if not missing:
        return
    if can_apt():
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
    print(f"==> [{elapsed()}] {message}", file=sys.stderr, flush=True)


def elapsed() -> str:
    """Seconds since quickstart started, as a fixed-width label."""
    return f"{time.monotonic() - STARTED:5.1f} s"


def run(command: list[str], env: dict[str, str] | None = None, quiet: bool = False) -> int:
    output = subprocess.DEVNULL if quiet else None
    return subprocess.call(command, env=env, stdout=output, stderr=output)


def check(command: list[str], env: dict[str, str] | None = None) -> None:
    code = run(command, env)
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(command)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
