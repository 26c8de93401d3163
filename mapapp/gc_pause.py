"""Pausing the garbage collector around a bulk load or build, and restoring it.

Building a few million small objects (a 100,000-event itinerary, its features)
triggers a full collection again and again, each rescanning everything built so
far; for data without reference cycles that is pure cost, most of a large load.
The pause is scoped: the collector's previous state returns on any exit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic collection inside the block; the previous state after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
