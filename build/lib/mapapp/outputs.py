"""Checking where the CLI will write before any work is done, so a bad -o costs one line."""

from __future__ import annotations

import os
from pathlib import Path

from mapapp.errors import OutputError, Problem


def check_output(path: Path, option: str) -> None:
    """Refuse a directory, a missing folder or a folder we may not write in, naming the path."""

    def refuse(message: str) -> OutputError:
        return OutputError([Problem(str(path), option, message)])

    if path.is_dir():
        raise refuse("is a directory; give a file name, e.g. out.geojson")
    parent = path.parent
    if not parent.is_dir():
        raise refuse(f"the folder {parent} does not exist; create it first")
    if path.exists() and not os.access(path, os.W_OK):
        raise refuse("the file is not writable (no permission)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise refuse(f"cannot write in {parent} (no permission)")
