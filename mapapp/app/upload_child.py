"""Reading an upload in a short-lived child process: its parse's memory never lands in the server.

Reading the largest upload the limits accept (4,251 events and a 10 MB article)
takes about 350 MB at its peak, for a result that weighs 42 MB. Done in the
server's script threads, that garbage was freed but the memory stayed: Python's
allocator keeps a 1 MB arena while any object in it lives, and the parses of
sixteen sessions left long-lived objects scattered through them (+323 MB after
every session had closed). So each upload is read by a child process of its
own, forked from a fork server that has already imported the readers, and the
child ends once it has answered: its memory goes back to the system whole.

The child answers with the parsed result pickled (13 MB for the largest upload)
and its weight (`kept.weight`); the server checks that weight against what it
may keep before unpickling it. A child may grow by at most CHILD_MEMORY bytes
(RLIMIT_AS), and has READ_TIMEOUT_S to answer (and as many seconds of CPU,
RLIMIT_CPU): an upload needing more is refused with a notice. At most
`limits.MAX_PARSING` children run at once (the page holds a parsing slot while
its child reads).
"""

from __future__ import annotations

import multiprocessing
import pickle
import resource
import threading
import traceback
from collections.abc import Mapping, Sequence
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

from mapapp.app import kept
from mapapp.app.uploads import Dataset, dataset_from_uploads
from mapapp.errors import InputError, Problem
from mapapp.store.overlay import Overlay

MB = 1024 * 1024
CHILD_MEMORY = 1024 * MB  # a child may allocate this beyond its start (largest upload: ~350 MB)
READ_TIMEOUT_S = 120.0  # the largest upload reads in about 2 s of CPU
PRELOAD = ["mapapp.app.upload_child", "mapapp.app.draft_upload"]

_CONTEXT_LOCK = threading.Lock()
_CONTEXT: ForkServerContext | None = None

Answer = tuple[str, Any, Any]  # ("ok", weight, pickled), ("problems", [Problem], None), ...


def _context() -> ForkServerContext:
    """The fork server's context: children are forked from a small process that has
    imported the readers, never from the server (forking a process with many
    threads can copy a lock some other thread holds)."""
    global _CONTEXT
    with _CONTEXT_LOCK:
        if _CONTEXT is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _CONTEXT = context
        return _CONTEXT


def start() -> None:
    """Start the fork server now (it imports the readers once: about 2 s), so the
    first upload does not wait for it."""
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()


def read_upload(
    session: str,
    files: Sequence[tuple[str, bytes]],
    default_itinerary: Path,
    shown_articles: Mapping[str, str] | None = None,
    *,
    memory: int = CHILD_MEMORY,
    timeout_s: float = READ_TIMEOUT_S,
) -> Dataset | Overlay:
    """`uploads.dataset_from_uploads`, read in a child process.

    Refused (InputError) as that function refuses, when the child runs out of
    memory or time, or when the server cannot keep a result that heavy
    (`kept.check_room`, before it is unpickled). Any other failure is a
    RuntimeError carrying the child's traceback, for the server's log.
    """
    # Checked again now that a parsing slot is held: the uploads read while this one
    # waited may have filled the server (refused without starting a child).
    kept.check_room(session, sum(len(raw) for _, raw in files))
    answer = _in_child(list(files), str(default_itinerary), dict(shown_articles or {}),
                       memory, timeout_s)  # fmt: skip
    kind, first, second = answer
    if kind == "ok":
        kept.check_room(session, int(first))
        uploaded: Dataset | Overlay = pickle.loads(second)
        return uploaded
    if kind == "problems":
        raise InputError(list(first))
    if kind == "memory":
        raise InputError([Problem("upload", "", (
            f"reading this upload needs more than the {memory // MB} MB "
            "the server gives one upload"
        ))])  # fmt: skip
    if kind == "died":
        raise InputError([Problem("upload", "", (
            "the process reading this upload ended without an answer; the upload "
            "was refused (it may need more than the server gives one upload)"
        ))])  # fmt: skip
    if kind == "timeout":
        raise InputError([Problem("upload", "", (
            f"reading this upload took longer than {timeout_s:.0f} s; it was stopped"
        ))])  # fmt: skip
    raise RuntimeError(f"reading an upload failed in its child process:\n{first}")


def _in_child(
    files: list[tuple[str, bytes]],
    default_itinerary: str,
    shown: dict[str, str],
    memory: int,
    timeout_s: float,
) -> Answer:
    """Run _child in a new process and wait for its answer; the child is gone after."""
    context = _context()
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_child,
        args=(sending, files, default_itinerary, shown, memory, timeout_s),
        name="mapapp-upload-reader",
        daemon=True,
    )
    try:
        child.start()
        sending.close()  # the child holds the other end: EOF once it is gone
        if not receiving.poll(timeout_s):
            return ("timeout", None, None)
        try:
            answer: Answer = receiving.recv()
        except EOFError:  # it ended without answering (the kernel: its CPU time; a crash)
            return ("died", None, None)
        return answer
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        child.close()
        receiving.close()


def _child(
    sending: Connection,
    files: list[tuple[str, bytes]],
    default_itinerary: str,
    shown: dict[str, str],
    memory: int,
    cpu_s: float,
) -> None:
    """In the child: read the upload, send one answer."""
    _limit(memory, cpu_s)
    answer: Answer
    try:
        uploaded = dataset_from_uploads(files, Path(default_itinerary), shown)
        answer = ("ok", kept.weight(uploaded), pickle.dumps(uploaded, pickle.HIGHEST_PROTOCOL))
    except InputError as exc:
        answer = ("problems", list(exc.problems), None)
    except MemoryError:
        answer = ("memory", None, None)
    except Exception:
        answer = ("error", traceback.format_exc(), None)
    del files
    try:
        sending.send(answer)
    except MemoryError:
        sending.send(("memory", None, None))
    sending.close()


def _limit(memory: int, cpu_s: float) -> None:
    """The child's address space may grow by `memory` bytes from what it has now, and
    it may use `cpu_s` seconds of CPU: the kernel ends it past that, even should the
    server be gone."""
    cpu = max(1, int(cpu_s) + 1)
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or cpu < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))
    now = _address_space()
    if now is None:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = now + memory
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int | None:
    """This process's virtual size (VmSize), in bytes (None where /proc does not say)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None
