"""The collector pause is scoped: restored on any exit; only a large block is frozen."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from mapapp.gc_pause import FREEZE_ABOVE, gc_paused


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


def test_the_previous_state_returns_even_after_an_error() -> None:
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        with pytest.raises(RuntimeError), gc_paused():
            assert not gc.isenabled()
            raise RuntimeError("boom")
        assert gc.isenabled() is enabled


def test_only_a_large_block_that_asks_is_frozen() -> None:
    gc.collect()
    gc.unfreeze()
    with gc_paused(freeze=True):
        small = [[None] for _ in range(1000)]
    assert gc.get_freeze_count() == 0
    with gc_paused():
        large = [[None] for _ in range(FREEZE_ABOVE + 1000)]
    assert gc.get_freeze_count() == 0  # a map: never frozen (folium elements form cycles)
    with gc_paused(freeze=True):
        large += [[None] for _ in range(FREEZE_ABOVE + 1000)]
    assert gc.get_freeze_count() > FREEZE_ABOVE and small and large


def test_a_block_in_another_thread_never_freezes() -> None:
    """A server's session thread (Streamlit's script runner) must not freeze the
    process: the other sessions' cycles would never be collected. Run in a fresh
    interpreter: in the suite's process another test's background thread (an app's
    prewarm, say) may hold the collector paused at the moment of the check."""
    script = textwrap.dedent(
        """
        import gc, threading
        from mapapp.gc_pause import FREEZE_ABOVE, gc_paused
        gc.collect()
        built = []
        def session():
            with gc_paused(freeze=True):
                built.extend([None] for _ in range(FREEZE_ABOVE + 1000))
        worker = threading.Thread(target=session)
        worker.start()
        worker.join()
        print(len(built) > FREEZE_ABOVE, gc.get_freeze_count(), gc.isenabled())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["True", "0", "True"]
