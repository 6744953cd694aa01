"""offlineimap (Debian offlineimap3) syncs bob's INBOX with a Maildir twice,
with a change on each side between the syncs: flags, a new message and a
deletion made locally, the same three made on the server. After the second
sync the Maildir and the server hold the same messages with the same flags.

Roost advertises CONDSTORE and QRESYNC (as it always does); offlineimap 8
does not use them (it compares UID lists and FLAGS itself), so this checks
that a client which sees them advertised and ignores them still syncs
exactly, through Roost's plain FETCH/STORE/APPEND/EXPUNGE paths."""

from __future__ import annotations

import imaplib
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.harness.master import Master, running_master
from tests.harness.site import PASSWORD, Site

pytestmark = pytest.mark.skipif(shutil.which("offlineimap") is None,
                                reason="offlineimap is not installed (Debian offlineimap3)")

# Maildir info letters (as offlineimap writes them) <-> IMAP flags.
MAILDIR_FLAGS = {"D": "\\Draft", "F": "\\Flagged", "R": "\\Answered", "S": "\\Seen"}


def message(n: int) -> bytes:
    return (f"From: sender{n}@example.com\r\nTo: bob@example.com\r\n"
            f"Subject: offlineimap {n}\r\nMessage-ID: <{n}@offlineimap.test>\r\n"
            f"Date: Mon, 1 Jan 2024 10:{n % 60:02d}:00 +0000\r\n\r\nBody {n}\r\n").encode()


def offlineimap_config(master: Master, tmp: Path) -> str:
    return f"""
[general]
accounts = roost
metadata = {tmp}/offlineimap-state
ui = basic

[Account roost]
localrepository = local
remoterepository = remote

[Repository local]
type = Maildir
localfolders = {tmp}/mail

[Repository remote]
type = IMAP
remotehost = 127.0.0.1
remoteport = {master.ports['imap']}
remoteuser = bob
remotepass = {PASSWORD}
ssl = no
starttls = no
auth_mechanisms = PLAIN
maxconnections = 1
folderfilter = lambda name: name == 'INBOX'
"""


def offlineimap(config: Path) -> None:
    result = subprocess.run(["offlineimap", "-c", str(config), "-o", "-1"],
                            capture_output=True, text=True, timeout=120, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "ERROR" not in output, output


def maildir_state(root: Path) -> dict[str, frozenset[str]]:
    """Message-ID -> IMAP flags of every message in the Maildir INBOX."""
    found: dict[str, frozenset[str]] = {}
    for path in (root / "INBOX").glob("*/*"):
        if path.parent.name == "tmp":
            continue
        letters = path.name.rpartition(":2,")[2] if ":2," in path.name else ""
        match = re.search(rb"Message-ID: <([^>]+)>", path.read_bytes())
        assert match, path
        found[match.group(1).decode()] = frozenset(MAILDIR_FLAGS[c] for c in letters if c in MAILDIR_FLAGS)
    return found


def server_state(client: imaplib.IMAP4) -> dict[str, frozenset[str]]:
    """Message-ID -> flags (without \\Recent) of every message in INBOX."""
    client.select("INBOX")
    typ, data = client.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    assert typ == "OK"
    found: dict[str, frozenset[str]] = {}
    for item in data:
        if not isinstance(item, tuple):
            continue
        flags = re.search(rb"FLAGS \(([^)]*)\)", item[0])
        msgid = re.search(rb"<([^>]+)>", item[1])
        assert flags and msgid, item
        found[msgid.group(1).decode()] = frozenset(
            f for f in flags.group(1).decode().split() if f != "\\Recent")
    return found


@pytest.fixture
def master(site: Site) -> Iterator[Master]:
    with running_master(site, {"imap": "imapd"}) as running:
        yield running


def bob(master: Master) -> imaplib.IMAP4:
    client = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
    client.login("bob", PASSWORD)
    return client


def test_two_syncs_with_changes_on_both_sides(master: Master, tmp_path: Path) -> None:
    admin = imaplib.IMAP4("127.0.0.1", master.ports["imap"])
    admin.login("admin", PASSWORD)
    assert admin.create("user/bob")[0] == "OK"
    admin.logout()
    server = bob(master)
    caps = server.capabilities
    assert "CONDSTORE" in caps and "QRESYNC" in caps
    for n in range(8):
        flags = "(\\Seen)" if n % 2 else "()"
        assert server.append("INBOX", flags, None, message(n))[0] == "OK"
    server.logout()

    config = tmp_path / "offlineimaprc"
    config.write_text(offlineimap_config(master, tmp_path))
    offlineimap(config)
    mail = tmp_path / "mail"
    first = maildir_state(mail)
    assert first == {f"{n}@offlineimap.test": frozenset({"\\Seen"} if n % 2 else ()) for n in range(8)}

    # Local side: flag message 0, delete message 1, add message 100.
    (flagged,) = [p for p in (mail / "INBOX").glob("*/*") if b"<0@offlineimap.test>" in p.read_bytes()]
    flagged.rename(flagged.with_name(flagged.name.rpartition(":2,")[0] + ":2,F"))
    (gone,) = [p for p in (mail / "INBOX").glob("*/*") if b"<1@offlineimap.test>" in p.read_bytes()]
    gone.unlink()
    (mail / "INBOX" / "new" / "1700000100.local.test").write_bytes(message(100))

    # Server side: answer message 2, expunge message 3, append message 200.
    server = bob(master)
    server.select("INBOX")
    assert server.store("3", "+FLAGS", "(\\Answered)")[0] == "OK"
    assert server.store("4", "+FLAGS", "(\\Deleted)")[0] == "OK"
    assert server.expunge()[0] == "OK"
    assert server.append("INBOX", "(\\Flagged)", None, message(200))[0] == "OK"
    server.logout()

    offlineimap(config)
    server = bob(master)
    on_server = server_state(server)
    server.logout()
    expected = dict(first)
    expected["0@offlineimap.test"] = frozenset({"\\Flagged"})
    del expected["1@offlineimap.test"]
    expected["100@offlineimap.test"] = frozenset()
    expected["2@offlineimap.test"] = frozenset({"\\Answered"})
    del expected["3@offlineimap.test"]
    expected["200@offlineimap.test"] = frozenset({"\\Flagged"})
    assert on_server == expected
    assert maildir_state(mail) == expected
