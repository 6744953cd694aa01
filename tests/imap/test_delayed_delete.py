"""Transcripts: delete_mode: delayed (Cyrus's default). DELETE answers as
always, the owner never sees the mailbox again, an administrator sees it
under DELETED and RENAMEs it back, messages and all."""

from __future__ import annotations

from tests.harness.imap import ImapTranscript, RunningImap, connect


async def test_deleted_folder_is_the_admins_to_bring_back(imap: ImapTranscript,
                                                          imap_server: RunningImap) -> None:
    await imap.play(r"""
        C: a1 CREATE Trash
        S: a1 OK {…}
        C: a2 APPEND Trash {5+}
        C: hello
        S: a2 OK [APPENDUID {…}] {…}
        C: a3 DELETE Trash
        S: a3 OK {…}
        C: a4 LIST "" "*"
        S: * LIST (\HasNoChildren) "/" "INBOX"
        S: a4 OK {…}
    """)
    admin = await connect(imap_server, user="admin")
    lines = await admin.play(r"""
        C: b1 LIST "" "DELETED/*"
        S: * LIST (\HasNoChildren) "/" "DELETED/user/bob/Trash/{…}"
        S: b1 OK {…}
    """)
    kept = lines[0].rpartition(" ")[2].strip('"')
    await imap.play(f"""
        C: a5 SELECT {kept}
        S: a5 NO {{…}}
        C: a6 GETACL {kept}
        S: a6 NO {{…}}
    """)
    await admin.play(f"""
        C: b2 RENAME {kept} user/bob/Trash
        S: b2 OK {{…}}
    """)
    await admin.close()
    await imap.play(r"""
        C: a8 STATUS Trash (MESSAGES)
        S: * STATUS "Trash" (MESSAGES 1)
        S: a8 OK {…}
    """)
