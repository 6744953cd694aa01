"""What every server under test offers the comparison, and waiting for it to listen.

Roost, Cyrus and Dovecot are each started by their own module; the
comparison only needs this much of them, so adding a server means writing
one class with these members.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
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


class MasterProcess:
    """The part every side shares: a master process in its own session (so
    its whole process tree can be killed), a temp directory, log files there."""

    log_names: tuple[str, ...] = ("master.log",)

    def __init__(self, prefix: str) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix=prefix)
        self.root = Path(self.tmp.name)
        self.process: subprocess.Popen[bytes] | None = None

    def spawn(self, args: list[str], cwd: Path | None = None) -> None:
        """Start the master, its output in master.log."""
        with open(self.root / "master.log", "wb") as log:  # Popen keeps its own copy
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True, cwd=cwd)

    @property
    def pid(self) -> int:
        assert self.process is not None, "start() first"
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        text: list[str] = []
        for name in self.log_names:
            log = self.root / name
            text += log.read_text(errors="replace").splitlines() if log.exists() else []
        return "\n".join(text[-lines:])

    def stop(self) -> None:
        """SIGTERM the master (it stops its children), SIGKILL the group after 20 s."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.tmp.cleanup()


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
