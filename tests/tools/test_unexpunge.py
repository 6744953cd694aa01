"""Delayed expunge end to end: an IMAP client expunges, `roost unexpunge`
brings messages back beside the running server (the session sees them
arrive), `roost cyr_expire -X` lets the bodies go."""

from __future__ import annotations

from pathlib import Path

from tests.harness.imap import ImapTranscript, RunningImap
from tests.harness.site import Site
from tests.tools.damage import tool


def body_files(site: Site) -> int:
    return sum(1 for p in Path(site.conf.partitions["default"]).rglob("*") if p.is_file())


async def expunge_both(imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 STORE 1:2 +FLAGS.SILENT (\Deleted)
        S: a1 OK {…}
        C: a2 EXPUNGE
        S: * 2 EXPUNGE
        S: * 1 EXPUNGE
        S: a2 OK {…}
    """)


async def test_list_then_restore_one_then_the_rest(imap: ImapTranscript, imap_server: RunningImap,
                                                   site: Site) -> None:
    await expunge_both(imap)
    status, out, err = await tool(site, "unexpunge", "-l", "user/bob")
    assert (status, err) == (0, "")
    assert out.count("UID: ") == 2 and out.count("\trestorable\n") == 2
    assert "\tFlags: \\Deleted\n" in out
    status, out, _ = await tool(site, "unexpunge", "-u", "-d", "-v", "-f", "restored",
                                "user/bob", "2")
    assert (status, out) == (0, "user/bob: restored UID 2 as UID 3\nrestored 1 expunged messages\n")
    await imap.play(r"""
        C: a3 NOOP
        S: * FLAGS (\Answered \Flagged \Draft \Deleted \Seen restored)
        S: * OK [PERMANENTFLAGS {…}] {…}
        S: * 1 EXISTS
        S: * 1 RECENT
        S: a3 OK {…}
        C: a4 FETCH 1 (UID FLAGS)
        S: * 1 FETCH (UID 3 FLAGS (\Recent restored))
        S: a4 OK {…}
    """)
    assert await tool(site, "unexpunge", "-a", "user.bob") == (
        0, "restored 1 expunged messages\n", "")
    await imap.play(r"""
        C: a5 NOOP
        S: * 2 EXISTS
        S: * 2 RECENT
        S: a5 OK {…}
        C: a6 FETCH 1:* (UID FLAGS)
        S: * 1 FETCH (UID 3 FLAGS (\Recent restored))
        S: * 2 FETCH (UID 4 FLAGS (\Recent \Deleted))
        S: a6 OK {…}
    """)


async def test_cyr_expire_lets_bodies_go(imap: ImapTranscript, imap_server: RunningImap,
                                         site: Site) -> None:
    await expunge_both(imap)
    assert body_files(site) == 2
    none = ("expired messages: 0\n"
            "expunged messages: let go of 0 held bodies, purged 0 expunged records"
            " and 0 mailbox change records\n")
    assert await tool(site, "cyr_expire", "-X", "1", "-v") == (0, none, "")
    assert body_files(site) == 2
    assert await tool(site, "cyr_expire", "-X", "0s", "-v", "-p", "user/alice") == (0, none, "")
    assert await tool(site, "cyr_expire", "-X", "0s", "-v", "-p", "user/bob") == (
        0, ("expired messages: 0\n"
            "expunged messages: let go of 2 held bodies, purged 2 expunged records"
            " and 0 mailbox change records\n"), "")
    assert body_files(site) == 0
    status, out, _ = await tool(site, "unexpunge", "-l", "user/bob")
    assert status == 0 and "UID: " not in out  # the records went with the bodies
    assert await tool(site, "unexpunge", "-t", "1h", "user/bob") == (
        0, "restored 0 expunged messages\n", "")
    assert await tool(site, "chk_cyrus") == (0, "", "")


async def test_bad_arguments(site: Site) -> None:
    for argv, text in ((("-u", "user/bob"), "-u needs at least one UID"),
                       (("-t", "soon", "user/bob"), "'soon' is not a duration"),
                       (("-a", "user/bob", "x"), "UIDs are numbers")):
        status, _, err = await tool(site, "unexpunge", *argv)
        assert status == 2 and text in err, err
    status, _, err = await tool(site, "cyr_expire")
    assert status == 2 and "nothing to do: give -E, -X, -D or -t" in err


async def test_cyr_expire_removes_old_deleted_mailboxes(imap: ImapTranscript,
                                                      imap_server: RunningImap,
                                                      site: Site) -> None:
    await imap.play(r"""
        C: a1 CREATE Old
        S: a1 OK {…}
        C: a2 DELETE Old
        S: a2 OK {…}
    """)
    assert await tool(site, "cyr_expire", "-D", "1", "-v", "-a") == (
        0, "deleted mailboxes: removed 0\n", "")
    status, out, _ = await tool(site, "cyr_expire", "-D", "0", "-v", "-a", "-p", "user/bob")
    assert status == 0 and out.startswith("removed deleted mailbox DELETED/user/bob/Old/")
    assert out.endswith("deleted mailboxes: removed 1\n")
    assert await tool(site, "cyr_expire", "-D", "0", "-v", "-a") == (
        0, "deleted mailboxes: removed 0\n", "")

