"""Binding the sockets that cyrus.conf `listen=` values name.

Cyrus accepts `host:port`, `[v6]:port`, a bare port (all addresses) and a
path (a unix socket); service names from /etc/services are accepted too.
"""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

from roost.config import ConfigError
from roost.config.cyrusconf import Entry


def bind_listener(entry: Entry) -> socket.socket:
    """A listening socket for the entry's `listen=`; ConfigError naming its line."""
    listen = entry.args.get("listen")
    if not listen:
        raise ConfigError(f"{entry.where()}: service {entry.name!r} has no listen=")
    try:
        if "/" in listen:
            return _bind_unix(Path(listen))
        return _bind_tcp(listen)
    except OSError as err:
        raise ConfigError(f"{entry.where()}: cannot listen on {listen!r}: {err.strerror}") from None


def _bind_unix(path: Path) -> socket.socket:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and stat.S_ISSOCK(path.stat().st_mode):
        path.unlink()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    os.chmod(path, 0o777)  # Cyrus's lmtp socket is world-writable; the directory guards it
    sock.listen(1024)
    sock.setblocking(False)
    return sock


def _bind_tcp(listen: str) -> socket.socket:
    host, _, port_text = listen.rpartition(":")
    host = host.strip("[]") or "0.0.0.0"
    port = int(port_text) if port_text.isdigit() else socket.getservbyname(port_text, "tcp")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.setblocking(False)
    return sock
