"""A real client library nobody here wrote, Python's `imap-tools` (pinned in
pyproject): what it does itself (APPEND with flags and dates, SORT through
`uids(sort=...)` and `fetch(sort=...)`, its search-criteria builder, flag
changes, STATUS, IDLE), and, over its own imaplib connection, what it leaves
to the caller: THREAD, ESEARCH (RFC 4731), METADATA (RFC 5464) and
CONDSTORE (RFC 7162). imap-tools is synchronous, so it runs in a thread
beside the server's loop."""

from __future__ import annotations

import asyncio
import datetime
import imaplib
import re

from imap_tools import AND, OR, MailBoxUnencrypted, MailMessageFlags, SortCriteria
from tests.harness.imap import RunningImap
from tests.harness.site import PASSWORD

UTC = datetime.UTC


def letter(n: int, subject: str, sender: str, refs: str = "") -> bytes:
    return (f"From: {sender}\r\nTo: bob@example.com\r\nSubject: {subject}\r\n"
            f"Message-ID: <{n}@tools.test>\r\n{refs}"
            f"Date: Tue, {n} Jan 2024 10:00:00 +0000\r\n\r\nBody {n}\r\n").encode()


LETTERS = [
    letter(3, "Plan", "carol@example.com"),
    letter(4, "Re: Plan", "alice@example.com", "In-Reply-To: <3@tools.test>\r\n"),
    letter(5, "Budget", "dave@example.com"),
    letter(6, "Re: Re: Plan", "bob@example.com", "References: <3@tools.test> <4@tools.test>\r\n"),
]


def raw(box: MailBoxUnencrypted, *args: str) -> list[bytes]:
    """One command through imap-tools' own imaplib connection; its untagged
    lines (imaplib files them by the response name)."""
    client = box.client
    if args[0] in imaplib.Commands:
        typ, data = client._simple_command(*args)  # type: ignore[attr-defined]
    else:  # imaplib's way to send a command it does not know
        typ, data = client.xatom(*args)
    assert typ == "OK", (args, data)
    found: list[bytes] = []
    for name in ("ESEARCH", "THREAD", "METADATA", "FETCH", "ENABLED", "STATUS"):
        found += [line for line in client.untagged_responses.pop(name, []) if isinstance(line, bytes)]
    return found


def library_session(port: int) -> dict[str, object]:
    seen: dict[str, object] = {}
    with MailBoxUnencrypted("127.0.0.1", port).login("bob", PASSWORD, initial_folder=None) as box:
        seen["enabled"] = raw(box, "ENABLE", "CONDSTORE")  # RFC 5161: before SELECT
        box.folder.create("Tools")
        box.folder.set("Tools")
        for n, body in enumerate(LETTERS):
            flags = [MailMessageFlags.SEEN] if n % 2 else []
            box.append(body, "Tools", datetime.datetime(2024, 2, 1 + n, tzinfo=UTC), flags)
        seen["status"] = box.folder.status("Tools", ["MESSAGES", "UNSEEN", "UIDNEXT"])
        seen["by_subject"] = box.uids(sort=[SortCriteria.SUBJECT_ASC, SortCriteria.DATE_DESC])
        seen["unseen_by_from"] = box.uids(AND(seen=False), sort=SortCriteria.FROM_ASC)
        seen["or"] = box.uids(OR(from_="alice", subject="Budget"))
        seen["newest_first"] = [m.subject for m in box.fetch(sort=SortCriteria.ARRIVAL_DT_DESC,
                                                             mark_seen=False)]
        box.flag(["1", "3"], MailMessageFlags.FLAGGED, True)
        seen["flagged"] = box.uids(AND(flagged=True))
        seen["threads"] = raw(box, "UID", "THREAD", "REFERENCES", "US-ASCII", "ALL")
        seen["esearch"] = raw(box, "UID", "SEARCH", "RETURN", "(MIN MAX COUNT ALL)", "UNSEEN")
        # RFC 5267 §3.2: MIN and MAX are the first and last in sort order.
        seen["esort"] = raw(box, "UID", "SORT", "RETURN", "(MIN MAX)", "(SUBJECT)", "US-ASCII", "ALL")
        raw(box, "SETMETADATA", "Tools", '(/private/comment "tools folder")')
        seen["metadata"] = raw(box, "GETMETADATA", "Tools", "/private/comment")
        modseq = re.search(rb"HIGHESTMODSEQ (\d+)", raw(box, "STATUS", "Tools", "(HIGHESTMODSEQ)")[0])
        assert modseq
        box.flag(["2"], MailMessageFlags.ANSWERED, True)
        seen["changed"] = raw(box, "UID", "FETCH", "1:*", "(FLAGS)", f"(CHANGEDSINCE {int(modseq.group(1))})")
    return seen


async def test_imap_tools_sort_thread_esearch_metadata_condstore(imap_server: RunningImap) -> None:
    seen = await asyncio.to_thread(library_session, imap_server.port)
    assert seen["status"] == {"MESSAGES": 4, "UNSEEN": 2, "UIDNEXT": 5}
    # Base subjects (RFC 5256 §2.1): budget, plan x3; plan ties newest first.
    assert seen["by_subject"] == ["3", "4", "2", "1"]
    assert seen["unseen_by_from"] == ["1", "3"]     # carol, dave
    assert seen["or"] == ["2", "3"]
    assert seen["newest_first"] == ["Re: Re: Plan", "Budget", "Re: Plan", "Plan"]
    assert seen["flagged"] == ["1", "3"]
    assert seen["threads"] == [b"(1 2 4)(3)"]
    assert re.fullmatch(rb'\(TAG "[^"]+"\) UID MIN 1 MAX 3 COUNT 2 ALL 1,3', seen["esearch"][0])  # type: ignore[index]
    assert re.fullmatch(rb'\(TAG "[^"]+"\) UID MIN 3 MAX 4', seen["esort"][0])  # type: ignore[index]
    assert seen["metadata"] == [b'"Tools" ("/private/comment" "tools folder")']
    assert seen["enabled"] == [b"CONDSTORE"]
    changed = seen["changed"]
    assert isinstance(changed, list) and len(changed) == 1
    assert re.fullmatch(rb"2 \(UID 2 FLAGS \(\\Recent \\Answered \\Seen\) MODSEQ \(\d+\)\)", changed[0])
