"""A real `roost master` in a subprocess, for end-to-end tests with real clients.

`Master` keeps the master's log lines as they come (a reader thread) and
finds its children in /proc, so tests wait on what the master says and
count the processes it really has, never on how long things take.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.harness.site import Site

#: Generous bound for anything a test waits for; only a broken master reaches it.
PATIENCE = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def roost_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "roost.cli", *args]


def wait_until(condition: Callable[[], object], seconds: float = PATIENCE) -> bool:
    """Poll `condition` until it is true or `seconds` have passed; whether it came true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def wait_for_port(port: int, proc: subprocess.Popen[bytes], seconds: float = 20) -> None:
    if not wait_until(lambda: proc.poll() is not None or port_open(port), seconds):
        raise AssertionError(f"port {port} never opened")
    if proc.poll() is not None:
        raise AssertionError(f"server exited: {proc.communicate()}")


def children(pid: int) -> list[int]:
    """The live child processes of `pid` (Linux /proc), zombies left out."""
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return []
    return [child for child in map(int, text.split()) if alive(child)]


def alive(pid: int) -> bool:
    """Whether `pid` is a running (or stopped) process, not gone and not a zombie."""
    return _state(pid) not in ("Z", "")


def _state(pid: int) -> str:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return ""
    return stat.rpartition(")")[2].split()[0]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


@dataclass
class Master:
    proc: subprocess.Popen[bytes]
    ports: dict[str, int]
    site: Site
    log: list[str] = field(default_factory=list)
    _reader: threading.Thread | None = None

    def __post_init__(self) -> None:
        self._reader = threading.Thread(target=self._read_log, daemon=True)
        self._reader.start()

    def _read_log(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line.decode(errors="replace"))

    @property
    def log_text(self) -> str:
        return "".join(self.log)

    def wait_for_log(self, text: str, count: int = 1) -> None:
        """Until `text` has appeared in `count` log lines (or the master ended)."""
        if not wait_until(lambda: self.log_text.count(text) >= count or self.proc.poll() is not None):
            raise AssertionError(f"never logged {text!r}:\n{self.log_text}")
        if self.log_text.count(text) < count:
            self.stop()
            raise AssertionError(f"master ended before logging {text!r}:\n{self.log_text}")

    def wait_for_ports(self) -> None:
        ports = list(self.ports.values())
        if not wait_until(lambda: self.proc.poll() is not None or all(map(port_open, ports))):
            raise AssertionError(f"ports {ports} never opened:\n{self.log_text}")
        if self.proc.poll() is not None:
            self.stop()
            raise AssertionError(f"master exited:\n{self.log_text}")

    def workers(self) -> list[int]:
        """Children that are forks of the master (same command line); jobs are other programs."""
        own = _cmdline(self.proc.pid)
        return [pid for pid in children(self.proc.pid) if _cmdline(pid) == own]

    def terminate(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def stop(self) -> int:
        """SIGTERM, then the exit status once it has ended by itself (and its log is read)."""
        self.terminate()
        try:
            self.proc.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"master did not stop on SIGTERM:\n{self.log_text}") from None
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        if self._reader is not None:
            self._reader.join(timeout=PATIENCE)
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        return self.proc.returncode


def start_master(site: Site, services: dict[str, str], sections: str = "",
                 stdin: int | None = None) -> Master:
    """Start `roost master` with SERVICES `name -> cmd` on fresh loopback ports.

    `sections` is more cyrus.conf text (START, EVENTS); nothing is awaited.
    """
    ports = {name: free_port() for name in services}
    lines = [f'  {name} cmd="{cmd}" listen="127.0.0.1:{ports[name]}"'
             for name, cmd in services.items()]
    cyrus_conf = site.root / "cyrus.conf"
    cyrus_conf.write_text("SERVICES {\n" + "\n".join(lines) + "\n}\n" + sections)
    proc = subprocess.Popen(roost_command("master", "-C", str(site.conf_path), "-M", str(cyrus_conf)),
                            stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return Master(proc, ports, site)


@contextmanager
def running_master(site: Site, services: dict[str, str], sections: str = "") -> Iterator[Master]:
    """A master whose every port is open; stopped with SIGTERM afterwards."""
    master = start_master(site, services, sections)
    try:
        master.wait_for_ports()
        yield master
    finally:
        master.stop()


def cyrus_tool(name: str) -> str:
    """Debian installs imtest and friends outside PATH."""
    path = Path("/usr/lib/cyrus/bin") / name
    return str(path) if path.exists() else name
