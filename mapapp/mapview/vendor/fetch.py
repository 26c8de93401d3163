"""Fetch the vendored leaflet.glify again from the npm registry and check it.

    python -m mapapp.mapview.vendor.fetch          # check the committed file
    python -m mapapp.mapview.vendor.fetch --write  # replace it from the registry

leaflet.glify (MIT, Robert Plummer; https://github.com/robertleeplummer/Leaflet.glify)
draws the events with WebGL when a map has too many for Leaflet's canvas. Its
browser build `dist/glify-browser.js` is self-contained; it is committed as
`leaflet.glify.js` so the map works with no network. The npm tarball is checked
against the registry's sha512 integrity, the file against the sha256 below.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from collections.abc import Sequence
from pathlib import Path

PACKAGE = "leaflet.glify"
VERSION = "3.3.1"
TARBALL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
#: The registry's integrity of the tarball (`npm view leaflet.glify@3.3.1 dist.integrity`).
INTEGRITY = (
    "sha512-O2dOecip2M1ncHYfS/3mrVaCR7kC9DZl3yyNik9D/"
    "sYzpMiyG4E/JakBSdiPgPjohtCqt2Vi/SM/uJJWIKAAfw=="
)
#: sha256 of package/dist/glify-browser.js, as committed.
FILE_SHA256 = "8c3533551d642494c4d7e7eea087a2dc7331086fb4a48eecd19fe7f787ab4db3"
HERE = Path(__file__).parent
TARGET = HERE / "leaflet.glify.js"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def committed_ok() -> bool:
    """Whether the committed file is the one this module names."""
    return sha256(TARGET.read_bytes()) == FILE_SHA256


def fetch() -> bytes:
    """dist/glify-browser.js from the registry's tarball, both hashes checked."""
    with urllib.request.urlopen(TARBALL, timeout=60) as response:
        tarball = response.read()
    algo, _, want = INTEGRITY.partition("-")
    if base64.b64encode(hashlib.new(algo, tarball).digest()).decode() != want:
        raise ValueError(f"{TARBALL}: integrity mismatch")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        member = tar.extractfile("package/dist/glify-browser.js")
        if member is None:
            raise ValueError(f"{TARBALL}: no package/dist/glify-browser.js")
        data = member.read()
    if sha256(data) != FILE_SHA256:
        raise ValueError(f"{TARBALL}: dist/glify-browser.js is not the file recorded here")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="replace the committed file")
    args = parser.parse_args(argv)
    if args.write:
        from mapapp.atomic import write_bytes_atomic

        write_bytes_atomic(TARGET, fetch())
        print(f"wrote {TARGET} ({PACKAGE} {VERSION})")
        return 0
    if not committed_ok():
        print(f"{TARGET} differs from {PACKAGE} {VERSION} (run with --write)", file=sys.stderr)
        return 1
    print(f"{TARGET} is {PACKAGE} {VERSION}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
