"""Cyrus's per-user protocol telemetry: one file per session, both directions.

Cyrus (imap/telemetry.c) turns it on per user with a directory:
`<configdirectory>/log/<userid>/` existing makes every later session of
that user write `<ident>-<pid>` in it (or `<ident>-<sessionid>` with
`telemetry_bysessionid`). A Roost worker serves many sessions in one
process, so a pid names no session: Roost always uses the session-id
form, `imap-<sessionid>`, and the session id carries the pid
(`roost.telemetry.session`). The file starts with
`---------- <userid> <ctime>` and, as Cyrus's prot layer writes it, each
chunk the client sent is preceded by `<UNIXTIME<` and each chunk the
server sent by `>UNIXTIME>`.

Nothing here waits on the disk in the event loop: chunks are buffered in
memory and handed to one writer thread per process (in order) every
FLUSH_BYTES and at the end of the session.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from roost.telemetry.mask import Masker

log = logging.getLogger(__name__)

#: Buffered bytes that make a session's telemetry go to its file.
FLUSH_BYTES = 64 * 1024
#: A client line longer than this is written (masked as a line) without waiting for its end.
MAX_PARTIAL_LINE = 64 * 1024

_writer: ThreadPoolExecutor | None = None
_writer_pid = 0
_writer_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """The process's one telemetry writer thread (made anew after a fork)."""
    global _writer, _writer_pid
    with _writer_lock:
        if _writer is None or _writer_pid != os.getpid():
            _writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="roost-telemetry")
            _writer_pid = os.getpid()
        return _writer


def telemetry_dir(configdirectory: str, userid: str) -> Path | None:
    """`<configdirectory>/log/<userid>/`, or None when the user's name cannot be
    a directory name (a `/`, `.`, `..`, a NUL: never a path outside log/)."""
    if not userid or userid in (".", "..") or "/" in userid or "\0" in userid:
        return None
    return Path(configdirectory) / "log" / userid


def find_telemetry_file(configdirectory: str, userid: str, ident: str,
                        session_id: str) -> Path | None:
    """The file this session writes, if its user has telemetry on (blocking: a stat)."""
    directory = telemetry_dir(configdirectory, userid)
    if directory is None or not directory.is_dir():
        return None
    return directory / f"{ident}-{session_id}"


class ProtocolLog:
    """The telemetry of one session, for one user, to one file."""

    def __init__(self, path: Path, userid: str) -> None:
        self.path = path
        self._masker = Masker()
        self._partial = b""
        self._buffer = bytearray(f"---------- {userid} {time.ctime()}\n\n".encode())
        self._fd = -1
        self._last: Future[None] | None = None

    def client(self, data: bytes) -> None:
        """Bytes the client sent (decrypted, decompressed)."""
        data = self._partial + data
        # Only LF ends a line: a lone CR inside a LOGIN line must not split it.
        lines = [line + b"\n" for line in data.split(b"\n")]
        lines[-1] = lines[-1][:-1]
        if not lines[-1]:
            lines.pop()
        if lines and not lines[-1].endswith(b"\n") and len(lines[-1]) <= MAX_PARTIAL_LINE:
            self._partial = lines.pop()
        else:
            self._partial = b""
        if lines:
            self._buffer += b"<%d<" % int(time.time())
            for line in lines:
                self._buffer += self._masker.client_line(line)
            self._maybe_flush()

    def server(self, data: bytes) -> None:
        """Bytes the server queued for the client, in order."""
        self._masker.server_line(data[:16])
        self._buffer += b">%d>" % int(time.time())
        self._buffer += data
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self._buffer) >= FLUSH_BYTES:
            self._flush()

    def _flush(self, closing: bool = False) -> Future[None]:
        chunk, self._buffer = bytes(self._buffer), bytearray()
        self._last = _executor().submit(self._write, chunk, closing)
        return self._last

    def _write(self, chunk: bytes, closing: bool) -> None:
        """In the writer thread: append `chunk`; close the file at the end."""
        try:
            if self._fd < 0:
                self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            view = memoryview(chunk)
            while view:
                view = view[os.write(self._fd, view):]
        except OSError as err:
            log.error("IOERROR: unable to write to telemetry log %s: %s", self.path,
                      err.strerror)
        finally:
            if closing and self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    async def close(self) -> None:
        """Write what is left (a partial line too) and close the file."""
        if self._partial:
            self._buffer += b"<%d<" % int(time.time())
            self._buffer += self._masker.client_line(self._partial)
            self._partial = b""
        await asyncio.wrap_future(self._flush(closing=True))
