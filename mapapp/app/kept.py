"""The uploads each session shows, held here by session id: they go when the session does.

An accepted upload used to live in the session's `st.session_state`. A session
that ends is shut down and dropped by Streamlit, but its state goes only with
the last reference to the session object, and Streamlit's message loop keeps
one: the loop variable of `Runtime._loop_coroutine` (`active_session_info`)
still names the last session it flushed until another session sends something.
On a quiet server that session, and its upload, stayed for good. Held here
instead, an upload goes when the upload sweeper (`mapapp.app.guard`) sees its
session is no longer active, whatever else still refers to the session.

The page keeps only the parsed upload (never its raw bytes), and the server
keeps at most MAX_KEPT_BYTES of them, by `weight` (a bound on what one parsed
upload holds in memory): an upload past that is refused with a notice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pympler import asizeof

from mapapp.errors import InputError, Problem

MB = 1024 * 1024
MAX_KEPT_UPLOADS = 16  # uploaded data sets and overlays shown at once, server-wide
MAX_KEPT_BYTES = 96 * MB  # what they may weigh together, server-wide (see weight)


@dataclass(frozen=True)
class Kept:
    """What one session shows from its uploads, and what each weighs (bytes)."""

    dataset: Any = None  # uploads.Dataset, replacing the served data
    overlays: tuple[Any, ...] = ()  # store.overlay.Overlay layers over it
    weights: tuple[int, ...] = ()  # the dataset's (if any), then each overlay's

    def count(self) -> int:
        return len(self.weights)


_BY_SESSION: dict[str, Kept] = {}
_LOCK = threading.Lock()


def weight(uploaded: Any) -> int:
    """Bytes one parsed upload holds: its collection, article and draft (a 10 MB
    GeoJSON of coordinates is more than ten times that once parsed), by pympler's
    asizeof (every object reached, each counted once)."""
    parts = [getattr(uploaded, name, None) for name in ("collection", "article_text", "draft_yaml")]
    return int(asizeof.asizeof(*parts))  # type: ignore[no-untyped-call]  # pympler 1.1


def this_session() -> str:
    """The id of the session whose page is running ("" outside a Streamlit run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def of(session: str) -> Kept:
    """What this session shows from its uploads (nothing: Kept())."""
    with _LOCK:
        return _BY_SESSION.get(session, Kept())


def keep(session: str, uploaded: Any, *, overlay: bool) -> None:
    """This session now shows `uploaded`: as its data set, or as one more overlay
    (replacing one of the same key). Refused when the server would hold more than
    MAX_KEPT_UPLOADS uploads or MAX_KEPT_BYTES."""
    size = weight(uploaded)  # outside the lock: it walks the whole upload
    with _LOCK:
        mine = _BY_SESSION.get(session, Kept())
        after = _with(mine, uploaded, size, overlay=overlay)
        others = [k for s, k in _BY_SESSION.items() if s != session]
        count = after.count() + sum(k.count() for k in others)
        total = sum(after.weights) + sum(sum(k.weights) for k in others)
        if count > MAX_KEPT_UPLOADS or total > MAX_KEPT_BYTES:
            raise _busy()
        _BY_SESSION[session] = after


def check_room(session: str, raw_bytes: int) -> None:
    """Refuse an upload before it is parsed when it cannot fit: the server already
    shows MAX_KEPT_UPLOADS of other sessions' uploads, or their weight plus this
    upload's raw bytes (less than it will weigh parsed) passes MAX_KEPT_BYTES."""
    with _LOCK:
        others = [k for s, k in _BY_SESSION.items() if s != session]
        full = sum(k.count() for k in others) >= MAX_KEPT_UPLOADS
        heavy = sum(sum(k.weights) for k in others) + raw_bytes > MAX_KEPT_BYTES
    if full or heavy:
        raise _busy()


def _busy() -> InputError:
    return InputError([Problem("upload", "", (
        "the server is showing as many uploaded data sets as it can; "
        "try again in a few minutes"
    ))])  # fmt: skip


def _with(mine: Kept, uploaded: Any, size: int, *, overlay: bool) -> Kept:
    if not overlay:
        return Kept(uploaded, mine.overlays, (size, *_overlay_weights(mine)))
    pairs = [
        (o, w) for o, w in zip(mine.overlays, _overlay_weights(mine), strict=True)
        if o.key != uploaded.key
    ] + [(uploaded, size)]  # fmt: skip
    own = mine.weights[:1] if mine.dataset is not None else ()
    return Kept(mine.dataset, tuple(o for o, _ in pairs), (*own, *(w for _, w in pairs)))


def _overlay_weights(mine: Kept) -> tuple[int, ...]:
    return mine.weights[1:] if mine.dataset is not None else mine.weights


def drop_dataset(session: str) -> None:
    """Back to the served data."""
    _change(session, lambda k: Kept(None, k.overlays, _overlay_weights(k)))


def drop_overlays(session: str) -> None:
    _change(session, lambda k: Kept(k.dataset, (), k.weights[: len(k.weights) - len(k.overlays)]))


def _change(session: str, change: Callable[[Kept], Kept]) -> None:
    with _LOCK:
        after = change(_BY_SESSION.get(session, Kept()))
        if after.count():
            _BY_SESSION[session] = after
        else:
            _BY_SESSION.pop(session, None)


def forget_gone(is_active: Callable[[str], bool]) -> int:
    """Drop what sessions no longer active held; how many sessions' uploads went."""
    with _LOCK:
        gone = [s for s in _BY_SESSION if not is_active(s)]
        for session in gone:
            del _BY_SESSION[session]
    return len(gone)


def held() -> tuple[int, int]:
    """(uploads, bytes) held over every session."""
    with _LOCK:
        kept = list(_BY_SESSION.values())
    return sum(k.count() for k in kept), sum(sum(k.weights) for k in kept)
