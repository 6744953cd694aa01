"""A throwaway PostgreSQL cluster (Debian's postgresql binaries: initdb,
pg_ctl), listening on 127.0.0.1 only, with password authentication.

initdb refuses to run as root, so as root the cluster belongs to the
`postgres` user Debian's package creates (runuser), in a directory of
its own under the system temp directory (pytest's are private to root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SUPERUSER = "roostsql"
SUPERPASSWORD = "cluster-secret"


def _bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


@dataclass(frozen=True)
class Cluster:
    host: str
    port: int
    user: str
    password: str


@contextmanager
def running_cluster() -> Iterator[Cluster]:
    """Start a cluster; skip when the PostgreSQL binaries are missing."""
    bindir = _bindir()
    if bindir is None or not (bindir / "pg_ctl").exists():
        pytest.skip("needs PostgreSQL's initdb and pg_ctl (Debian postgresql)")
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root needs the postgres user to run initdb")
        prefix = ["runuser", "-u", "postgres", "--"]
    top = Path(tempfile.mkdtemp(prefix="roost-pg-"))
    data = top / "data"
    pwfile = top / "pwfile"
    pwfile.write_text(SUPERPASSWORD + "\n")
    if as_root:
        os.chown(top, owner.pw_uid, owner.pw_gid)
        os.chown(pwfile, owner.pw_uid, owner.pw_gid)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER,
                        "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8"],
                       check=True, capture_output=True)
        options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={top}"
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l",
                        str(top / "log"), "-o", options, "-w", "-t", "60", "start"],
                       check=True, capture_output=True)
        try:
            yield Cluster("127.0.0.1", port, SUPERUSER, SUPERPASSWORD)
        finally:
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast",
                            "-w", "stop"], check=False, capture_output=True)
    finally:
        shutil.rmtree(top, ignore_errors=True)
