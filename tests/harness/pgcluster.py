"""A throwaway PostgreSQL cluster listening on 127.0.0.1 too, with
password authentication (the sql auxprop tests log in as a client of a
site's user database would). Started by `tests/harness/postgres.py`,
which says how it runs as root and why a missing PostgreSQL fails the
tests instead of skipping them.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from tests.harness.postgres import SUPERUSER, start_cluster

SUPERPASSWORD = "cluster-secret"


@dataclass(frozen=True)
class Cluster:
    host: str
    port: int
    user: str
    password: str


@contextmanager
def running_cluster() -> Iterator[Cluster]:
    """Start a cluster on a free loopback port, scram-sha-256 logins."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with start_cluster(None, f"-c listen_addresses=127.0.0.1 -p {port}",
                       password=SUPERPASSWORD):
        yield Cluster("127.0.0.1", port, SUPERUSER, SUPERPASSWORD)
