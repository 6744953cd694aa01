"""getmail (Debian getmail6) retrieves bob's 200 messages from Roost, over
POP3, POP3S and IMAP, and hands each to Roost's own lmtpd for alice: first
everything, kept on the server; a second run gets nothing new (it
remembers UIDLs or UIDs); then with delete the maildrop is emptied.

Why LMTP and not a Maildir destination: getmail 6.18's ForkingBase (used by
its Maildir, Mboxrd and MDA_external destinations) loses the wake-up of its
delivery child. `forkchild` forks first and only then installs its SIGCHLD
handler (`_prepare_child`), and `_wait_for_child` waits on a Condition with
no predicate: if the child exits before the parent has installed the
handler, or the handler's `notify_all` runs before the parent's `wait`, the
parent sleeps for the retriever's whole socket timeout (180 s) although
its child is done. Seen with two CPU-bound loops beside five runs at once:
three getmail parents sat in `Condition.wait` (py-spy:
`_wait_for_child`, baseclasses.py:433) with a `<defunct>` delivery child
and no pending signal, while Roost's pop3d worker idled in its event loop
waiting for the next command. Made certain by delaying getmail's parent
0.5 s after each fork() (a sitecustomize wrapping os.fork): every Maildir
delivery then ends "waiting child pid N timed out", and these LMTP runs
still pass. It is getmail's race, not Roost's; MDA_lmtp delivers
in-process over a socket and never forks, so it cannot hit it.

Each getmail run is bounded by a timeout that fails the test."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.e2e.test_fetchmail import COUNT, expected, fill, remaining
from tests.harness.master import Master, running_master
from tests.harness.site import PASSWORD, Site

from roost.store.names import user_inbox
from roost.store.open import open_store

pytestmark = pytest.mark.skipif(shutil.which("getmail") is None,
                                reason="getmail not installed (scripts/install-test-clients.sh)")

# getmail retriever type -> the Roost service it talks to.
RETRIEVERS = {
    "SimplePOP3Retriever": "pop3",
    "SimplePOP3SSLRetriever": "pop3s",
    "SimpleIMAPRetriever": "imap",
}
SERVICES = {"pop3": "pop3d", "pop3s": "pop3d -s", "imap": "imapd", "lmtp": "lmtpd"}


async def create_inbox(site: Site, user: str) -> None:
    store = open_store(site.conf)
    try:
        await store.create_mailbox(user_inbox(user))
    finally:
        await store.close()


@pytest.fixture
def master(site: Site) -> Iterator[Master]:
    asyncio.run(fill(site))
    asyncio.run(create_inbox(site, "alice"))
    with running_master(site, SERVICES) as running:
        yield running


def getmail(master: Master, state: Path, retriever: str, delete: bool) -> None:
    """One getmail run; `state` holds its rc file and what it remembers."""
    state.mkdir(exist_ok=True)
    rc = state / "getmailrc"
    # Without this the IMAP retrievers add an X-getmail-retrieved-from-mailbox line.
    imap_only = "record_mailbox = false\n" if "IMAP" in retriever else ""
    rc.write_text(
        f"[retriever]\ntype = {retriever}\nserver = 127.0.0.1\n"
        f"port = {master.ports[RETRIEVERS[retriever]]}\n"
        f"username = bob\npassword = {PASSWORD}\ntimeout = 30\n{imap_only}"
        "[destination]\ntype = MDA_lmtp\nhost = 127.0.0.1\n"
        f"port = {master.ports['lmtp']}\noverride = alice\n"
        f"[options]\ndelete = {delete}\nread_all = false\nverbose = 0\n")
    try:
        result = subprocess.run(["getmail", "--rcfile", str(rc), "--getmaildir", str(state)],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=120, check=False)
    except subprocess.TimeoutExpired as late:
        raise AssertionError(f"getmail did not finish: {late.stdout!r} {late.stderr!r}\n"
                             f"{master.log_text}") from None
    assert result.returncode == 0, result.stdout + result.stderr


def delivered(site: Site) -> list[bytes]:
    """alice's INBOX, less the trace lines LMTP added above From: (LF endings)."""
    async def read() -> list[bytes]:
        store = open_store(site.conf)
        try:
            inbox = await store.get_mailbox(user_inbox("alice"))
            return [await store.body(m.blob) for m in await store.messages(inbox.id)]
        finally:
            await store.close()
    found = []
    for raw in asyncio.run(read()):
        lines = raw.replace(b"\r\n", b"\n").split(b"\n")
        start = next(i for i, line in enumerate(lines) if line.startswith(b"From: "))
        found.append(b"\n".join(lines[start:]))
    return found


@pytest.mark.parametrize("retriever", list(RETRIEVERS))
def test_getmail_keeps_then_deletes(master: Master, site: Site, tmp_path: Path,
                                    retriever: str) -> None:
    state = tmp_path / "state"
    getmail(master, state, retriever, delete=False)
    first = delivered(site)
    assert len(first) == COUNT and set(first) == expected()
    assert remaining(site) == COUNT
    getmail(master, state, retriever, delete=False)
    assert len(delivered(site)) == COUNT  # nothing new the second time
    getmail(master, state, retriever, delete=True)
    assert len(delivered(site)) == COUNT  # all seen before: deleted, not fetched again
    assert remaining(site) == 0
