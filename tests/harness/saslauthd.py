"""A real saslauthd (Debian sasl2-bin) in a temp directory, unprivileged.

saslauthd's sasldb mechanism always opens /etc/sasldb2 and its shadow
mechanism /etc/shadow, so the test users live in a test-only passwd file
instead: saslauthd runs `-a getpwent` under nss_wrapper (Debian
libnss-wrapper, NSS_WRAPPER_PASSWD), which makes getpwnam(3) read that
file, with crypt(3) hashes made by openssl. `-d` keeps it in the
foreground, `-m` puts its socket (`mux`) in a short temporary directory
of its own (a unix socket path must fit in about 100 bytes).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest

NSS_WRAPPER = "/usr/lib/*/libnss_wrapper.so"


def _nss_wrapper() -> str | None:
    return next(iter(sorted(glob.glob(NSS_WRAPPER))), None)


def need_saslauthd() -> tuple[str, str]:
    """(saslauthd, libnss_wrapper.so), or skip the test when either is missing."""
    saslauthd = shutil.which("saslauthd") or (
        "/usr/sbin/saslauthd" if Path("/usr/sbin/saslauthd").exists() else None)
    wrapper = _nss_wrapper()
    if saslauthd is None or wrapper is None or shutil.which("openssl") is None:
        pytest.skip("needs saslauthd (sasl2-bin), libnss-wrapper and openssl")
    return saslauthd, wrapper


def _crypt(password: str) -> str:
    return subprocess.run(["openssl", "passwd", "-6", "-stdin"], input=password, text=True,
                          capture_output=True, check=True).stdout.strip()


@contextmanager
def running_saslauthd(users: Mapping[str, str]) -> Iterator[Path]:
    """saslauthd knowing `users` (name -> password); yields its socket path."""
    saslauthd, wrapper = need_saslauthd()
    with tempfile.TemporaryDirectory(prefix="roost-sasl-") as path:
        yield from _serve(saslauthd, wrapper, Path(path), users)


def _serve(saslauthd: str, wrapper: str, directory: Path,
           users: Mapping[str, str]) -> Iterator[Path]:
    passwd = directory / "passwd"
    passwd.write_text("".join(f"{name}:{_crypt(password)}:{5000 + n}:5000:{name}:/:/bin/false\n"
                              for n, (name, password) in enumerate(users.items())))
    (directory / "group").write_text("mail:x:5000:\n")
    env = dict(os.environ, LD_PRELOAD=wrapper, NSS_WRAPPER_PASSWD=str(passwd),
               NSS_WRAPPER_GROUP=str(directory / "group"))
    socket_path = directory / "mux"
    process = subprocess.Popen([saslauthd, "-a", "getpwent", "-m", str(directory), "-d",
                                "-n", "2"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(200):  # bounded: 10 s
            if socket_path.exists() or process.poll() is not None:
                break
            time.sleep(0.05)
        if not socket_path.exists():
            raise RuntimeError("saslauthd did not create its socket")
        yield socket_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
