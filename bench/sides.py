"""What every server under test offers the comparison, and waiting for it to listen.

Roost, Cyrus and Dovecot are each started by their own module; the
comparison only needs this much of them, so adding a server means writing
one class with these members.
"""

from __future__ import annotations

import socket
import subprocess
import time
from typing import Protocol

START_TIMEOUT = 30.0


class Side(Protocol):
    """A server started on 127.0.0.1 with users user1..userN and their INBOXes."""

    name: str
    imap_port: int
    lmtp_socket: str
    """Unix socket of LMTP (Cyrus's lmtpd asks TCP clients to AUTH), None if absent."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    @property
    def pid(self) -> int:
        """The root of the server's process tree (its master)."""

    def log_tail(self, lines: int = 20) -> str: ...

    def alive(self) -> bool:
        """Whether the master is still running."""


def wait_for_port(port: int, process: subprocess.Popen[bytes] | None = None,
                  timeout: float = START_TIMEOUT) -> None:
    """Return once 127.0.0.1:`port` accepts; fail early if `process` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode} "
                               f"before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f}s")


def wait_for_unix(path: str, process: subprocess.Popen[bytes] | None = None,
                  timeout: float = START_TIMEOUT) -> None:
    """Return once the unix socket `path` accepts; fail early if `process` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode} "
                               f"before listening on {path}")
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.connect(path)
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {path} after {timeout:.0f}s")
