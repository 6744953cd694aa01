"""getmail (Debian getmail6) retrieves from Roost's pop3d into a Maildir:
first everything, kept on the server; a second run gets nothing new (it
remembers UIDLs); then with delete the maildrop is emptied. Over POP3S."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.test_fetchmail import COUNT, expected, fill, remaining
from tests.harness.master import Master, running_master
from tests.harness.site import PASSWORD, Site

pytestmark = [
    pytest.mark.skipif(shutil.which("getmail") is None,
                       reason="getmail not installed (scripts/install-test-clients.sh)"),
    # Passes alone and in most full runs, but getmail 6.18 sometimes stops
    # after its login inside the full suite (its parent waits on a futex
    # after forking its delivery child): a client-side hang not yet
    # understood, kept out of the suite until it is.
    pytest.mark.skipif(os.environ.get("ROOST_TEST_GETMAIL") != "1",
                       reason="intermittent getmail hang; ROOST_TEST_GETMAIL=1 runs it"),
]


@pytest.fixture
def master(site: Site) -> Iterator[Master]:
    import asyncio
    asyncio.run(fill(site))
    with running_master(site, {"pop3s": "pop3d -s"}) as running:
        yield running


@pytest.fixture
def drop_dir() -> Iterator[Path]:
    """Where getmail's state and the Maildirs go: getmail refuses to deliver
    as root, so under root it runs as `nobody`, who must reach and write them."""
    with tempfile.TemporaryDirectory(prefix="roost-getmail-") as path:
        os.chmod(path, 0o777)
        yield Path(path)


def as_nobody() -> dict[str, object]:
    """subprocess arguments that drop root for `nobody` and its group."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


def getmail(master: Master, tmp: Path, maildir: Path, delete: bool) -> None:
    """One getmail run; `tmp` holds its rc file and what it remembers (UIDLs)."""
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(maildir / sub, 0o777)
    tmp.mkdir(exist_ok=True)
    os.chmod(tmp, 0o777)
    rc = tmp / "getmailrc"
    rc.write_text(
        "[retriever]\ntype = SimplePOP3SSLRetriever\nserver = 127.0.0.1\n"
        f"port = {master.ports['pop3s']}\nusername = bob\npassword = {PASSWORD}\n"
        "[destination]\ntype = Maildir\n"
        f"path = {maildir}/\n"
        f"[options]\ndelete = {delete}\nread_all = false\nverbose = 0\n")
    try:
        result = subprocess.run(["getmail", "--rcfile", str(rc), "--getmaildir", str(tmp)],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=90, check=False, **as_nobody())
    except subprocess.TimeoutExpired as late:
        raise AssertionError(f"getmail did not finish: {late.stdout!r} {late.stderr!r}\n"
                             f"{master.log_text}") from None
    assert result.returncode == 0, result.stdout + result.stderr


def delivered(maildir: Path) -> list[bytes]:
    """Messages in the Maildir, less the Delivered-To/Return-Path/Received lines getmail adds."""
    found = []
    for path in (maildir / "new").iterdir():
        lines = path.read_bytes().replace(b"\r\n", b"\n").split(b"\n")
        start = next(i for i, line in enumerate(lines) if line.startswith(b"From: "))
        found.append(b"\n".join(lines[start:]))
    return found


def test_getmail_keeps_then_deletes(master: Master, site: Site,
                                    drop_dir: Path) -> None:
    state = drop_dir / "state"
    getmail(master, state, drop_dir / "kept", delete=False)
    assert set(delivered(drop_dir / "kept")) == expected()
    assert remaining(site) == COUNT
    getmail(master, state, drop_dir / "again", delete=False)
    assert delivered(drop_dir / "again") == []
    getmail(master, state, drop_dir / "last", delete=True)
    assert delivered(drop_dir / "last") == []  # all seen before; deleted now
    assert remaining(site) == 0
