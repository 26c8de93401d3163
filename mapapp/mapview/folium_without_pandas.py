"""Import folium without pandas in a batch process that has not loaded pandas.

folium.utilities imports pandas (installed here because Streamlit needs it) only to
recognise a DataFrame, and mapapp never gives folium one. In the CLI, the bench and
a build, that import alone cost 67 MB of memory (pandas pulls in pyarrow) and about
0.2 s. So the first import of folium there sees `import pandas` fail, as on a
machine without pandas, which folium handles; pandas itself stays importable.

Only a single-threaded batch process is guarded: blocking a module in sys.modules is
process-wide, so inside the app's server (Streamlit loaded, sessions in threads) or
off the main thread folium is imported as it is.
"""

from __future__ import annotations

import sys
import threading


def _batch_process() -> bool:
    return (
        threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
        and "streamlit" not in sys.modules
    )


if "folium" not in sys.modules and "pandas" not in sys.modules and _batch_process():
    sys.modules["pandas"] = None  # type: ignore[assignment]  # `import pandas` fails
    try:
        import folium  # noqa: F401
    finally:
        del sys.modules["pandas"]
