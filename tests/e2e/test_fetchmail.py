"""fetchmail (Debian) fetches a mailbox of 200 messages from Roost's pop3d
under the master: with --keep (twice: the second run finds nothing new,
UIDL being stable), then without (all fetched and deleted), and over STLS."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.harness.master import Master, running_master
from tests.harness.site import PASSWORD, Site

from roost.store.api import AppendMessage
from roost.store.names import user_inbox
from roost.store.open import open_store

COUNT = 200
pytestmark = pytest.mark.skipif(shutil.which("fetchmail") is None,
                                reason="fetchmail not installed (scripts/install-test-clients.sh)")


def message(n: int) -> bytes:
    return (f"From: sender{n}@example.com\r\nTo: bob@example.com\r\n"
            f"Subject: message {n}\r\nMessage-ID: <{n}@fetchmail.test>\r\n\r\n"
            f"Body {n}\r\n" + ".dotted line\r\n" * (n % 3)).encode()


async def fill(site: Site) -> None:
    store = open_store(site.conf)
    try:
        inbox = await store.create_mailbox(user_inbox("bob"))
        await store.append_messages(inbox.id, [AppendMessage(message(n)) for n in range(COUNT)])
    finally:
        await store.close()


@pytest.fixture
def master(site: Site) -> Iterator[Master]:
    asyncio.run(fill(site))
    with running_master(site, {"pop3": "pop3d"}) as running:
        yield running


def fetchmail(master: Master, tmp: Path, name: str, options: str,
              tls: str = 'sslproto ""') -> list[bytes]:
    """Run fetchmail once; the messages its MDA got, one file each."""
    out = tmp / f"got-{name}"
    out.mkdir()
    rc = tmp / f"fetchmailrc-{name}"
    rc.write_text(
        "set no syslog\n"
        f"poll 127.0.0.1 service {master.ports['pop3']} protocol POP3 uidl auth password\n"
        f'  user "bob" there with password "{PASSWORD}" is "bob" here\n'
        f"  {options} {tls}\n"
        f"  mda \"/bin/sh -c 'cat > {out}/$(date +%s%N).$$'\"\n")
    rc.chmod(0o600)
    result = subprocess.run(["fetchmail", "-f", str(rc), "-i", str(tmp / "fetchids"),
                             "--nodetach", "-v"],
                            stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=300, check=False)
    # 0: mail fetched; 1: no mail.
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return [path.read_bytes() for path in out.iterdir()]


def bodies(got: list[bytes]) -> set[bytes]:
    """What fetchmail delivered, less the Received: line it adds (LF endings)."""
    found = set()
    for raw in got:
        lines = raw.replace(b"\r\n", b"\n").split(b"\n")
        start = next(i for i, line in enumerate(lines) if line.startswith(b"From: "))
        found.add(b"\n".join(lines[start:]))
    return found


def expected() -> set[bytes]:
    return {message(n).replace(b"\r\n", b"\n") for n in range(COUNT)}


def remaining(site: Site) -> int:
    async def count() -> int:
        store = open_store(site.conf)
        try:
            inbox = await store.get_mailbox(user_inbox("bob"))
            return len(await store.messages(inbox.id))
        finally:
            await store.close()
    return asyncio.run(count())


def test_fetchmail_keep_then_fetch_and_delete(master: Master, site: Site,
                                              tmp_path: Path) -> None:
    kept = fetchmail(master, tmp_path, "keep", "keep")
    assert bodies(kept) == expected()
    assert remaining(site) == COUNT
    again = fetchmail(master, tmp_path, "again", "keep")
    assert again == []  # the same UIDLs: nothing new
    fetched = fetchmail(master, tmp_path, "all", "nokeep fetchall")
    assert bodies(fetched) == expected()
    assert remaining(site) == 0


def test_fetchmail_over_stls(master: Master, site: Site, tmp_path: Path) -> None:
    got = fetchmail(master, tmp_path, "tls", "nokeep fetchall",
                    f'sslproto "tls1.2+" sslcertck sslcertfile "{site.cert}" sslcommonname localhost')
    assert bodies(got) == expected()
    assert remaining(site) == 0
    assert "bob plaintext+TLS" in master.log_text
