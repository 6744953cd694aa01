"""OBJECTID (RFC 8474): MAILBOXID through CREATE, SELECT, STATUS and
RENAME; EMAILID kept by COPY and MOVE; THREADID (tests/imap/test_threadid.py)."""

from __future__ import annotations

import re

import pytest
from tests.harness.imap import ImapTranscript, RunningImap, connect

from roost.imap.parse import Bad, parse_command
from roost.imap.wire import Line

_ID = re.compile(r"\((?P<id>[A-Za-z][A-Za-z0-9_-]{0,254})\)")


def objectid(line: str, kind: str) -> str:
    """The ObjectID after `kind` in `line` (RFC 8474 §7 syntax checked)."""
    m = _ID.match(line.split(kind + " ", 1)[1])
    assert m is not None, line
    return m.group("id")


async def test_mailboxid(imap: ImapTranscript) -> None:
    """RFC 8474 §4.1-4.3 examples: kept by RENAME, never given twice."""
    assert "OBJECTID" in (await imap.command("CAPABILITY"))[0].split()
    foo = objectid((await imap.command("CREATE foo"))[-1], "MAILBOXID")
    bar = objectid((await imap.command("CREATE bar"))[-1], "MAILBOXID")
    assert foo != bar
    assert objectid((await imap.command("STATUS foo (MAILBOXID)"))[0], "MAILBOXID") == foo
    await imap.command("RENAME foo renamed")
    await imap.play(rf"""
        C: a1 STATUS renamed (MAILBOXID MESSAGES)
        S: * STATUS "renamed" (MAILBOXID ({foo}) MESSAGES 0)
        S: a1 OK {{…}}
        C: a2 LIST "" "%" RETURN (STATUS (MAILBOXID))
        S: * LIST {{…}} "INBOX"
        S: * STATUS "INBOX" (MAILBOXID ({{…}}))
        S: * LIST {{…}} "bar"
        S: * STATUS "bar" (MAILBOXID ({bar}))
        S: * LIST {{…}} "renamed"
        S: * STATUS "renamed" (MAILBOXID ({foo}))
        S: a2 OK {{…}}
    """)
    lines = await imap.command("EXAMINE renamed")
    assert f"* OK [MAILBOXID ({foo})] Ok" in lines, lines
    again = objectid((await imap.command("CREATE foo"))[-1], "MAILBOXID")
    await imap.command("DELETE bar")
    bar_again = objectid((await imap.command("CREATE bar"))[-1], "MAILBOXID")
    assert len({foo, bar, again, bar_again}) == 4


async def test_a_deleted_mailbox_brought_back_keeps_it(imap: ImapTranscript,
                                                        imap_server: RunningImap) -> None:
    """delete_mode: delayed keeps the mailbox (same UIDVALIDITY, same
    messages) for an administrator to RENAME back: the same mailbox, so
    the same MAILBOXID (§4), and a new mailbox of that name has another."""
    trash = objectid((await imap.command("CREATE Trash"))[-1], "MAILBOXID")
    await imap.command("DELETE Trash")
    admin = await connect(imap_server, user="admin")
    try:
        kept = (await admin.command('LIST "" "DELETED/*"'))[0].rpartition(" ")[2]
        again = objectid((await imap.command("CREATE Trash"))[-1], "MAILBOXID")
        assert again != trash
        await imap.command("DELETE Trash")
        await admin.command(f"RENAME {kept} user/bob/Trash")
    finally:
        await admin.close()
    assert objectid((await imap.command("STATUS Trash (MAILBOXID)"))[0], "MAILBOXID") == trash


async def test_rename_inbox_makes_a_new_mailbox(imap: ImapTranscript) -> None:
    """RFC 8474 §4: RENAME INBOX creates a mailbox and moves the messages."""
    inbox = objectid((await imap.command("STATUS INBOX (MAILBOXID)"))[0], "MAILBOXID")
    await imap.command("RENAME INBOX Old")
    old = objectid((await imap.command("STATUS Old (MAILBOXID)"))[0], "MAILBOXID")
    assert old != inbox
    assert objectid((await imap.command("STATUS INBOX (MAILBOXID)"))[0], "MAILBOXID") == inbox


async def test_emailid_and_threadid(imap: ImapTranscript) -> None:
    """RFC 8474 §5: COPY and MOVE keep EMAILID; an unknown THREADID matches nothing."""
    await imap.command("CREATE Archive")
    await imap.select("INBOX")
    lines = await imap.command("FETCH 1:2 (EMAILID THREADID)")
    first, second = objectid(lines[0], "EMAILID"), objectid(lines[1], "EMAILID")
    assert first != second and first[0] == "E"
    assert lines[0].startswith(f"* 1 FETCH (EMAILID ({first}) THREADID (T"), lines
    await imap.command("COPY 1 Archive")
    await imap.command("UID MOVE 2 Archive")
    await imap.play(rf"""
        C: a1 SEARCH EMAILID {first}
        S: * SEARCH 1
        S: a1 OK {{…}}
        C: a2 SEARCH THREADID T1
        S: * SEARCH
        S: a2 OK {{…}}
    """)
    await imap.select("Archive")
    await imap.play(rf"""
        C: a3 UID FETCH 1:* (EMAILID)
        S: * 1 FETCH (UID 1 EMAILID ({first}))
        S: * 2 FETCH (UID 2 EMAILID ({second}))
        S: a3 OK {{…}}
        C: a4 UID SEARCH OR EMAILID {second} EMAILID {first}
        S: * SEARCH 1 2
        S: a4 OK {{…}}
        C: a5 SEARCH EMAILID {first.lower()}x
        S: * SEARCH
        S: a5 OK {{…}}
    """)


@pytest.mark.parametrize("wire", [b"a SEARCH EMAILID", b"a SEARCH EMAILID a.b",
                                  b"a SEARCH EMAILID " + b"x" * 256, b'a SEARCH THREADID "T1"',
                                  b"a SEARCH EMAILID (M1)"])
def test_malformed_objectids_are_bad(wire: bytes) -> None:
    with pytest.raises(Bad):
        parse_command(Line((wire,), ()))
