"""How much one upload, one session and the whole server may hold, and the page's side of it.

An upload is at most what the app can use: one itinerary with its article, or
one GeoJSON file. So at most MAX_FILES files and MAX_UPLOAD_TOTAL bytes, per
upload and per session. The server refuses more before reading it (see
`mapapp.app.guard`); the page checks again, reads an upload only while holding
one of a few parsing slots (pages themselves run a few at a time), and lets go
of its raw bytes as soon as it has been handled, accepted or rejected.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from mapapp.errors import InputError, Problem

MB = 1024 * 1024
MAX_FILES = 2  # an itinerary and its article, or one GeoJSON file
MAX_UPLOAD_TOTAL = 20 * MB  # per upload and per session (each file: safe_files.MAX_UPLOAD_BYTES)
# Received and not yet handled, over every session: five full uploads at once (more
# get a 503's "try again"). They wait in the server's memory for a parsing slot, so
# this bounds that memory (README: "Uploads kept by many sessions").
MAX_SERVER_UPLOAD_BYTES = 100 * MB
MAX_RUNS = 4  # page runs at once, server-wide: the rest queue (the GIL runs one anyway)
MAX_PARSING = 2  # uploads read at once, server-wide (within those runs); the rest wait
PARSE_WAIT_S = 120.0  # then the upload is refused: the server is busy
MAX_SESSIONS = 200  # open sessions (websockets), server-wide

_RUNS = threading.BoundedSemaphore(MAX_RUNS)
_PARSING = threading.BoundedSemaphore(MAX_PARSING)
_THIS_RUN = threading.local()  # whether this thread holds a run slot


def check_upload(files: Sequence[tuple[str, int]]) -> None:
    """(name, size) of an upload's files: too many, or too much, is refused by name."""
    names = ", ".join(name for name, _ in files)
    if len(files) > MAX_FILES:
        raise InputError([Problem("upload", "", (
            f"{len(files)} files ({names}); upload at most {MAX_FILES}: one itinerary "
            "with its article (.txt), or one GeoJSON file"
        ))])  # fmt: skip
    total = sum(size for _, size in files)
    if total > MAX_UPLOAD_TOTAL:
        raise InputError([Problem("upload", "", (
            f"{total:,} bytes in {names}; the limit is {MAX_UPLOAD_TOTAL // MB} MB an upload"
        ))])  # fmt: skip


@contextmanager
def run_slot() -> Iterator[None]:
    """One of MAX_RUNS server-wide slots for running the page.

    Streamlit runs each session's script in its own thread, and all of them share
    one interpreter lock with the event loop that answers every request: twenty
    viewers changing filters at once made /_stcore/health wait seconds. Queued
    here, runs take their turn and the event loop keeps its share.
    """
    _RUNS.acquire()
    _THIS_RUN.held = True
    try:
        yield
    finally:
        _THIS_RUN.held = False
        _RUNS.release()


@contextmanager
def _stepping_aside() -> Iterator[None]:
    """Give this thread's run slot to another page while it waits (for a parsing slot)."""
    held = getattr(_THIS_RUN, "held", False)
    if held:
        _THIS_RUN.held = False
        _RUNS.release()
    try:
        yield
    finally:
        if held:
            _RUNS.acquire()
            _THIS_RUN.held = True


@contextmanager
def parse_slot(on_wait: Callable[[], object], wait_s: float = PARSE_WAIT_S) -> Iterator[None]:
    """One of MAX_PARSING server-wide slots for reading an upload.

    on_wait is called once when the upload has to wait (to say so on the page);
    after wait_s without a slot the upload is refused as an InputError.
    """
    if not _PARSING.acquire(blocking=False):
        on_wait()
        with _stepping_aside():
            got = _PARSING.acquire(timeout=wait_s)
        if not got:
            raise InputError([Problem("upload", "", (
                "the server is busy reading other uploads; try again in a minute"
            ))])  # fmt: skip
    try:
        yield
    finally:
        _PARSING.release()


def release(files: Sequence[Any]) -> None:
    """Let go of an upload's bytes once the page has read them (UploadedFiles).

    Streamlit holds them twice: its uploaded-file manager keeps every file a
    session uploads until the browser asks to delete it or the session ends, and
    the uploader's widget state keeps the UploadedFiles (each a BytesIO over the
    file's bytes) until a later run no longer shows that uploader. So each file is
    closed (a BytesIO lets go of its buffer), wherever it is still referred to,
    and dropped from the manager (this session's only).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    for file in files:
        file.close()
    file_ids = [file.file_id for file in files]
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    remove: Callable[[str, str], None] | None = getattr(
        ctx.uploaded_file_mgr, "remove_file", None
    )  # the in-memory manager's (the manager's protocol has no such method)
    if remove is not None:
        for file_id in file_ids:
            remove(ctx.session_id, file_id)
    from mapapp.app.guard import TRAFFIC

    TRAFFIC.handled += 1  # the sweeper collects what the upload's parsing left in cycles


def refused_by_server() -> None:
    """Refuse the upload as a whole if the server refused some of its files.

    The browser leaves a refused file out of the upload, so the page would read
    the rest as if that were all the user chose; it says why instead.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from mapapp.app.guard import refused_for

    ctx = get_script_run_ctx()
    reasons = refused_for(ctx.session_id) if ctx is not None else []
    if reasons:
        problems = [f"the server refused a file: {reason}" for reason in dict.fromkeys(reasons)]
        raise InputError([Problem("upload", "", problem) for problem in problems])


def end_with_connection() -> None:
    """This session is shut down when its connection closes, not kept for a reconnect.

    Streamlit keeps a disconnected session (with its uploads) for a reconnect and,
    when that wait expires, drops it without shutting it down, so its uploaded
    files stay in the uploaded-file manager. A tab that reconnects gets a new
    session: its filters come back from the link; an upload is made again.
    """
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None and runtime.exists():
        runtime.get_instance().mark_session_nonresumable(ctx.session_id)
