"""SETACL, DELETEACL, GETACL, LISTRIGHTS and MYRIGHTS (RFC 4314 §3) as
transcripts: rights shown as Cyrus shows them, `c`/`d` expanded, BAD for
rights that do not exist, and the `a` right asked of each."""

from __future__ import annotations

from tests.harness.imap import ImapTranscript, RunningImap


async def test_setacl_replaces_adds_and_removes(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CREATE Shared
        S: a1 OK {…}
        C: a2 GETACL Shared
        S: * ACL "Shared" bob lrswipkxtecda
        S: a2 OK {…}
        C: a3 SETACL Shared alice lrs
        S: a3 OK {…}
        C: a4 SETACL Shared alice +wd
        S: a4 OK {…}
        C: a5 GETACL Shared
        S: * ACL "Shared" bob lrswipkxtecda alice lrswted
        S: a5 OK {…}
        C: a6 SETACL Shared alice -sd
        S: a6 OK {…}
        C: a7 SETACL Shared -alice w
        S: a7 OK {…}
        C: a8 GETACL Shared
        S: * ACL "Shared" bob lrswipkxtecda alice lrw -alice w
        S: a8 OK {…}
    """)


async def test_legacy_c_is_create_and_delete_mailbox(imap: ImapTranscript) -> None:
    """RFC 4314 §2.1.1 with Cyrus's `deleteright: c`: c = kx, d = te; a
    rights list holding any member shows the virtual right too."""
    await imap.play(r"""
        C: a1 CREATE Shared
        S: a1 OK {…}
        C: a2 SETACL Shared alice lrc
        S: a2 OK {…}
        C: a3 SETACL Shared carol lrk
        S: a3 OK {…}
        C: a4 SETACL Shared "group:staff" lrswipcda
        S: a4 OK {…}
        C: a5 GETACL Shared
        S: * ACL "Shared" bob lrswipkxtecda alice lrkxc carol lrkc group:staff lrswipkxtecda
        S: a5 OK {…}
    """)


async def test_deleteacl_and_empty_rights_remove_the_entry(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 CREATE Shared
        S: a1 OK {…}
        C: a2 SETACL Shared alice lr
        S: a2 OK {…}
        C: a3 SETACL Shared anyone lrs
        S: a3 OK {…}
        C: a4 DELETEACL Shared alice
        S: a4 OK {…}
        C: a5 SETACL Shared anyone ""
        S: a5 OK {…}
        C: a6 GETACL Shared
        S: * ACL "Shared" bob lrswipkxtecda
        S: a6 OK {…}
        C: a7 DELETEACL Shared nobody
        S: a7 OK {…}
    """)


async def test_rights_that_do_not_exist_are_bad(imap: ImapTranscript) -> None:
    """RFC 4314 §3.1: an unrecognized right MUST give BAD (the examples' wording)."""
    await imap.play(r"""
        C: a1 SETACL INBOX alice lrQswicda
        S: a1 BAD Uppercase rights are not allowed
        C: a2 SETACL INBOX alice lrqswicda
        S: a2 BAD The q right is not supported
        C: a3 SETACL INBOX "" lr
        S: a3 BAD {…}
        C: a4 SETACL INBOX "-" lr
        S: a4 BAD {…}
        C: a5 GETACL INBOX
        S: * ACL "INBOX" bob lrswipkxtecda
        S: a5 OK {…}
    """)


async def test_myrights_and_listrights(imap: ImapTranscript) -> None:
    """Cyrus's LISTRIGHTS: the owner always holds `lkxa` (shown `lkxca`),
    anyone may post to an INBOX, and each other right is its own group."""
    await imap.play(r"""
        C: a1 MYRIGHTS INBOX
        S: * MYRIGHTS "INBOX" lrswipkxtecda
        S: a1 OK {…}
        C: a2 LISTRIGHTS INBOX bob
        S: * LISTRIGHTS "INBOX" bob lkxca r s w i p t e d
        S: a2 OK {…}
        C: a3 LISTRIGHTS INBOX alice
        S: * LISTRIGHTS "INBOX" alice p l r s w i k x t e c d a
        S: a3 OK {…}
        C: a4 CREATE Shared
        S: a4 OK {…}
        C: a5 LISTRIGHTS Shared anyone
        S: * LISTRIGHTS "Shared" anyone "" l r s w i p k x t e c d a
        S: a5 OK {…}
    """)


async def test_the_owner_keeps_its_implicit_rights(imap: ImapTranscript) -> None:
    """implicit_owner_rights (Cyrus `lkxa`): the owner cannot lock itself out,
    and (as Cyrus) may not take `a` from its own entry."""
    await imap.play(r"""
        C: a1 CREATE Shared
        S: a1 OK {…}
        C: a2 SETACL Shared bob ""
        S: a2 NO [NOPERM] {…}
        C: a2a SETACL Shared bob -a
        S: a2a NO [NOPERM] {…}
        C: a2b DELETEACL Shared bob
        S: a2b NO [NOPERM] {…}
        C: a2c SETACL Shared bob a
        S: a2c OK {…}
        C: a3 MYRIGHTS Shared
        S: * MYRIGHTS "Shared" lkxca
        S: a3 OK {…}
        C: a4 SELECT Shared
        S: a4 NO [NOPERM] {…}
        C: a5 SETACL Shared bob +r
        S: a5 OK {…}
        C: a6 MYRIGHTS Shared
        S: * MYRIGHTS "Shared" lrkxca
        S: a6 OK {…}
    """)


async def test_acl_commands_need_a(imap_server: RunningImap, imap: ImapTranscript) -> None:
    """RFC 4314 §4: `a` for SETACL/DELETEACL/GETACL/LISTRIGHTS; MYRIGHTS
    with any right; a mailbox bob may not look up answers as missing."""
    store = imap_server.ctx.store
    shared = await store.create_mailbox("user.alice.Shared")
    await store.set_acl(shared.id, "bob", "lr")
    await store.create_mailbox("user.alice.Secret")
    await imap.play(r"""
        C: a1 GETACL "Other Users/alice/Shared"
        S: a1 NO [NOPERM] Permission denied
        C: a2 SETACL "Other Users/alice/Shared" bob lrswipkxtea
        S: a2 NO [NOPERM] Permission denied
        C: a3 MYRIGHTS "Other Users/alice/Shared"
        S: * MYRIGHTS "Other Users/alice/Shared" lr
        S: a3 OK {…}
        C: a4 GETACL "Other Users/alice/Secret"
        S: a4 NO [NONEXISTENT] No such mailbox
        C: a5 MYRIGHTS "Other Users/alice/Secret"
        S: a5 NO [NONEXISTENT] No such mailbox
        C: a6 LISTRIGHTS "Other Users/alice/Secret" bob
        S: a6 NO [NONEXISTENT] No such mailbox
    """)


async def test_acl_commands_need_authentication(imap_anon: ImapTranscript) -> None:
    await imap_anon.play(r"""
        C: a1 GETACL INBOX
        S: a1 BAD {…}
    """)


async def test_capability_names_acl_and_rights(imap: ImapTranscript) -> None:
    lines = await imap.command("CAPABILITY")
    assert " ACL " in lines[0] and " RIGHTS=kxte" in lines[0], lines


async def test_list_return_myrights(imap_server: RunningImap, imap: ImapTranscript) -> None:
    """RFC 8440 §3: a MYRIGHTS reply after each mailbox's LIST reply, none
    for a name that is only there because of its children."""
    store = imap_server.ctx.store
    shared = await store.create_mailbox("user.alice.Shared.Deep")
    await store.set_acl(shared.id, "bob", "lrs")
    await imap.play(r"""
        C: a1 LIST "" (INBOX "Other Users/alice/Shared/*") RETURN (MYRIGHTS)
        S: * LIST (\HasNoChildren) "/" "INBOX"
        S: * MYRIGHTS "INBOX" lrswipkxtecda
        S: * LIST (\HasNoChildren) "/" "Other Users/alice/Shared/Deep"
        S: * MYRIGHTS "Other Users/alice/Shared/Deep" lrs
        S: a1 OK {…}
        C: a2 LIST "" "Other Users/%/%" RETURN (MYRIGHTS)
        S: * LIST (\NonExistent \HasChildren) "/" "Other Users/alice/Shared"
        S: a2 OK {…}
    """)


async def test_the_owners_entry_keeps_its_implicit_rights(imap_anon: ImapTranscript) -> None:
    """As Cyrus prints it (mboxlist_ensureOwnerRights): even an administrator
    setting or deleting the owner's entry leaves the implicit `lkxa`."""
    await imap_anon.play(r"""
        C: a1 LOGIN admin secret
        S: a1 OK {…}
        C: a2 CREATE user/dora
        S: a2 OK {…}
        C: a3 SETACL user/dora dora ""
        S: a3 OK {…}
        C: a4 GETACL user/dora
        S: * ACL "user/dora" dora lkxca
        S: a4 OK {…}
        C: a5 SETACL user/dora dora +rs
        S: a5 OK {…}
        C: a6 SETACL user/dora dora -lrk
        S: a6 OK {…}
        C: a7 GETACL user/dora
        S: * ACL "user/dora" dora lskxca
        S: a7 OK {…}
        C: a8 DELETEACL user/dora dora
        S: a8 OK {…}
        C: a9 GETACL user/dora
        S: * ACL "user/dora" dora lkxca
        S: a9 OK {…}
        C: b1 LISTRIGHTS user/dora admin
        S: * LISTRIGHTS "user/dora" admin p l r s w i k x t e c d a
        S: b1 OK {…}
    """)
