"""Pausing the garbage collector around a bulk load or build, and restoring it.

Building a few million small objects (a 100,000-event itinerary, its features)
triggers a full collection again and again, each rescanning everything built so
far; for data without reference cycles that is pure cost, most of a large load.
The pause is scoped: the collector's previous state returns on any exit.

Objects made while the collector is off are all "young" when it comes back on,
so its next collection would scan every one of them (seconds at 100,000
events, paid by whatever runs next). On leaving, the block therefore freezes
what exists (`gc.freeze()`): long-lived data the collector need not scan again.
Frozen objects are still freed by reference counting the moment nothing refers
to them; only reference cycles among them would wait, and JSON-like data,
features and pydantic models make none.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic collection inside the block; after it, what the block made is
    frozen (not scanned again) and the collector's previous state returns."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
