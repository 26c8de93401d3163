"""Reading a file a user names: only regular files, never past a size cap, never outside a root.

Every refusal is an InputError naming the path, so the CLI exits 2 and the app
shows one line; a device (/dev/zero), a FIFO or a directory is refused before
a single byte is read.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from mapapp.errors import InputError, Problem

MB = 1024 * 1024
MAX_FILE_BYTES = 512 * MB  # a file named on the command line (100,000 events fit)
MAX_FILE_ENV = "MAPAPP_MAX_FILE_MB"  # the operator's own cap on such a file, in MB
MAX_FILE_MB_CEILING = 65_536
MAX_UPLOAD_BYTES = 10 * MB  # a file uploaded to the app
MAX_ARTICLE_BYTES = 10 * MB  # an article is a news story, not a book

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def max_file_bytes() -> int:
    """The cap on a file named on the command line: MAX_FILE_BYTES, unless the
    operator sets MAPAPP_MAX_FILE_MB (a million events' itinerary is about 1.1 GB).
    Only the person who starts the process can set it: no upload or link reaches it."""
    text = os.environ.get(MAX_FILE_ENV, "").strip()
    if not text:
        return MAX_FILE_BYTES
    if not re.fullmatch(r"[0-9]{1,6}", text) or not 1 <= int(text) <= MAX_FILE_MB_CEILING:
        message = f"must be a whole number of MB from 1 to {MAX_FILE_MB_CEILING:,}, got {text!r}"
        raise InputError([Problem(MAX_FILE_ENV, "", message)])
    return int(text) * MB


def read_regular(
    path: Path,
    max_bytes: int | None = None,
    problem: Problem | None = None,
    what: str = "file",
) -> bytes:
    """The bytes of a regular file of at most max_bytes.

    problem says where to report a failure (file, field, line); by default the path itself.
    what names the file in messages ("the article"). max_bytes is max_file_bytes()
    unless given.
    """
    if max_bytes is None:
        max_bytes = max_file_bytes()
    where = problem or Problem(str(path), "", "")

    def refuse(message: str) -> InputError:
        return InputError([Problem(where.file, where.field, message, where.line)])

    label = f"{what} {path}" if problem is not None else what
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before fstat can refuse it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise refuse(f"cannot read {label}: {_reason(exc)}") from exc
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
        raise refuse(f"cannot read {label}: it is {kind}, not a regular file")
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > max_bytes:
            raise refuse(f"{label} is {info.st_size:,} bytes; the limit is {_size(max_bytes)}")
        # Read what fstat saw and one byte more (the file may have grown since): a read of
        # the whole cap would reserve the cap's memory for every small file.
        data = handle.read(info.st_size + 1)
        if len(data) > info.st_size:
            data += handle.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise refuse(f"{label} is larger than the limit of {_size(max_bytes)}")
    return data


def check_size(raw: bytes, name: str, max_bytes: int) -> None:
    """The same cap for bytes that arrived another way (an upload)."""
    if len(raw) > max_bytes:
        problem = Problem(name, "", f"file is {len(raw):,} bytes; the limit is {_size(max_bytes)}")
        raise InputError([problem])


def confined(base_dir: Path, relative: str, root: Path, problem: Problem) -> Path:
    """base_dir/relative with symlinks resolved; refused unless it lies inside root."""
    try:
        target = (base_dir / relative).resolve()
        inside = target.is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL byte
        raise InputError([_with(problem, f"cannot resolve {relative!r}: {exc}")]) from exc
    if not inside:
        msg = (
            f"{relative!r} resolves to {target}, outside the allowed folder {root.resolve()}; "
            "move the file inside it, or name a wider folder with --root"
        )
        raise InputError([_with(problem, msg)])
    return target


def decode_utf8(
    raw: bytes, name: str, field: str = "", line: int | None = None, keep_bom: bool = False
) -> str:
    """UTF-8 text; otherwise an InputError naming the byte.

    A leading BOM is dropped unless keep_bom (an article keeps it: offsets count it).
    """
    try:
        return raw.decode("utf-8" if keep_bom else "utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no = raw.count(b"\n", 0, exc.start) + 1
        msg = f"not UTF-8 text (byte {exc.start}, line {line_no}); save the file as UTF-8"
        raise InputError([Problem(name, field, msg, line)]) from exc


def _with(problem: Problem, message: str) -> Problem:
    return Problem(problem.file, problem.field, message, problem.line)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link loops (too many levels of symbolic links)"
    return exc.strerror or str(exc)


def _size(n: int) -> str:
    return f"{n // MB} MB" if n >= MB else f"{n:,} bytes"
