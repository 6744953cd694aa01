"""A real full disk: a tiny tmpfs mounted over a directory, filled to the last byte.

Mounting needs CAP_SYS_ADMIN (root on the development machine and in CI);
without it the tests that need a full disk skip, saying so. Nothing else
produces a real ENOSPC/SQLITE_FULL from the kernel without privileges.
"""

from __future__ import annotations

import contextlib
import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

FILLER = ".filler"
CHUNK = b"\0" * 4096
MAX_CHUNKS = 1 << 16  # 256 MiB: far more than any tiny file system holds


@contextlib.contextmanager
def tiny_filesystem(path: Path, size: str = "2m") -> Iterator[Path]:
    """Mount a tmpfs of `size` at `path` (created if missing) for the block."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"a full disk needs a tmpfs mount, refused here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def fill(path: Path, leave: int = 0) -> Path:
    """Write a filler file in `path` until its file system has no byte left,
    then give back about `leave` bytes."""
    filler = path / FILLER
    with open(filler, "ab", buffering=0) as out:
        for _ in range(MAX_CHUNKS):
            try:
                out.write(CHUNK)
            except OSError as err:
                assert err.errno == errno.ENOSPC, err
                break
        else:
            raise AssertionError(f"{path} never filled up")
        if leave:
            out.truncate(max(0, out.tell() - leave))
    return filler


def files_under(path: Path) -> list[str]:
    """Every file below `path` except the filler, as relative paths."""
    return sorted(str(p.relative_to(path)) for p in path.rglob("*")
                  if p.is_file() and p.name != FILLER)
