"""mbsync (Debian isync) syncs a Maildir of 100 messages to Roost and back,
flags intact: the disconnected-client round trip a migration relies on."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.harness.master import Master, running_master
from tests.harness.site import PASSWORD, Site

FLAG_CYCLE = ["", "S", "FS", "RS", "DS", "F"]


def message(n: int) -> bytes:
    return (f"From: sender{n}@example.com\r\nTo: bob@example.com\r\n"
            f"Subject: message {n}\r\nMessage-ID: <{n}@mbsync.test>\r\n"
            f"Date: Mon, 1 Jan 2024 10:{n % 60:02d}:00 +0000\r\n\r\n"
            f"Body {n}\r\n" + "line\r\n" * (n % 7)).encode()


def make_maildir(root: Path, count: int) -> dict[bytes, str]:
    """A Maildir INBOX of `count` messages; returns body -> maildir flags."""
    expected = {}
    for sub in ("cur", "new", "tmp"):
        (root / "INBOX" / sub).mkdir(parents=True)
    for n in range(count):
        flags = FLAG_CYCLE[n % len(FLAG_CYCLE)]
        body = message(n)
        (root / "INBOX" / "cur" / f"{1700000000 + n}.{n}.test:2,{flags}").write_bytes(body)
        expected[body] = flags
    return expected


def normalised(body: bytes) -> bytes:
    """mbsync writes Maildir files with LF endings and its own X-TUID header."""
    lines = body.replace(b"\r\n", b"\n").split(b"\n")
    return b"\n".join(line for line in lines if not line.startswith(b"X-TUID:"))


def read_maildir(root: Path) -> dict[bytes, str]:
    found = {}
    for path in (root / "INBOX").glob("*/*"):
        flags = path.name.rpartition(":2,")[2] if ":2," in path.name else ""
        found[normalised(path.read_bytes())] = "".join(sorted(flags, key="DFPRST".index))
    return found


def mbsync_config(master: Master, local: Path, state: Path) -> str:
    return f"""
IMAPAccount roost
Host 127.0.0.1
Port {master.ports['imap']}
User bob
Pass {PASSWORD}
SSLType None
AuthMechs PLAIN

IMAPStore remote
Account roost

MaildirStore local
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel sync
Far :remote:
Near :local:
Patterns INBOX
Create Both
SyncState {state}/
Sync All
"""


def mbsync(master: Master, tmp: Path, local: Path, name: str) -> None:
    state = tmp / f"state-{name}"
    state.mkdir()
    config = tmp / f"mbsyncrc-{name}"
    config.write_text(mbsync_config(master, local, state))
    result = subprocess.run(["mbsync", "-c", str(config), "-a"], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def master(site: Site) -> Iterator[Master]:
    with running_master(site, {"imap": "imapd"}) as running:
        yield running


def test_maildir_to_roost_and_back(master: Master, tmp_path: Path) -> None:
    import imaplib

    admin = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
    admin.login("admin", PASSWORD)
    assert admin.create("user/bob")[0] == "OK"
    admin.logout()

    expected = make_maildir(tmp_path / "up", 100)
    mbsync(master, tmp_path, tmp_path / "up", "up")

    client = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
    client.login("bob", PASSWORD)
    assert client.select("INBOX") == ("OK", [b"100"])
    status, flagged = client.search(None, "FLAGGED")
    assert status == "OK" and len(flagged[0].split()) == sum("F" in f for f in expected.values())
    client.logout()

    (tmp_path / "down").mkdir()
    mbsync(master, tmp_path, tmp_path / "down", "down")
    assert read_maildir(tmp_path / "down") == {
        normalised(body): "".join(sorted(flags, key="DFPRST".index)) for body, flags in expected.items()
    }
