"""The server side of the upload limits: a guard in front of Streamlit's upload endpoint.

Streamlit's browser code uploads each chosen file with its own HTTP PUT to
/_stcore/upload_file/<session>/<file>, and the server keeps every file it
receives in its uploaded-file manager (in memory) until the browser deletes it
or the session ends; `server.maxUploadSize` bounds a file, not how many. A
client need not be a browser, so the bound is kept here, on the server:

- a PUT that would take its session past MAX_FILES files or MAX_UPLOAD_TOTAL
  bytes (counting what the manager holds and what is arriving), or the server
  past MAX_SERVER_UPLOAD_BYTES, is refused before its body is read (413, 503);
  so is one that does not say its length (411), and a body longer than it said
  is cut off;
- at most MAX_SESSIONS websockets (sessions) are open at once; more are closed;
- a sweeper drops, every few seconds, files the manager holds for sessions
  that are no longer connected (an upload that finished after its tab closed)
  and the uploads those sessions showed (`mapapp.app.kept`), and hands freed
  memory back to the system;
- uploads are read in child processes (`mapapp.app.upload_child`), whose fork
  server starts with the app.

`mapapp app` serves the page as an st.App (Streamlit's way to take middleware)
with `middleware()` and `lifespan` below; see the launcher in `mapapp.app.server`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from mapapp.app import kept, limits

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_UPLOAD_PATH = re.compile(r"/_stcore/upload_file/([^/]+)/([^/]+)$")
SWEEP_EVERY_S = 2.0


@dataclass
class Held:
    """What the uploaded-file manager holds for one session (or all of them)."""

    files: int = 0
    bytes: int = 0


@dataclass
class _Traffic:
    """Uploads let through and still arriving, by session; open and closed websockets.

    One per server process (Streamlit serves one app a process).
    """

    by_session: dict[str, Held] = field(default_factory=dict)
    refused: dict[str, list[str]] = field(default_factory=dict)  # why, by session (the page says)
    sessions: int = 0
    closed: int = 0  # websockets closed since the sweeper last looked
    handled: int = 0  # uploads the page read (kept or refused) since the sweeper last looked

    def refuse(self, session: str, reason: str) -> None:
        reasons = self.refused.setdefault(session, [])
        reasons[:] = [*reasons[-4:], reason]

    def total(self) -> int:
        return sum(h.bytes for h in self.by_session.values())

    def add(self, session: str, size: int, sign: int) -> None:
        held = self.by_session.setdefault(session, Held())
        held.files += sign
        held.bytes += sign * size
        if held.files <= 0:
            del self.by_session[session]


TRAFFIC = _Traffic()


def _manager() -> Any:
    """Streamlit's uploaded-file manager, when a Streamlit runtime is running."""
    from streamlit import runtime

    return runtime.get_instance().uploaded_file_mgr if runtime.exists() else None


def held_by(session: str | None, *, except_file: str = "") -> Held:
    """Files and bytes the manager holds for a session (None: every session)."""
    storage = getattr(_manager(), "file_storage", None)
    if storage is None:
        return Held()
    sessions = [storage.get(session, {})] if session is not None else list(storage.values())
    held = Held()
    for files in sessions:
        for file_id, record in list(files.items()):
            if file_id != except_file:
                held.files += 1
                held.bytes += len(record.data)
    return held


def refusal(session: Held, server_bytes: int, length: int | None) -> tuple[int, str] | None:
    """Why a new upload of `length` bytes is refused (HTTP status, reason), or None."""
    if length is None:
        return 411, "an upload must say its length (Content-Length)"
    if session.files + 1 > limits.MAX_FILES:
        return 413, (
            f"at most {limits.MAX_FILES} files an upload: one itinerary with its article, "
            "or one GeoJSON file"
        )
    if session.bytes + length > limits.MAX_UPLOAD_TOTAL:
        return 413, f"at most {limits.MAX_UPLOAD_TOTAL // limits.MB} MB an upload"
    if server_bytes + length > limits.MAX_SERVER_UPLOAD_BYTES:
        return 503, "the server is receiving too many uploads; try again in a minute"
    return None


class UploadGuard:
    """ASGI middleware: the limits above, before Streamlit reads an upload's body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        match = _UPLOAD_PATH.search(scope.get("path", ""))
        if scope["type"] != "http" or scope.get("method") != "PUT" or match is None:
            await self.app(scope, receive, send)
            return
        session, file_id = match.groups()
        length = _content_length(scope)
        mine = held_by(session, except_file=file_id)
        ongoing = TRAFFIC.by_session.get(session, Held())
        mine = Held(mine.files + ongoing.files, mine.bytes + ongoing.bytes)
        server = held_by(None).bytes + TRAFFIC.total()
        refused = refusal(mine, server, length)
        if refused is not None:
            TRAFFIC.refuse(session, refused[1])
            await _answer(send, *refused)  # the body is never read
            return
        assert length is not None
        TRAFFIC.add(session, length, +1)
        try:
            await self.app(scope, _at_most(receive, length), send)
        finally:
            TRAFFIC.add(session, length, -1)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        if TRAFFIC.sessions >= limits.MAX_SESSIONS:
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1013})  # try again later
            return
        TRAFFIC.sessions += 1
        try:
            await self.app(scope, receive, send)
        finally:
            TRAFFIC.sessions -= 1
            TRAFFIC.closed += 1


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                return None
            return length if length >= 0 else None
    return None


def _at_most(receive: Receive, length: int) -> Receive:
    """The request's body, cut off (as a disconnect) past the length it declared."""
    seen = 0

    async def limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > length:
                return {"type": "http.disconnect"}
        return message

    return limited


async def _answer(send: Send, status: int, reason: str) -> None:
    body = json.dumps({"error": reason}).encode("utf-8")
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})


# ------------------------------------------------------------------ the sweeper


def refused_for(session: str) -> list[str]:
    """Why the guard refused this session's uploads since last asked (and forget them)."""
    return TRAFFIC.refused.pop(session, [])


def sweep() -> int:
    """Drop files, and uploads shown, held for sessions that are no longer
    connected; how many went."""
    from streamlit import runtime

    manager = _manager()
    storage = getattr(manager, "file_storage", None)
    if manager is None or storage is None:
        return 0
    rt = runtime.get_instance()
    for session in list(TRAFFIC.refused):
        if not rt.is_active_session(session):
            TRAFFIC.refused.pop(session, None)
    gone = kept.forget_gone(rt.is_active_session)  # what ended sessions showed
    for session in list(storage):
        if not rt.is_active_session(session):
            gone += len(storage.get(session, {}))
            manager.remove_session_files(session)
    return gone


def _trimmer() -> Callable[[], object] | None:
    """glibc's malloc_trim: returns freed heap memory to the system (None elsewhere)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None
    return lambda: trim(0)


async def _sweep_forever(every_s: float = SWEEP_EVERY_S) -> None:
    trim = _trimmer()
    while True:
        await asyncio.sleep(every_s)
        gone = sweep()
        closed, TRAFFIC.closed = TRAFFIC.closed, 0
        handled, TRAFFIC.handled = TRAFFIC.handled, 0
        if gone or closed or handled:
            # Uploads or sessions were freed. Streamlit's full collection after every
            # script run is off (it took three quarters of a filter rerun's time, see
            # server.py): what they held in reference cycles goes here, at most once
            # a sweep, then the memory goes back to the system.
            await asyncio.to_thread(_collect, trim)


def _collect(trim: Callable[[], object] | None) -> None:
    gc.collect()
    if trim is not None:
        trim()


@contextlib.asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    task = asyncio.create_task(_sweep_forever(), name="mapapp-upload-sweeper")
    # The fork server that uploads are read under imports the readers once, now
    # (mapapp.app.upload_child): the first upload need not wait for it.
    readers = asyncio.create_task(asyncio.to_thread(_start_upload_readers))
    try:
        yield
    finally:
        task.cancel()
        readers.cancel()


def _start_upload_readers() -> None:
    from mapapp.app import upload_child

    upload_child.start()


def middleware() -> list[Any]:
    """The guard, as st.App takes middleware (it runs before Streamlit's own)."""
    from starlette.middleware import Middleware

    return [Middleware(UploadGuard)]
