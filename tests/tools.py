"""External programs the tests drive (chromium, node, npm, ogrinfo).

Run by hand, a missing program skips its tests with the reason and the package to
install; under CI=true (where .ci/run installs them) it is a failure, so a broken
install step can never pass as a green run.
"""

from __future__ import annotations

import os
import shutil

import pytest


def require(program: str, install: str) -> str:
    """The path of `program`, or a skip (by hand) / failure (CI) naming `install`."""
    path = shutil.which(program)
    if path is not None:
        return path
    reason = f"{program} is not installed ({install})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + "; CI must install it")
    pytest.skip(reason)
