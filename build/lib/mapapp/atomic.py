"""Atomic file writes: readers see the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from mapapp.errors import OutputError, Problem


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    write_many_atomic([(path, data)])


def write_chunks_atomic(path: Path, chunks: Iterable[bytes]) -> None:
    """Like write_bytes_atomic, for data produced piece by piece."""
    write_many_atomic([(path, chunks)])


def write_many_atomic(files: Iterable[tuple[Path, bytes | Iterable[bytes]]]) -> None:
    """Write every file to a temporary sibling first, then rename them all.

    Nothing is renamed until every temporary file is complete, so a failure part
    way leaves all the previous files untouched.
    """
    staged: list[tuple[str, Path]] = []
    path = Path()
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            os.fchmod(fd, 0o666 & ~_umask())
            with os.fdopen(fd, "wb") as handle:
                if isinstance(data, bytes):
                    handle.write(data)
                else:
                    handle.writelines(data)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError([Problem(str(path), "", f"cannot write: {reason}")]) from exc
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
