"""The rights check of every IMAP command (RFC 4314 §4), each cell both ways:
alice shares `Shared` with bob; bob runs the command holding the rights it
needs, and again holding all of them but the one under test."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from tests.harness.imap import ImapTranscript, RunningImap, sample_message

SHARED = '"Other Users/alice/Shared"'


@dataclass(frozen=True)
class Cell:
    """`command` (with `{box}` for the shared folder) needs `right`; bob also
    holds `base`; `select` is what bob selects first (None: nothing)."""

    command: str
    right: str
    base: str = "l"
    select: str | None = None


CELLS = {
    "SELECT": Cell("SELECT {box}", "r"),
    "EXAMINE": Cell("EXAMINE {box}", "r"),
    "STATUS": Cell("STATUS {box} (MESSAGES)", "r"),
    "APPEND": Cell("APPEND {box} {{7+}}\r\nSubj: x", "i"),
    "COPY into": Cell("COPY 1 {box}", "i", select="INBOX"),
    "MOVE into": Cell("MOVE 1 {box}", "i", select="INBOX"),
    "CREATE below": Cell('CREATE "Other Users/alice/Shared/Sub"', "k"),
    "DELETE": Cell("DELETE {box}", "x"),
    "SETACL": Cell("SETACL {box} carol lr", "a"),
    "DELETEACL": Cell("DELETEACL {box} carol", "a"),
    "GETACL": Cell("GETACL {box}", "a"),
    "LISTRIGHTS": Cell("LISTRIGHTS {box} carol", "a"),
    "MYRIGHTS": Cell("MYRIGHTS {box}", "l", base=""),
    "SUBSCRIBE": Cell("SUBSCRIBE {box}", "l", base=""),
    "EXPUNGE": Cell("EXPUNGE", "e", base="lr", select=SHARED),
    "UID EXPUNGE": Cell("UID EXPUNGE 1", "e", base="lr", select=SHARED),
    "STORE \\Seen": Cell("STORE 1 +FLAGS (\\Seen)", "s", base="lr", select=SHARED),
    "STORE \\Deleted": Cell("STORE 1 +FLAGS (\\Deleted)", "t", base="lr", select=SHARED),
    "STORE \\Flagged": Cell("STORE 1 +FLAGS (\\Flagged)", "w", base="lr", select=SHARED),
    "STORE keyword": Cell("STORE 1 +FLAGS (Todo)", "w", base="lr", select=SHARED),
    "MOVE out": Cell("MOVE 1 INBOX", "e", base="lr", select=SHARED),
}


async def answer(client: ImapTranscript, line: str) -> str:
    """The tagged reply to `TAG line`, the tag taken off."""
    tag = client.tag()
    await client.send(f"{tag} {line}\r\n".encode())
    while True:
        got = await client.readline()
        if got.startswith(tag + " "):
            return got[len(tag) + 1:]


async def share(server: RunningImap, rights: str) -> None:
    """alice's `Shared`, holding one message, with `rights` for bob."""
    store = server.ctx.store
    info = await store.create_mailbox("user.alice.Shared")
    await store.append(info.id, sample_message(9))
    if rights:
        await store.set_acl(info.id, "bob", rights)


async def share_more(server: RunningImap, name: str, rights: str) -> None:
    store = server.ctx.store
    await store.set_acl((await store.get_mailbox(name)).id, "bob", rights)


@pytest.mark.parametrize("granted", [True, False], ids=["with", "without"])
@pytest.mark.parametrize("name", list(CELLS))
async def test_command_needs_its_right(imap_server: RunningImap, imap: ImapTranscript,
                                       name: str, granted: bool) -> None:
    cell = CELLS[name]
    await share(imap_server, cell.base + (cell.right if granted else ""))
    if cell.select is not None:
        await imap.select(cell.select)
    reply = await answer(imap, cell.command.format(box=SHARED))
    if granted:
        assert reply.startswith("OK"), reply
    elif "l" in cell.base:
        assert reply.startswith("NO [NOPERM]"), reply
    else:
        assert reply.startswith("NO [NONEXISTENT]"), reply


@pytest.mark.parametrize("granted", [True, False], ids=["with", "without"])
async def test_list_shows_a_mailbox_only_with_l(imap_server: RunningImap, imap: ImapTranscript,
                                                granted: bool) -> None:
    await share(imap_server, "lr" if granted else "r")
    lines = await imap.command('LIST "" "Other Users/*"')
    shown = [line for line in lines if "Other Users/alice/Shared" in line]
    assert bool(shown) == granted, lines


@pytest.mark.parametrize("granted", [True, False], ids=["with", "without"])
async def test_close_expunges_only_with_e(imap_server: RunningImap, imap: ImapTranscript,
                                          granted: bool) -> None:
    """RFC 4314 §4: without `e`, CLOSE closes and says OK but expunges nothing."""
    await share(imap_server, "lrt" + ("e" if granted else ""))
    await imap.select(SHARED)
    await imap.command("STORE 1 +FLAGS.SILENT (\\Deleted)")
    assert (await answer(imap, "CLOSE")).startswith("OK")
    lines = await imap.command(f"STATUS {SHARED} (MESSAGES)")
    assert f"(MESSAGES {0 if granted else 1})" in lines[0], lines


@pytest.mark.parametrize("granted", [True, False], ids=["with", "without"])
async def test_fetch_sets_seen_only_with_s(imap_server: RunningImap, imap: ImapTranscript,
                                           granted: bool) -> None:
    """RFC 4314 §4: FETCH BODY[] without `s` must not set \\Seen (and does not fail)."""
    await share(imap_server, "lr" + ("s" if granted else ""))
    await imap.select(SHARED)
    await imap.command("FETCH 1 BODY[]")
    lines = await imap.command("FETCH 1 FLAGS")
    assert ("\\Seen" in lines[0]) == granted, lines


async def test_rename_needs_x_on_the_mailbox_and_k_on_the_new_parent(
        imap_server: RunningImap, imap: ImapTranscript) -> None:
    """RFC 4314 §4: RENAME A/B/C to D/E needs `x` on A/B/C and `k` on D."""
    await share(imap_server, "lr")
    assert (await answer(imap, f"RENAME {SHARED} Moved")).startswith("NO [NOPERM]")
    await share_more(imap_server, "user.alice.Shared", "lrx")
    assert (await answer(imap, f"RENAME {SHARED} Moved")).startswith("OK")
    info = await imap_server.ctx.store.get_mailbox("user.bob.Moved")
    assert info.acl  # the ACL went with it (RFC 4314 §4: RENAME SHOULD NOT change it)
    alice_box = await imap_server.ctx.store.create_mailbox("user.alice.Drop")
    await imap_server.ctx.store.set_acl(alice_box.id, "bob", "l")
    drop = '"Other Users/alice/Drop/Moved"'
    assert (await answer(imap, f"RENAME Moved {drop}")).startswith("NO [NOPERM]")
    await imap_server.ctx.store.set_acl(alice_box.id, "bob", "lk")
    assert (await answer(imap, f"RENAME Moved {drop}")).startswith("OK")


async def test_append_and_copy_keep_only_the_flags_bob_may_set(
        imap_server: RunningImap, imap: ImapTranscript) -> None:
    """RFC 4314 §4's example: with `s` and `i` but no `w` or `t`, \\Seen
    travels, \\Deleted, \\Draft and keywords are dropped, and neither fails."""
    await share(imap_server, "lrsi")
    await imap.command(f"APPEND {SHARED} (\\Seen \\Deleted \\Draft Todo) {{7+}}\r\nSubj: x")
    await imap.select("INBOX")
    await imap.command("STORE 1 +FLAGS.SILENT (\\Seen \\Deleted $Forwarded)")
    await imap.command(f"COPY 1 {SHARED}")
    await imap.command(f"EXAMINE {SHARED}")
    lines = await imap.command("FETCH 2:3 FLAGS")  # EXAMINE shows \\Recent, claiming nothing
    assert lines[0].startswith("* 2 FETCH (FLAGS (\\Recent \\Seen))"), lines
    assert lines[1].startswith("* 3 FETCH (FLAGS (\\Recent \\Seen))"), lines


async def test_only_an_admin_deletes_a_user_even_with_x(imap_server: RunningImap,
                                                         imap: ImapTranscript) -> None:
    """Cyrus: deleting user.alice deletes the user, which only admins do."""
    store = imap_server.ctx.store
    await store.set_acl((await store.get_mailbox("user.alice")).id, "bob", "lrx")
    assert (await answer(imap, 'DELETE "Other Users/alice"')).startswith("NO [NOPERM]")
    assert (await store.get_mailbox("user.alice")).owner == "alice"


async def test_an_admin_renames_without_x_but_deletes_only_with_it(
        imap_server: RunningImap, imap_anon: ImapTranscript) -> None:
    """Cyrus's powers and limits: mboxlist_renamemailbox skips the `x` check
    for administrators; mboxlist_deletemailbox does not."""
    await imap_server.ctx.store.create_mailbox("user.alice.Old")
    await imap_anon.play(r"""
        C: a1 LOGIN admin secret
        S: a1 OK {…}
        C: a2 RENAME user/alice/Old user/alice/New
        S: a2 OK {…}
        C: a3 DELETE user/alice/New
        S: a3 NO [NOPERM] Permission denied
        C: a4 SELECT user/alice/New
        S: a4 NO [NOPERM] Permission denied
        C: a5 MYRIGHTS user/alice/New
        S: * MYRIGHTS "user/alice/New" la
        S: a5 OK {…}
    """)


async def test_list_status_needs_r(imap_server: RunningImap, imap: ImapTranscript) -> None:
    """RFC 5819 §2: with `l` but not `r`, no STATUS reply, and LIST says \\Noselect."""
    await share(imap_server, "l")
    await imap.play(r"""
        C: a1 LIST "" "Other Users/alice/Shared" RETURN (STATUS (MESSAGES))
        S: * LIST (\Noselect \HasNoChildren) "/" "Other Users/alice/Shared"
        S: a1 OK {…}
    """)
    await share_more(imap_server, "user.alice.Shared", "lr")
    await imap.play(r"""
        C: a2 LIST "" "Other Users/alice/Shared" RETURN (STATUS (MESSAGES))
        S: * LIST (\HasNoChildren) "/" "Other Users/alice/Shared"
        S: * STATUS "Other Users/alice/Shared" (MESSAGES 1)
        S: a2 OK {…}
    """)
