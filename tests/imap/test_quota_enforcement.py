"""Quotas enforced through IMAP: APPEND, MULTIAPPEND (the whole batch
refused, nothing stored), COPY and MOVE give `NO [OVERQUOTA]` and change
nothing; EXPUNGE and DELETE bring the usage back down. Bob's INBOX holds 2
messages of 167 bytes; `user.bob.Small` is a root of its own."""

from __future__ import annotations

from tests.harness.imap import ImapTranscript, RunningImap


async def test_append_and_multiappend_over_quota_store_nothing(
        imap: ImapTranscript, imap_server: RunningImap) -> None:
    await imap_server.ctx.store.set_quota("user.bob", {"MESSAGE": 3})
    await imap.play(r"""
        C: a1 APPEND INBOX {15+}
        C: Subject: x
        C:
        C: y {15+}
        C: Subject: z
        C:
        C: z
        S: a1 NO [OVERQUOTA] Over quota
        C: a2 STATUS INBOX (MESSAGES UIDNEXT)
        S: * STATUS "INBOX" (MESSAGES 2 UIDNEXT 3)
        S: a2 OK {…}
        C: a3 GETQUOTA INBOX
        S: * QUOTA "INBOX" (MESSAGE 2 3)
        S: a3 OK {…}
        C: a4 APPEND INBOX {15+}
        C: Subject: x
        C:
        C: x
        S: a4 OK [APPENDUID {…} 3] {…}
        C: a5 APPEND INBOX {15+}
        C: Subject: x
        C:
        C: x
        S: a5 NO [OVERQUOTA] Over quota
    """)


async def test_storage_is_counted_in_kib(imap: ImapTranscript, imap_server: RunningImap) -> None:
    """RFC 9208 §5.1: 334 bytes are 0 KiB; a 1 KiB limit takes 690 more bytes, not 691."""
    await imap_server.ctx.store.set_quota("user.bob", {"STORAGE": 1})
    filler = "x" * 678  # "Subject: f\r\n\r\n" is 14 bytes: 692 in all
    await imap.play(rf"""
        C: a1 APPEND INBOX {{692+}}
        C: Subject: f
        C:
        C: {filler}
        S: a1 NO [OVERQUOTA] Over quota
        C: a2 APPEND INBOX {{690+}}
        C: Subject: f
        C:
        C: {filler[:-2]}
        S: a2 OK {{…}}
        C: a3 GETQUOTA INBOX
        S: * QUOTA "INBOX" (STORAGE 1 1)
        S: a3 OK {{…}}
    """)


async def test_copy_and_move_into_a_full_root_change_nothing(
        imap: ImapTranscript, imap_server: RunningImap) -> None:
    store = imap_server.ctx.store
    await store.create_mailbox("user.bob.Small")
    await store.set_quota("user.bob.Small", {"MESSAGE": 1})
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 COPY 1:2 Small
        S: a1 NO [OVERQUOTA] Over quota
        C: a2 MOVE 1:2 Small
        S: a2 NO [OVERQUOTA] Over quota
        C: a3 STATUS Small (MESSAGES)
        S: * STATUS "Small" (MESSAGES 0)
        S: a3 OK {…}
        C: a4 MOVE 2 Small
        S: * OK [COPYUID {…} 2 1] {…}
        S: * 2 EXPUNGE
        S: a4 OK {…}
        C: a5 GETQUOTAROOT Small
        S: * QUOTAROOT "Small" "Small"
        S: * QUOTA "Small" (MESSAGE 1 1)
        S: a5 OK {…}
        C: a6 COPY 1 Small
        S: a6 NO [OVERQUOTA] Over quota
        C: a7 FETCH 1:* UID
        S: * 1 FETCH (UID 1)
        S: a7 OK {…}
    """)


async def test_a_move_within_one_root_is_never_refused(
        imap: ImapTranscript, imap_server: RunningImap) -> None:
    store = imap_server.ctx.store
    await store.create_mailbox("user.bob.Archive")
    await store.set_quota("user.bob", {"MESSAGE": 2})
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 COPY 1 Archive
        S: a1 NO [OVERQUOTA] Over quota
        C: a2 MOVE 1:2 Archive
        S: * OK [COPYUID {…} 1:2 1:2] {…}
        S: * 2 EXPUNGE
        S: * 1 EXPUNGE
        S: a2 OK {…}
        C: a3 GETQUOTA INBOX
        S: * QUOTA "INBOX" (MESSAGE 2 2)
        S: a3 OK {…}
    """)


async def test_expunge_and_delete_bring_usage_down(
        imap: ImapTranscript, imap_server: RunningImap) -> None:
    store = imap_server.ctx.store
    await store.set_quota("user.bob", {"MESSAGE": 10})
    await imap.select("INBOX")
    await imap.play(r"""
        C: a1 CREATE Old
        S: a1 OK {…}
        C: a2 COPY 1:2 Old
        S: a2 OK {…}
        C: a3 GETQUOTA INBOX
        S: * QUOTA "INBOX" (MESSAGE 4 10)
        S: a3 OK {…}
        C: a4 STORE 1 +FLAGS.SILENT (\Deleted)
        S: a4 OK {…}
        C: a5 EXPUNGE
        S: * 1 EXPUNGE
        S: a5 OK {…}
        C: a6 GETQUOTA INBOX
        S: * QUOTA "INBOX" (MESSAGE 3 10)
        S: a6 OK {…}
        C: a7 DELETE Old
        S: a7 OK {…}
        C: a8 GETQUOTA INBOX
        S: * QUOTA "INBOX" (MESSAGE 1 10)
        S: a8 OK {…}
    """)
