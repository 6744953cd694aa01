"""A real `roost master` in a subprocess, for end-to-end tests with real clients."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.harness.site import Site


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def roost_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "roost.cli", *args]


def wait_for_port(port: int, proc: subprocess.Popen[bytes], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.communicate()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"port {port} never opened")


@dataclass
class Master:
    proc: subprocess.Popen[bytes]
    ports: dict[str, int]
    site: Site

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.communicate(timeout=30)
        return self.proc.returncode


@contextmanager
def running_master(site: Site, services: dict[str, str]) -> Iterator[Master]:
    """Run `roost master` with SERVICES `name -> cmd` on fresh loopback ports."""
    ports = {name: free_port() for name in services}
    lines = [f'  {name} cmd="{cmd}" listen="127.0.0.1:{ports[name]}"'
             for name, cmd in services.items()]
    cyrus_conf = site.root / "cyrus.conf"
    cyrus_conf.write_text("SERVICES {\n" + "\n".join(lines) + "\n}\n")
    proc = subprocess.Popen(roost_command("master", "-C", str(site.conf_path), "-M", str(cyrus_conf)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    master = Master(proc, ports, site)
    try:
        for port in ports.values():
            wait_for_port(port, proc)
        yield master
    finally:
        master.stop()


def cyrus_tool(name: str) -> str:
    """Debian installs imtest and friends outside PATH."""
    path = Path("/usr/lib/cyrus/bin") / name
    return str(path) if path.exists() else name
