"""\\Recent (RFC 3501 §2.3.2) across sessions, as Cyrus and Dovecot keep it:
a message is recent to the first read-write session told of it (at SELECT,
or when it arrives while selected, APPEND and COPY by the session itself
included); EXAMINE shows \\Recent without claiming it; STATUS RECENT counts
what no session has claimed, or what the asking session holds. The last
test plays one multi-session script against Debian's Cyrus, where it runs,
and Roost, line for line. (bob's INBOX starts with 2 messages nobody saw.)"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from bench.imap_client import ImapClient
from tests.harness.imap import ImapTranscript, RunningImap
from tests.harness.master import free_port
from tests.harness.site import PASSWORD

NEW = "From: a@example.com\r\nSubject: new\r\n\r\nnew\r\n"
#: NEW as transcript lines, then the empty rest of the APPEND line.
LITERAL = "\n".join(f"C: {line}" for line in NEW.split("\r\n"))


async def opened(client: ImapTranscript, verb: str) -> list[str]:
    """`verb INBOX`: its EXISTS and RECENT lines."""
    lines = await client.command(f"{verb} INBOX")
    return [line for line in lines if line.endswith((" EXISTS", " RECENT"))]


async def test_examine_shows_recent_and_claims_nothing(imap: ImapTranscript,
                                                       imap2: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 STATUS INBOX (MESSAGES RECENT)
        S: * STATUS "INBOX" (MESSAGES 2 RECENT 2)
        S: a1 OK {…}
    """)
    assert await opened(imap2, "EXAMINE") == ["* 2 EXISTS", "* 2 RECENT"]
    await imap2.play(r"""
        C: b2 FETCH 1:2 (FLAGS)
        S: * 1 FETCH (FLAGS (\Recent))
        S: * 2 FETCH (FLAGS (\Recent))
        S: b2 OK {…}
    """)
    await imap.play(r"""
        C: a2 STATUS INBOX (RECENT)
        S: * STATUS "INBOX" (RECENT 2)
        S: a2 OK {…}
    """)
    assert await opened(imap, "SELECT") == ["* 2 EXISTS", "* 2 RECENT"]
    assert await opened(imap2, "SELECT") == ["* 2 EXISTS", "* 0 RECENT"]
    await imap2.play(r"""
        C: b4 STATUS INBOX (RECENT)
        S: * STATUS "INBOX" (RECENT 0)
        S: b4 OK {…}
        C: b5 FETCH 1:2 (FLAGS)
        S: * 1 FETCH (FLAGS ())
        S: * 2 FETCH (FLAGS ())
        S: b5 OK {…}
    """)


async def test_append_and_copy_into_the_selected_mailbox_are_recent_once(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap2.select("INBOX")
    await imap.play(fr"""
        C: a1 APPEND INBOX {{{len(NEW)}+}}
{LITERAL}
        S: * 3 EXISTS
        S: * 3 RECENT
        S: a1 OK [APPENDUID {{…}} 3] {{…}}
        C: a2 COPY 1 INBOX
        S: * 4 EXISTS
        S: * 4 RECENT
        S: a2 OK [COPYUID {{…}}] {{…}}
        C: a3 SEARCH RECENT
        S: * SEARCH 1 2 3 4
        S: a3 OK {{…}}
    """)
    await imap2.play(r"""
        C: b1 NOOP
        S: * 4 EXISTS
        S: * 0 RECENT
        S: b1 OK {…}
        C: b2 FETCH 3:4 (FLAGS)
        S: * 3 FETCH (FLAGS ())
        S: * 4 FETCH (FLAGS ())
        S: b2 OK {…}
        C: b3 SEARCH RECENT
        S: * SEARCH
        S: b3 OK {…}
    """)
    await imap.play(r"""
        C: a4 CLOSE
        S: a4 OK {…}
        C: a5 STATUS INBOX (RECENT)
        S: * STATUS "INBOX" (RECENT 0)
        S: a5 OK {…}
    """)


async def test_a_message_from_elsewhere_is_recent_to_the_first_session_told(
        imap: ImapTranscript, imap2: ImapTranscript) -> None:
    await imap.select("INBOX")
    await imap2.select("INBOX")
    await imap.play(fr"""
        C: a1 UNSELECT
        S: a1 OK {{…}}
        C: a2 APPEND INBOX {{{len(NEW)}+}}
{LITERAL}
        S: a2 OK {{…}}
        C: a3 STATUS INBOX (RECENT)
        S: * STATUS "INBOX" (RECENT 1)
        S: a3 OK {{…}}
    """)
    await imap2.play(r"""
        C: b1 NOOP
        S: * 3 EXISTS
        S: * 1 RECENT
        S: b1 OK {…}
        C: b2 STATUS INBOX (RECENT)
        S: * STATUS "INBOX" (RECENT 1)
        S: b2 OK {…}
    """)
    await imap.play(r"""
        C: a4 STATUS INBOX (RECENT)
        S: * STATUS "INBOX" (RECENT 0)
        S: a4 OK {…}
    """)


#: (session, command): the script both servers play.
SCRIPT = [
    ("A", "STATUS INBOX (MESSAGES RECENT)"), ("A", "APPEND INBOX"), ("A", "APPEND INBOX"),
    ("B", "EXAMINE INBOX"), ("B", "FETCH 1:* (FLAGS)"), ("A", "STATUS INBOX (RECENT)"),
    ("A", "SELECT INBOX"), ("B", "SELECT INBOX"), ("B", "FETCH 1:* (FLAGS)"),
    ("B", "STATUS INBOX (RECENT)"), ("A", "APPEND INBOX"), ("B", "NOOP"),
    ("B", "FETCH 1:* (FLAGS)"), ("A", "COPY 1 INBOX"), ("B", "NOOP"), ("A", "SEARCH RECENT"),
    ("B", "SEARCH RECENT"), ("A", "CLOSE"), ("A", "STATUS INBOX (RECENT)"),
    ("B", "APPEND INBOX"), ("B", "STATUS INBOX (RECENT)"), ("A", "STATUS INBOX (RECENT)"),
    ("A", "SELECT INBOX"), ("B", "LOGOUT"), ("C", "SELECT INBOX"), ("C", "FETCH 1:* (FLAGS)"),
]
_KEPT = re.compile(rb"\* (\d+ (EXISTS|RECENT|FETCH)|SEARCH|STATUS)")


async def _play(port: int, user: str, box: str) -> list[str]:
    """The script on one server; per command its status and the untagged
    lines that tell of \\Recent, mailbox names unquoted."""
    clients: dict[str, ImapClient] = {}
    seen: list[str] = []
    try:
        for who, command in SCRIPT:
            if who not in clients:
                clients[who] = await ImapClient.connect("127.0.0.1", port)
                assert (await clients[who].login(user, PASSWORD)).status == "OK"
            command = command.replace("INBOX", box)
            reply = await clients[who].command(command, NEW.encode() if "APPEND" in command
                                               else None)
            lines = [line.rstrip(b"\r\n").replace(b'"', b"").decode() for line in reply.untagged
                     if _KEPT.match(line)]
            seen.append(f"{who} {command}: {reply.status} {lines}")
    finally:
        for client in clients.values():
            await client.close()
    return seen


async def test_recent_as_cyrus(imap_server: RunningImap) -> None:
    from bench.cyrus_side import CYRUS_BIN, CyrusSide
    if not (Path(CYRUS_BIN) / "imapd").exists():
        pytest.skip(f"Debian's Cyrus is not installed ({CYRUS_BIN}/imapd missing)")
    side = CyrusSide(1, PASSWORD, imap_port=free_port())
    try:
        await asyncio.to_thread(side.start)
        imap_cyrus = await ImapClient.connect("127.0.0.1", side.imap_port)
        await imap_cyrus.login("user1", PASSWORD)
        await imap_cyrus.command("CREATE INBOX.Recent")
        await imap_cyrus.close()
    except Exception as err:  # noqa: BLE001 -- any failure to start means: skip, saying why
        tail = side.log_tail()
        side.stop()
        pytest.skip(f"Cyrus could not start on loopback: {err!r}\n{tail}")
    try:
        theirs = await _play(side.imap_port, "user1", "INBOX.Recent")
    finally:
        await asyncio.to_thread(side.stop)
    imap = await ImapClient.connect("127.0.0.1", imap_server.port)
    await imap.login("bob", PASSWORD)
    await imap.command("CREATE Recent")
    await imap.close()
    ours = await _play(imap_server.port, "bob", "Recent")
    assert [line.replace("INBOX.Recent", "Recent") for line in theirs] == ours
