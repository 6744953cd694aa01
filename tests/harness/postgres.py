"""A throwaway PostgreSQL cluster for the test run (Debian's postgresql:
initdb and pg_ctl), stopped at the end.

`running_postgres()` starts one on a unix socket only (no TCP port), local
trust authentication: only processes that can reach its socket directory
can talk to it. `start_cluster` is the shared step (the sql auxprop tests
add a loopback port and password authentication, tests/harness/pgcluster.py).

initdb and the server refuse to run as root. As root (CI runs as root)
the cluster belongs to the `postgres` user Debian's package creates, run
through runuser, in a directory of its own under the system temp
directory: pytest's temp directories are private to root (mode 0700, and
pytest puts that mode back at each run), so the server could not reach a
socket there. As any other user it runs as that user, under `top`.

When the binaries are missing or the cluster cannot start, the tests that
need it FAIL with the reason (`pytest.fail`): CI installs the package
(scripts/install-test-clients.sh), so a silent skip would hide a backend
that was never tested.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

SUPERUSER = "roost"


def bindir() -> Path:
    """Where initdb and pg_ctl are; fails the test when they are missing."""
    found = shutil.which("initdb")
    candidates = [Path(found).resolve().parent] if found else []
    candidates += [Path(p).parent for p in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                                                  reverse=True)]
    for candidate in candidates:
        if (candidate / "pg_ctl").exists():
            return candidate
    pytest.fail("the PostgreSQL tests need initdb and pg_ctl: install Debian's postgresql"
                " package (scripts/install-test-clients.sh does)", pytrace=False)


def _runner() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix that runs the server as a user it accepts."""
    if os.geteuid() != 0:
        return [], None
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        pytest.fail("as root the PostgreSQL tests run the cluster as the postgres user,"
                    " which Debian's postgresql package creates; it is missing", pytrace=False)
    return ["runuser", "-u", "postgres", "--"], owner


def _run(command: Sequence[str], what: str, log: Path | None = None) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
        pytest.fail(f"PostgreSQL {what} failed ({done.returncode}): {done.stderr.strip()}"
                    f"\n{tail}", pytrace=False)


@contextmanager
def start_cluster(top: Path | None, server_options: str = "",
                  password: str | None = None) -> Iterator[Path]:
    """Run a fresh cluster whose socket directory is the returned path (also
    where its data and log are); `server_options` go to the server. With
    `password` the superuser needs it (scram-sha-256), else logins over
    the socket are trusted."""
    binaries = bindir()
    prefix, owner = _runner()
    if owner is not None or top is None:
        home = Path(tempfile.mkdtemp(prefix="roost-pg-"))
    else:
        home = top
    if owner is not None:
        os.chown(home, owner.pw_uid, owner.pw_gid)
    data, log = home / "data", home / "log"
    auth = ["--auth=trust"]
    if password is not None:
        pwfile = home / "pwfile"
        pwfile.write_text(password + "\n")
        if owner is not None:
            os.chown(pwfile, owner.pw_uid, owner.pw_gid)
        auth = ["--auth=scram-sha-256", f"--pwfile={pwfile}"]
    try:
        _run([*prefix, str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "-E", "UTF8",
              "--no-sync", *auth], "initdb")
        # fsync off: a throwaway cluster; the store's own durability rule is
        # its commit, which the tests check through the API, not the disk.
        options = (f"-c listen_addresses='' -c unix_socket_directories={home}"
                   f" -c fsync=off -c max_connections=200 {server_options}")
        _run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options,
              "-w", "-t", "60", "start"], "start", log)
        try:
            yield home
        finally:
            subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m",
                            "immediate", "-w", "stop"], check=False, capture_output=True)
    finally:
        shutil.rmtree(home, ignore_errors=True)


@dataclass(frozen=True)
class Postgres:
    """A running cluster: `dsn` of its superuser's database."""

    socket_dir: Path

    @property
    def dsn(self) -> str:
        return f"host={self.socket_dir} user={SUPERUSER} dbname=postgres"

    def new_schema(self) -> str:
        """A DSN whose tables land in a fresh, empty schema of their own: one
        per test, far cheaper than a database each."""
        schema = f"t_{secrets.token_hex(6)}"
        with psycopg.connect(self.dsn, autocommit=True) as db:
            db.execute(f"CREATE SCHEMA {schema}")
        return f"{self.dsn} options='-c search_path={schema}'"

    def drop_schemas(self, dsns: Iterable[str]) -> None:
        """Drop the schemas of `dsns` (from new_schema) and all they hold, so
        that a run of thousands of sites keeps a small catalog; one a client
        still locks stays, for the cluster's end to take."""
        with psycopg.connect(self.dsn, autocommit=True) as db:
            db.execute("SET lock_timeout = '2s'")
            for dsn in dsns:
                schema = dsn.rpartition("search_path=")[2].rstrip("'")
                try:
                    db.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                except psycopg.errors.LockNotAvailable:
                    pass


@contextmanager
def running_postgres(top: Path | None = None) -> Iterator[Postgres]:
    """A cluster on a unix socket for the whole run."""
    with start_cluster(top) as home:
        yield Postgres(home)
