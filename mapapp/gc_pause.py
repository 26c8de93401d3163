"""Pausing the garbage collector around a bulk load or build, and restoring it.

Building a few million small objects (a 100,000-event itinerary, its features)
triggers a full collection again and again, each rescanning everything built so
far; for data without reference cycles that is pure cost, most of a large load.
The pause is scoped: the collector's previous state returns on any exit.

Objects made while the collector is off are all "young" when it comes back on,
so its next collections would scan every one of them again (seconds at 100,000
events, paid by whatever runs next). With `freeze=True`, a block that left more
than FREEZE_ABOVE young objects freezes what exists (`gc.freeze()`): long-lived
data the collector need not scan again. Frozen objects are still freed by
reference counting; only reference cycles among them would never be collected,
so small blocks (an app rerun, an upload) never freeze, and blocks that build
cycles (a folium map) never ask to.

Freezing is process-wide: it freezes every object of every thread. In the app
server (Streamlit runs each session's script in a thread of its own) one large
upload would freeze every other session's objects too, and the cycles among
them (folium maps, script runners) would outlive their sessions for good: 16
sessions' uploads left 1.5 GB behind. So only a batch process's main thread
freezes (the command line, the bench); a pause elsewhere only pauses.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

#: Young objects a block must leave behind before it freezes them (a bulk load).
FREEZE_ABOVE = 500_000


@contextmanager
def gc_paused(freeze: bool = False) -> Iterator[None]:
    """No automatic collection inside the block; the collector's previous state after it
    (and, with freeze, a large block's objects frozen: see the module's note)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze and gc.get_count()[0] > FREEZE_ABOVE and _in_main_thread():
            gc.freeze()
        if was_enabled:
            gc.enable()


def _in_main_thread() -> bool:
    """Whether this is the process's main thread (a server's sessions run in others)."""
    return threading.current_thread() is threading.main_thread()
