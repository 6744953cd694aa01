"""No existence oracle (RFC 4314 §4, RFC 9051 §6.3.1 and §11.5): bob asks
about alice's folder that exists and about one that does not, on every
command that names a mailbox, and gets the same answer, word for word,
with no internal name in it: whether he holds no right on it, or every
right but `l` (a user who lacks `l` learns nothing)."""

from __future__ import annotations

import pytest
from tests.harness.imap import ImapTranscript, RunningImap

EXISTING = '"Other Users/alice/Secret"'
MISSING = '"Other Users/alice/Nothing"'

#: Every command that names a mailbox; `{box}` is alice's folder.
COMMANDS = [
    "SELECT {box}",
    "EXAMINE {box}",
    "STATUS {box} (MESSAGES UNSEEN)",
    "APPEND {box} {{7+}}\r\nSubj: x",
    "COPY 1 {box}",
    "MOVE 1 {box}",
    "UID COPY 1:* {box}",
    "CREATE {box}",
    "DELETE {box}",
    "RENAME {box} Mine",
    "RENAME INBOX/Mine {box}",
    "SUBSCRIBE {box}",
    'LIST "" {box}',
    'LIST "" "Other Users/alice/*"',
    "LSUB \"\" {box}",
    "UNSUBSCRIBE {box}",
    "GETACL {box}",
    "SETACL {box} bob lrswipkxtea",
    "DELETEACL {box} bob",
    "LISTRIGHTS {box} bob",
    "MYRIGHTS {box}",
]


async def answer(client: ImapTranscript, line: str) -> list[str]:
    """Every reply line to `TAG line`, the tag taken off the tagged one."""
    tag = client.tag()
    await client.send(f"{tag} {line}\r\n".encode())
    lines = []
    while True:
        got = await client.readline()
        if got.startswith(tag + " "):
            return [*lines, got[len(tag) + 1:]]
        lines.append(got)


#: What bob holds on alice's folder: nothing, or every right but `l`.
SHARED_WITHOUT_L = "rswipkxtea"


@pytest.fixture(params=["", SHARED_WITHOUT_L], ids=["no-rights", "all-but-l"])
async def secret(request: pytest.FixtureRequest, imap_server: RunningImap) -> None:
    store = imap_server.ctx.store
    info = await store.create_mailbox("user.alice.Secret")
    await store.append(info.id, b"Subject: hidden\r\n\r\nbody\r\n")
    if request.param:
        await store.set_acl(info.id, "bob", request.param)
    await store.create_mailbox("user.bob.Mine")


@pytest.mark.parametrize("command", COMMANDS)
async def test_a_hidden_mailbox_answers_as_a_missing_one(
        secret: None, imap: ImapTranscript, command: str) -> None:
    replies = []
    for box in (EXISTING, MISSING):
        await imap.select("INBOX")
        replies.append(await answer(imap, command.format(box=box)))
    hidden, missing = replies
    assert hidden == missing
    assert not any("user." in line or "alice" in line.lower().replace(
        "other users/alice", "") for line in hidden)


async def test_no_such_mailbox_names_no_internal_name(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 SELECT "Other Users/alice/Nothing"
        S: a1 NO [NONEXISTENT] No such mailbox
        C: a2 APPEND "Other Users/alice" {7+}
        C: Subj: x
        S: a2 NO [NONEXISTENT] No such mailbox
        C: a3 APPEND Nothing {7+}
        C: Subj: x
        S: a3 NO [TRYCREATE] Mailbox does not exist
        C: a4 CREATE "Other Users/alice/Spy"
        S: a4 NO [NOPERM] Permission denied
    """)


async def test_the_owner_still_sees_its_own_errors(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CREATE Mine
        S: a1 OK {…}
        C: a2 CREATE Mine
        S: a2 NO [ALREADYEXISTS] {…}
        C: a3 DELETE Nothing
        S: a3 NO [NONEXISTENT] No such mailbox
    """)
